"""Near misses: for each failed numeric criterion, the exact change needed and what it would unlock.

The unlock is not guessed: the program is evaluated again on the profile with that one input changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Any, Protocol

from calculator.engine.derived import Value, add_months, add_years
from calculator.engine.enums import COMPARISONS, DerivedKind, GapDirection, Operator, Status
from calculator.engine.model import CriterionResult, Estimate, Gap, RatioGap

Subject = Mapping[str, Any]
NUMBERS = (Decimal, int)  # what a near miss can be priced for (a tuple: cheaper to test than ``Decimal | int``)
WHOLE_UNITS = {"CNY": Decimal(1), "people": Decimal(1), "year": Decimal(1), "months": Decimal(1), "days": Decimal(1)}


class Unlocked(Protocol):
    """What a re-evaluation on the changed profile tells a near miss (a :class:`ProgramResult` is one)."""

    @property
    def status(self) -> Status: ...

    @property
    def estimate(self) -> Estimate | None: ...  # None unless eligible or needing information

    @property
    def reasons(self) -> list[str]: ...


Reevaluate = Callable[[Subject], Unlocked]  # the same program on the profile with these answers changed


def _step(unit: str) -> Decimal:
    return WHOLE_UNITS.get(unit, Decimal("0.01"))


def _round(value: Decimal, unit: str, up: bool) -> Decimal:
    step = _step(unit)
    return (value / step).to_integral_value(rounding=ROUND_CEILING if up else ROUND_FLOOR) * step


def _target(op: Operator, required: Decimal, unit: str) -> Decimal:
    """The nearest input value that meets ``op required``."""
    if op == Operator.GE:
        return _round(required, unit, up=True)
    if op == Operator.GT:
        return _round(required, unit, up=False) + _step(unit)
    if op == Operator.LE:
        return _round(required, unit, up=False)
    return _round(required, unit, up=True) - _step(unit)


def near_misses(criteria: list[CriterionResult], reasons: list[str], subject: Subject, as_of: dt.date,
                units: Mapping[str, str], reevaluate: Reevaluate) -> list[Gap]:
    """Gaps for a ``not_eligible`` result (its criteria, and the ids of those that make it fail); ``reevaluate`` runs
    the same program on the profile with the answers it is given changed."""
    gaps: list[Gap] = []
    for crit in criteria:
        if crit.id not in reasons:
            continue
        compiled = crit.criterion
        if compiled.spec.gap_text is not None:
            gaps.append(_condition_gap(crit, subject, reevaluate))
            continue
        if compiled.op not in COMPARISONS:
            continue
        if not isinstance(crit.actual, NUMBERS) or not isinstance(crit.required, NUMBERS):
            continue
        gap = _gap(crit, compiled.value, subject, as_of, units)
        if gap is None:
            continue
        changed = gap.pop("changed", None)
        record = Gap(criterion=crit.id, criterion_text=crit.text, text=crit.text, **gap)
        if changed is not None:
            _unlock(record, reevaluate(changed))
        gaps.append(record)
    return gaps


def _condition_gap(crit: CriterionResult, subject: Subject, reevaluate: Reevaluate) -> Gap:
    """A failed yes/no condition as a near miss: the table's text says what to do; the unlock is the program
    evaluated again with the answer that meets it."""
    text = crit.criterion.spec.gap_text or crit.text
    record = Gap(criterion=crit.id, input=crit.field, unit="yes/no/unknown", current=None, required=None,
                 change=None, direction=GapDirection.CONDITION, text=text, criterion_text=crit.text)
    after = reevaluate({crit.field: crit.op == Operator.IS_TRUE})
    _unlock(record, after)
    return record


def _unlock(record: Gap, after: Unlocked) -> None:
    record.unlocks_status = after.status
    record.unlocks = after.estimate
    if after.status == Status.NOT_ELIGIBLE:
        record.also_needs = list(after.reasons)


def _gap(crit: CriterionResult, value: Value, subject: Subject, as_of: dt.date,
         units: Mapping[str, str]) -> dict[str, Any] | None:
    op, required = crit.op, Decimal(crit.required)
    increase = op in (Operator.GE, Operator.GT)
    direction = GapDirection.INCREASE if increase else GapDirection.DECREASE
    if value.kind is None:
        unit = units.get(value.name, "")
        current = Decimal(crit.actual)
        target = _target(op, required, unit)
        return {"input": value.name, "unit": unit, "current": current, "required": required,
                "change": abs(target - current), "direction": direction,
                "changed": {value.name: int(target) if unit == "people" else target}}
    spec = value.spec
    if spec is None:
        return None
    if value.kind in (DerivedKind.FIRST_KNOWN, DerivedKind.SWITCHED):  # the input the rule asks for (or reads)
        switched = value.kind == DerivedKind.SWITCHED and subject.get(str(spec.switch)) is True \
            and subject.get(str(spec.if_yes)) is not None
        name = str(spec.if_yes) if switched else spec.first_inputs[0] if spec.first_inputs else str(spec.input)
        unit = units.get(name, "")
        target = _target(op, required, unit)
        return {"input": name, "unit": unit, "current": Decimal(crit.actual), "required": required,
                "change": abs(target - Decimal(crit.actual)), "direction": direction, "changed": {name: target}}
    if value.kind == DerivedKind.RATIO and spec.numerator and spec.denominator:
        num, den = spec.numerator, spec.denominator
        numerator, denominator = subject.get(num), subject.get(den)
        if numerator is None or not denominator:
            return None
        unit = units.get(num, "")
        target = _target(op, required * Decimal(denominator), unit)
        return {"input": num, "unit": unit, "current": Decimal(numerator), "required": target,
                "change": abs(target - Decimal(numerator)), "direction": direction,
                "changed": {num: int(target) if unit == "people" else target},
                "ratio": RatioGap(name=value.name, current=Decimal(crit.actual), required=required, other=den,
                                  other_value=Decimal(denominator), other_unit=units.get(den, ""))}
    if value.kind == DerivedKind.PERCENT and spec.input:
        name = spec.input
        target = _target(op, required * 100, "")
        return {"input": name, "unit": "%", "current": Decimal(subject[name]), "required": target,
                "change": abs(target - Decimal(subject[name])), "direction": direction, "changed": {name: target}}
    if value.kind in (DerivedKind.DAYS_SINCE, DerivedKind.YEARS_SINCE, DerivedKind.MONTHS_SINCE) and spec.input:
        start: dt.date = subject[spec.input]
        # ge N / gt N: met from start + N (+1); lt N / le N: lapsed at start + N (+1)
        amount = int(required) + (1 if op in (Operator.GT, Operator.LE) else 0)
        if value.kind == DerivedKind.DAYS_SINCE:
            on_date = start + dt.timedelta(days=amount)
        elif value.kind == DerivedKind.YEARS_SINCE:
            on_date = add_years(start, amount)
        else:
            on_date = add_months(start, amount)
        return {"input": spec.input, "unit": value.unit, "current": Decimal(crit.actual), "required": required,
                "change": None, "direction": GapDirection.WAIT if increase else GapDirection.EXPIRED,
                "on_date": on_date}
    return None
