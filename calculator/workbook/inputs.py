"""The Inputs sheet: the profile as given (company field by field, people as a roster), and reading it back.

Values keep their type (numbers, dates); yes/no answers are written as the words the schema accepts in
either language; code lists as comma-separated codes (an empty list as "none" / "无"). Unanswered fields
(left out, or "unknown") are not listed: the engine treats both the same. :func:`read_inputs` turns the
sheet back into a profile that ``AssessmentInputSchema`` loads, so a workbook reproduces its own result.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from typing import Any

from calculator.engine import FIELDS, Reporter
from calculator.i18n import bilingual, formatting
from calculator.i18n.words import answer, field_label
from calculator.workbook.cells import Sheet, Typed
from calculator.workbook.labels import SHEETS, WORDS, word
from calculator.workbook.zipcheck import UnsafeWorkbook, inspect_xlsx

SUBJECT = re.compile(r"people\[(\d+)\]")
NONE_WORDS = set(bilingual(WORDS["none_given"]).values())  # read back in either language
SUBJECT_HEADERS = set(bilingual(WORDS["subject_code"]).values())
EXCEL_UNESCAPE = re.compile(r"_x005F_(x[0-9A-Fa-f]{4}_)")
# Limits for reading a workbook someone sends back (see docs/workbook.md): a real export is far smaller.


def write_inputs(sheet: Sheet, inputs: dict[str, Any], reporter: Reporter, lang: str) -> int:
    """The company as a list of fields (one row each); the people as a roster (one row per person).

    Returns how many columns the sheet uses (the roster can be wider than the company's list).
    """
    company = inputs.get("company")
    if company is not None:
        for name, meta in FIELDS["company"].items():
            raw = company.get(name)
            if raw is None:
                continue
            value, reads_as = given(raw, meta, reporter, "company", name, lang)
            sheet.row(["company", name, field_label(meta, lang), value, reads_as])
    sheet.finish()
    people = inputs.get("people") or []
    if not people:
        return len(sheet.columns)
    fields = [name for name in FIELDS["person"] if any(p.get(name) is not None for p in people)]
    widths = list(sheet.widths) + [18.0] * max(0, 1 + len(fields) - len(sheet.widths))
    sheet.set_widths(widths)
    sheet.blank()
    sheet.row([word("people_inputs", lang)], ["heading"])
    sheet.header([word("subject_code", lang), *fields])
    sheet.row([word("label", lang), *(field_label(FIELDS["person"][name], lang) for name in fields)],
              ["bold"] + ["wrap"] * len(fields))
    for index, person in enumerate(people):
        values: list[Any] = [f"people[{index}]"]
        for name in fields:
            raw = person.get(name)
            values.append(None if raw is None else given(raw, FIELDS["person"][name], reporter, "person", name,
                                                         lang)[0])
        sheet.row(values, ["text"] * len(values))
    return 1 + len(fields)


def given(raw: Any, meta: dict[str, Any], reporter: Reporter, kind: str, name: str, lang: str) -> tuple[Any, Any]:
    """The value as written (typed) and, for codes and yes/no, how it reads."""
    if isinstance(raw, bool):
        return answer(raw, lang), None
    if meta["type"] in ("MoneyByYear", "ProjectValues"):  # as the schema reads them back: "2021: 800000; 2023: 40万",
        return (str(raw) or word("none_given", lang)), None   # "max_5m; unknown" (one answer per project)
    if isinstance(raw, list):
        value = ", ".join(raw) if raw else word("none_given", lang)
        return value, formatting.value(raw, meta["unit"], lang, reporter.names(kind, name)) if raw else None
    if isinstance(raw, int | Decimal | float | dt.date):
        return Typed(raw, meta["unit"], None, lang), None
    if meta.get("table"):
        return raw, formatting.value(raw, meta["unit"], lang, reporter.names(kind, name))
    return raw, None


def read_inputs(data: bytes) -> dict[str, Any]:
    """The profile held by a workbook's Inputs sheet, ready for ``AssessmentInputSchema().load``.

    Raises ``ValueError`` for something that is not one of these workbooks (or is suspiciously large).
    """
    wb = open_book(data)
    try:
        return inputs_of(wb)
    finally:
        wb.close()


def open_book(data: bytes) -> Any:
    """The workbook, read only, with cached values (``ValueError`` for what is not a plain, bounded .xlsx)."""
    check_zip(data)
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a broken file
        raise ValueError(f"not a readable workbook: {type(exc).__name__}") from None


def inputs_of(wb: Any) -> dict[str, Any]:
    """The profile held by an open workbook's Inputs sheet (see :func:`read_inputs`)."""
    names = set(bilingual(SHEETS["inputs"]).values())
    title = next((t for t in wb.sheetnames if t in names), None)
    if title is None:
        raise ValueError("no Inputs sheet")
    company: dict[str, Any] | None = None
    people: dict[int, dict[str, Any]] = {}
    roster: list[str] | None = None  # field codes of the people's roster, once its header row is seen
    for row in wb[title].iter_rows(min_row=2, values_only=True):
        cells = list(row)
        key = cells[0] if cells else None
        if not isinstance(key, str):
            continue
        if key in SUBJECT_HEADERS:
            roster = [c for c in cells[1:] if isinstance(c, str)]
            continue
        if key == "company" and roster is None:
            name, value = (cells + [None] * 4)[1], (cells + [None] * 4)[3]
            if not isinstance(name, str):
                continue
            company = company if company is not None else {}
            company[name] = read_value(value, field_meta("company", name))
        elif (match := SUBJECT.fullmatch(key)) and roster is not None:
            person = people.setdefault(int(match.group(1)), {})
            for name, value in zip(roster, cells[1:], strict=False):
                if value is not None:
                    person[name] = read_value(value, field_meta("person", name))
    out: dict[str, Any] = {}
    if company is not None:
        out["company"] = company
    if people:
        out["people"] = [people[i] for i in sorted(people)]
    return out


def field_meta(kind: str, name: str) -> dict[str, Any]:
    meta = FIELDS[kind].get(name)
    if meta is None:
        raise ValueError(f"unknown field in the Inputs sheet: {name}")
    return meta


def read_value(value: Any, meta: dict[str, Any]) -> Any:
    kind = meta["type"]
    if isinstance(value, str):
        value = EXCEL_UNESCAPE.sub(r"_\1", value)
    if kind == "CodeList":
        if value is None or value in NONE_WORDS:
            return []
        return [v.strip() for v in str(value).split(",") if v.strip()]
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if kind in ("Count", "Year") and isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def check_zip(data: bytes) -> None:
    """Refuse what is not a plain .xlsx before openpyxl parses anything (the shared zip inspection)."""
    try:
        inspect_xlsx(data)
    except UnsafeWorkbook as exc:
        if exc.key == "bad_zip":
            raise ValueError("not an .xlsx file (not a zip archive)") from None
        if exc.key.startswith("zip_"):
            raise ValueError("the workbook expands to too much data") from None
        raise ValueError(f"not one of this calculator's workbooks ({exc.key})") from None
