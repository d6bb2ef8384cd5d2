"""Cells for an XlsxWriter workbook: the one place a string becomes a cell.

Every string goes through :func:`clean_text` and :meth:`Book.text`, which writes it with XlsxWriter's
``write_string``: stored as text whatever it starts with (``=``, ``+``, ``-``, ``@``, a tab…), and every text
format carries Excel's *quote prefix*, so re-editing the cell in Excel or LibreOffice keeps it text as well.
Formulas are written only through :class:`Formula`, which the builder creates itself. Control characters are
removed; text longer than a cell can hold is cut with a visible note; text XlsxWriter would store wrongly
(carriage returns, ``_xHHHH_`` sequences, ``<r>…</r>``) is put in place exactly by
:mod:`calculator.workbook.verbatim`. The workbook is built in memory (no temporary file: docs/security.md).
"""

from __future__ import annotations

import datetime as dt
import io
import math
from decimal import Decimal
from typing import Any

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from calculator.workbook.sheet import Sheet, setup_print
from calculator.workbook.values import (  # re-exported: the builder and the Inputs sheet import them from here
    CONTROL,
    DATE,
    MAX_CELL_TEXT,
    MONEY,
    WAN,
    Column,
    Formula,
    Link,
    Typed,
    clean_text,
    quote_sheet,
    text_lines,
    unit_format,
)
from calculator.workbook.verbatim import Verbatim, needs_verbatim
from calculator.workbook.xmlrows import XmlRowSheet, write_formula, write_link

# Build in memory (no temporary files); strings are only ever written as strings.
OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

HEADER_FILL = "#DDE7F0"
TOTAL_FILL = "#F2F2F2"
LINE = "#8EA9C1"
TOP = {"valign": "top"}
# Cell formats by kind (text kinds carry the quote prefix); a number format is added per cell kind.
KIND_FORMATS: dict[str, dict[str, Any]] = {
    "text": {**TOP, "quote_prefix": True},
    "wrap": {**TOP, "text_wrap": True, "quote_prefix": True},
    "link": {**TOP, "text_wrap": True, "quote_prefix": True, "font_color": "#0563C1", "underline": 1},
    "header": {**TOP, "bold": True, "text_wrap": True, "quote_prefix": True, "pattern": 1, "bg_color": HEADER_FILL,
               "bottom": 1, "bottom_color": LINE},
    "title": {"bold": True, "font_size": 14, "quote_prefix": True},
    "heading": {"bold": True, "font_size": 12, "quote_prefix": True},
    "bold": {**TOP, "bold": True, "quote_prefix": True},
    "total": {**TOP, "bold": True, "pattern": 1, "bg_color": TOTAL_FILL, "top": 1, "top_color": LINE},
    "number": TOP,
    "left": {**TOP, "align": "left"},
    "center": {**TOP, "align": "center"},
}

# A cell waiting to be written: (how, value, format); ``how`` is called as how(ws, row, col, value, format).
CellValue = tuple[Any, Any, Format | None]


class Book:
    """A workbook in one language, built in memory, with a fixed set of cell formats.

    Its sheets take rows of plain cells as finished XML (:mod:`calculator.workbook.xmlrows`: the same package,
    built faster); ``xml_rows=False`` writes every cell through XlsxWriter (the reference the tests compare with).
    """

    def __init__(self, lang: str, xml_rows: bool = True) -> None:
        self.lang = lang
        self.xml_rows = xml_rows
        self._buffer = io.BytesIO()
        self.wb = xlsxwriter.Workbook(self._buffer, OPTIONS)
        self.verbatim = Verbatim()
        self._styles: dict[tuple[str, str | None], Format] = {}
        self._fills: dict[str, Format] = {}
        self._texts: dict[tuple[str, str], CellValue] = {}
        self._lines: dict[tuple[str, float], int] = {}

    # --- formats ----------------------------------------------------------------------------------
    def style(self, kind: str, number_format: str | None = None) -> Format:
        """The format for a kind of cell (and number format), created once per workbook."""
        key = (kind, number_format)
        found = self._styles.get(key)
        if found is None:
            props = dict(KIND_FORMATS.get(kind, TOP))
            if number_format is not None:
                props["num_format"] = number_format
            found = self._styles[key] = self.wb.add_format(props)
        return found

    def fill(self, colour: str) -> Format:
        """A background colour for conditional formatting."""
        found = self._fills.get(colour)
        if found is None:
            found = self._fills[colour] = self.wb.add_format({"bg_color": colour})
        return found

    # --- cells (``ws`` is accepted for the callers' sake; the sheet writes the cell) ----------------
    def text(self, ws: Any, value: Any, kind: str = "text") -> CellValue | None:
        """THE way user-supplied (and any other) text enters the workbook: always a text cell.

        Made once per text and kind (the same conditions, names and statuses recur for every person).
        """
        if value is None:
            return None
        key = (value, kind) if type(value) is str else None
        found = self._texts.get(key) if key is not None else None
        if found is not None:
            return found
        text = value if type(value) is str else str(value)
        if not text.isprintable() or "_x" in text or len(text) > 16_000 or text[:3] == "<r>":
            text = clean_text(text, self.lang)  # the fast test above passes only text needing no change
            if needs_verbatim(text):
                text = self.verbatim.placeholder(text)
        if not text:
            return None
        found = (Worksheet.write_string, text, self.style(kind))
        if key is not None:
            self._texts[key] = found
        return found

    def lines(self, text: str, width: float) -> int:
        """:func:`text_lines`, remembered per text and width."""
        key = (text, width)
        found = self._lines.get(key)
        if found is None:
            found = self._lines[key] = text_lines(text, width)
        return found

    def number(self, ws: Any, value: Any, number_format: str | None = None,
               kind: str = "number") -> CellValue | None:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, Decimal):
            value = float(value) if value.is_finite() else None
        elif not isinstance(value, int | float):
            raise TypeError(f"not a number: {value!r}")
        if value is None or (isinstance(value, float) and not math.isfinite(value)):
            return None
        return (Worksheet.write_number, value, self.style(kind, number_format))

    def date(self, ws: Any, value: Any, kind: str = "number") -> CellValue | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        if isinstance(value, dt.datetime):
            value = value.date()
        return (Worksheet.write_datetime, value, self.style(kind, DATE))

    def formula(self, ws: Any, formula: Formula, number_format: str | None = None,
                kind: str = "number") -> CellValue:
        return (write_formula, formula.text, self.style(kind, number_format))

    def link(self, ws: Any, link: Link, row: int = 0, column: int = 0) -> CellValue | None:
        url = CONTROL.sub("", link.url).strip()
        if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
            return self.text(ws, link.label or link.url)
        cell = self.text(ws, link.label or url, "link")
        if cell is None:
            return None
        return (write_link, (url, cell[1]), cell[2])

    # --- the workbook -----------------------------------------------------------------------------
    def sheet(self, title: str, columns: list[Column] | None = None, freeze: bool = True,
              xml_rows: bool = True) -> Sheet:
        """A new sheet; ``xml_rows=False`` for one whose cells XlsxWriter must hold: a chart's (its cached values
        are read from them) or merged cells'."""
        kind = XmlRowSheet if xml_rows and self.xml_rows else Worksheet
        return Sheet(self, self.wb.add_worksheet(title, worksheet_class=kind), columns or [], freeze)

    def properties(self, title: str, language: str) -> None:
        """Document properties: the title, and the language as a custom property (XlsxWriter has no
        ``dc:language``)."""
        self.wb.set_properties({"title": title})
        self.wb.set_custom_property("Language", language)

    def to_bytes(self) -> bytes:
        """The .xlsx bytes (built in memory; text placed verbatim where needed)."""
        self.wb.close()
        data = self._buffer.getvalue()
        if self.verbatim:
            out = io.BytesIO()
            self.verbatim.substitute(io.BytesIO(data), out, compresslevel=1)
            data = out.getvalue()
        return data


__all__ = ["CONTROL", "DATE", "MAX_CELL_TEXT", "MONEY", "WAN", "Book", "CellValue", "Column", "Formula", "Link",
           "Sheet", "Typed", "clean_text", "quote_sheet", "setup_print", "text_lines", "unit_format", "write_formula",
           "write_link"]
