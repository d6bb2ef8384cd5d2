"""Values for workbook cells: text made safe for a cell, formulas, links, columns, typed values and their
number formats, and how many lines a wrapped text takes. No spreadsheet library here."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from math import ceil
from typing import TYPE_CHECKING, Any

from calculator.i18n.words import unit_suffix
from calculator.workbook.labels import word

if TYPE_CHECKING:
    from calculator.workbook.cells import Book, CellValue

MAX_CELL_TEXT = 32_767  # Excel's limit, in UTF-16 code units
# C0 and C1 controls except tab, line feed and carriage return; lone surrogates; the two XML non-characters.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
MONEY = {"en": '"CNY "#,##0.00', "zh": '"¥"#,##0.00'}
WAN = "#,##0.00"
DATE = "yyyy-mm-dd"
def clean_text(value: Any, lang: str) -> str:
    """Text safe to store in a cell: no control characters, within the limit (with a note saying so)."""
    text = value if isinstance(value, str) else str(value)
    text = CONTROL.sub("", text)
    if len(text) * 2 > MAX_CELL_TEXT:  # cheap pre-check: only long text can be over the limit
        units = len(text.encode("utf-16-le")) // 2
        if units > MAX_CELL_TEXT:
            note = word("cut", lang, n=len(text))
            keep = MAX_CELL_TEXT - len(note.encode("utf-16-le")) // 2
            head = text.encode("utf-16-le")[: keep * 2].decode("utf-16-le", errors="ignore")
            text = head + note
    return text


@dataclass(frozen=True, slots=True)
class Formula:
    """A formula the builder wrote itself (never user text): ``Formula("=SUM(B2:B9)")``."""

    text: str


@dataclass(frozen=True, slots=True)
class Link:
    """A clickable address (http or https only) shown as ``label`` (default: the address)."""

    url: str
    label: str | None = None


@dataclass(frozen=True, slots=True)
class Column:
    """One column: header, width and kind (text, wrap, money, wan, date, int, number, link, bold)."""

    header: str
    width: float
    kind: str = "text"


# A cell waiting to be written: (how, value, format); ``how`` is called as how(ws, row, col, value, format).
@dataclass(frozen=True, slots=True)
class Typed:
    """A raw value with its unit (money, ratio, percent, count, date…): a number or date cell where possible."""

    value: Any
    unit: str | None
    fallback: str | None = None  # shown when the value cannot be a number or a date
    lang: str = "en"

    def cell(self, book: Book, ws: Any) -> CellValue | None:
        value, unit = self.value, self.unit
        if value is None:
            return None  # nothing given: an empty cell
        if isinstance(value, bool):
            return book.text(ws, self.fallback)
        if isinstance(value, dt.date):
            return book.date(ws, value)
        if isinstance(value, str):
            if unit == "date" or ISO_DATE.fullmatch(value):
                try:
                    return book.date(ws, dt.date.fromisoformat(value))
                except ValueError:
                    pass
            return book.text(ws, self.fallback if self.fallback is not None else value)
        if isinstance(value, int | float | Decimal):
            return book.number(ws, value, unit_format(unit, value, self.lang))
        return book.text(ws, self.fallback if self.fallback is not None else value)


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def unit_format(unit: str | None, value: Any, lang: str) -> str | None:
    """A number format for a value in a unit: CNY, ratio (as %), percent, year, counts with their word."""
    try:
        integral = Decimal(value) == Decimal(value).to_integral_value()
    except (ArithmeticError, ValueError):
        integral = False
    base = "#,##0" if integral else "#,##0.0##"
    if unit == "CNY":
        return MONEY[lang]
    if unit == "ratio":
        return "0.0%"
    if unit in ("%", "percent"):
        return f'{"0" if integral else "0.0##"}"%"'
    if unit in ("year", "CNY per HKD"):
        return "0" if integral else "0.0###"
    suffix = unit_suffix(unit, lang)
    if suffix:
        return f'{base}"{suffix}"'
    return base


def text_lines(text: str, width: float) -> int:
    """About how many lines ``text`` takes wrapped in a column ``width`` characters wide.

    East Asian characters are wider than Latin ones (about 1.6 widths of "0" as rendered here): their count
    is estimated from the UTF-8 length (three bytes each, against one for ASCII), which is much faster than
    looking up every character. Errs on the tall side: a cut-off line is worse than a little white space.
    """
    usable = max(width - 1.0, 1.0)
    lines = 0
    for part in text.split("\n"):
        n = len(part)
        wide = (len(part.encode("utf-8")) - n) // 2
        lines += max(1, ceil((n + 0.6 * wide) / usable))
    return lines


def quote_sheet(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


