"""A previous batch result workbook read back, for the Changes sheet of a new run (:mod:`calculator.batch.changes`):
its date, rule-table version and kind (About sheet), each row's status per program (Status matrix) and amounts
(Detail), in either language.

Read like every upload: the size, the zip and everything openpyxl parses are checked first
(:mod:`calculator.workbook.zipcheck`), each sheet read is counted before a row is built, and its rows may be at
most the batch's row limit. A workbook that is not a batch result is refused, saying which sheet is missing; a
cell that is not what a batch writes is refused naming its sheet and cell, in the reader's language.

Memory: per previous row, its number, its name (at most :data:`~calculator.batch.reader.MAX_CELL` characters), one
byte per program for its status, and the amounts it shows (likely eligible or counted programs only) as 8-byte
integers in fen: measured under 0.5 kB a row with a 30-character name, 45 programs and five amounts, so a 100,000-row
previous result holds about 50 MB (``tests/test_batch_changes.py`` bounds it). Nothing else of the workbook is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from array import array
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from calculator.batch.reader import MAX_CELL, guarded, sheet_scan, sniff, unreadable
from calculator.batch.sheets import SHEETS, WORDS
from calculator.batch.texts import BatchFileError
from calculator.engine import STATUS, EarlierRun, Figure, Status
from calculator.i18n import LANGS, N_, bilingual
from calculator.workbook.zipcheck import SheetLimits, scan_package

STATUSES = tuple(Status)
NONE = 255  # a status byte: the program is not on the row
NO_AMOUNT = -1  # an amount in fen: none
PROGRAM_COLUMN = re.compile(r"\(([a-z0-9][a-z0-9-]{0,79})\)\s*$")  # the matrix's "Name (program-id)" headers
MAX_AMOUNT = 10 ** 12  # yuan: far above any program's figure
MAX_ABOUT_ROWS = 60  # rows of the About sheet searched for the date, the version and the kind
VERSION = 1  # of the compact form a web job carries (:meth:`PreviousRun.as_json`)

WHAT = {
    "number": N_("not a row number"),
    "status": N_("not a status this calculator writes"),
    "program": N_("not a program of the Status matrix"),
    "amount": N_("not an amount in yuan"),
    "row": N_("a row the Status matrix does not have"),
    "repeated": N_("a row number listed twice"),
}
KIND_NAMES = {kind: set(bilingual(WORDS["kind_" + kind]).values()) for kind in ("companies", "people")}
STATUS_CODES = {text: STATUSES.index(Status(code)) for code, msgid in STATUS.items() for text in
                bilingual(msgid).values()}


def names(key: str) -> set[str]:
    return set(bilingual(WORDS[key]).values())


@dataclass(slots=True)
class PreviousRow:
    """One row of the previous result: its row number in that run's file, its name, its statuses (one byte per
    program of :attr:`PreviousRun.programs`: an index of :data:`STATUSES`, or :data:`NONE`) and its amounts."""

    number: int
    ref: str | None
    statuses: bytes
    amounts: array[int] | None = None  # (program index, low, high) triples in fen; NO_AMOUNT: none

    def add_amount(self, program: int, low: Decimal | None, high: Decimal | None) -> None:
        if self.amounts is None:
            self.amounts = array("q")
        self.amounts.extend((program, _fen(low), _fen(high)))

    def amount_of(self) -> dict[int, tuple[Decimal | None, Decimal | None]]:
        found = self.amounts or array("q")
        return {found[i]: (_yuan(found[i + 1]), _yuan(found[i + 2])) for i in range(0, len(found), 3)}


@dataclass
class PreviousRun:
    """What a previous batch run recorded, by row number (in that file's order)."""

    kind: str
    as_of: dt.date | None
    tables_version: str | None
    programs: tuple[str, ...]
    rows: dict[int, PreviousRow] = field(default_factory=dict)

    def earlier(self, row: PreviousRow) -> EarlierRun:
        """The row's figures as the engine compares them (:mod:`calculator.engine.since`)."""
        figures: dict[str, Figure] = {}
        amounts = row.amount_of()
        for index, code in enumerate(row.statuses):
            if code != NONE:
                low, high = amounts.get(index, (None, None))
                figures[self.programs[index]] = Figure(str(STATUSES[code]), low, high)
        return EarlierRun(self.as_of, self.tables_version, figures)

    def as_json(self) -> str:
        """The compact form a web job carries to the process doing the work (read back by :meth:`from_json`)."""
        rows = [[r.number, r.ref, r.statuses.hex(), list(r.amounts or ())] for r in self.rows.values()]
        return json.dumps({"v": VERSION, "kind": self.kind, "as_of": self.as_of.isoformat() if self.as_of else None,
                           "tables_version": self.tables_version, "programs": list(self.programs), "rows": rows},
                          ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str, max_rows: int) -> PreviousRun:
        """The run of :meth:`as_json`, checked whole (``ValueError`` for anything it could not have written)."""
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("v") != VERSION or data.get("kind") not in KIND_NAMES:
            raise ValueError("not a previous run")
        programs = data["programs"]
        rows = data["rows"]
        if not isinstance(programs, list) or not all(isinstance(p, str) for p in programs) or \
                not isinstance(rows, list) or len(rows) > max_rows:
            raise ValueError("not a previous run")
        version = data.get("tables_version")
        run = cls(data["kind"], dt.date.fromisoformat(data["as_of"]) if data.get("as_of") else None,
                  version if isinstance(version, str) else None, tuple(programs))
        for number, ref, statuses, amounts in rows:
            codes = bytes.fromhex(statuses)
            bad_ref = ref is not None and not isinstance(ref, str)
            if not isinstance(number, int) or len(codes) != len(programs) or bad_ref or \
                    any(c != NONE and c >= len(STATUSES) for c in codes):
                raise ValueError("not a previous run")
            if not isinstance(amounts, list) or len(amounts) % 3 or not all(
                    isinstance(v, int) and not isinstance(v, bool) and NO_AMOUNT <= v <= MAX_AMOUNT * 100
                    for v in amounts) or any(not 0 <= amounts[i] < len(programs) for i in range(0, len(amounts), 3)):
                raise ValueError("not a previous run")
            run.rows[number] = PreviousRow(number, ref, codes, array("q", amounts) if amounts else None)
        return run


def _fen(value: Decimal | None) -> int:
    return NO_AMOUNT if value is None else int((value * 100).to_integral_value())


def _yuan(fen: int) -> Decimal | None:
    return None if fen == NO_AMOUNT else Decimal(fen).scaleb(-2)


# --- reading the workbook ----------------------------------------------------------------------------------------
def read_previous(path: Path, limits: SheetLimits, max_bytes: int) -> PreviousRun:
    """The previous run of the batch result workbook at ``path``; :class:`BatchFileError` (naming the previous
    workbook) for a file that is not one, or one over a limit."""
    try:
        return _read(path, limits, max_bytes)
    except BatchFileError as problem:
        if problem.key.startswith("previous_"):
            raise
        raise BatchFileError("previous_file", problem={lang: problem.render(lang) for lang in LANGS}) from None


def _read(path: Path, limits: SheetLimits, max_bytes: int) -> PreviousRun:
    from openpyxl import load_workbook

    if sniff(path, max_bytes) != "xlsx":
        raise BatchFileError("previous_not_result", sheet=bilingual(SHEETS["about"], "batch workbook"))
    scans = guarded(lambda: scan_package(path, limits))
    with path.open("rb") as handle:
        try:
            wb = load_workbook(handle, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a broken file
            raise unreadable(exc) from None
        try:
            sheets = {key: _sheet(wb, key) for key in ("about", "matrix", "detail")}
            for ws in sheets.values():
                sheet_scan(path, ws, scans, limits)  # counted (rows, cells) before openpyxl builds a row
                ws.reset_dimensions()
            kind, as_of, version = _about(sheets["about"])
            run = _matrix(sheets["matrix"], kind, as_of, version)
            _detail(sheets["detail"], run)
            return run
        except BatchFileError:
            raise
        except Exception as exc:
            raise unreadable(exc) from None
        finally:
            wb.close()


def _sheet(wb: Any, key: str) -> Any:
    titles = set(bilingual(SHEETS[key], "batch workbook").values())
    found = next((title for title in wb.sheetnames if title in titles), None)
    if found is None:
        raise BatchFileError("previous_not_result", sheet=bilingual(SHEETS[key], "batch workbook"))
    return wb[found]


def _about(ws: Any) -> tuple[str, dt.date | None, str | None]:
    kind: str | None = None
    as_of: dt.date | None = None
    version: str | None = None
    dates, versions, kinds = names("as_of"), names("tables_version"), names("kind")
    for row in ws.iter_rows(max_row=MAX_ABOUT_ROWS, max_col=2, values_only=True):
        label, value = [*row, None, None][:2]
        if label in dates and isinstance(value, str):
            try:
                as_of = dt.date.fromisoformat(value)
            except ValueError:
                as_of = None
        elif label in versions and isinstance(value, str) and len(value) <= 64:
            version = value
        elif label in kinds:
            kind = next((k for k, words in KIND_NAMES.items() if value in words), None)
    if kind is None:
        raise BatchFileError("previous_not_result", sheet=bilingual(SHEETS["about"], "batch workbook"))
    return kind, as_of, version


def _rows(ws: Any, width: int) -> Iterator[tuple[int, list[Any]]]:
    """The sheet's rows under its header, up to the first blank one (what follows is a legend or totals)."""
    for number, row in enumerate(ws.iter_rows(min_row=2, max_col=width, values_only=True), 2):
        cells = list(row) + [None] * (width - len(row))
        if all(c is None or c == "" for c in cells):
            return
        yield number, cells


def _refuse(ws: Any, column: int, row: int, what: str) -> BatchFileError:
    return BatchFileError("previous_cell", sheet=ws.title, cell=f"{get_column_letter(column + 1)}{row}",
                          what=bilingual(WHAT[what]))


def _number(ws: Any, value: Any, column: int, row: int) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _refuse(ws, column, row, "number")
    return value


def _matrix(ws: Any, kind: str, as_of: dt.date | None, version: str | None) -> PreviousRun:
    header = [str(c) if c is not None else "" for c in next(ws.iter_rows(max_row=1, values_only=True), ())]
    columns = {i: m.group(1) for i, text in enumerate(header) if (m := PROGRAM_COLUMN.search(text))}
    if not columns or not header or header[0] not in names("row"):
        raise BatchFileError("previous_not_result", sheet=bilingual(SHEETS["matrix"], "batch workbook"))
    run = PreviousRun(kind, as_of, version, tuple(columns.values()))
    for number, cells in _rows(ws, len(header)):
        row_number = _number(ws, cells[0], 0, number)
        if row_number in run.rows:
            raise _refuse(ws, 0, number, "repeated")
        ref = cells[1]
        codes = bytearray()
        for index in columns:
            value = cells[index]
            if value is None or value == "":
                codes.append(NONE)
            elif isinstance(value, str) and value in STATUS_CODES:
                codes.append(STATUS_CODES[value])
            else:
                raise _refuse(ws, index, number, "status")
        run.rows[row_number] = PreviousRow(row_number, None if ref is None else str(ref)[:MAX_CELL], bytes(codes))
    return run


def _detail(ws: Any, run: PreviousRun) -> None:
    header = [str(c) if c is not None else "" for c in next(ws.iter_rows(max_row=1, values_only=True), ())]
    where = {key: next((i for i, text in enumerate(header) if text in names(key)), None)
             for key in ("row", "program_id", "low", "high")}
    if None in where.values():
        raise BatchFileError("previous_not_result", sheet=bilingual(SHEETS["detail"], "batch workbook"))
    at = {key: int(index) for key, index in where.items() if index is not None}
    programs = {program: index for index, program in enumerate(run.programs)}
    for number, cells in _rows(ws, max(at.values()) + 1):  # not the long texts to the right (reasons, gaps)
        row = run.rows.get(_number(ws, cells[at["row"]], at["row"], number))
        if row is None:
            raise _refuse(ws, at["row"], number, "row")
        program = programs.get(cells[at["program_id"]])
        if program is None:
            raise _refuse(ws, at["program_id"], number, "program")
        low, high = (_amount(ws, cells[at[key]], at[key], number) for key in ("low", "high"))
        if low is not None or high is not None:
            row.add_amount(program, low, high)


def _amount(ws: Any, value: Any, column: int, row: int) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or \
            not 0 <= value <= MAX_AMOUNT:
        raise _refuse(ws, column, row, "amount")
    return Decimal(str(value))
