"""A program's forward-looking self-check (e.g. "likely to qualify for high-tech recognition"): its own criteria and
outcome, shown beside the program when the program is not eligible or needs information, never when it is eligible.

It never changes the program's status, amount, stacking or totals, and no dependent program sees it. What a
certificate would unlock (the program's own formula) stands beside it as a labelled ``if_certified`` figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from calculator.engine.benefits import Context
from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.enums import Confidence, SelfCheckOutcome, Status
from calculator.engine.gaps import near_misses
from calculator.engine.members import MONEY, NOT_ELIGIBLE, UNCONFIRMED
from calculator.engine.model import BenefitOutcome, CriterionResult, Estimate, ProgramResult, SelfCheckResult

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
                                          if c.result is not None and c.confidence != UNCONFIRMED))
    spec = program.spec.self_check
    if_certified: Estimate | None = None
    if spec is not None and spec.if_certified and (with_gaps or outcome != SelfCheckOutcome.NOT_YET):
        if priced is None:
            priced = program.benefit.compute(subject, Context(as_of, tax_year, day, catalogue.reference, resolved))
        if priced.kind == MONEY and not priced.missing:
            if_certified = priced.estimate
    found = SelfCheckResult(outcome, criteria, reasons, missing, confidence, if_certified=if_certified)
    if with_gaps and reasons:
        reads = outcome_inputs(catalogue, program)

        def again(changed: Mapping[str, Any]) -> Rerun:
            same = priced is not None and reads.isdisjoint(changed)
            return rerun(catalogue, program, subject, changed, criteria, as_of, tax_year, day, resolved,
                         priced if same else None)

        found.gaps = near_misses(criteria, reasons, subject, as_of, units, again)
    return found


@dataclass(slots=True)
class Rerun:
    """The self-check re-run on a near miss's changed profile, read as the near miss reads a program's result: the
    status its outcome stands for, the if-certified figure (only when not 'not yet') and the failed criteria."""

    status: Status
    estimate: Estimate | None
    reasons: list[str]


def rerun(catalogue: Catalogue, program: Program, subject: Mapping[str, Any], changed: Mapping[str, Any],
          before: list[CriterionResult], as_of: dt.date, tax_year: int, day: dt.date,
          resolved: Mapping[str, ProgramResult], priced: BenefitOutcome | None = None) -> Rerun:
    """What :func:`run_self_check` without near misses decides on ``subject`` with the answers ``changed``, and only
    that (no missing inputs, confidence or criterion list are kept: a near miss reads none of them). A criterion
    known to read none of the changed inputs keeps its result from ``before`` (the self-check's criteria on
    ``subject``). ``priced``: the program's benefit, when no input that can change it was changed."""
    reasons = []
    unknown = False
    subject = {**subject, **changed}
    for check, known in zip(program.self_check, before, strict=True):
        if check.reads is not None and check.reads.isdisjoint(changed):
            result = known.result
        else:
            result = check.fast(subject, as_of, day).result
        if result is False:
            reasons.append(check.id)
        elif result is None:
            unknown = True
    if reasons:
        return Rerun(NOT_ELIGIBLE, None, reasons)
    estimate = None
    spec = program.spec.self_check
    if spec is not None and spec.if_certified:
        if priced is None:
            priced = program.benefit.compute(subject, Context(as_of, tax_year, day, catalogue.reference, resolved))
        if priced.kind == MONEY and not priced.missing:
            estimate = priced.estimate
    return Rerun(AS_STATUS[SelfCheckOutcome.NEEDS_INFO if unknown else SelfCheckOutcome.LIKELY], estimate, reasons)


_READS: dict[int, tuple[object, frozenset[str]]] = {}


def outcome_inputs(catalogue: Catalogue, program: Program) -> frozenset[str]:
    """The profile fields that can change the program's status or amount (:func:`field_usage`, outcome only), and
    the tax year; worked out once per program (the entry keeps the program, so its id stays its own)."""
    found = _READS.get(id(program))
    if found is None or found[0] is not program:
        from calculator.engine.describe import field_usage

        usage = field_usage(catalogue, outcome_only=True)[program.subject]
        if len(_READS) > 256:  # catalogues loaded one after another (tests): keep none alive for long
            _READS.clear()
        found = _READS[id(program)] = (program, frozenset(
            [name for name, ids in usage.items() if program.id in ids] + ["tax_year"]))
    return found[1]
