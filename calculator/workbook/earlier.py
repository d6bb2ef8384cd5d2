"""An earlier run read back from its result workbook: the Inputs sheet's answers, and what the run found for the
company's programs (Programs sheet: program id, status, low and high) and each person's (People sheet: one row per
person and program, above its totals) with its date and rule-table version (Summary sheet), for comparing with
today's assessment (:mod:`calculator.engine.since`).

Headers and labels are matched in either language. The status is read from the "Status (code)" column;
workbooks written before it existed are read by the status as written, through the language layer. Everything
read is bounded and checked; a Programs sheet that cannot be compared does not stop the answers being restored:
:func:`read_run` returns a :class:`NoComparison` instead, which says what and where (sheet, cell) in the reader's
language.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from calculator.engine import STATUS, EarlierRun, Figure
from calculator.i18n import N_, bilingual, t
from calculator.workbook.inputs import inputs_of, open_book
from calculator.workbook.labels import SHEETS, WORDS

MAX_PEOPLE = 50  # people a talent page holds (calculator.web.travel.MAX_PEOPLE)
MAX_PROGRAM_ROWS = 400  # rows of the Programs sheet read (a real one has a row per program, about sixty)
MAX_SUMMARY_ROWS = 40  # rows of the Summary sheet searched for the date and the table version
MAX_AMOUNT = Decimal(10) ** 12  # yuan: far above any program's figure
PROGRAM_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")

NO_PROGRAMS = N_("This workbook has no Programs sheet, so there is nothing to compare with: your answers were "
                 "restored and assessed under today's rules.")
NO_COLUMN = N_("The Programs sheet has no “{column}” column, so there is nothing to compare with.")
TOO_MANY_ROWS = N_("The Programs sheet has more than {limit} rows, more than a workbook of this calculator holds: "
                   "nothing was compared.")
BAD_CELL = N_("Cell {cell} of the Programs sheet could not be read ({what}): nothing was compared. Download a new "
              "workbook to compare with later.")
NO_COMPANY = N_("This workbook holds no programs to compare with: your answers were restored and assessed under "
                 "today's rules.")
MAX_PEOPLE_ROWS = 50 * 100  # rows of the People sheet read: a page checks at most 50 people, each under 100 programs
TOO_MANY_PEOPLE_ROWS = N_("The People sheet has more than {limit} rows above its totals, more than a workbook of this "
                          "calculator holds: nothing was compared.")
BAD_PEOPLE_CELL = N_("Cell {cell} of the People sheet could not be read ({what}): nothing was compared. Download a "
                     "new workbook to compare with later.")
WHAT = {
    "program": N_("not a program ID of this calculator"),
    "repeated": N_("a program listed twice"),
    "status": N_("not a status this calculator writes"),
    "amount": N_("not an amount in yuan"),
    "person": N_("not a person's number"),
}


class NoComparison(ValueError):
    """Why an earlier run's figures cannot be compared: a message id and its parameters."""

    def __init__(self, msgid: str, **params: Any) -> None:
        super().__init__(msgid)
        self.msgid, self.params = msgid, params

    def render(self, lang: str) -> str:
        return t(self.msgid, lang, **self.params)


STATUS_CODES = {text: code for code, msgid in STATUS.items() for text in bilingual(msgid).values()}
COMPANY = set(bilingual(WORDS["company"]).values())


def _names(key: str) -> set[str]:
    return set(bilingual(WORDS[key]).values())


def read_run(data: bytes) -> tuple[dict[str, Any], EarlierRun | NoComparison]:
    """(the profile of the Inputs sheet, the earlier run's figures or why they cannot be compared). Raises
    ``ValueError`` like :func:`calculator.workbook.read_inputs` for what is not one of these workbooks."""
    wb = open_book(data)
    try:
        profile = inputs_of(wb)
        try:
            return profile, earlier_run(wb)
        except NoComparison as problem:
            return profile, problem
    finally:
        wb.close()


def sheet_of(wb: Any, key: str) -> Any | None:
    names = set(bilingual(SHEETS[key]).values())
    title = next((title for title in wb.sheetnames if title in names), None)
    return None if title is None else wb[title]


def earlier_run(wb: Any) -> EarlierRun:
    """The run's date, table version and company figures (:class:`NoComparison` when they cannot be read)."""
    programs = sheet_of(wb, "programs")
    if programs is None:
        raise NoComparison(NO_PROGRAMS)
    as_of, version = summary_facts(sheet_of(wb, "summary"))
    figures = company_figures(programs)
    people_sheet = sheet_of(wb, "people")
    people = people_figures(people_sheet) if people_sheet is not None else {}
    if not figures and not people:
        raise NoComparison(NO_COMPANY)
    return EarlierRun(as_of, version, figures, people)


def summary_facts(sheet: Any | None) -> tuple[dt.date | None, str | None]:
    """The Summary sheet's "As of" date and rule-table version (``None`` where absent or unreadable)."""
    as_of: dt.date | None = None
    version: str | None = None
    if sheet is None:
        return None, None
    dates, versions = _names("as_of"), _names("tables_version")
    for row in sheet.iter_rows(max_row=MAX_SUMMARY_ROWS, max_col=2, values_only=True):
        label, value = [*row, None, None][:2]
        if label in dates:
            as_of = _day(value)
        elif label in versions and isinstance(value, str) and len(value) <= 64:
            version = value
    return as_of, version


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def company_figures(sheet: Any) -> dict[str, Figure]:
    """Program ID → figure for every company row (people's rows, summed over people, are not compared)."""
    rows = sheet.iter_rows(max_row=MAX_PROGRAM_ROWS + 2, values_only=True)
    header = [str(cell) if cell is not None else "" for cell in next(rows, ())]
    where = {key: _column(header, key) for key in ("subject", "program_id", "status", "low", "high")}
    code_at = next((i for i, text in enumerate(header) if text in _names("status_code")), None)  # since 2026-12
    figures: dict[str, Figure] = {}
    for number, row in enumerate(rows, 2):
        if number > MAX_PROGRAM_ROWS + 1:
            raise NoComparison(TOO_MANY_ROWS, limit=MAX_PROGRAM_ROWS)
        cells = list(row) + [None] * len(header)
        if cells[where["subject"]] not in COMPANY:
            continue
        program = _program(cells[where["program_id"]], number, where["program_id"], figures)
        status_at = where["status"] if code_at is None else code_at
        status = _status(cells[status_at], code_at is not None)
        if status is None:
            raise NoComparison(BAD_CELL, cell=_cell(status_at, number), what=bilingual(WHAT["status"]))
        figures[program] = Figure(status, _amount(cells[where["low"]], number, where["low"]),
                                  _amount(cells[where["high"]], number, where["high"]))
    return figures


def people_figures(sheet: Any) -> dict[int, dict[str, Figure]]:
    """Person (0-based, as in the answers) → program ID → figure, from the People sheet's rows above its totals
    (statuses as written, in either language, through the language layer)."""
    rows = sheet.iter_rows(max_row=MAX_PEOPLE_ROWS + 2, values_only=True)
    header = [str(cell) if cell is not None else "" for cell in next(rows, ())]
    where = {key: _column(header, key) for key in ("person_no", "program_id", "status", "low", "high")}
    people: dict[int, dict[str, Figure]] = {}
    for number, row in enumerate(rows, 2):
        cells = list(row) + [None] * len(header)
        if all(cell is None for cell in cells):
            break  # the totals blocks follow a blank row
        if number > MAX_PEOPLE_ROWS + 1:
            raise NoComparison(TOO_MANY_PEOPLE_ROWS, limit=MAX_PEOPLE_ROWS)
        person = cells[where["person_no"]]
        if isinstance(person, float) and person.is_integer():
            person = int(person)
        if isinstance(person, bool) or not isinstance(person, int) or not 1 <= person <= MAX_PEOPLE:
            raise NoComparison(BAD_PEOPLE_CELL, cell=_cell(where["person_no"], number), what=bilingual(WHAT["person"]))
        figures = people.setdefault(person - 1, {})
        try:
            program = _program(cells[where["program_id"]], number, where["program_id"], figures)
            status = _status(cells[where["status"]], False)
            if status is None:
                raise NoComparison(BAD_CELL, cell=_cell(where["status"], number), what=bilingual(WHAT["status"]))
            figures[program] = Figure(status, _amount(cells[where["low"]], number, where["low"]),
                                      _amount(cells[where["high"]], number, where["high"]))
        except NoComparison as problem:  # the same cell problems, named on this sheet
            raise NoComparison(BAD_PEOPLE_CELL, **problem.params) from None
    return people


def _status(value: Any, coded: bool) -> str | None:
    """A status code from the code column (workbooks since it was added), else from the status as written in
    either language (older workbooks)."""
    if not isinstance(value, str):
        return None
    if coded:
        return value if value in STATUS else None
    return STATUS_CODES.get(value)


def _column(header: list[str], key: str) -> int:
    names = _names(key)
    found = next((index for index, text in enumerate(header) if text in names), None)
    if found is None:
        raise NoComparison(NO_COLUMN, column=bilingual(WORDS[key]))
    return found


def _cell(column: int, row: int) -> str:
    return f"{get_column_letter(column + 1)}{row}"


def _program(value: Any, row: int, column: int, seen: dict[str, Figure]) -> str:
    if not isinstance(value, str) or not PROGRAM_ID.fullmatch(value):
        raise NoComparison(BAD_CELL, cell=_cell(column, row), what=bilingual(WHAT["program"]))
    if value in seen:
        raise NoComparison(BAD_CELL, cell=_cell(column, row), what=bilingual(WHAT["repeated"]))
    return value


def _amount(value: Any, row: int, column: int) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or \
            not 0 <= value <= MAX_AMOUNT:
        raise NoComparison(BAD_CELL, cell=_cell(column, row), what=bilingual(WHAT["amount"]))
    return Decimal(str(value))
