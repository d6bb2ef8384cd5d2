"""One roster row assessed: its cells read into the service's input (with the cell of every error), checked and
assessed like any other surface's input, and what it writes (Summary, Status matrix and Detail lines) with its
per-program and per-department sums. Runs in the process writing the workbook or in a worker
(:mod:`calculator.batch.parallel`); made once per file by :meth:`RowContext.make`."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from openpyxl.utils import get_column_letter

from calculator.batch.columns import KINDS, TEXT_TYPES, Mapping
from calculator.batch.reader import MAX_CELL
from calculator.batch.summary import RowError
from calculator.batch.texts import text
from calculator.batch.writer import MAX_DEPARTMENTS, MONEY_COLUMNS, ResultWriter, w
from calculator.engine import (
    STATUS,
    Figure,
    MoneyTotals,
    Reporter,
    Status,
    SubjectResult,
    cents,
    compute_totals,
    counted_figures,
)
from calculator.i18n import N_, gettext, t
from calculator.service import FieldError, InputRejected, Service, service_for

STATUSES = tuple(Status)


def new_per_program(programs: list[Any]) -> dict[str, dict[str, Any]]:
    """Per program: rows per status, rows counted after stacking, and the sums (added up by ``_write_result``)."""
    return {p.id: {s: 0 for s in (*STATUSES, "counted")} | {"low": Decimal(0), "high": Decimal(0)} for p in programs}


@dataclass
class RowContext:
    """What assessing one row of one file needs, made once per file (and per worker process)."""

    catalogue: Any
    sheet: str
    mapping: Mapping
    kind: str
    as_of: dt.date
    lang: str
    service: Service
    types: dict[int, str]
    letters: dict[int, str]
    by_field: dict[str, int]
    reporter: Reporter
    status_text: dict[Any, str]
    figures: bool = False  # each row also hands back its figures ("figures" line: a run compared with a previous one)

    @classmethod
    def make(cls, catalogue: Any, sheet: str, mapping: Mapping, kind: str, as_of: dt.date, lang: str,
             figures: bool = False) -> RowContext:
        return cls(catalogue, sheet, mapping, kind, as_of, lang, service_for(catalogue), mapping.types(),
                   {i: get_column_letter(i + 1) for i in mapping.columns},
                   {name: i for i, name in mapping.columns.items()}, Reporter(catalogue, lang),
                   {s: gettext(STATUS[s], lang) for s in STATUSES}, figures)


def assess_row(ctx: RowContext, number: int, cells: list[Any], writer: Any, per_program: dict[str, dict[str, Any]],
               departments: dict[str, list[Any]]) -> list[RowError] | None:
    """Validate and assess one data row: its result goes to ``writer`` (rows) and the sums; returns its errors
    when it is rejected (nothing written then), else None."""
    mapping, source_sheet, lang, as_of = ctx.mapping, ctx.sheet, ctx.lang, ctx.as_of
    letters, by_field = ctx.letters, ctx.by_field
    raw: dict[str, Any] = {}
    too_long: list[RowError] = []
    for index, name in mapping.columns.items():
        value = cells[index] if index < len(cells) else None
        if value is None:
            continue
        if isinstance(value, str) and len(value) > MAX_CELL:
            too_long.append(RowError(source_sheet, number, letters[index], mapping.headers[index], name,
                                     value[:50] + "…", text("cell_too_long", lang, limit=MAX_CELL)))
            continue
        if ctx.types[index] in TEXT_TYPES and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        raw[name] = value  # what the user wrote: read by the service like any other surface's input
    errors = too_long
    people = ctx.kind == "people"
    checked = None
    try:  # the same service, with the same rules, as every other surface
        checked = ctx.service.check({"people": [raw]} if people else {"company": raw}, as_of, lang)
    except InputRejected as exc:
        for error in exc.errors:
            name = _field_of(error)
            index = by_field.get(name) if name else None
            errors.append(RowError(source_sheet, number, letters.get(index) if index is not None else None,
                                   mapping.headers.get(index) if index is not None else None,
                                   name, raw.get(name) if name else None, error.message))
    if errors or checked is None:
        return errors
    assessment = ctx.service.assess(checked)
    result = assessment.people[0] if people else assessment.company
    assert result is not None
    figures = counted_figures(result.results)
    _write_result(ctx.reporter, writer, result, number, ctx.kind, lang, per_program, departments, ctx.status_text,
                  people, figures)
    if ctx.figures:
        writer.row("figures", [number, result.ref, figures])
    return None


def _field_of(error: FieldError) -> str | None:
    """The row's field an error names (``company.founding_date`` or ``people[0].degree``: the field; the batch's
    assessment date before a company's founding: its founding date); None for the row as a whole."""
    if error.path == "as_of":
        return "founding_date"
    _, dot, name = error.path.partition(".")
    return name.split(".")[0].split("[")[0] or None if dot else None  # a project of a list: the list's cell


def shown(value: Any) -> Any:
    return value if isinstance(value, int | float | str | dt.date) or value is None else str(value)


def _write_result(reporter: Reporter, writer: ResultWriter, result: SubjectResult, number: int, kind: str,
                  lang: str, per_program: dict[str, dict[str, Any]], departments: dict[str, list[Any]],
                  status_text: dict[str, str], people: bool, figures: dict[str, Figure]) -> None:
    subject_kind = KINDS[kind]
    ref = result.ref
    department = result.department if people else None
    found = compute_totals([result]).overall
    money = money_columns(found)
    counts = {s: 0 for s in STATUSES}
    for r in result.results:
        counts[r.status] += 1
    extra = [department] if people else []
    writer.row("summary", [number, ref, *extra, *(cents(m) for m in money), *(counts[s] for s in STATUSES),
                           _top_programs(reporter, result), _to_find_out(reporter, result, subject_kind)])
    statuses = {r.id: r.status for r in result.results}
    writer.row("matrix", [number, ref, *extra,
                          *(status_text[statuses[p.id]] if p.id in statuses else None for p in writer.programs)])
    for r in result.results:
        stats = per_program[r.id]
        stats[r.status] += 1
        if r.counts_in_totals:
            stats["counted"] += 1
            stats["low"] += r.estimate.low
            stats["high"] += r.estimate.high
        if r.status == Status.NOT_IN_FORCE:
            continue
        recorded = figures[r.id]  # the amounts the Detail records, as the Changes sheet compares them
        reasons = [reporter.sentence(subject_kind, c) for c in r.criteria if c.id in r.reasons]
        missing = [reporter.label(subject_kind, name) for name in r.missing]
        gaps = [reporter.gap(subject_kind, g, r.program)["text"] for g in r.gaps]
        writer.row("detail", [number, ref, r.id, r.program.spec.name[lang], status_text[r.status],
                              reporter.amount_text(r), recorded.low, recorded.high, "\n".join(reasons) or None,
                              "; ".join(missing) or None, "\n".join(gaps) or None,
                              r.excluded_by.text[lang] if r.excluded_by else None])
    if people:
        key = department or w("no_department", lang)
        if key not in departments and len(departments) >= MAX_DEPARTMENTS:
            key = w("other_departments", lang)
        entry = departments.setdefault(key, [0, 0, *(Decimal(0) for _ in MONEY_COLUMNS)])
        entry[0] += 1
        entry[1] += counts[Status.ELIGIBLE]
        for index, value in enumerate(money, 2):
            entry[index] += value


def money_columns(totals: MoneyTotals) -> list[Decimal]:
    """A row's money columns (batch MONEY_COLUMNS): cash and this year's tax apart, determined low/high and "up to",
    then later years (never added to the others)."""
    out: list[Decimal] = []
    for kind in (totals.cash, totals.tax_this_year):
        out += [kind.determined.low, kind.determined.high, kind.competitive.high]
    return [*out, totals.later_years.high]


def merge_departments(departments: dict[str, list[Any]], row: dict[str, list[Any]], lang: str) -> None:
    """Add one row's per-department sums (made by ``_write_result`` into an empty dict, so under the row's own
    department), or a chunk's added up in row order without a cap (``parallel.Chunk``), to the file's, with the
    same cap as ``_write_result``: past ``MAX_DEPARTMENTS`` the rest go to one line."""
    add_departments(departments, row, lang)


def add_departments(total: dict[str, list[Any]], part: dict[str, list[Any]], lang: str | None = None) -> None:
    """Add per-department sums ``part`` into ``total``; with ``lang``, past ``MAX_DEPARTMENTS`` departments the
    rest go to one line (in ``lang``), without it there is no cap (a chunk's own sums: ``parallel.Chunk``)."""
    for key, values in part.items():
        if lang is not None and key not in total and len(total) >= MAX_DEPARTMENTS:
            key = w("other_departments", lang)
        entry = total.get(key)
        if entry is None:
            total[key] = list(values)
        else:
            for i, value in enumerate(values):
                entry[i] += value


TOP = 3  # programs and missing facts named per row on the Summary
NAMED_AMOUNT = N_("{program}: {amount}")


def _top_programs(reporter: Reporter, result: SubjectResult) -> str | None:
    """The programs worth most to this row (counted in its totals, by the engine's estimate, highest first)."""
    priced = [r for r in result.results if r.counts_in_totals and r.estimate.high > 0]
    priced.sort(key=lambda r: (r.estimate.high, r.estimate.low), reverse=True)
    lang = reporter.lang
    return "\n".join(t(NAMED_AMOUNT, lang, program=r.program.spec.name[lang], amount=reporter.amount_text(r))
                     for r in priced[:TOP]) or None


def _to_find_out(reporter: Reporter, result: SubjectResult, subject_kind: str) -> str | None:
    """The facts whose answers would decide most programs still needing information (most programs first)."""
    wanted: Counter[str] = Counter()
    for r in result.results:
        if r.status == Status.NEEDS_INFO:
            wanted.update(dict.fromkeys(r.missing, 1))
    return "\n".join(reporter.label(subject_kind, name) for name, _ in wanted.most_common(TOP)) or None
