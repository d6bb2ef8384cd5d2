"""Value getters: a profile input, or a derived quantity (ratio, percentage, time since a date)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from calculator.engine.enums import DerivedKind
from calculator.engine.model import Flag
from calculator.engine.specs import DerivedSpec, SizeClassRow, VersionSpec

if TYPE_CHECKING:
    from calculator.engine.reference import ReferenceTable

Getter = Callable[[Mapping[str, Any], dt.date], Any]  # a subject's answer, or a quantity derived from answers

INFINITY = Decimal("Infinity")


def completed_years(start: dt.date, end: dt.date) -> int:
    """Whole years from ``start`` to ``end`` (an age: birthdays count on the day)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return years


def completed_months(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return months


def add_years(day: dt.date, years: int) -> dt.date:
    """``day`` plus whole years; 29 February falls back to 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise ValueError(day)


def _no_stand_in(subject: Mapping[str, Any]) -> Flag | None:
    return None


class Explained(NamedTuple):
    """A derived yes/no/unknown with what it rests on: the inputs still needed, and a sentence saying why (made on
    every evaluation of such a criterion: a named tuple, the cheapest immutable record)."""

    result: bool | None
    missing: tuple[str, ...] = ()
    note: Flag | None = None


@dataclass(frozen=True)
class Value:
    """How to read one named value for a subject: the getter, its unit and the inputs it rests on.

    ``explain`` (derived yes/no values with their own reasons, e.g. certificate coverage): the answer, the
    inputs it still needs (only those that matter) and a sentence; criteria on such a value use it.
    ``stand_in`` gives the flag to attach when the value was read from a later input standing in for the first
    (a ``first_known`` value with a ``flag``), else None. ``needs`` (a ``switched`` value): the unanswered inputs an
    unknown value waits for, when that is not simply every unanswered one of ``inputs``.
    """

    name: str
    get: Getter
    unit: str
    inputs: tuple[str, ...]
    kind: DerivedKind | None  # None: a profile input
    spec: DerivedSpec | None = None
    explain: Callable[[Mapping[str, Any], dt.date], Explained] | None = None
    stand_in: Callable[[Mapping[str, Any]], Flag | None] = _no_stand_in
    needs: Callable[[Mapping[str, Any]], tuple[str, ...]] | None = None

    def unanswered(self, subject: Mapping[str, Any]) -> tuple[str, ...]:
        """The inputs to ask for when the value is unknown."""
        if self.needs is not None:
            return self.needs(subject)
        inputs = self.inputs
        if len(inputs) == 1:  # most values: one input (the same tuple, without a generator)
            return inputs if subject.get(inputs[0]) is None else ()
        return tuple(name for name in inputs if subject.get(name) is None)


def input_value(name: str, unit: str) -> Value:
    return Value(name, lambda subject, as_of: subject.get(name), unit, (name,), None)


def first_known_value(spec: DerivedSpec, units: Mapping[str, str]) -> Value:
    """The first answered of ``inputs`` (in order); a later one standing in attaches the entry's flag."""
    names = spec.first_inputs
    marker = spec.flag

    def first(subject: Mapping[str, Any], as_of: dt.date) -> Any:
        return next((subject[n] for n in names if subject.get(n) is not None), None)

    def stand_in(subject: Mapping[str, Any]) -> Flag | None:
        if marker is None or subject.get(names[0]) is not None or first(subject, dt.date.min) is None:
            return None
        return Flag(marker.code, text=marker.text)

    return Value(spec.name, first, units.get(names[0], ""), names, DerivedKind.FIRST_KNOWN, spec, stand_in=stand_in)


def switched_value(spec: DerivedSpec, units: Mapping[str, str]) -> Value:
    """When the yes/no ``switch`` is yes (the two are the same figure), ``if_yes``, or ``input`` if only that is
    given; otherwise (no, or unanswered) ``input``. An unknown value waits for the input it reads, and, while the
    switch is unanswered and ``if_yes`` is known, for the switch too (answering yes would settle it)."""
    switch, if_yes, otherwise = str(spec.switch), str(spec.if_yes), str(spec.input)

    def read(subject: Mapping[str, Any], as_of: dt.date) -> Any:
        if subject.get(switch) is True and subject.get(if_yes) is not None:
            return subject[if_yes]
        return subject.get(otherwise)

    def needs(subject: Mapping[str, Any]) -> tuple[str, ...]:
        if read(subject, dt.date.min) is not None:
            return ()
        if subject.get(switch) is True:
            return (if_yes,)
        if subject.get(switch) is None and subject.get(if_yes) is not None:
            return (switch, otherwise)
        return (otherwise,)

    return Value(spec.name, read, units.get(otherwise, ""), (otherwise, switch, if_yes), DerivedKind.SWITCHED, spec,
                 needs=needs)


def derived_value(spec: DerivedSpec, reference: Mapping[str, ReferenceTable],
                  units: Mapping[str, str] | None = None) -> Value:
    """Compile one entry of ``derived.toml`` (``units``: the profile fields' units, for ``first_known``)."""
    kind, name = spec.kind, spec.name
    if kind in (DerivedKind.FIRST_KNOWN, DerivedKind.SWITCHED):  # read one of several inputs, in their unit
        build = first_known_value if kind == DerivedKind.FIRST_KNOWN else switched_value
        return build(spec, units or {})
    if kind == DerivedKind.CERTIFICATE_COVERAGE:
        from calculator.engine.coverage import coverage_value

        return coverage_value(spec, reference)
    if kind == DerivedKind.RATIO:
        num, den = str(spec.numerator), str(spec.denominator)

        def ratio(subject: Mapping[str, Any], as_of: dt.date) -> Decimal | None:
            a, b = subject.get(num), subject.get(den)
            if a is None or b is None:
                return None
            if b == 0:
                return Decimal(0) if a == 0 else INFINITY
            return Decimal(a) / Decimal(b)

        return Value(name, ratio, "ratio", (num, den), kind, spec)
    if kind == DerivedKind.SIZE_CLASS:
        return size_class_value(spec, reference)
    source = str(spec.input)
    inputs = (source,)  # what a missing answer asks for (the optional end date ``to`` is never asked)
    as_of_or = _as_of if spec.to is None else _to_date(spec.to)
    if kind == DerivedKind.PERCENT:

        def percent(subject: Mapping[str, Any], as_of: dt.date) -> Decimal | None:
            value = subject.get(source)
            return None if value is None else Decimal(value) / 100

        return Value(name, percent, "ratio", (source,), kind, spec)
    if kind == DerivedKind.DAYS_SINCE:

        def days(subject: Mapping[str, Any], as_of: dt.date) -> Decimal | None:
            day = subject.get(source)
            return None if day is None else Decimal((as_of_or(subject, as_of) - day).days)

        return Value(name, days, "days", inputs, kind, spec)
    if kind == DerivedKind.MONTHS_SINCE:

        def months(subject: Mapping[str, Any], as_of: dt.date) -> Decimal | None:
            day = subject.get(source)
            return None if day is None else Decimal(completed_months(day, as_of_or(subject, as_of)))

        return Value(name, months, "months", inputs, kind, spec)

    def years(subject: Mapping[str, Any], as_of: dt.date) -> Decimal | None:
        day = subject.get(source)
        return None if day is None else Decimal(completed_years(day, as_of_or(subject, as_of)))

    return Value(name, years, "years", inputs, kind, spec)


def _as_of(subject: Mapping[str, Any], as_of: dt.date) -> dt.date:
    return as_of


def _to_date(name: str) -> Getter:
    """The end of a "since" interval: the date input ``name`` when answered, else the as-of date."""

    def end(subject: Mapping[str, Any], as_of: dt.date) -> dt.date:
        day: dt.date | None = subject.get(name)
        return as_of if day is None else day

    return end


def size_class_value(spec: DerivedSpec, reference: Mapping[str, ReferenceTable]) -> Value:
    """large / medium / small / micro by the sector's thresholds (SME if employees OR revenue below the line;
    medium and small need employees AND revenue at or above theirs)."""
    table = reference[str(spec.table)]
    sector_in, staff_in, revenue_in = str(spec.sector), str(spec.employees), str(spec.revenue)
    sectors: dict[int, tuple[object, dict[Any, SizeClassRow]]] = {}  # per version (its id): the first row per sector

    def rows(version: VersionSpec | None) -> dict[Any, SizeClassRow]:
        found = sectors.get(id(version))
        if found is None or found[0] is not version:
            by_sector: dict[Any, SizeClassRow] = {}
            for r in version.rows if version else ():
                if isinstance(r, SizeClassRow):
                    by_sector.setdefault(r.sector, r)
            found = sectors[id(version)] = (version, by_sector)
        return found[1]

    def classify(subject: Mapping[str, Any], as_of: dt.date) -> str | None:
        sector, staff, revenue = subject.get(sector_in), subject.get(staff_in), subject.get(revenue_in)
        if sector is None or staff is None or revenue is None:
            return None
        row = rows(table.version(as_of)).get(sector)
        if row is None:
            return None
        if not (staff < row.employees_sme or revenue < row.revenue_sme):
            return "large"
        if staff >= row.employees_medium and revenue >= row.revenue_medium:
            return "medium"
        if staff >= row.employees_small and revenue >= row.revenue_small:
            return "small"
        return "micro"

    return Value(spec.name, classify, "code", (sector_in, staff_in, revenue_in), DerivedKind.SIZE_CLASS, spec)


def default_tax_year(subject: Mapping[str, Any], as_of: dt.date) -> int:
    """The tax year a subject's figures are for: as given, else the last complete year before ``as_of``."""
    year = subject.get("tax_year")
    return int(year) if year else as_of.year - 1
