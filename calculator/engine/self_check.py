"""A program's forward-looking self-check (e.g. "likely to qualify for high-tech recognition"): its own criteria and
outcome, shown beside the program when the program is not eligible or needs information, never when it is eligible.

It never changes the program's status, amount, stacking or totals, and no dependent program sees it. What a
certificate would unlock (the program's own formula) stands beside it as a labelled ``if_certified`` figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from calculator.engine.benefits import Context
from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.enums import Confidence, Outcome, SelfCheckOutcome, Status
from calculator.engine.gaps import near_misses
from calculator.engine.model import BenefitOutcome, Estimate, ProgramResult, SelfCheckResult

# How a self-check outcome reads where a program status is expected (near misses re-evaluate through it).
AS_STATUS = {SelfCheckOutcome.LIKELY: Status.ELIGIBLE, SelfCheckOutcome.NOT_YET: Status.NOT_ELIGIBLE,
             SelfCheckOutcome.NEEDS_INFO: Status.NEEDS_INFO}
SHOWN_BESIDE = (Status.NOT_ELIGIBLE, Status.NEEDS_INFO)


def run_self_check(catalogue: Catalogue, program: Program, subject: Mapping[str, Any], as_of: dt.date,
                   tax_year: int, day: dt.date, resolved: Mapping[str, ProgramResult], units: Mapping[str, str],
                   with_gaps: bool = True, priced: BenefitOutcome | None = None) -> SelfCheckResult:
    """The self-check for one subject; ``with_gaps``: also price its near misses (each re-runs it once, and prices
    what a certificate would unlock only where the near miss's unlock reads it: not for an outcome 'not yet').
    ``priced``: the program's own benefit on this subject and day, when it was already computed."""
    criteria = [c.fast(subject, as_of, day) for c in program.self_check]
    results = [c.result for c in criteria]
    reasons = [c.id for c in criteria if c.result is False]
    missing: list[str] = []
    for crit in criteria:
        if crit.result is None:
            missing += [name for name in crit.missing if name not in missing]
    if reasons:
        outcome = SelfCheckOutcome.NOT_YET
        confidence = Confidence.strongest(*(c.confidence for c in criteria if c.result is False))
    else:
        outcome = SelfCheckOutcome.NEEDS_INFO if None in results else SelfCheckOutcome.LIKELY
        confidence = Confidence.weakest(*(c.confidence for c in criteria
                                          if c.result is not None and c.confidence != Confidence.UNCONFIRMED))
    spec = program.spec.self_check
    if_certified: Estimate | None = None
    if spec is not None and spec.if_certified and (with_gaps or outcome != SelfCheckOutcome.NOT_YET):
        if priced is None:
            priced = program.benefit.compute(subject, Context(as_of, tax_year, day, catalogue.reference, resolved))
        if priced.kind == Outcome.MONEY and not priced.missing:
            if_certified = priced.estimate
    found = SelfCheckResult(outcome, criteria, reasons, missing, confidence, if_certified=if_certified)
    if with_gaps and reasons:
        def again(changed: Mapping[str, Any]) -> ProgramResult:
            return as_result(program, run_self_check(catalogue, program, changed, as_of, tax_year, day, resolved,
                                                     units, with_gaps=False))

        found.gaps = near_misses(as_result(program, found), subject, as_of, units, again)
    return found


def as_result(program: Program, check: SelfCheckResult) -> ProgramResult:
    """A self-check read as a program result (status from its outcome, amount = the if-certified figure), the shape
    the near-miss search works on."""
    priced = BenefitOutcome(kind=Outcome.MONEY, estimate=check.if_certified)
    return ProgramResult(program, AS_STATUS[check.outcome], check.criteria, check.missing, [], priced,
                         check.confidence, reasons=check.reasons)

