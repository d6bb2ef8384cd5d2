"""Totals after stacking, by kind of money and by certainty: what a reader may add up, and what stays beside it.

Cash and tax saved this year are summed separately, each split into determined amounts (a formula gives them) and
competitive ones ("up to": reviewed or budget-limited); amounts not known are counted, never guessed. Value usable
only in later years and what a certificate would unlock are summed apart, labelled, and never added to any of
them. A program counts when it is eligible and not excluded by stacking; combined limits cut the kind and
certainty of their members. The report (:mod:`.report`) renders these sums; surfaces never add money themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from calculator.engine.enums import PRICED_KINDS, Certainty, Family, MoneyKind, SideKind
from calculator.engine.members import (
    CASH,
    COMPETITIVE,
    DETERMINED,
    ELIGIBLE,
    IF_CERTIFIED,
    LATER_YEARS,
    NEEDS_INFO,
    NON_MONETARY,
    OBLIGATION,
    UNKNOWN,
)
from calculator.engine.model import Adjustment, Estimate, ProgramResult, SubjectResult

ZERO = Decimal(0)
CERTAINTIES = (Certainty.DETERMINED, Certainty.COMPETITIVE)
FAMILIES = tuple(Family)


@dataclass
class Sum:
    """A sum of ranges and how many programs are in it."""

    low: Decimal = ZERO
    high: Decimal = ZERO
    programs: int = 0

    def add(self, estimate: Estimate, count: int = 1) -> None:
        self.low += estimate.low
        self.high += estimate.high
        self.programs += count


@dataclass
class KindSum:
    """One kind of money (cash, or tax saved this year): determined and competitive apart, unknown amounts counted."""

    determined: Sum = field(default_factory=Sum)
    competitive: Sum = field(default_factory=Sum)
    unknown_amounts: int = 0

    def part(self, certainty: Certainty) -> Sum:
        return self.competitive if certainty == COMPETITIVE else self.determined


@dataclass
class MoneyTotals:
    """Totals of one scope (all subjects, or one family): each kind apart, side figures apart, counts."""

    cash: KindSum = field(default_factory=KindSum)
    tax_this_year: KindSum = field(default_factory=KindSum)
    later_years: Sum = field(default_factory=Sum)
    if_certified: Sum = field(default_factory=Sum)
    non_cash: int = 0
    obligations: int = 0
    needs_info: int = 0

    def kind(self, kind: MoneyKind) -> KindSum:
        return self.cash if kind == CASH else self.tax_this_year


@dataclass
class Totals:
    overall: MoneyTotals
    by_family: dict[Family, MoneyTotals]
    adjustments: list[Adjustment]


def certainty_of(result: ProgramResult) -> Certainty:
    return COMPETITIVE if result.program.competitive else DETERMINED


def side_estimate(result: ProgramResult, kind: SideKind) -> Estimate | None:
    """``result.side(kind)``'s estimate, without building the list of side figures (this runs for every result of
    every document): the benefit's side figures when the program is priced, then the self-check's if-certified."""
    benefit = result.benefit
    if benefit is not None and benefit.side and result.status in (ELIGIBLE, NEEDS_INFO):
        for side in benefit.side:
            if side.kind == kind:
                return side.estimate
    if kind == IF_CERTIFIED:
        check = result.self_check
        if check is not None:
            return check.if_certified
    return None


def count_result(scopes: tuple[MoneyTotals, ...], result: ProgramResult) -> None:
    """Add one result to the totals of each of its scopes (see the module docstring for what counts where)."""
    status, benefit, check = result.status, result.benefit, result.self_check
    if (benefit is not None and benefit.side) or (check is not None and check.if_certified is not None):
        certified = side_estimate(result, IF_CERTIFIED)
        if certified is not None:
            for totals in scopes:
                totals.if_certified.add(certified)
    if status != ELIGIBLE or result.excluded_by is not None or benefit is None:
        if status == NEEDS_INFO:
            for totals in scopes:
                totals.needs_info += 1
        return
    later = side_estimate(result, LATER_YEARS) if benefit.side else None
    kind, outcome = result.money_kind, benefit.kind
    estimate = benefit.estimate
    for totals in scopes:
        if later is not None:
            totals.later_years.add(later)
        if outcome == NON_MONETARY:
            if kind == OBLIGATION:
                totals.obligations += 1
            else:
                totals.non_cash += 1
        elif kind in PRICED_KINDS:
            if outcome == UNKNOWN or estimate is None:
                totals.kind(kind).unknown_amounts += 1
            else:
                totals.kind(kind).part(certainty_of(result)).add(estimate)


def count_adjustment(totals: MoneyTotals, adjustment: Adjustment) -> None:
    """A combined-limit cut comes off the kind and certainty of its members (it counts no program)."""
    if adjustment.kind in PRICED_KINDS:
        totals.kind(adjustment.kind).part(adjustment.certainty).add(adjustment.amount, count=0)


def compute_totals(subjects: Iterable[SubjectResult]) -> Totals:
    """Totals after stacking over some subjects (the company, a person, or everyone)."""
    overall = MoneyTotals()
    by_family = {family: MoneyTotals() for family in FAMILIES}
    adjustments: list[Adjustment] = []
    for subject in subjects:
        for result in subject.results:
            status, benefit, check = result.status, result.benefit, result.self_check
            if status != ELIGIBLE and (benefit is None or not benefit.side) and (
                    check is None or check.if_certified is None):  # most results: as count_result, without its call
                if status == NEEDS_INFO:
                    overall.needs_info += 1
                    by_family[result.program.spec.family].needs_info += 1
                continue
            count_result((overall, by_family[result.program.spec.family]), result)
        for adjustment in subject.adjustments:
            count_adjustment(overall, adjustment)
            count_adjustment(by_family[adjustment.family], adjustment)
            adjustments.append(adjustment)
    return Totals(overall, by_family, adjustments)
