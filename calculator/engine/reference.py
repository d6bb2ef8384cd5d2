"""Reference tables: enums, dated figures, tax brackets and threshold bands, looked up by date."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from calculator.engine.enums import ReferenceKind, TaxMethod
from calculator.engine.model import Figure, Flag
from calculator.engine.specs import BandRow, BracketRow, EnumRow, FigureRow, ReferenceTableSpec, VersionSpec

ZERO = Decimal(0)


class ReferenceTable:
    """One reference table as loaded; methods answer look-ups for a date."""

    def __init__(self, spec: ReferenceTableSpec, file: str) -> None:
        self.spec = spec
        self.file = file
        self.name: str = spec.name
        self.kind: ReferenceKind = spec.kind
        self.versions: tuple[VersionSpec, ...] = spec.versions
        self.figures: dict[str, list[Figure]] = {}
        for row in spec.figure_rows:
            self.figures.setdefault(row.key, []).append(Figure(
                name=f"{self.name}.{row.key}", value=row.value, unit=row.unit, confidence=row.confidence,
                source=row.source, effective_from=row.effective_from, effective_to=row.effective_to,
                instrument=row.instrument, note=row.note))
        self.codes: set[str] = {row.code for row in spec.enum_rows}
        self.brackets: dict[int, tuple[VersionSpec, tuple[BracketRow, ...]]] = {}  # by id: a version, its brackets
        self.quick = spec.method == TaxMethod.QUICK_DEDUCTION
        self.names: dict[str, dict[str, str]] = {row.code: dict(row.name) for row in spec.enum_rows}

    @property
    def rows(self) -> tuple[EnumRow, ...] | tuple[FigureRow, ...]:
        """The rows of an enum or figures table, as written."""
        return self.spec.enum_rows if self.kind == ReferenceKind.ENUM else self.spec.figure_rows

    def figure(self, key: str, day: dt.date) -> Figure | None:
        """The row of ``key`` in force on ``day``; in a period carried forward, the row it carries (flagged)."""
        for row in self.figures.get(key, ()):
            if row.covers(day):
                return row
        for carried in self.spec.carry_forward:
            if carried.key == key and carried.start <= day <= carried.end:
                found = self.figure(key, carried.use_row_in_force_on)
                if found is not None:
                    return replace(found, carried=Flag(carried.flag, {}, carried.text))
        return None

    def version(self, day: dt.date) -> VersionSpec | None:
        for version in self.versions:
            if version.covers(day):
                return version
        return None

    def band_value(self, key: Decimal, day: dt.date) -> tuple[Decimal, VersionSpec] | None:
        """The value of the band containing ``key`` (``above`` exclusive, ``upto`` inclusive)."""
        version = self.version(day)
        if version is None:
            return None
        for row in version.rows:
            if not isinstance(row, BandRow):
                continue
            if (row.above is None or key > row.above) and (row.upto is None or key <= row.upto):
                return row.value, version
        return None

    def tax(self, amount: Decimal, day: dt.date) -> tuple[Decimal, VersionSpec] | None:
        """Tax on ``amount`` under the version in force on ``day`` (``None`` if no version covers it)."""
        version = self.version(day)
        if version is None:
            return None
        amount = max(ZERO, amount)
        found = self.brackets.get(id(version))
        if found is None or found[0] is not version:
            found = self.brackets[id(version)] = (version, tuple(r for r in version.rows if isinstance(r, BracketRow)))
        rows = found[1]
        if self.quick:
            for row in rows:
                if row.upto is None or amount <= row.upto:
                    return amount * row.rate - (row.quick_deduction or ZERO), version
        tax, lower = ZERO, ZERO
        for row in rows:
            upper = row.upto
            if upper is None or amount <= upper:
                return tax + (amount - lower) * row.rate, version
            tax += (upper - lower) * row.rate
            lower = upper
        return tax, version  # unreachable for a well-formed table (last row has no upper bound)
