"""A sheet of the workbook: rows written top to bottom, each value typed by its column's kind, wrapped text
measured for the row's height; and the sheet-wide features (filter, print area, merges, colours, the chart).

The cells themselves come from :class:`calculator.workbook.cells.Book`, the one place a string becomes a cell;
a row of them is written as finished XML where it can be (:mod:`calculator.workbook.xmlrows`).
A row's text cells are made once per column and text (with the lines they take at that width): the same
names, conditions and statuses recur for every person.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from calculator.i18n.formatting import line_height
from calculator.workbook.values import DATE, MONEY, WAN, Column, Formula, Link, Typed, quote_sheet
from calculator.workbook.xmlrows import XmlRowSheet

if TYPE_CHECKING:
    from calculator.workbook.cells import Book, CellValue

TEXT_KINDS = frozenset({"text", "wrap", "bold", "title", "heading", "header", "link"})
WRAPPING = frozenset({"wrap", "link"})


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
        self._xml = ws.add_row if isinstance(ws, XmlRowSheet) else None
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
        self.forget_plans()
        for index, width in enumerate(widths):
            self.ws.set_column(index, index, width)

    def set_height(self, row: int, points: float) -> None:
        """Give a row (1-based) a fixed height."""
        self.ws.set_row(row - 1, min(409.0, points))

    def fitted_height(self, texts: list[tuple[str, int]]) -> float | None:
        """The height a row needs for its wrapped texts (LibreOffice does not fit rows on opening a file), or None
        for the default."""
        lines = 1
        for text, column in texts:
            width = self.widths[column - 1] if column <= len(self.widths) else 10.0
            if len(text) * 1.6 >= width - 1 or "\n" in text:
                lines = max(lines, self.book.lines(text, width))
        return self.line_height * lines + 2 if lines > 1 else None

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
        height = self.fitted_height([(v, i) for i, v in enumerate(values, 1) if isinstance(v, str)])
        return self.append([self.book.text(self.ws, v, kind) for v in values], height)

    def append(self, cells: list[CellValue | None], height: float | None = None) -> int:
        """Write one row of cells (from :class:`Book`'s methods; ``None`` leaves a cell empty), ``height`` points
        high (None: the default): as finished XML where the sheet takes it (:mod:`calculator.workbook.xmlrows`),
        else cell by cell through XlsxWriter."""
        row = self.row_count
        if height is not None:
            height = min(409.0, height)
        if self._xml is None or not self._xml(row, cells, height):
            if height is not None:
                self.ws.set_row(row, height)
            self._write_cells(row, cells)
        self._last = cells
        self.row_count += 1
        return self.row_count

    def _write_cells(self, row: int, cells: list[CellValue | None]) -> None:
        ws = self.ws
        for col, cell in enumerate(cells):
            if cell is not None:
                how, value, fmt = cell
                if how(ws, row, col, value, fmt) < 0:
                    raise ValueError(f"{self.title}!{xl_col_to_name(col)}{row + 1}: the cell could not be written")

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
        return self.append(cells, self.line_height * lines + 2 if lines > 1 else None)

    def forget_plans(self) -> None:
        """Drop the row plans and the text cells made per column (the widths they were measured at changed)."""
        self._plans: dict[tuple[str, ...] | None, list[Any]] = {}  # per kinds of a row: see :meth:`_plan`
        self._texts: dict[tuple[str, float | None], dict[str, Any]] = {}

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
        if self._xml is not None:
            raise ValueError("merged cells need a sheet written cell by cell (Book.sheet(..., xml_rows=False))")
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
        if self._xml is not None:
            raise ValueError("a chart needs a sheet written cell by cell (Book.sheet(..., xml_rows=False))")
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
