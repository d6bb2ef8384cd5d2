"""Reference tables: enums, dated figures, tax brackets and threshold bands, looked up by date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from calculator.engine.model import Figure


@dataclass
class Version:
    effective_from: dt.date | None
    effective_to: dt.date | None
    confidence: str
    source: tuple[str, ...]
    instrument: str
    rows: list[dict[str, Any]]

    def covers(self, day: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to)


class ReferenceTable:
    """One reference table as loaded; methods answer look-ups for a date."""

    def __init__(self, spec: dict[str, Any], file: str) -> None:
        self.spec = spec
        self.file = file
        self.name: str = spec["name"]
        self.kind: str = spec["kind"]
        self.rows: list[dict[str, Any]] = spec.get("rows") or []
        self.versions = [
            Version(v.get("effective_from"), v.get("effective_to"), v["confidence"], tuple(v["source"]),
                    v["instrument"], v["rows"])
            for v in spec.get("versions") or []
        ]
        self.figures: dict[str, list[Figure]] = {}
        if self.kind == "figures":
            for row in self.rows:
                self.figures.setdefault(row["key"], []).append(Figure(
                    name=f"{self.name}.{row['key']}", value=row["value"], unit=row["unit"],
                    confidence=row["confidence"], source=tuple(row["source"]),
                    effective_from=row["effective_from"], effective_to=row.get("effective_to"),
                    instrument=row["instrument"], note=row.get("note")))
        self.codes: set[str] = {row["code"] for row in self.rows} if self.kind == "enum" else set()
        self.names: dict[str, dict[str, str]] = (
            {row["code"]: row["name"] for row in self.rows} if self.kind == "enum" else {})

    def figure(self, key: str, day: dt.date) -> Figure | None:
        for row in self.figures.get(key, ()):
            if row.covers(day):
                return row
        return None

    def version(self, day: dt.date) -> Version | None:
        for version in self.versions:
            if version.covers(day):
                return version
        return None

    def band_value(self, key: Decimal, day: dt.date) -> tuple[Decimal, Version] | None:
        """The value of the band containing ``key`` (``above`` exclusive, ``upto`` inclusive)."""
        version = self.version(day)
        if version is None:
            return None
        for row in version.rows:
            above, upto = row.get("above"), row.get("upto")
            if (above is None or key > above) and (upto is None or key <= upto):
                return row["value"], version
        return None

    def tax(self, amount: Decimal, day: dt.date) -> tuple[Decimal, Version] | None:
        """Tax on ``amount`` under the version in force on ``day`` (``None`` if no version covers it)."""
        version = self.version(day)
        if version is None:
            return None
        amount = max(Decimal(0), amount)
        if self.spec["method"] == "quick_deduction":
            for row in version.rows:
                if row.get("upto") is None or amount <= row["upto"]:
                    return amount * row["rate"] - row.get("quick_deduction", Decimal(0)), version
        tax, lower = Decimal(0), Decimal(0)
        for row in version.rows:
            upper = row.get("upto")
            if upper is None or amount <= upper:
                return tax + (amount - lower) * row["rate"], version
            tax += (upper - lower) * row["rate"]
            lower = upper
        return tax, version  # unreachable for a well-formed table (last row has no upper bound)
