"""Rows of a workbook sheet made at once as the XML XlsxWriter writes for them, instead of cell by cell.

XlsxWriter spent most of a large workbook's build on each cell twice: storing it (``write_string`` and its
checks) and writing it out on closing (``_write_cell``, attribute by attribute). A row of plain cells (text,
numbers, dates, links, the builder's own formulas) is made here in one go, as the same XML: the same shared
strings (counted as XlsxWriter counts them), the same number text, the same row height; the cells' style indexes
are filled in when the sheet is written out, in the order XlsxWriter gives them. So the package is byte for byte
the one XlsxWriter alone writes: ``tests/test_workbook_xmlrows.py`` builds workbooks both ways and compares them
part by part and cell by cell. A row with any other cell (a formula outside :func:`plain_formula`, a cell without
a format) is written through XlsxWriter as before; :meth:`XmlRowSheet._write_rows` writes both kinds in order.

This is not ``calculator.batch.rowxml``: the batch writes inline strings in constant_memory mode (its rows are made
in other processes), with its own styles and row heights; the workbook is built in memory with shared strings.
Private names of XlsxWriter 3.2-3.3 used here (pinned in pyproject.toml, held by the test above): ``table``,
``row_info``, ``comments``, ``fh``, ``excel_version``, ``default_row_height``, ``original_row_height``,
``str_table._get_shared_string_index``, ``_check_dimensions``, ``_convert_date_time``, ``_write_rows``
(overridden), ``_write_row``, ``_write_empty_row``, ``_write_cell``, ``Format._get_xf_index``.
"""

from __future__ import annotations

import math
import re
from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

# The builder's formulas that XlsxWriter stores unchanged but for the leading "=": no function it rewrites
# (``_xlfn.`` prefixes, dynamic arrays), no array braces. Any other formula goes through ``write_formula``.
UNSAFE_FORMULA = re.compile(r"[{}]|_xlfn\.|(?<![A-Za-z0-9_.])(?!(?:SUMIFS|COUNTIFS|SUM|IF)\()[A-Za-z0-9_.]+\(")
XML_ESCAPES = re.compile("[&<>]")
LONG_TEXT = 16_383  # XlsxWriter checks longer text against a cell's limit (the builder's never exceeds it)
write_string, write_number, write_datetime = Worksheet.write_string, Worksheet.write_number, Worksheet.write_datetime


def write_formula(ws: Worksheet, row: int, col: int, text: str, fmt: Format | None) -> int:
    """A formula with an empty cached result: Excel and LibreOffice then compute it on opening (a cached 0,
    XlsxWriter's default, is what LibreOffice shows until something forces a recalculation)."""
    return ws.write_formula(row, col, text, fmt, "")


def write_link(ws: Worksheet, row: int, col: int, value: tuple[str, str], fmt: Format | None) -> int:
    """A link (address, label); where XlsxWriter refuses it (too long, too many links), the label as text."""
    url, label = value
    if ws.write_url(row, col, url, fmt, label) < 0:
        return ws.write_string(row, col, label, fmt)
    return 0


def plain_formula(text: str) -> bool:
    """Whether XlsxWriter stores the formula as it is but for the leading "=" (see :data:`UNSAFE_FORMULA`)."""
    return text.startswith("=") and UNSAFE_FORMULA.search(text) is None


class XmlRowSheet(Worksheet):
    """An XlsxWriter worksheet that also takes whole rows of plain cells as finished XML (:meth:`add_row`)."""

    def __init__(self) -> None:
        super().__init__()
        # row (0-based) -> (XML parts: text, format, text, format, ..., text; first column; last column; the
        # row element's attributes after its number and spans)
        self.xml_rows: dict[int, tuple[list[Any], int, int, str]] = {}
        self._columns = [xl_col_to_name(col) for col in range(32)]
        self._heights: dict[float, str | None] = {}

    def add_row(self, row: int, cells: list[Any], height: float | None = None) -> bool:
        """Store row ``row`` (0-based) of ``cells`` (``(how, value, format)`` or None, see
        ``calculator.workbook.cells``), ``height`` points high (None: the default), as XML, if every cell is plain
        (:func:`plain`). Returns False, storing nothing, otherwise: the row is then XlsxWriter's to write."""
        for cell in cells:
            if cell is not None and not ((cell[0] is write_string and cell[2] is not None and len(cell[1]) <= LONG_TEXT)
                                         or plain(*cell)):  # the common case first: text
                return False
        if (height is not None and self._height(height) is None) or self.table.get(row) or row in self.xml_rows:
            return False  # a hidden row; never two writers for one row
        number = str(row + 1)
        index = self.str_table._get_shared_string_index
        columns = self._columns
        parts: list[Any] = []
        before = ""
        first = last = -1
        for col, cell in enumerate(cells):
            if cell is None:
                continue
            how, value, fmt = cell
            if how is write_string:
                tail = f'" t="s"><v>{index(value)}</v></c>'
            elif how is write_number:
                tail = f'"><v>{value:.16G}</v></c>'
            elif how is write_datetime:
                tail = f'"><v>{self._convert_date_time(value):.16G}</v></c>'
            elif how is write_formula:
                text = value[1:]
                if XML_ESCAPES.search(text):
                    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                tail = f'"><f>{text}</f><v></v></c>'
            else:  # a link: XlsxWriter keeps the hyperlink; its text cell is written here
                fmt, tail = self._link_cell(row, col, how, value, fmt)
            while len(columns) <= col:
                columns.append(xl_col_to_name(len(columns)))
            parts.append(f'{before}<c r="{columns[col]}{number}" s="')
            parts.append(fmt)
            before = tail
            if first < 0:
                first = col
            last = col
        if first < 0:
            return height is None  # an empty row keeps its height only through XlsxWriter
        parts.append(before)
        if self._check_dimensions(row, first) or self._check_dimensions(row, last):
            raise ValueError(f"{self.get_name()}!{columns[last]}{number}: the row is outside the sheet")
        self.xml_rows[row] = (parts, first, last, height)
        return True

    def _link_cell(self, row: int, col: int, how: Any, value: Any, fmt: Format) -> tuple[Format, str]:
        if how(self, row, col, value, fmt) < 0:
            raise ValueError(f"{self.get_name()}!{xl_col_to_name(col)}{row + 1}: the cell could not be written")
        stored = self.table[row].pop(col)
        if type(stored).__name__ != "String" or stored.format is None:
            raise RuntimeError("XlsxWriter stored a link's text in an unexpected way")
        return stored.format, f'" t="s"><v>{stored.string}</v></c>'

    def _height(self, points: float) -> str | None:
        """The row element's height attributes as ``set_row(row, points)`` has XlsxWriter write them (with the
        default row height), or None for a height that hides the row."""
        found = self._heights.get(points, "?")
        if found == "?":
            pixels = int(points * 4.0 / 3.0 + 0.5)
            found = None if pixels == 0 else "" if pixels == self.original_row_height \
                else f' ht="{pixels * 0.75:.16g}" customHeight="1"'
            self._heights[points] = found
        return found

    def _write_rows(self) -> None:
        """The sheet's rows in order: XML rows as made, XlsxWriter's own as XlsxWriter writes them."""
        if not self.xml_rows:
            super()._write_rows()
            return
        if self.comments or self.charts or self.images or self.shapes or self.buttons_list:
            # XlsxWriter places these by the row heights it records (row_sizes); XML rows' are not recorded.
            raise RuntimeError("comments and drawings are not supported on a sheet written as XML rows")
        held = {row: cells for row, cells in self.table.items() if cells}
        if held.keys() & self.xml_rows.keys():
            raise RuntimeError("a row was written both as XML and through XlsxWriter")
        spans = self._spans(held)
        info, xml_rows, write = self.row_info, self.xml_rows, self.fh.write
        plain_rows = self.excel_version == 2007 and self.default_row_height == self.original_row_height
        for row in sorted(xml_rows.keys() | held.keys() | info.keys()):
            span = spans.get(row // 16)
            made = xml_rows.get(row)
            if made is not None:
                parts, height = made[0], made[3]
                parts[1::2] = [str(fmt._get_xf_index()) for fmt in parts[1::2]]  # in XlsxWriter's order
                if plain_rows and row not in info:
                    attributes = "" if height is None else self._height(height)
                    write(f'<row r="{row + 1}" spans="{span}"{attributes}>' if span else
                          f'<row r="{row + 1}"{attributes}>')
                else:  # a height set afterwards (set_row) wins, as in XlsxWriter; else XlsxWriter's own row element
                    if row not in info and height is not None:
                        self.set_row(row, height)
                    self._write_row(row, span, info.get(row))
                write("".join(parts))
                write("</row>")
            elif row in held:
                self._write_row(row, span, info.get(row))
                cells = held[row]
                for col in sorted(cells):
                    self._write_cell(row, col, cells[col])
                write("</row>")
            else:
                self._write_empty_row(row, span, info.get(row))

    def _spans(self, held: dict[int, dict[int, Any]]) -> dict[int, str]:
        """The rows' ``spans`` attribute, as XlsxWriter's ``_calculate_spans``: first and last column (1-based)
        written in each block of 16 rows."""
        blocks: dict[int, tuple[int, int]] = {}
        ranges = [(row, made[1], made[2]) for row, made in self.xml_rows.items()]
        ranges += [(row, min(cells), max(cells)) for row, cells in held.items()]
        for row, first, last in ranges:
            found = blocks.get(row // 16)
            blocks[row // 16] = (first, last) if found is None else (min(found[0], first), max(found[1], last))
        return {block: f"{first + 1}:{last + 1}" for block, (first, last) in blocks.items()}


def plain(how: Any, value: Any, fmt: Format | None) -> bool:
    """Whether the cell can be written as XML exactly as XlsxWriter writes it: a formatted text within the length
    XlsxWriter checks, finite number, date, link, or plain formula (:func:`plain_formula`)."""
    if fmt is None:
        return False  # the row's or column's format would apply
    if how is write_string:
        return len(value) <= LONG_TEXT
    if how is write_number:
        return type(value) is int or (type(value) is float and math.isfinite(value))
    if how is write_datetime or how is write_link:
        return True
    return how is write_formula and plain_formula(value)
