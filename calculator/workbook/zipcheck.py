"""Inspections of an .xlsx before openpyxl parses it: used by batch uploads and by ``read_inputs``.

Each step refuses in proportion to what it has read, naming the limit (``UnsafeWorkbook.key`` and ``params``;
the batch messages use the same keys):

* :func:`inspect_xlsx`, the zip directory (milliseconds): not a zip, too many entries, declared sizes too
  large, a compression ratio no real export has (zip bombs), zips that are not workbooks; then the package's
  declarations, streamed whole: macros (VBA projects, ActiveX, macro sheets) and binary workbooks (xlsb) by
  content types, relationships and part names, case-insensitively (:mod:`calculator.workbook.package`).
* :func:`scan_package`, everything openpyxl parses when it opens a workbook, streamed through expat: the parts
  it reads whole must be small; the shared-string table (kept whole in memory) is counted; each worksheet is
  read up to its ``<dimension>`` (where openpyxl stops sizing it) with the per-row bounds below.
* :func:`scan_sheet`, the one worksheet that will be read, streamed through expat BEFORE openpyxl builds any
  row (openpyxl's read-only reader materialises a whole ``<row>``, about 0.3 kB per ``<c>``, before any
  ``max_col`` cut): cells per row, cells in the sheet, data rows (so a file over the row limit is refused after
  one fast pass, not after assessing every row), rows, and XML elements per row and per sheet.

Bytes without any markup are bounded too (a start tag or a text run longer than :data:`MAX_GAP`), and an XML
entity declaration is refused (as defusedxml refuses it in openpyxl).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from calculator.config import (
    BATCH_MAX_CELLS,
    BATCH_MAX_COLUMNS,
    BATCH_MAX_ROW_CELLS,
    BATCH_MAX_ROWS,
    BATCH_MAX_SHARED_STRINGS,
)
from calculator.workbook.package import check_package, read_content_types
from calculator.workbook.xmlscan import MAX_GAP, MAX_PART, Done, UnsafeWorkbook, check_part_size, stream

__all__ = ["MAX_GAP", "MAX_PART", "SheetLimits", "SheetScan", "UnsafeWorkbook", "inspect_xlsx", "scan_package",
           "scan_sheet"]

MAX_ENTRIES = 500
MAX_UNCOMPRESSED = 600 * 1024 * 1024     # a 100,000-row roster expands to about 60 MB of sheet XML
MAX_RATIO = 100                          # real exports compress 7–8:1; a zero-filled bomb 1000:1
ELEMENTS_PER_ROW_CELL = 10               # XML elements in one row or shared text, per cell of the row limit
ELEMENTS_PER_CELL = 4                    # XML elements in a sheet, per cell of the cells limit
MAX_OUTSIDE = 100_000                    # elements besides rows (columns, merges, links, validations…)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
ROW, CELL, VALUE, INLINE, DIMENSION, SHARED = (MAIN + n for n in ("row", "c", "v", "is", "dimension", "si"))
# sheetData's siblings: after the last row, these (and what they hold) are counted outside the rows
SIBLINGS = frozenset(MAIN + n for n in (
    "sheetCalcPr", "sheetProtection", "protectedRanges", "scenarios", "autoFilter", "sortState",
    "dataConsolidate", "customSheetViews", "mergeCells", "phoneticPr", "conditionalFormatting", "dataValidations",
    "hyperlinks", "printOptions", "pageMargins", "pageSetup", "headerFooter", "rowBreaks", "colBreaks",
    "customProperties", "cellWatches", "ignoredErrors", "smartTags", "drawing", "legacyDrawing",
    "legacyDrawingHF", "drawingHF", "picture", "oleObjects", "controls", "webPublishItems", "tableParts", "extLst"))
WORKSHEET_TYPE = "spreadsheetml.worksheet+xml"
SHARED_STRINGS_TYPE = "spreadsheetml.sharedStrings+xml"


@dataclass(frozen=True)
class SheetLimits:
    """What one upload may hold (the defaults are the settings in :mod:`calculator.config`)."""

    rows: int = BATCH_MAX_ROWS                      # data rows: rows holding a value, the header not counted
    row_cells: int = BATCH_MAX_ROW_CELLS            # <c> elements in one row, empty formatted cells included
    cells: int = BATCH_MAX_CELLS                    # <c> elements in the sheet
    shared_strings: int = BATCH_MAX_SHARED_STRINGS  # <si> entries of the shared-string table
    columns: int = BATCH_MAX_COLUMNS                # columns of the header (checked by the batch reader)

    @property
    def row_elements(self) -> int:
        return self.row_cells * ELEMENTS_PER_ROW_CELL

    @property
    def sheet_rows(self) -> int:
        """``<row>`` elements, empty formatted rows included (openpyxl keeps a record of each formatted one)."""
        return 2 * self.rows + 1000


@dataclass
class SheetScan:
    """What :func:`scan_sheet` counted."""

    value_rows: int = 0      # rows holding a value (the header included)
    last_row: int = 0        # the number of the last row holding a value
    cells: int = 0
    complete: bool = False   # the whole part was read (not stopped at its <dimension>)

    def check_rows(self, limits: SheetLimits) -> None:
        """Refuse a sheet with more data rows than ``limits.rows`` (the first row holding a value is the header)."""
        if self.value_rows - 1 > limits.rows:
            raise UnsafeWorkbook("too_many_rows", limit=limits.rows)


def inspect_xlsx(source: Path | bytes) -> None:
    """Raise :class:`UnsafeWorkbook` unless ``source`` (a path or the file's bytes) is a plain .xlsx zip."""
    size = len(source) if isinstance(source, bytes) else source.stat().st_size
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            infos = archive.infolist()
            if len(infos) > MAX_ENTRIES:
                raise UnsafeWorkbook("zip_entries", n=len(infos), limit=MAX_ENTRIES)
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos)
            if total > MAX_UNCOMPRESSED:
                raise UnsafeWorkbook("zip_size", size=f"{total / 1e6:.0f}", limit=f"{MAX_UNCOMPRESSED / 1e6:.0f}")
            ratio = total / max(packed, size // 2, 1)
            if ratio > MAX_RATIO or any(i.file_size > MAX_RATIO * max(i.compress_size, 1) and i.file_size > 1_000_000
                                        for i in infos):
                worst = max(i.file_size / max(i.compress_size, 1) for i in infos)
                raise UnsafeWorkbook("zip_ratio", ratio=f"{max(ratio, worst):.0f}", limit=MAX_RATIO)
            check_package(archive)  # macros and binary workbooks, by the package's content
            if "xl/workbook.xml" not in {i.filename for i in infos}:
                raise UnsafeWorkbook("not_xlsx_zip")
    except zipfile.BadZipFile:
        raise UnsafeWorkbook("bad_zip") from None
    # zipfile raises NotImplementedError for a compression method it does not support: a refusal, not a stub;
    # zlib.error for a damaged deflate stream (the package's declarations are read here).
    except (OSError, EOFError, zipfile.LargeZipFile, NotImplementedError, zlib.error):
        raise UnsafeWorkbook("bad_zip") from None


# --- streaming scans -----------------------------------------------------------------------------------------
@contextmanager
def _open(source: Path | bytes) -> Iterator[zipfile.ZipFile]:
    try:
        with zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else source) as archive:
            yield archive
    except (zipfile.BadZipFile, OSError, EOFError, zipfile.LargeZipFile, NotImplementedError, zlib.error):
        raise UnsafeWorkbook("bad_zip") from None


def scan_package(source: Path | bytes, limits: SheetLimits | None = None) -> dict[str, SheetScan]:
    """Bound everything openpyxl parses when it opens the workbook (call after :func:`inspect_xlsx`).

    openpyxl finds worksheets through relationships, not content types, and sizes each one when it opens the
    workbook (reading it to its ``<dimension>``, or to the end when there is none): so every XML part except the
    shared strings is read here as a worksheet would be, up to its ``<dimension>``. A part that is not declared
    a worksheet must also be small (openpyxl parses styles, the workbook and the like whole).

    Returns what was counted per part: one read to its end (openpyxl's write-only mode writes no
    ``<dimension>``) stands in for :func:`scan_sheet`."""
    limits = limits or SheetLimits()
    scans: dict[str, SheetScan] = {}
    with _open(source) as archive:
        types = read_content_types(archive).declared
        for info in archive.infolist():
            kind = types.get(info.filename, "")
            if kind.endswith(SHARED_STRINGS_TYPE):
                with archive.open(info) as handle:
                    _scan_shared_strings(handle, info.filename, limits)
                continue
            sheet = kind.endswith(WORKSHEET_TYPE)
            if not sheet and not info.filename.startswith("xl/media/"):
                check_part_size(info)
            if info.filename.lower().endswith((".xml", ".rels", ".vml")):
                scans[info.filename] = scan = SheetScan()
                with archive.open(info) as handle:
                    _scan_rows(handle, info.filename, limits, scan, whole=False,
                               outside_limit=MAX_OUTSIDE if sheet else None)
    return scans


def scan_sheet(source: Path | bytes, part: str, limits: SheetLimits | None = None) -> SheetScan:
    """Stream the worksheet ``part`` (a name inside the zip) and count it; refuse at the first limit passed."""
    limits = limits or SheetLimits()
    scan = SheetScan()
    with _open(source) as archive:
        try:
            handle = archive.open(part)
        except KeyError:
            raise UnsafeWorkbook("not_xlsx_zip") from None
        with handle:
            _scan_rows(handle, part, limits, scan, whole=True)
    return scan


def _scan_shared_strings(handle: IO[bytes], part: str, limits: SheetLimits) -> None:
    counts = [0, 0, 0]  # entries, elements in the current entry, elements in the part
    per_entry, total = limits.row_elements, limits.shared_strings * ELEMENTS_PER_ROW_CELL

    def start(name: str, _attrs: Any) -> None:
        counts[2] += 1
        if name == SHARED:
            counts[0] += 1
            counts[1] = 0
            if counts[0] > limits.shared_strings:
                raise UnsafeWorkbook("shared_strings", limit=limits.shared_strings)
        else:
            counts[1] += 1
            if counts[1] > per_entry or counts[2] > total:
                raise UnsafeWorkbook("xml_elements", part=part, limit=min(per_entry, total))

    stream(handle, part, start, lambda: counts[2])


def _check_bounds(limits: SheetLimits, part: str, outside_limit: int | None, *, in_row: bool, row_number: int,
                  cells: int, elements: int, since_mark: int, row_cells: int, outside: int) -> None:
    """The bounds on the current row (or stretch outside rows: ``outside`` before it, ``since_mark`` in it) and on
    the sheet, in this order."""
    if in_row:
        if row_cells > limits.row_cells:
            raise UnsafeWorkbook("row_cells", row=row_number, limit=limits.row_cells)
        if since_mark > limits.row_elements:
            raise UnsafeWorkbook("xml_elements", part=part, limit=limits.row_elements)
    elif outside_limit is not None and outside + since_mark > outside_limit:
        raise UnsafeWorkbook("xml_elements", part=part, limit=outside_limit)
    if cells > limits.cells:
        raise UnsafeWorkbook("too_many_cells", limit=limits.cells)
    if in_row and elements > limits.cells * ELEMENTS_PER_CELL:
        raise UnsafeWorkbook("xml_elements", part=part, limit=limits.cells * ELEMENTS_PER_CELL)


def _scan_rows(handle: IO[bytes], part: str, limits: SheetLimits, scan: SheetScan, *, whole: bool,
               outside_limit: int | None = MAX_OUTSIDE) -> None:
    """Count one worksheet's rows and cells as expat streams it. ``whole=False``: stop at ``<dimension>`` (where
    openpyxl stops when sizing a sheet it may not read); the bounds on rows and cells still apply up to there.
    ``outside_limit``: elements allowed outside rows (None: not bounded here, the part's size is).

    The handler only counts (it runs once per element); the bounds are checked at every row and after every
    64 kB chunk, so a refusal comes at most one chunk late, before openpyxl has seen any of it."""
    elements = cells = row_number = rows = outside = 0
    mark = cell_mark = 0              # elements and cells counted when the current row (or stretch outside) began
    in_row = has_value = False

    def check() -> int:
        """The bounds on the current row (or stretch outside rows) and on the sheet; returns the element count."""
        _check_bounds(limits, part, outside_limit, in_row=in_row, row_number=row_number, cells=cells,
                      elements=elements, since_mark=elements - mark, row_cells=cells - cell_mark, outside=outside)
        return elements

    def switch(to_row: bool, here: int) -> None:
        """End the current row (or stretch outside rows) just before element number ``here``."""
        nonlocal elements, in_row, mark, cell_mark, outside
        counted, elements = elements, here
        check()
        elements = counted
        if in_row and has_value:
            scan.value_rows += 1
            scan.last_row = row_number
            if whole and scan.value_rows - 1 > limits.rows:
                raise UnsafeWorkbook("too_many_rows", limit=limits.rows)
        elif not in_row:
            outside += here - mark
        in_row, mark, cell_mark = to_row, here, cells

    cell, value, inline, row, siblings, dimension = CELL, VALUE, INLINE, ROW, SIBLINGS, DIMENSION

    def start(name: str, attrs: Any) -> None:  # the hot path: one call per element (names bound locally: faster)
        nonlocal elements, cells, has_value, rows, row_number
        elements += 1
        if name == cell:
            cells += 1
        elif name in (value, inline):
            has_value = True
        elif name == row:
            switch(True, elements)
            has_value = False
            rows += 1
            if rows > limits.sheet_rows:
                raise UnsafeWorkbook("sheet_rows", limit=limits.sheet_rows)
            number = attrs.get("r")
            row_number = int(number) if number and number.isdigit() and len(number) < 9 else row_number + 1
        elif name in siblings and in_row:
            switch(False, elements - 1)
        elif name == dimension and not whole:
            raise Done

    finished = stream(handle, part, start, check)
    scan.cells = cells
    if finished:
        switch(False, elements)
        scan.complete = True
