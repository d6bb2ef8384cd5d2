"""Rows of the result workbook's large sheets (Summary, Status matrix, Detail) as finished sheet XML, made where the
row is assessed: in a worker process when there are several (:mod:`calculator.batch.parallel`), so the process
writing the workbook only numbers and appends them (:meth:`calculator.batch.writer.ResultWriter.row_xml`).

That process was the limit on two cores: writing cells through XlsxWriter took most of its time. Each row here is
the XML XlsxWriter's constant_memory mode writes for the same values (inline strings, the same number formatting,
the height of wrapped rows), with the row number left as :data:`NUMBER` for the writing process to fill in; the
style of each cell is its index in the workbook's style table, which the writer fixes before any row is assessed
(:meth:`~calculator.batch.writer.ResultWriter.styles`). Text is cleaned as every text cell is
(:func:`cell_text`); text XlsxWriter would not store exactly (``calculator.workbook.verbatim``) is escaped exactly
here, so no placeholder is needed.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import lru_cache
from typing import Any

from xlsxwriter.utility import xl_col_to_name

from calculator.batch.layout import LINE_POINTS, PADDING_POINTS, text_width, wrapped_lines
from calculator.batch.sheets import Col
from calculator.workbook.cells import clean_text
from calculator.workbook.verbatim import needs_verbatim, xml_text

NUMBER = "\x00"         # the row's number, filled in by the writing process: no cell holds it (control characters
ROW_SHEETS = ("summary", "matrix", "detail")  # are removed from text) -- the sheets whose rows are made here
TEXT_FORMATS = frozenset({"text", "wrap", "status", "link", "header", "bold", "total"})  # writer.FORMATS' kinds
WRAPPING = frozenset({"wrap", "status"})
MAX_HEIGHT = 409.0      # points: a spreadsheet row's limit
ESCAPE = re.compile("[&<>]")
PRESERVE = re.compile(r"^\s|\s$")  # XlsxWriter's test for xml:space="preserve"
CACHED_TEXT = 1000  # longer texts are not kept by the cache of text cells, so it holds at most ~20 MB per process

StyleKey = tuple[str, "str | None"]


def cell_text(value: Any, lang: str) -> tuple[str, str | None]:
    """THE way a string enters the result workbook: cleaned of control characters and cut to a cell's limit.

    Returns the text and, when XlsxWriter would not store it exactly (``calculator.workbook.verbatim``), the
    exact XML of its ``<t>`` element (else None)."""
    text = value if type(value) is str else str(value)
    if not text.isprintable() or "_x" in text or len(text) > 16_000 or text[:3] == "<r>":
        text = clean_text(text, lang)
        if needs_verbatim(text):
            return text, f'<t xml:space="preserve">{xml_text(text)}</t>'
    return text, None


def style_keys(kinds: set[str], numbers: dict[str, str]) -> list[StyleKey]:
    """Every (format kind, number format) a cell of a column of one of ``kinds`` may be written with (see
    :meth:`RowXml.row`), in a fixed order."""
    keys: list[StyleKey] = []
    for kind in sorted(kinds):
        for key in ((kind, numbers.get(kind)), (kind, numbers.get(kind, "0")),
                    (kind if kind in TEXT_FORMATS else "text", None)):
            if key not in keys:
                keys.append(key)
    if ("date", numbers["date"]) not in keys:
        keys.append(("date", numbers["date"]))
    return keys


class RowXml:
    """Makes the XML rows of the large sheets for one workbook: its columns, number formats and style indexes."""

    def __init__(self, cols: dict[str, list[Col]], numbers: dict[str, str], styles: dict[StyleKey, int],
                 lang: str) -> None:
        self.cols, self.numbers, self.styles, self.lang = cols, numbers, styles, lang
        self.refs = {key: [f'<c r="{xl_col_to_name(i)}{NUMBER}"' for i in range(len(c))] for key, c in cols.items()}
        self.kinds = {key: [c.kind for c in cols_] for key, cols_ in cols.items()}
        self.widths = {key: [c.width if c.kind in WRAPPING else 0.0 for c in cols_] for key, cols_ in cols.items()}

    def row(self, key: str, values: list[Any]) -> str:
        """One row of sheet ``key`` (``None`` values leave their cell empty), as ``<row>`` XML numbered
        :data:`NUMBER`; the cells are what :meth:`calculator.batch.writer.ResultWriter.row` would write."""
        kinds, refs, widths, styles, numbers = self.kinds[key], self.refs[key], self.widths[key], self.styles, \
            self.numbers
        cells: list[str] = []
        lines = 1
        for index, value in enumerate(values):
            if value is None:
                continue
            known = index < len(kinds)
            kind = kinds[index] if known else "text"
            ref = refs[index] if known else f'<c r="{xl_col_to_name(index)}{NUMBER}"'
            if type(value) is str:
                make = _text_cell if len(value) <= CACHED_TEXT else _text_cell.__wrapped__
                found = make(value, styles[kind if kind in TEXT_FORMATS else "text", None],
                             widths[index] if known else 0.0, self.lang)
                if found is not None:
                    cells.append(ref + found[0])
                    lines = max(lines, found[1])
            elif isinstance(value, Decimal):
                if value.is_finite():
                    cells.append(f'{ref} s="{styles[kind, numbers.get(kind)]}"><v>{float(value):.16G}</v></c>')
            elif isinstance(value, int | float) and not isinstance(value, bool):
                cells.append(f'{ref} s="{styles[kind, numbers.get(kind, "0")]}"><v>{value:.16G}</v></c>')
            elif isinstance(value, dt.date):
                serial = excel_date(value)
                cells.append(f'{ref} s="{styles["date", numbers["date"]]}"><v>{serial:.16G}</v></c>')
            else:  # anything else is written as its text
                found = _text_cell(str(value), styles[kind if kind in TEXT_FORMATS else "text", None],
                                   widths[index] if known else 0.0, self.lang)
                if found is not None:
                    cells.append(ref + found[0])
                    lines = max(lines, found[1])
        if lines > 1:
            return f'<row r="{NUMBER}" ht="{row_height(lines)}" customHeight="1">{"".join(cells)}</row>'
        return f'<row r="{NUMBER}">{"".join(cells)}</row>'


@lru_cache(maxsize=4096)  # program names, status words, reasons and gaps recur on many rows; bounded (CACHED_TEXT)
def _text_cell(value: str, style: int, width: float, lang: str) -> tuple[str, int] | None:
    """A text cell after its reference (``s="…" t="inlineStr"><is><t>…</t></is></c>``) and the lines it takes in a
    wrapping column ``width`` wide (0: not wrapping); None for a text that is empty once cleaned."""
    text, exact = cell_text(value, lang)
    if not text:
        return None
    if exact is None:
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;") if ESCAPE.search(text) \
            else text
        exact = f'<t xml:space="preserve">{escaped}</t>' if PRESERVE.search(text) else f"<t>{escaped}</t>"
    return f' s="{style}" t="inlineStr"><is>{exact}</is></c>', lines_of(text, width) if width else 1


def excel_date(value: dt.date) -> float:
    """A date (or naive date and time) as Excel's serial number, as XlsxWriter's ``write_datetime`` stores it
    (1900 date system, with Excel's phantom 29 February 1900)."""
    start = dt.datetime(1899, 12, 31)
    moment = value if isinstance(value, dt.datetime) else dt.datetime(value.year, value.month, value.day)
    delta = moment.replace(tzinfo=None) - start
    serial = delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400
    return serial + 1 if serial > 59 else serial


def row_height(lines: int) -> str:
    """A row's height attribute for ``lines`` lines of wrapped text, as XlsxWriter's ``set_row`` writes it (it
    keeps whole pixels)."""
    points = min(MAX_HEIGHT, lines * LINE_POINTS + PADDING_POINTS)
    return f"{int(points * 4.0 / 3.0 + 0.5) * 0.75:.16g}"


@lru_cache(maxsize=4096)  # the same reasons and gaps recur on many rows; bounded
def lines_of(text: str, width: float) -> int:
    """How many lines a wrapped text takes in a column (a cheap check first: most cells fit on one line)."""
    if "\n" not in text and len(text) * 2.2 < width - 1.5:
        return 1
    if "\n" not in text and text_width(text) < width - 1.5:
        return 1
    return wrapped_lines(text, width)
