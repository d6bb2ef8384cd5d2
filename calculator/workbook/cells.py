"""Cells for an openpyxl workbook: the one place a string becomes a cell.

Every string goes through :func:`clean_text` and :meth:`Book.text`, which stores it as text: openpyxl turns
any string starting with ``=`` into a formula (and ``#N/A``-like strings into error cells), so the data type
is forced to text after assignment, and the cell style carries Excel's *quote prefix* so that re-editing the
cell in Excel or LibreOffice keeps it text as well. Formulas are written only through :class:`Formula`,
which the builder creates itself. Control characters are removed; text longer than a cell can hold is cut
with a visible note. Carriage returns survive (see :func:`keep_carriage_returns`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from math import ceil
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.writer.excel import ExcelWriter

from calculator.i18n.formatting import line_height
from calculator.i18n.words import unit_suffix
from calculator.workbook.labels import word

# openpyxl's write-only mode was measured slower here than the normal mode (styled cells take a detour
# through an exception there, and each sheet goes through a temporary file): docs/performance.md.
WRITE_ONLY = False
MAX_CELL_TEXT = 32_767  # Excel's limit, in UTF-16 code units
# C0 and C1 controls except tab, line feed and carriage return; lone surrogates; the two XML non-characters.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Excel reads _xHHHH_ in cell text as an escaped character; a literal one is written as _x005F_xHHHH_.
EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
PARTIAL_ESCAPE = re.compile(r"_(?:x[0-9A-Fa-f_]{0,11})?$")

MONEY = {"en": '"CNY "#,##0.00', "zh": '"¥"#,##0.00'}
WAN = "#,##0.00"
DATE = "yyyy-mm-dd"
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
TOTAL_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="8EA9C1")
TEXT_KINDS = frozenset({"text", "wrap", "bold", "title", "heading", "header", "link"})
WRAPPING = frozenset({"wrap", "link"})


def clean_text(value: Any, lang: str) -> str:
    """Text safe to store in a cell: no control characters, Excel escapes kept literal, within the limit."""
    text = value if isinstance(value, str) else str(value)
    text = CONTROL.sub("", text)
    if "_x" in text:
        text = EXCEL_ESCAPE.sub(r"_x005F_\1", text)
    if len(text) * 2 > MAX_CELL_TEXT:  # cheap pre-check: only long text can be over the limit
        units = len(text.encode("utf-16-le")) // 2
        if units > MAX_CELL_TEXT:
            note = word("cut", lang, n=len(text))
            keep = MAX_CELL_TEXT - len(note.encode("utf-16-le")) // 2
            head = text.encode("utf-16-le")[: keep * 2].decode("utf-16-le", errors="ignore")
            text = PARTIAL_ESCAPE.sub("", head) + note
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


class _Cell(Cell):
    """A cell with a cheap ``repr``.

    In write-only mode openpyxl first tries to assign an appended cell as a *value* and falls back to the
    cell when that fails; the failure formats the cell's ``repr`` into an error message that is dropped.
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return "<cell>"


class _FrozenStyle(StyleArray):
    """A style array that is never changed once made, so its hash is computed once.

    openpyxl looks every cell's style up by hash when it writes the sheet; thousands of cells share a
    handful of these arrays.
    """

    __slots__ = ("_hash",)

    def __new__(cls, values: Any) -> _FrozenStyle:
        self = super().__new__(cls, values)
        self._hash = hash(tuple(self))
        return self

    def __hash__(self) -> int:
        return self._hash


class _StyleHost:
    """Lets a detached template cell register styles with the workbook."""

    def __init__(self, workbook: Workbook) -> None:
        self.parent = workbook


class Book:
    """A workbook in one language, with a fixed set of cell styles."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.wb = Workbook(write_only=WRITE_ONLY)
        if not WRITE_ONLY:
            self.wb.remove(self.wb.active)
        self.has_carriage_return = False
        self._host = _StyleHost(self.wb)
        self._styles: dict[tuple[str, str | None], Any] = {}

    # --- styles -----------------------------------------------------------------------------------
    def style(self, kind: str, number_format: str | None = None) -> Any:
        """The style array for a kind of cell (and number format), created once per workbook."""
        key = (kind, number_format)
        found = self._styles.get(key)
        if found is not None:
            return found
        cell = Cell(self._host)
        top = Alignment(vertical="top")
        if kind == "text":
            cell.alignment = top
            cell.quotePrefix = True
        if kind in ("wrap", "link"):
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.quotePrefix = True
        if kind == "link":
            cell.font = Font(color="0563C1", underline="single")
        if kind == "header":
            cell.font = Font(bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = Alignment(vertical="top", wrap_text=True)
            cell.border = Border(bottom=THIN)
            cell.quotePrefix = True
        if kind == "title":
            cell.font = Font(bold=True, size=14)
            cell.quotePrefix = True
        if kind == "heading":
            cell.font = Font(bold=True, size=12)
            cell.quotePrefix = True
        if kind == "bold":
            cell.font = Font(bold=True)
            cell.alignment = top
            cell.quotePrefix = True
        if kind == "total":
            cell.font = Font(bold=True)
            cell.fill = TOTAL_FILL
            cell.alignment = top
            cell.border = Border(top=THIN)
        if kind == "number":
            cell.alignment = top
        if kind == "left":
            cell.alignment = Alignment(vertical="top", horizontal="left")
        if kind == "center":
            cell.alignment = Alignment(vertical="top", horizontal="center")
        if number_format is not None:
            cell.number_format = number_format
        frozen = _FrozenStyle(cell._style)
        self._styles[key] = frozen
        return frozen

    # --- cells ------------------------------------------------------------------------------------
    def _cell(self, ws: Any, value: Any, data_type: str, style: Any) -> Cell:
        """A detached cell with its value, type and style set directly.

        The value is already checked (text by :func:`clean_text`), so openpyxl's type guessing, which
        would turn ``=…`` text into a formula, is skipped; the style array is shared, never mutated.
        """
        cell = _Cell(ws, row=1, column=1)
        cell._value = value
        cell.data_type = data_type
        cell._style = style
        return cell

    def text(self, ws: Any, value: Any, kind: str = "text") -> Cell | None:
        """THE way user-supplied (and any other) text enters the workbook: always a text cell."""
        if value is None:
            return None
        text = value if type(value) is str else str(value)
        if not text.isprintable() or "_x" in text or len(text) > 16_000:
            text = clean_text(text, self.lang)  # the fast test above passes only text needing no change
            if "\r" in text:
                self.has_carriage_return = True
        if not text:
            return None
        return self._cell(ws, text, "s", self.style(kind))

    def number(self, ws: Any, value: Any, number_format: str | None = None, kind: str = "number") -> Cell | None:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, Decimal):
            if not value.is_finite():
                return None
            value = float(value)
        elif not isinstance(value, int | float):
            raise TypeError(f"not a number: {value!r}")
        return self._cell(ws, value, "n", self.style(kind, number_format))

    def date(self, ws: Any, value: Any, kind: str = "number") -> Cell | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = dt.date.fromisoformat(value)
        if isinstance(value, dt.datetime):
            value = value.date()
        return self._cell(ws, value, "d", self.style(kind, DATE))

    def formula(self, ws: Any, formula: Formula, number_format: str | None = None, kind: str = "number") -> Cell:
        return self._cell(ws, formula.text, "f", self.style(kind, number_format))

    def link(self, ws: Any, link: Link, row: int, column: int) -> Cell | None:
        url = CONTROL.sub("", link.url).strip()
        if not url.lower().startswith(("http://", "https://")) or len(url) > 2000:
            return self.text(ws, link.label or link.url)
        cell = self.text(ws, link.label or url, "link")
        if cell is None:
            return None
        cell.row, cell.column = row, column
        cell.hyperlink = Hyperlink(ref=cell.coordinate, target=url)
        return cell

    def sheet(self, title: str, columns: list[Column] | None = None, freeze: bool = True) -> Sheet:
        return Sheet(self, self.wb.create_sheet(title), columns or [], freeze)

    def to_bytes(self) -> bytes:
        """The .xlsx bytes (openpyxl's own writer, into a zip compressed at level 1: a third of the time of
        the default level for a file about a fifth larger)."""
        buffer = io.BytesIO()
        archive = zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True, compresslevel=1)
        MemoryExcelWriter(self.wb, archive).save()
        data = buffer.getvalue()
        return keep_carriage_returns(data) if self.has_carriage_return else data


class MemoryExcelWriter(ExcelWriter):
    """openpyxl's writer with each worksheet serialised in memory: its own writer puts every sheet in a
    named temporary file first, which would put users' figures on disk (docs/security.md)."""

    def write_worksheet(self, ws: Any) -> None:
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer = WorksheetWriter(ws, out=io.BytesIO())
        writer.write()
        ws._rels = writer._rels
        self._archive.writestr(ws.path[1:], writer.read())
        self.manifest.append(ws)


class Sheet:
    """Rows written top to bottom; cells typed by the column kind unless a value says otherwise."""

    def __init__(self, book: Book, ws: Any, columns: list[Column], freeze: bool) -> None:
        self.book, self.ws, self.columns = book, ws, columns
        self.row_count = 0
        self.lang = book.lang
        self.formats = {"money": MONEY[book.lang], "wan": WAN, "int": "0", "index": "0", "date": DATE}
        self.line_height = line_height(book.lang)
        self.widths: list[float] = []
        self.set_widths([c.width for c in columns])
        setup_print(ws)
        if columns:
            self.header([c.header for c in columns])
            if freeze:
                ws.freeze_panes = "A2"
                ws.print_title_rows = "1:1"

    @property
    def kinds(self) -> list[str]:
        return [c.kind for c in self.columns]

    def set_widths(self, widths: list[float]) -> None:
        self.widths = list(widths)
        for index, width in enumerate(widths, 1):
            self.ws.column_dimensions[get_column_letter(index)].width = width

    def fit_height(self, row: int, texts: list[tuple[str, int]]) -> None:
        """Set the row's height for its wrapped texts (LibreOffice does not fit rows on opening a file)."""
        lines = 1
        for text, column in texts:
            width = self.widths[column - 1] if column <= len(self.widths) else 10.0
            if len(text) * 1.6 >= width - 1 or "\n" in text:
                lines = max(lines, text_lines(text, width))
        if lines > 1:
            self.set_height(row, self.line_height * lines + 2)

    @property
    def title(self) -> str:
        return self.ws.title

    def ref(self, column: int, row: int, absolute: bool = True) -> str:
        """A cell reference on this sheet for formulas on other sheets: ``'Programs'!$H$2``."""
        letter = get_column_letter(column)
        cell = f"${letter}${row}" if absolute else f"{letter}{row}"
        return f"{quote_sheet(self.title)}!{cell}"

    def range(self, column: int, first: int, last: int) -> str:
        letter = get_column_letter(column)
        return f"{quote_sheet(self.title)}!${letter}${first}:${letter}${last}"

    def header(self, values: list[Any], kind: str = "header") -> int:
        self.fit_height(self.row_count + 1, [(v, i) for i, v in enumerate(values, 1) if isinstance(v, str)])
        return self.append([self.book.text(self.ws, v, kind) for v in values])

    def append(self, cells: list[Any]) -> int:
        self.ws.append(cells)
        self.row_count += 1
        return self.row_count

    def blank(self) -> int:
        return self.append([])

    def row(self, values: list[Any], kinds: list[str] | None = None) -> int:
        """Append one row: each value typed by its column's kind (or ``kinds``); returns the row number."""
        kinds = kinds or self.kinds
        number = self.row_count + 1
        widths, book, ws = self.widths, self.book, self.ws
        lines = 1
        cells: list[Any] = []
        for index, (value, kind) in enumerate(zip(values, kinds, strict=False)):
            if value is None:
                cells.append(None)
                continue
            if type(value) is str and kind in TEXT_KINDS:  # the common case, kept short
                cells.append(book.text(ws, value, kind))
                text = value if kind in WRAPPING else None
            else:
                cells.append(self.cell(value, kind, number, index + 1))
                text = None
                if kind in WRAPPING:
                    text = value.fallback if isinstance(value, Typed) and value.value is not None else \
                        value.label if isinstance(value, Link) else None
            if text is not None and index < len(widths):
                width = widths[index]
                if len(text) * 1.6 >= width - 1 or "\n" in text:
                    lines = max(lines, text_lines(text, width))
        if lines > 1:
            self.set_height(number, self.line_height * lines + 2)
        return self.append(cells)

    def set_height(self, row: int, points: float) -> None:
        """Give a row a fixed height (before it is written).

        openpyxl writes each row's dimension record as the attributes it iterates to, so a plain mapping
        with the two attributes is written exactly like a ``RowDimension`` (``tests/test_workbook.py``
        reads the heights back); building a full ``RowDimension`` per row costs about a twentieth of the
        whole build.
        """
        self.ws.row_dimensions[row] = {"ht": f"{min(409.0, points):g}", "customHeight": "1"}

    def cell(self, value: Any, kind: str, row: int, column: int) -> Any:
        """One cell. Kinds: text, wrap, bold, link, money, wan, int, number, date; ``…_total`` for a totals row."""
        if value is None:
            return None
        book, ws = self.book, self.ws
        base = kind.removesuffix("_total")
        style = "total" if kind.endswith("_total") else "center" if base == "index" else "number"
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

    def finish(self, filter_last_row: int | None = None) -> None:
        """Autofilter over the table (header row to ``filter_last_row``)."""
        if self.columns:
            last = filter_last_row if filter_last_row is not None else self.row_count
            self.ws.auto_filter.ref = f"A1:{get_column_letter(len(self.columns))}{max(last, 1)}"

    def print_everything(self, columns: int | None = None) -> None:
        """Print every row written, up to the last column (unwrapped text would otherwise widen the page)."""
        columns = columns or max(len(self.columns), len(self.widths), 1)
        self.ws.print_area = f"A1:{get_column_letter(columns)}{max(self.row_count, 1)}"


@dataclass(frozen=True, slots=True)
class Typed:
    """A raw value with its unit (money, ratio, percent, count, date…): a number or date cell where possible."""

    value: Any
    unit: str | None
    fallback: str | None = None  # shown when the value cannot be a number or a date
    lang: str = "en"

    def cell(self, book: Book, ws: Any) -> Cell | None:
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


def setup_print(ws: Any) -> None:
    """Landscape A4, fitted to the page width (as many pages down as needed), page numbers in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.7
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddHeader.left.text = "&A"
    ws.oddFooter.right.text = "&P / &N"


def keep_carriage_returns(data: bytes) -> bytes:
    """Write carriage returns in sheet XML as ``&#13;``, so XML readers (Excel, openpyxl) keep them.

    A literal CR in XML text is read back as a line feed (XML end-of-line handling). openpyxl's serialiser
    writes it literally, and nothing else in the sheet XML contains one, so every CR byte there is text.
    """
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename.startswith("xl/worksheets/") and b"\r" in content:
                content = content.replace(b"\r", b"&#13;")
            target.writestr(info, content)
    return out.getvalue()
