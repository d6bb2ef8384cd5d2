"""The answers worth trying for one unanswered question: the ones the programs that use it can tell apart.

A yes/no question has two answers and a code question one per code of its table. A number or a date has
infinitely many, but a program only sees them through its criteria and formulas, so the answers tried are the
points where those change: just below, at and just above each threshold a criterion compares the input with (a
literal, a band edge or a dated figure from the tables, a ratio's threshold at the other input's answer, a
size-class limit, a date that makes a "years since" threshold, the first and last day of the issue years that
make a certificate cover the tax year or not), the edges of the bands a threshold is looked up
in, and the bounds the input itself accepts (the formula's range). No policy figure is written here: every point
is read from the compiled tables for the subject and date being assessed.

The input's largest accepted amount is a *probe*, not an answer: what a program pays there counts only when it is
bounded (the program's cap); an amount that grows without bound is reported as open-ended instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal
from enum import StrEnum
from typing import Any

from calculator.engine.catalogue import Program
from calculator.engine.criteria import Compiled, FigureThreshold, Threshold
from calculator.engine.derived import INFINITY, add_months, add_years, default_tax_year
from calculator.engine.enums import DerivedKind, Operator
from calculator.engine.gaps import WHOLE_UNITS
from calculator.engine.reference import ReferenceTable
from calculator.engine.specs import BandRow, DerivedSpec, SizeClassRow
from schemas.fields import MAX_AREA, MAX_MONEY
from schemas.profile import CompanySchema, PersonSchema

MAX_ANSWERS = 40  # answers tried per question at most (bounds kept; points in between thinned evenly)
OLDEST = dt.date(1900, 1, 1)  # the earliest date a profile accepts (schemas.fields.Day)
SMALLEST_RATIO = Decimal("0.0001")  # schemas.fields.Ratio accepts any positive number up to 1000
LARGEST_RATIO = Decimal(1000)
SINCE = (DerivedKind.DAYS_SINCE, DerivedKind.MONTHS_SINCE, DerivedKind.YEARS_SINCE)
Subject = Mapping[str, Any]


class AnswerKind(StrEnum):
    """What kind of answer a question takes (the ``kind`` of a question in the assessment document)."""

    YES_NO = "yes_no"
    CODE = "code"
    CODES = "codes"
    NUMBER = "number"
    AMOUNT = "amount"
    DATE = "date"


KINDS = {"TriState": AnswerKind.YES_NO, "Code": AnswerKind.CODE, "CodeList": AnswerKind.CODES,
         "Day": AnswerKind.DATE, "Money": AnswerKind.AMOUNT, "Count": AnswerKind.NUMBER,
         "Percent": AnswerKind.NUMBER, "Ratio": AnswerKind.NUMBER, "Year": AnswerKind.NUMBER,
         "Area": AnswerKind.NUMBER}
SCHEMAS = {"company": CompanySchema, "person": PersonSchema}


@dataclass(frozen=True, slots=True)
class Answers:
    """The answers tried for one question, and the probe of an open-ended amount (None for other kinds)."""

    field: str
    kind: AnswerKind
    values: tuple[Any, ...]
    probe: Any | None = None
    tried: tuple[Any, ...] = dataclass_field(init=False, repr=False, compare=False)  # the values, then the probe if any
    codes: tuple[str, ...] = dataclass_field(init=False, repr=False, compare=False)  # the repr of each of ``tried``

    def __post_init__(self) -> None:
        tried = (*self.values, self.probe) if self.probe is not None else tuple(self.values)
        object.__setattr__(self, "tried", tried)
        object.__setattr__(self, "codes", tuple([repr(value) for value in tried]))


def answer_kind(meta: Mapping[str, Any]) -> AnswerKind | None:
    """The kind of answer a profile field takes; None for free text (never asked by a program)."""
    return KINDS.get(meta["type"])


class Shared:
    """What one question's answers are made from, shared by the programs asking it (one subject and date): each
    program's points (:func:`number_points`, :func:`date_points`) and the answers by the programs that have any."""

    __slots__ = ("answers", "points")

    def __init__(self) -> None:
        self.points: dict[str, set[Any]] = {}
        self.answers: dict[tuple[str, ...], Answers] = {}


def answers_for(name: str, meta: Mapping[str, Any], subject_kind: str, programs: Sequence[Program],
                reference: Mapping[str, ReferenceTable], subject: Subject, as_of: dt.date,
                shared: Shared | None = None) -> Answers | None:
    """The answers to try for field ``name``, as ``programs`` (and their criteria) can tell them apart (``shared``:
    made once a question for programs whose points come from the same programs, e.g. sharing dependencies)."""
    kind = answer_kind(meta)
    if kind is None:
        return None
    if kind == AnswerKind.YES_NO:
        return Answers(name, kind, (True, False))
    if kind in (AnswerKind.CODE, AnswerKind.CODES):
        codes = sorted(reference[meta["table"]].codes) if meta.get("table") in reference else []
        return Answers(name, kind, code_answers(codes, kind == AnswerKind.CODES))
    if kind == AnswerKind.DATE:
        def find(program: Program) -> set[Any]:
            return date_points(name, [program], reference, subject, as_of)
    else:
        def find(program: Program) -> set[Any]:
            return number_points(name, meta["unit"], [program], reference, subject, as_of)
    shared = shared or Shared()
    key, found = each_points(find, programs, shared)
    made = shared.answers.get(key)
    if made is None:
        made = shared.answers[key] = made_answers(name, meta, subject_kind, kind, found, as_of) if key else \
            bounds_answers(name, meta, subject_kind, kind, as_of)
    return made


def each_points(find: Callable[[Program], set[Any]], programs: Sequence[Program],
                shared: Shared) -> tuple[tuple[str, ...], set[Any]]:
    """(the programs of ``programs`` with points, in order; the union of their points, each program's found once a
    question): the same union as finding them for all ``programs`` at once (a point met twice kept as first met)."""
    ids, out = [], set()
    for program in programs:
        found = shared.points.get(program.id)
        if found is None:
            found = shared.points[program.id] = find(program)
        if found:
            ids.append(program.id)
            out |= found
    return tuple(ids), out


_BOUNDS: dict[tuple[Any, ...], tuple[Mapping[str, Any], Answers]] = {}


def bounds_answers(name: str, meta: Mapping[str, Any], subject_kind: str, kind: AnswerKind,
                   as_of: dt.date) -> Answers:
    """:func:`made_answers` where no program turns at any point: the input's bounds (a date's, up to ``as_of``),
    read from its schema alone, so made once per field and date (no answer of a subject in it)."""
    key = (name, id(meta), subject_kind, kind, as_of)
    found = _BOUNDS.get(key)
    if found is None or found[0] is not meta:
        if len(_BOUNDS) > 4096:
            _BOUNDS.clear()
        found = _BOUNDS[key] = (meta, made_answers(name, meta, subject_kind, kind, set(), as_of))
    return found[1]


def made_answers(name: str, meta: Mapping[str, Any], subject_kind: str, kind: AnswerKind, found: set[Any],
                 as_of: dt.date) -> Answers:
    """The answers to a date or number question whose programs turn at ``found``."""
    if kind == AnswerKind.DATE:
        days = found | {OLDEST, as_of}
        return Answers(name, kind, thinned(sorted(d for d in days if OLDEST <= d <= as_of)))
    field = SCHEMAS[subject_kind]._declared_fields[name]
    low, high, probe = input_bounds(meta, field)
    unit = meta["unit"]
    points = {rounded(p, unit) for p in found if p.is_finite()} | {low} | (set() if probe else {high})
    values = thinned(sorted(p for p in points if low <= p < high or (p == high and not probe)))
    return Answers(name, kind, tuple(as_input(v, meta) for v in values), as_input(high, meta) if probe else None)


_SHARED: dict[tuple[Any, ...], tuple[Mapping[str, ReferenceTable], Answers | None]] = {}


def same_answers(name: str, meta: Mapping[str, Any], subject_kind: str,
                 reference: Mapping[str, ReferenceTable]) -> Answers | None:
    """:func:`answers_for` a yes/no or code question: the same whatever the programs asking, the subject and the
    date (read from the tables alone), so made once per tables (not a list of codes: its answers are lists)."""
    key = (id(reference), name, meta["type"], meta.get("table"))
    found = _SHARED.get(key)
    if found is None or found[0] is not reference:
        if len(_SHARED) > 4096:
            _SHARED.clear()
        found = _SHARED[key] = (reference, answers_for(name, meta, subject_kind, (), reference, {}, OLDEST))
    return found[1]


def code_answers(codes: list[str], many: bool) -> tuple[Any, ...]:
    """Each code; for a list of codes also none of them and all of them."""
    if not many:
        return tuple(codes[:MAX_ANSWERS])
    singles = [[code] for code in codes[:MAX_ANSWERS - 2]]
    return ([], *singles, codes) if len(codes) > 1 else ([], *singles)


def input_bounds(meta: Mapping[str, Any], field: Any) -> tuple[Decimal, Decimal, bool]:
    """(lowest, highest, whether the highest is a probe) of the numbers the profile schema accepts. Amounts, areas
    and counts have no meaningful top, so their largest accepted value is a probe rather than an answer (a loss is
    tried as -1 where an amount may be negative)."""
    kind = meta["type"]
    if kind == "Money":
        return (Decimal(-1) if meta.get("allow_negative") else Decimal(0)), MAX_MONEY, True
    if kind == "Percent":
        return Decimal(0), Decimal(100), False
    if kind == "Ratio":
        return SMALLEST_RATIO, LARGEST_RATIO, False
    if kind == "Year":
        return Decimal(1980), Decimal(2100), False
    if kind == "Area":
        return Decimal(0), MAX_AREA, True
    return Decimal(0), Decimal(getattr(field, "maximum", 10_000_000)), True


def step(unit: str) -> Decimal:
    return WHOLE_UNITS.get(unit, Decimal("0.01"))


def rounded(value: Decimal, unit: str) -> Decimal:
    return (value / step(unit)).to_integral_value() * step(unit)


def as_input(value: Decimal, meta: Mapping[str, Any]) -> Any:
    """A number as the profile schema loads it (whole counts are ``int``)."""
    return int(value) if meta["type"] in ("Count", "Year") else value


def thinned(values: Sequence[Any]) -> tuple[Any, ...]:
    """At most :data:`MAX_ANSWERS` values, the first and last kept, the rest evenly spaced."""
    if len(values) <= MAX_ANSWERS:
        return tuple(values)
    last = len(values) - 1
    picks = sorted({round(i * last / (MAX_ANSWERS - 1)) for i in range(MAX_ANSWERS)})
    return tuple(values[i] for i in picks)


def around(value: Decimal, unit: str, op: Operator | None = None) -> set[Decimal]:
    """The answers on both sides of a threshold: "at least" turns between one step below and the threshold, "more
    than" between the threshold and one step above (likewise "less than", "at most"); other comparisons get both."""
    s = step(unit)
    if op in (Operator.GE, Operator.LT):
        return {value - s, value}
    if op in (Operator.GT, Operator.LE):
        return {value, value + s}
    return {value - s, value, value + s}


def required_value(crit: Compiled, subject: Subject, as_of: dt.date) -> Any:
    """The criterion's threshold for this subject (a band or a dated figure read from the tables)."""
    required = crit.required
    if isinstance(required, Threshold | FigureThreshold):
        return required.resolve(subject, as_of)[0]
    return required


_READING: dict[tuple[int, str], tuple[Program, tuple[tuple[Compiled, bool, bool], ...]]] = {}


def reading(program: Program, name: str) -> tuple[tuple[Compiled, bool, bool], ...]:
    """The criteria of ``program`` that read input ``name``, in order, each with whether it reads it as a band key
    (its threshold's) and as its value (what :func:`number_points` looks at; the others add no point); once per
    program and input (catalogue facts only)."""
    found = _READING.get((id(program), name))
    if found is None or found[0] is not program:
        crits = []
        for crit in program.criteria:
            required = crit.required
            band = isinstance(required, Threshold) and name in required.key.inputs
            valued = name in crit.value.inputs
            if band or valued:
                crits.append((crit, band, valued))
        if len(_READING) > 20_000:
            _READING.clear()
        found = _READING[id(program), name] = (program, tuple(crits))
    return found[1]


def number_points(name: str, unit: str, programs: Iterable[Program], reference: Mapping[str, ReferenceTable],
                  subject: Subject, as_of: dt.date) -> set[Decimal]:
    """Where the criteria that read input ``name`` (directly, through a derived value, or as a band key) change."""
    points: set[Decimal] = set()
    for program in programs:
        for crit, band, valued in reading(program, name):
            if band:
                points |= band_edges(crit.required.table, as_of, unit)
            if valued:
                points |= criterion_points(crit, name, unit, required_value(crit, subject, as_of), subject,
                                           reference, as_of)
    return points


def numbers(required: Any) -> list[Decimal]:
    """The numbers in a threshold: a number, or both ends of a range."""
    items = required if isinstance(required, tuple | list) else [required]
    return [Decimal(v) for v in items if isinstance(v, int | Decimal) and not isinstance(v, bool)]


def criterion_points(crit: Compiled, name: str, unit: str, required: Any, subject: Subject,
                     reference: Mapping[str, ReferenceTable], as_of: dt.date) -> set[Decimal]:
    value = crit.value
    spec = value.spec
    out: set[Decimal] = set()
    op = crit.op
    if value.kind is None:
        for r in numbers(required):
            out |= around(r, unit, op)
    elif value.kind == DerivedKind.PERCENT:
        for r in numbers(required):
            out |= around(r * 100, unit, op)
    elif value.kind == DerivedKind.RATIO and spec is not None:
        for r in numbers(required):
            out |= ratio_points(name, unit, r, str(spec.numerator), str(spec.denominator), subject)
    elif value.kind == DerivedKind.SIZE_CLASS and spec is not None:
        out |= size_class_points(name, reference[str(spec.table)], spec, subject, as_of)
    return out


def ratio_points(name: str, unit: str, required: Decimal, numerator: str, denominator: str,
                 subject: Subject) -> set[Decimal]:
    """The numerator or denominator that puts a ratio at its threshold, given the other input's answer (rounded
    to the input's unit, so both neighbours are tried)."""
    if name == numerator and subject.get(denominator) is not None:
        return around(required * Decimal(subject[denominator]), unit)
    other = subject.get(numerator)
    if name == denominator and other is not None and required not in (0, INFINITY):
        return around(Decimal(other) / required, unit)
    return set()


def size_class_points(name: str, table: ReferenceTable, spec: DerivedSpec, subject: Subject,
                      as_of: dt.date) -> set[Decimal]:
    """Each employee or revenue limit of the size classes (of the subject's sector when it is known)."""
    employees, revenue = str(spec.employees), str(spec.revenue)
    version = table.version(as_of)
    rows = [r for r in (version.rows if version else ()) if isinstance(r, SizeClassRow)]
    sector = subject.get(str(spec.sector))
    rows = [r for r in rows if r.sector == sector] or rows
    limits: list[Decimal] = []
    for row in rows:
        if name == employees:
            limits += [row.employees_sme, row.employees_medium, row.employees_small]
        elif name == revenue:
            limits += [row.revenue_sme, row.revenue_medium, row.revenue_small]
    unit = "people" if name == employees else "CNY"
    return {p for limit in limits for p in (limit - step(unit), limit)}


def band_edges(table: ReferenceTable, as_of: dt.date, unit: str) -> set[Decimal]:
    """Both sides of every edge of a bands table (``above`` is exclusive, ``upto`` inclusive)."""
    version = table.version(as_of)
    edges = {edge for row in (version.rows if version else ()) if isinstance(row, BandRow)
             for edge in (row.above, row.upto) if edge is not None}
    return {p for edge in edges for p in (edge, edge + step(unit))}


def date_points(name: str, programs: Iterable[Program], reference: Mapping[str, ReferenceTable], subject: Subject,
                as_of: dt.date) -> set[dt.date]:
    """Both sides of every date a criterion or a cohort rule on input ``name`` turns at."""
    points: set[dt.date] = set()
    for program in programs:
        cohort = program.spec.cohort
        if cohort is not None and cohort.field == name:
            points |= {cohort.closed_from - dt.timedelta(days=1), cohort.closed_from}
        for crit in program.criteria:
            value = crit.value
            required = required_value(crit, subject, as_of)
            if value.kind is None and crit.field == name:
                for day in (required if isinstance(required, tuple | list) else [required]):
                    if isinstance(day, dt.date):
                        points |= {day - dt.timedelta(days=1), day, day + dt.timedelta(days=1)}
            elif value.kind in SINCE and value.spec is not None and value.spec.input == name:
                for r in numbers(required):
                    points |= since_points(value.kind, int(r), as_of)
            elif value.kind == DerivedKind.CERTIFICATE_COVERAGE and value.spec is not None and name in (
                    value.spec.issue_date, value.spec.previous_issue_date):
                points |= coverage_points(value.spec, reference, default_tax_year(subject, as_of), as_of)
    return points


def coverage_points(spec: DerivedSpec, reference: Mapping[str, ReferenceTable], tax_year: int,
                    as_of: dt.date) -> set[dt.date]:
    """One issue date in each year that a certificate covering the tax year turns at (coverage goes by the issue
    year, :mod:`calculator.engine.coverage`): the year that makes the tax year its expiry year, the first and last
    years that cover it, and the year after it (then the certificate before decides); the span, in tax years, is
    read from its table on the as-of date."""
    table_name, _, key = str(spec.span).partition(".")
    table = reference.get(table_name)
    row = table.figure(key, as_of) if table is not None else None
    if row is None:
        return set()
    span = int(row.value)
    years = {tax_year - span, tax_year - span + 1, tax_year, tax_year + 1}
    return {dt.date(year, 1, 1) for year in years if dt.MINYEAR < year < dt.MAXYEAR}


def since_points(kind: DerivedKind, count: int, as_of: dt.date) -> set[dt.date]:
    """Dates that put "days / months / years since" just at and just under ``count`` and ``count + 1``."""
    out: set[dt.date] = set()
    for n in (count, count + 1):
        if n < 0:
            continue
        if kind == DerivedKind.DAYS_SINCE:
            day = as_of - dt.timedelta(days=n)
        elif kind == DerivedKind.MONTHS_SINCE:
            day = add_months(as_of, -n)
        else:
            day = add_years(as_of, -n)
        out |= {day, day + dt.timedelta(days=1)}
    return out
