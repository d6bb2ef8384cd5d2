"""The workbook's Book and Sheet on openpyxl's public API, for the record in ``benchmarks/workbook.py``.

Not used by the product (docs/performance.md): it exists to time the real builder on openpyxl (normal or
write-only mode) against XlsxWriter, writing the same cells with the same features. Styles are shared named
styles (the public way; per-cell fonts and fills are slower), user text is forced to text with
``cell.data_type = "s"`` and ``cell.quotePrefix``, and ``wb.save`` writes the package. Note that openpyxl's
``save`` puts every sheet through a temporary file, which the product must not do (docs/security.md).
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.chart import BarChart, Reference
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

from calculator.i18n.formatting import line_height
from calculator.workbook import cells
from calculator.workbook.cells import KIND_FORMATS, Column

QUOTED = {kind for kind, props in KIND_FORMATS.items() if props.get("quote_prefix")}


def named_style(name: str, kind: str, number_format: str | None) -> NamedStyle:
    props = KIND_FORMATS.get(kind, cells.TOP)
    align = {"vertical": "top"} if props.get("valign") else {}
    if props.get("text_wrap"):
        align["wrap_text"] = True
    if props.get("align"):
        align["horizontal"] = props["align"]
    font = Font(bold=props.get("bold"), size=props.get("font_size", 11),
                color=props["font_color"].lstrip("#") if "font_color" in props else None,
                underline="single" if props.get("underline") else None)
    style = NamedStyle(name=name, font=font, alignment=Alignment(**align))
    if props.get("pattern"):
        style.fill = PatternFill("solid", fgColor=props["bg_color"].lstrip("#"))
    for side in ("top", "bottom"):
        if props.get(side):
            style.border = Border(**{side: Side(style="thin", color=props[f"{side}_color"].lstrip("#"))})
    if number_format:
        style.number_format = number_format
    return style


class Book(cells.Book):
    """The same cells as :class:`calculator.workbook.cells.Book`, written with openpyxl."""

    write_only = False

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.wb = Workbook(write_only=self.write_only)
        if not self.write_only:
            self.wb.remove(self.wb.active)
        self.verbatim = cells.Verbatim()
        self._styles: dict[tuple[str, str | None], Any] = {}
        self._texts: dict[tuple[str, str], Any] = {}
        self._lines: dict[tuple[str, float], int] = {}

    def style(self, kind: str, number_format: str | None = None) -> Any:
        key = (kind, number_format)
        found = self._styles.get(key)
        if found is None:
            found = self._styles[key] = (f"s{len(self._styles)}", kind in QUOTED)
            self.wb.add_named_style(named_style(found[0], kind, number_format))
        return found

    def sheet(self, title: str, columns: list[Column] | None = None, freeze: bool = True,
              xml_rows: bool = True) -> Sheet:
        return Sheet(self, self.wb.create_sheet(title), columns or [], freeze)

    def properties(self, title: str, language: str) -> None:
        self.wb.properties.title = title
        self.wb.properties.language = language

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        self.wb.save(out)
        return out.getvalue()


class WriteOnlyBook(Book):
    write_only = True


def _value(how: Any, value: Any) -> tuple[Any, str | None]:
    """The cell value and the data type to force (text stays text; formulas are the builder's own)."""
    if how is cells.Worksheet.write_string:
        return value, "s"
    if how is cells.write_link:
        return value[1], "s"
    return value, None


class Sheet(cells.Sheet):
    def __init__(self, book: Book, ws: Any, columns: list[Column], freeze: bool) -> None:
        self.book, self.ws, self.columns = book, ws, columns
        self.row_count = 0
        self.lang = book.lang
        self.formats = {"money": cells.MONEY[book.lang], "wan": cells.WAN, "int": "0", "index": "0",
                        "date": cells.DATE}
        self.line_height = line_height(book.lang)
        self._last: list[Any] = []
        self.set_widths([c.width for c in columns])
        setup_print(ws)
        if columns:
            self.header([c.header for c in columns])
            if freeze:
                ws.freeze_panes = "A2"
                ws.print_title_rows = "1:1"

    @property
    def title(self) -> str:
        return self.ws.title

    def set_widths(self, widths: list[float]) -> None:
        self.widths = list(widths)
        self.forget_plans()
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def set_height(self, row: int, points: float) -> None:
        self.ws.row_dimensions[row].height = min(409.0, points)

    def append(self, cells_: list[Any], height: float | None = None) -> int:
        ws, row = self.ws, self.row_count + 1
        if height is not None:
            self.set_height(row, height)
        stream = self.book.write_only
        out: list[Any] = []
        for col, cell in enumerate(cells_, 1):
            if cell is None:
                out.append(None)
                continue
            how, value, (style, quoted) = cell
            value, forced = _value(how, value)
            target = WriteOnlyCell(ws, value) if stream else ws.cell(row=row, column=col, value=value)
            if forced:
                target.data_type = forced
            target.style = style
            if quoted:
                target.quotePrefix = True
            if how is cells.write_link:
                target.hyperlink = cell[1][0]
            out.append(target)
        if stream:
            ws.append(out)
        self._last = cells_
        self.row_count += 1
        return self.row_count

    def finish(self, filter_last_row: int | None = None) -> None:
        if self.columns:
            last = filter_last_row if filter_last_row is not None else self.row_count
            self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{max(last, 1)}"

    def print_everything(self, columns: int | None = None) -> None:
        columns = columns or max(len(self.columns), len(self.widths), 1)
        self.ws.print_area = f"A1:{get_column_letter(columns)}{max(self.row_count, 1)}"

    def merge(self, row: int, first: int, last: int) -> None:
        self.ws.merged_cells.add(f"{get_column_letter(first)}{row}:{get_column_letter(last)}{row}")

    def page_break(self) -> None:
        self.ws.row_breaks.append(Break(id=self.row_count))

    def colour_when_equal(self, cells_: str, value: str, colour: str) -> None:
        fill = PatternFill("solid", fgColor=colour.lstrip("#"))
        self.ws.conditional_formatting.add(cells_, CellIsRule(operator="equal", formula=[value], fill=fill))

    def bar_chart(self, title: str, header_row: int, values: tuple[int, ...], categories: int, number_format: str,
                  height_cm: float, width_cm: float = 24.0) -> None:
        chart = BarChart()
        chart.type, chart.style, chart.title = "bar", 10, title
        chart.y_axis.numFmt = number_format
        chart.y_axis.majorGridlines = None
        chart.x_axis.scaling.orientation = "maxMin"
        chart.add_data(Reference(self.ws, min_col=min(values), max_col=max(values), min_row=header_row,
                                 max_row=self.row_count), titles_from_data=True)
        chart.set_categories(Reference(self.ws, min_col=categories, min_row=header_row + 1, max_row=self.row_count))
        chart.width, chart.height = width_cm, height_cm
        chart.legend.position = "b"
        self.ws.add_chart(chart, f"A{self.row_count + 2}")


def setup_print(ws: Any) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.left.text = "&A"
    ws.oddFooter.right.text = "&P / &N"
