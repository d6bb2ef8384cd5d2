"""Criteria compiled once into closures that answer True / False / None (unknown) for a subject.

A missing input makes a criterion unknown, never failed (three-valued logic). ``in`` criteria may name
``unknown_values``: answers for which the reference cannot say yes or no (e.g. whether an HK entry-scheme
resident counts as a Hong Kong resident), which also give unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from calculator.engine.derived import Value
from calculator.engine.model import CriterionResult, Figure

Test = Callable[[Any, Any], bool]

TESTS: dict[str, Test] = {
    "eq": lambda a, b: a == b,
    "ne": lambda a, b: a != b,
    "gt": lambda a, b: a > b,
    "ge": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "le": lambda a, b: a <= b,
    "between": lambda a, b: b[0] <= a <= b[1],
    "in": lambda a, b: a in b,
    "not_in": lambda a, b: a not in b,
    "is_true": lambda a, b: a is True,
    "is_false": lambda a, b: a is False,
    "contains": lambda a, b: b in a,
    "not_contains": lambda a, b: b not in a,
    "is_known": lambda a, b: True,
}


@dataclass
class Threshold:
    """A right-hand side looked up from a bands table, keyed by another value."""

    table: Any  # reference.ReferenceTable
    key: Value

    def resolve(self, subject: dict[str, Any], as_of: dt.date) -> tuple[Decimal | None, str, tuple[str, ...]]:
        key = self.key.get(subject, as_of)
        if key is None:
            return None, "CONFIRMED", self.key.inputs
        found = self.table.band_value(Decimal(key), as_of)
        if found is None:
            return None, "UNCONFIRMED", ()
        value, version = found
        return value, version.confidence, ()


@dataclass
class Compiled:
    """One criterion ready to run; ``evaluate`` returns a :class:`CriterionResult`."""

    spec: dict[str, Any]
    value: Value
    required: Any  # literal, or Threshold
    test: Test
    unknown_values: frozenset[str]
    rows: list[tuple[dt.date | None, dt.date | None]]

    @property
    def id(self) -> str:
        return self.spec["id"]

    @property
    def branch(self) -> str | None:
        return self.spec.get("branch")

    def in_force(self, day: dt.date) -> bool:
        start, end = self.spec.get("effective_from"), self.spec.get("effective_to")
        return (start is None or start <= day) and (end is None or day <= end)

    def evaluate(self, subject: dict[str, Any], as_of: dt.date) -> CriterionResult:
        spec = self.spec
        actual = self.value.get(subject, as_of)
        required = self.required
        confidence = spec["confidence"]
        missing: tuple[str, ...] = ()
        note = None
        if isinstance(required, Threshold):
            required, threshold_confidence, threshold_missing = required.resolve(subject, as_of)
            if threshold_confidence != "CONFIRMED" and confidence == "CONFIRMED":
                confidence = threshold_confidence
            missing = threshold_missing
        if actual is None:
            result = None
            missing = tuple(name for name in self.value.inputs if subject.get(name) is None) + missing
        elif required is None and spec["op"] not in ("is_true", "is_false", "is_known"):
            result = None
        elif self.unknown_values and isinstance(actual, str) and actual in self.unknown_values:
            result, note = None, spec.get("unknown_note")
        else:
            result = self.test(actual, required)
        return CriterionResult(
            id=spec["id"], result=result, actual=actual, required=required, op=spec["op"],
            field=self.value.name, unit=self.value.unit, text=spec["text"], confidence=confidence,
            branch=spec.get("branch"), missing=missing, note=note)


def compile_criterion(spec: dict[str, Any], value: Value, threshold: Threshold | None) -> Compiled:
    required = threshold if threshold is not None else spec.get("value")
    if spec["op"] in ("in", "not_in") and isinstance(required, list):
        required = frozenset(required)
    return Compiled(spec=spec, value=value, required=required, test=TESTS[spec["op"]],
                    unknown_values=frozenset(spec.get("unknown_values") or ()), rows=[])


def combine_all(results: list[bool | None]) -> bool | None:
    """Kleene AND: False wins, then unknown."""
    if any(r is False for r in results):
        return False
    if any(r is None for r in results):
        return None
    return True


def combine_any(results: list[bool | None]) -> bool | None:
    """Kleene OR: True wins, then unknown."""
    if any(r is True for r in results):
        return True
    if any(r is None for r in results):
        return None
    return False


def figure_row(figures: list[Figure], day: dt.date) -> Figure | None:
    for row in figures:
        if row.covers(day):
            return row
    return None
