"""Read an uploaded roster: recognise the format by content, refuse hostile files cheaply, stream the rows.

The work a file may cause is bounded by construction (:class:`SheetLimits`, the settings ``BATCH_MAX_*`` in
:mod:`calculator.config`): cells per row, columns, data rows, cells in the sheet and, for xlsx, entries of the
shared text table. They are counted in one fast streaming pass BEFORE any parser builds a row, so a hostile
file is refused in milliseconds and a file over the row limit after one pass (seconds), not after assessing
every row; the refusal names the limit.

* xlsx: a zip holding ``[Content_Types].xml`` and ``xl/workbook.xml``, with no macro part or macro-enabled
  content type. The zip directory is inspected before any XML is parsed (entry count, declared sizes,
  compression ratio), so a zip bomb is refused in milliseconds; then the XML is streamed through expat
  (:mod:`calculator.workbook.zipcheck`). Rows are streamed with openpyxl's read-only mode (defusedxml guards
  the XML parser); the declared sheet dimension is ignored and rows are cut to the header's width.
* csv: decoded in the encoding :mod:`calculator.batch.encoding` finds by the bytes (UTF-8, GB18030, UTF-16,
  UTF-32, strictly; anything else is refused). The encoding used is reported, never guessed silently.
  Lines are read with a length limit, so the csv module never holds more than one bounded record.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import IO, Any, TypeVar

from defusedxml import DefusedXmlException

from calculator.batch.encoding import SNIFF, detect_encoding, looks_like_text, wide_encoding
from calculator.batch.texts import BatchFileError, megabytes
from calculator.config import BATCH_MAX_COLUMNS
from calculator.workbook.zipcheck import SheetLimits, SheetScan, UnsafeWorkbook, inspect_xlsx, scan_package, scan_sheet

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_COLUMNS = BATCH_MAX_COLUMNS
MAX_CELL = 2000                          # characters: far above any field's length limit
T = TypeVar("T")
SHEET_NAMES = {"companies": ("companies", "公司", "company"), "people": ("people", "人员", "person", "roster")}


@dataclass
class Source:
    """An opened input: its format, where the rows come from, and a lazily streamed row iterator."""

    path: Path
    format: str                      # xlsx | csv
    sheet: str                       # sheet title, or the file name for CSV
    encoding: str | None = None      # CSV only: "UTF-8", "UTF-8 (BOM)", "GB18030 (GBK)"
    estimated_rows: int | None = None
    name: str = ""                   # the file name shown to the user
    _rows: Any = field(default=None, repr=False)
    _close: Any = field(default=None, repr=False)

    def rows(self) -> Iterator[tuple[int, list[Any]]]:
        """``(row number as the user sees it, cell values)`` for every row, empty ones included."""
        return self._rows()

    def close(self) -> None:
        if self._close is not None:
            self._close()


def sniff(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str:
    """``xlsx`` or ``csv`` by content (raises :class:`BatchFileError` for anything else)."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise BatchFileError("not_found", path=str(path)) from None
    if size == 0:
        raise BatchFileError("empty_file")
    if size > max_bytes:
        raise BatchFileError("too_big", size=megabytes(size, 1), limit=megabytes(max_bytes))
    with path.open("rb") as handle:
        head = handle.read(SNIFF)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        check_xlsx_zip(path)
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        raise BatchFileError("ole")
    wide = wide_encoding(head)
    if wide is not None:  # UTF-16 / UTF-32 text: NUL bytes are part of its characters
        if not looks_like_text(head, wide):
            raise BatchFileError("not_tabular")
        return "csv"
    if b"\x00" in head or head.startswith(b"PK"):
        raise BatchFileError("not_tabular")
    return "csv"


def check_xlsx_zip(path: Path) -> None:
    """Refuse before parsing (see :mod:`calculator.workbook.zipcheck`), with the batch's bilingual message."""
    guarded(lambda: inspect_xlsx(path))


def guarded(step: Callable[[], T]) -> T:
    """Run a zipcheck step, turning its refusal into the batch's bilingual one (large numbers grouped)."""
    try:
        return step()
    except UnsafeWorkbook as exc:
        params = {k: f"{v:,}" if isinstance(v, int) and v >= 1000 else v for k, v in exc.params.items()}
        raise BatchFileError(exc.key, **params) from None


def open_source(path: Path, kind: str | None = None, max_bytes: int = MAX_FILE_BYTES,
                name: str | None = None, limits: SheetLimits | None = None) -> Source:
    """Open ``path``; ``name`` is the file name shown to the user (an upload's own name). Refuses, naming the
    limit, a file over any of ``limits`` (the configured defaults when None) before a row is built."""
    limits = limits or SheetLimits()
    fmt = sniff(path, max_bytes)
    source = open_xlsx(path, kind, limits) if fmt == "xlsx" else open_csv(path, limits)
    source.name = name or path.name
    if fmt == "csv":
        source.sheet = source.name
    return source


# --- xlsx ------------------------------------------------------------------------------------------------
def unreadable(exc: Exception) -> BatchFileError:
    """The refusal for an exception openpyxl raised: XML entities (refused by defusedxml, which openpyxl uses
    when it is installed) get their own message; anything else names the error's type."""
    cause: BaseException | None = exc
    while cause is not None:  # openpyxl wraps what the XML parser raised in a ValueError of its own
        if isinstance(cause, DefusedXmlException):
            return BatchFileError("xml_entities")
        cause = cause.__cause__ or cause.__context__
    return BatchFileError("unreadable", detail=type(exc).__name__)


def pick_sheet(sheets: list[Any], kind: str | None) -> Any:
    """The first sheet whose title names the kind (any kind when None), else the first sheet."""
    wanted = SHEET_NAMES.get(kind or "", SHEET_NAMES["companies"] + SHEET_NAMES["people"])
    return next((ws for ws in sheets if any(word in ws.title.lower() for word in wanted)), sheets[0])


def _open_workbook(handle: IO[bytes]) -> Any:
    """openpyxl's ``load_workbook(handle, read_only=True, data_only=True)``, except that no sheet looks for its
    declared size on opening: openpyxl reads a sheet that declares none (openpyxl's own write-only mode writes none)
    to its end for it, a whole extra pass over every sheet of the file (0.85 s of 3.4 s reading a 10,000-row
    roster), and the declared size is never used here (``reset_dimensions``)."""
    from openpyxl.packaging.relationship import get_dependents, get_rels_path
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    class Sheet(ReadOnlyWorksheet):  # type: ignore[misc]
        def _get_size(self) -> None:
            pass

    class Reader(ExcelReader):  # type: ignore[misc]
        def read_worksheets(self) -> None:  # openpyxl's read-only branch, with Sheet
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:
                    self.read_chartsheet(sheet, rel)
                    continue
                rels_path = get_rels_path(rel.target)
                if rels_path in self.valid_files:  # parsed as openpyxl does, so a broken one is refused alike
                    get_dependents(self.archive, rels_path)
                ws = Sheet(self.wb, sheet.name, rel.target, self.shared_strings)
                ws.sheet_state = sheet.state
                self.wb._sheets.append(ws)

    reader = Reader(handle, read_only=True, data_only=True)
    reader.read()
    return reader.wb


def open_xlsx(path: Path, kind: str | None, limits: SheetLimits | None = None) -> Source:
    limits = limits or SheetLimits()
    scans = guarded(lambda: scan_package(path, limits))  # all openpyxl parses on opening the workbook, bounded
    # Given an open file, not a path: openpyxl refuses a path whose name does not end in .xlsx, and the format
    # was decided by content (an upload is stored as "input"; a user's file may be named anything).
    handle = path.open("rb")
    try:
        wb = _open_workbook(handle)
    except Exception as exc:  # openpyxl raises many types for a broken file
        handle.close()
        raise unreadable(exc) from None

    def close() -> None:
        wb.close()
        handle.close()

    sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"] or wb.worksheets
    if not sheets:
        close()
        raise BatchFileError("no_sheet")
    ws = pick_sheet(sheets, kind)
    try:
        scan = sheet_scan(path, ws, scans, limits)
    except BatchFileError:
        close()
        raise
    ws.reset_dimensions()  # never trust the declared dimension for iteration

    def rows() -> Iterator[tuple[int, list[Any]]]:
        try:
            width = limits.columns
            start = 1
            # whole rows until the header (at most limits.row_cells cells each: counted above), so a header value
            # past the column limit is refused, not cut off unseen
            for number, row in enumerate(ws.iter_rows(values_only=True), 1):
                if any(v is not None for v in row):  # the header: later rows are cut to its width
                    width = max(i for i, v in enumerate(row, 1) if v is not None)
                    if width > limits.columns:
                        raise BatchFileError("columns_beyond", column=width, limit=limits.columns)
                    yield number, [normalise_cell(v) for v in row[:width]]
                    start = number + 1
                    break
            else:
                return
            filler = None
            for number, row in enumerate(ws.iter_rows(min_row=start, max_col=width), start):
                if row is filler:  # openpyxl repeats one tuple for every missing row: skip them cheaply
                    continue
                if not any(c.value is not None for c in row):
                    filler = row
                    continue
                yield number, [cell_value(c) for c in row]
        except BatchFileError:
            raise
        except Exception as exc:
            raise unreadable(exc) from None

    return Source(path=path, format="xlsx", sheet=ws.title, estimated_rows=scan.last_row or None, _rows=rows,
                  _close=close)


def sheet_scan(path: Path, ws: Any, scans: dict[str, SheetScan], limits: SheetLimits) -> SheetScan:
    """The count of the sheet that will be read, refused over the row limit: from :func:`scan_package` when that
    read the sheet to its end, else one streaming pass of its own (:func:`scan_sheet`)."""
    part = getattr(ws, "_worksheet_path", None)  # where openpyxl reads the sheet from (read-only mode)
    if not isinstance(part, str):
        raise BatchFileError("unreadable", detail="worksheet part")
    scan = scans.get(part)
    if scan is None or not scan.complete:
        scan = guarded(lambda: scan_sheet(path, part, limits))
    guarded(lambda: scan.check_rows(limits))
    return scan


def cell_value(cell: Any) -> Any:
    """A data cell's value as the user sees it: a number shown as a percentage (Excel stores 95% as 0.95 with a
    ``%`` number format) is read as the text ``"95%"``, which every percent field reads as 95 (and any other field
    refuses, naming it); anything else as :func:`normalise_cell`."""
    value = cell.value
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return percent_text(value)
    return normalise_cell(value)


def percent_text(value: float) -> str:
    """``0.95`` → ``"95%"``, ``0.375`` → ``"37.5%"``: the stored fraction as the percentage shown (decimal, exact)."""
    shown = (Decimal(repr(value)) * 100).normalize()
    return f"{shown:f}%"


def normalise_cell(value: Any) -> Any:
    """One type per meaning whatever the reader: datetimes at midnight as dates, integral floats as ints."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    return value


# --- csv -------------------------------------------------------------------------------------------------
def open_csv(path: Path, limits: SheetLimits | None = None) -> Source:
    """A CSV file, counted in one pass of the csv module (bounded records) before its rows are handed out."""
    limits = limits or SheetLimits()
    codec, shown = detect_encoding(path)
    handle = path.open("r", encoding=codec, newline="")
    sample = handle.read(4096)
    handle.seek(0)
    delimiter = ","
    first = sample.splitlines()[0] if sample else ""
    if first.count(";") > first.count(",") and first.count(";") >= first.count("\t"):
        delimiter = ";"
    elif first.count("\t") > first.count(","):
        delimiter = "\t"
    csv.field_size_limit(MAX_CELL * 50)
    try:
        last = count_csv(handle, delimiter, limits)
    except BaseException:
        handle.close()
        raise

    def rows() -> Iterator[tuple[int, list[Any]]]:
        handle.seek(0)
        for number, row in csv_records(handle, delimiter, limits):
            yield number, [(c.strip() or None) for c in row[:limits.columns]]

    return Source(path=path, format="csv", sheet=path.name, encoding=shown, estimated_rows=last or None,
                  _rows=rows, _close=handle.close)


def record_budget(limits: SheetLimits) -> int:
    """Characters one CSV record may hold: every cell of the longest row at the longest cell length."""
    return limits.row_cells * (MAX_CELL + 3)


def csv_records(handle: IO[str], delimiter: str, limits: SheetLimits) -> Iterator[tuple[int, list[str]]]:
    """``(record number, fields)``, each record refused past :func:`record_budget` characters while its lines are
    read (so the csv module never buffers more) or past ``limits.row_cells`` fields."""
    budget = record_budget(limits)
    number, used = 0, 0

    def lines() -> Iterator[str]:
        nonlocal used
        while line := handle.readline(budget + 1):
            used += len(line)
            if used > budget:
                raise BatchFileError("row_too_long", row=number + 1, limit=f"{budget:,}")
            yield line

    try:
        for number, row in enumerate(csv.reader(lines(), delimiter=delimiter), 1):
            used = 0
            if len(row) > limits.row_cells:
                raise BatchFileError("row_cells", row=number, limit=f"{limits.row_cells:,}")
            yield number, row
    except csv.Error as exc:
        raise BatchFileError("csv_broken", detail=str(exc)) from None


def count_csv(handle: IO[str], delimiter: str, limits: SheetLimits) -> int:
    """Count the file's records before any is assessed; refuse over the limits. Returns the number of the last
    record holding a value (the progress total)."""
    value_rows = cells = last = 0
    for number, row in csv_records(handle, delimiter, limits):
        cells += len(row)
        if cells > limits.cells:
            raise BatchFileError("too_many_cells", limit=f"{limits.cells:,}")
        if "".join(row).strip():  # a field that is not blank (as the reader strips each one)
            value_rows += 1
            last = number
            if value_rows == 1 and (width := max(i for i, c in enumerate(row, 1) if c.strip())) > limits.columns:
                raise BatchFileError("columns_beyond", column=width, limit=limits.columns)
            if value_rows - 1 > limits.rows:
                raise BatchFileError("too_many_rows", limit=f"{limits.rows:,}")
    return last
