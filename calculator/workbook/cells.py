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
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from calculator.i18n.formatting import line_height
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

# Build in memory (no temporary files); strings are only ever written as strings.
OPTIONS = {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

HEADER_FILL = "#DDE7F0"
TOTAL_FILL = "#F2F2F2"
LINE = "#8EA9C1"
TEXT_KINDS = frozenset({"text", "wrap", "bold", "title", "heading", "header", "link"})
WRAPPING = frozenset({"wrap", "link"})
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


def _formula(ws: Worksheet, row: int, col: int, text: str, fmt: Format | None) -> int:
    """A formula with an empty cached result: Excel and LibreOffice then compute it on opening (a cached 0,
    XlsxWriter's default, is what LibreOffice shows until something forces a recalculation)."""
    return ws.write_formula(row, col, text, fmt, "")


def _url(ws: Worksheet, row: int, col: int, value: tuple[str, str], fmt: Format | None) -> int:
    url, label = value
    if ws.write_url(row, col, url, fmt, label) < 0:  # refused (too long, too many links): the label as text
        return ws.write_string(row, col, label, fmt)
    return 0


class Book:
    """A workbook in one language, built in memory, with a fixed set of cell formats."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
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
        return (_formula, formula.text, self.style(kind, number_format))

    def link(self, ws: Any, link: Link, row: int = 0, column: int = 0) -> CellValue | None:
        url = CONTROL.sub("", link.url).strip()
        if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
            return self.text(ws, link.label or link.url)
        cell = self.text(ws, link.label or url, "link")
        if cell is None:
            return None
        return (_url, (url, cell[1]), cell[2])

    # --- the workbook -----------------------------------------------------------------------------
    def sheet(self, title: str, columns: list[Column] | None = None, freeze: bool = True) -> Sheet:
        return Sheet(self, self.wb.add_worksheet(title), columns or [], freeze)

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


class Sheet:
    """Rows written top to bottom; cells typed by the column kind unless a value says otherwise."""

    def __init__(self, book: Book, ws: Worksheet, columns: list[Column], freeze: bool) -> None:
        self.book, self.ws, self.columns = book, ws, columns
        self.row_count = 0
        self.lang = book.lang
        self.formats = {"money": MONEY[book.lang], "wan": WAN, "int": "0", "index": "0", "date": DATE}
        self.line_height = line_height(book.lang)
        self.widths: list[float] = []
        self._breaks: list[int] = []
        self._last: list[Any] = []
        self.set_widths([c.width for c in columns])
        setup_print(ws)
        if columns:
            self.header([c.header for c in columns])
            if freeze:
                ws.freeze_panes(1, 0)
                ws.repeat_rows(0)

    @property
    def kinds(self) -> list[str]:
        return [c.kind for c in self.columns]

    @property
    def title(self) -> str:
        return self.ws.get_name()

    def set_widths(self, widths: list[float]) -> None:
        self.widths = list(widths)
        self._plans: dict[tuple[str, ...] | None, list[Any]] = {}  # per kinds of a row: see :meth:`_plan`
        self._texts: dict[tuple[str, float | None], dict[str, Any]] = {}
        for index, width in enumerate(widths):
            self.ws.set_column(index, index, width)

    def set_height(self, row: int, points: float) -> None:
        """Give a row (1-based) a fixed height."""
        self.ws.set_row(row - 1, min(409.0, points))

    def fit_height(self, row: int, texts: list[tuple[str, int]]) -> None:
        """Set the row's height for its wrapped texts (LibreOffice does not fit rows on opening a file)."""
        lines = 1
        for text, column in texts:
            width = self.widths[column - 1] if column <= len(self.widths) else 10.0
            if len(text) * 1.6 >= width - 1 or "\n" in text:
                lines = max(lines, self.book.lines(text, width))
        if lines > 1:
            self.set_height(row, self.line_height * lines + 2)

    def ref(self, column: int, row: int, absolute: bool = True) -> str:
        """A cell reference on this sheet for formulas on other sheets: ``'Programs'!$H$2``."""
        letter = xl_col_to_name(column - 1)
        cell = f"${letter}${row}" if absolute else f"{letter}{row}"
        return f"{quote_sheet(self.title)}!{cell}"

    def range(self, column: int, first: int, last: int) -> str:
        letter = xl_col_to_name(column - 1)
        return f"{quote_sheet(self.title)}!${letter}${first}:${letter}${last}"

    # --- rows -------------------------------------------------------------------------------------
    def header(self, values: list[Any], kind: str = "header") -> int:
        self.fit_height(self.row_count + 1, [(v, i) for i, v in enumerate(values, 1) if isinstance(v, str)])
        return self.append([self.book.text(self.ws, v, kind) for v in values])

    def append(self, cells: list[CellValue | None]) -> int:
        """Write one row of cells (from :class:`Book`'s methods; ``None`` leaves a cell empty)."""
        ws, row = self.ws, self.row_count
        for col, cell in enumerate(cells):
            if cell is not None:
                how, value, fmt = cell
                if how(ws, row, col, value, fmt) < 0:
                    raise ValueError(f"{self.title}!{xl_col_to_name(col)}{row + 1}: the cell could not be written")
        self._last = cells
        self.row_count += 1
        return self.row_count

    def blank(self) -> int:
        return self.append([])

    def row(self, values: list[Any], kinds: list[str] | None = None) -> int:
        """Append one row: each value typed by its column's kind (or ``kinds``); returns the row number."""
        plan = self._plans.get(None if kinds is None else tuple(kinds))
        if plan is None:
            plan = self._plan(kinds)
        number = self.row_count + 1
        lines = 1
        cells: list[Any] = []
        add = cells.append
        for value, (kind, texts, wrapping, width) in zip(values, plan, strict=False):
            if value is None:
                add(None)
            elif texts is not None and type(value) is str:  # the common case: text made (and measured) once
                found = texts.get(value)
                if found is None:
                    found = texts[value] = self._text_cell(value, kind, wrapping, width)
                add(found[0])
                if found[1] > lines:
                    lines = found[1]
            else:
                add(self.cell(value, kind, number, len(cells) + 1))
                if wrapping and width is not None:
                    text = value.fallback if isinstance(value, Typed) and value.value is not None else \
                        value.label if isinstance(value, Link) else None
                    if text is not None:
                        lines = max(lines, self._lines_in(text, width))
        if lines > 1:
            self.set_height(number, self.line_height * lines + 2)
        return self.append(cells)

    def _plan(self, kinds: list[str] | None) -> list[tuple[str, dict[str, Any] | None, bool, float | None]]:
        """Per column: its kind, the text cells made for it (text kinds only), whether it wraps, its width."""
        widths = self.widths
        plan = []
        for index, kind in enumerate(self.kinds if kinds is None else kinds):
            texts = self._texts.setdefault((kind, widths[index] if index < len(widths) else None), {}) \
                if kind in TEXT_KINDS else None
            plan.append((kind, texts, kind in WRAPPING, widths[index] if index < len(widths) else None))
        self._plans[None if kinds is None else tuple(kinds)] = plan
        return plan

    def _text_cell(self, value: str, kind: str, wrapping: bool, width: float | None) -> tuple[CellValue | None, int]:
        """A text cell and how many lines it takes in its column (1 unless it wraps there)."""
        cell = self.book.text(self.ws, value, kind)
        return cell, self._lines_in(value, width) if wrapping and width is not None else 1

    def _lines_in(self, text: str, width: float) -> int:
        if len(text) * 1.6 >= width - 1 or "\n" in text:
            return self.book.lines(text, width)
        return 1

    def cell(self, value: Any, kind: str, row: int, column: int) -> CellValue | None:
        """One cell. Kinds: text, wrap, bold, link, money, wan, int, number, date; ``…_total`` for a totals row."""
        if value is None:
            return None
        book, ws = self.book, self.ws
        base = kind.removesuffix("_total")
        style = "total" if kind.endswith("_total") else "center" if base == "index" else "number"
        kind_of = type(value)
        if kind_of is int or kind_of is float or kind_of is Decimal:  # the common case first (bool is no int here)
            return book.number(ws, value, self.formats.get(base) or ("0" if kind_of is int else None), style)
        if kind_of is Typed:
            return value.cell(book, ws)
        if isinstance(value, str):
            if base == "date":
                return book.date(ws, value)
            return book.text(ws, value, base if base in TEXT_KINDS else "text")
        if isinstance(value, Formula):
            return book.formula(ws, value, self.formats.get(base), style)
        if isinstance(value, Link):
            return book.link(ws, value, row, column)
        if isinstance(value, Typed):
            return value.cell(book, ws)
        if isinstance(value, dt.date):
            return book.date(ws, value)
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            fmt = self.formats.get(base) or ("0" if isinstance(value, int) else None)
            return book.number(ws, value, fmt, style)
        return book.text(ws, value)

    # --- whole-sheet features ---------------------------------------------------------------------
    def finish(self, filter_last_row: int | None = None) -> None:
        """Autofilter over the table (header row to ``filter_last_row``)."""
        if self.columns:
            last = filter_last_row if filter_last_row is not None else self.row_count
            self.ws.autofilter(0, 0, max(last, 1) - 1, len(self.columns) - 1)

    def print_everything(self, columns: int | None = None) -> None:
        """Print every row written, up to the last column (unwrapped text would otherwise widen the page)."""
        columns = columns or max(len(self.columns), len(self.widths), 1)
        self.ws.print_area(0, 0, max(self.row_count, 1) - 1, columns - 1)

    def merge(self, row: int, first: int, last: int) -> None:
        """Merge columns ``first``..``last`` of the row just written (1-based), keeping its first cell."""
        if row != self.row_count:
            raise ValueError("only the row just written can be merged")
        cell = self._last[first - 1] if first <= len(self._last) else None
        self.ws.merge_range(row - 1, first - 1, row - 1, last - 1, "", cell[2] if cell else None)
        if cell is not None:
            cell[0](self.ws, row - 1, first - 1, cell[1], cell[2])

    def page_break(self) -> None:
        """Start a new printed page after the rows written so far."""
        self._breaks.append(self.row_count)
        self.ws.set_h_pagebreaks(self._breaks)

    def colour_when_equal(self, cells: str, value: str, colour: str) -> None:
        """Conditional formatting: fill ``cells`` (``F2:F40``) with ``colour`` where they equal ``value`` (an
        Excel expression, e.g. a quoted string)."""
        self.ws.conditional_format(cells, {"type": "cell", "criteria": "equal to", "value": value,
                                           "format": self.book.fill(colour)})

    def bar_chart(self, title: str, header_row: int, values: tuple[int, ...], categories: int, number_format: str,
                  height_cm: float, width_cm: float = 24.0) -> None:
        """A horizontal bar chart of the rows below ``header_row`` (to the last row written), one series per
        column in ``values`` (named by its header), bars in table order, placed two rows below the table."""
        first, last = header_row + 1, self.row_count
        chart = self.book.wb.add_chart({"type": "bar"})
        for column in values:
            chart.add_series({"name": "=" + self.ref(column, header_row),
                              "values": "=" + self.range(column, first, last),
                              "categories": "=" + self.range(categories, first, last)})
        chart.set_style(10)
        chart.set_title({"name": title})
        chart.set_x_axis({"num_format": number_format, "major_gridlines": {"visible": False}})
        chart.set_y_axis({"reverse": True})  # first program on top, as in the table
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": round(width_cm / 2.54 * 96), "height": round(height_cm / 2.54 * 96)})
        self.ws.insert_chart(last + 1, 0, chart)


def setup_print(ws: Worksheet) -> None:
    """Landscape A4, fitted to the page width (as many pages down as needed), the sheet name in the header and
    page numbers in the footer."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
    ws.set_header("&L&A", {"margin": 0.3})
    ws.set_footer("&R&P / &N", {"margin": 0.3})



__all__ = ["CONTROL", "DATE", "MAX_CELL_TEXT", "MONEY", "WAN", "Book", "CellValue", "Column", "Formula", "Link",
           "Sheet", "Typed", "clean_text", "quote_sheet", "text_lines", "unit_format"]
