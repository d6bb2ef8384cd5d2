"""Evaluate profiles against the compiled catalogue: status, estimate, reasons, gaps, stacking, totals."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from calculator.engine.benefits import Context
from calculator.engine.criteria import combine_all, combine_any
from calculator.engine.derived import default_tax_year
from calculator.engine.enums import Confidence, EffectiveBasis, Outcome, Status, Subject
from calculator.engine.gaps import near_misses
from calculator.engine.model import (
    Assessment,
    Catalogue,
    CriterionResult,
    Flag,
    NotInForce,
    Program,
    ProgramResult,
    SubjectResult,
    WindowStatus,
)
from calculator.engine.self_check import SHOWN_BESIDE, run_self_check
from calculator.engine.stacking import apply_stacking
from calculator.engine.texts import flag
from schemas.profile import field_catalogue

log = logging.getLogger(__name__)
INHERITED = (("employer_zone_flags", "zone_flags"), ("tax_year", "tax_year"))
_UNITS = {subject: {name: meta["unit"] for name, meta in fields.items()}
          for subject, fields in field_catalogue().items()}


def assess(catalogue: Catalogue, data: Mapping[str, Any], as_of: dt.date | None = None,
           programs: set[str] | frozenset[str] | None = None) -> Assessment:
    """Assess a validated input (``{"company": {...} | None, "people": [...]}``) on ``as_of`` (default today).

    ``programs`` optionally limits the assessment to some program ids (benchmarks, tests).
    """
    as_of = as_of or dt.date.today()
    company = data.get("company")
    company_result = None
    if company is not None:
        company_result = evaluate_subject(catalogue, Subject.COMPANY, company, as_of, programs)
        company_result.ref = company.get("name")
    people = []
    for person in data.get("people") or []:
        subject, inherited = inherit(person, company)
        result = evaluate_subject(catalogue, Subject.PERSON, subject, as_of, programs)
        result.ref, result.department, result.inherited = person.get("ref"), person.get("department"), inherited
        people.append(result)
    return Assessment(as_of=as_of, tables_version=catalogue.tables_version, company=company_result,
                      people=people, inputs=data)


def inherit(person: Mapping[str, Any], company: Mapping[str, Any] | None) -> tuple[Mapping[str, Any], list[str]]:
    """A nested person takes the employer's zones and tax year when they are not given for the person."""
    if company is None:
        return person, []
    subject, inherited = dict(person), []
    for own, from_company in INHERITED:
        if subject.get(own) is None and company.get(from_company) is not None:
            subject[own] = company[from_company]
            inherited.append(own)
    return subject, inherited


def evaluate_subject(catalogue: Catalogue, kind: Subject, subject: Mapping[str, Any], as_of: dt.date,
                     only: set[str] | frozenset[str] | None = None) -> SubjectResult:
    """Every program for one subject, with stacking applied (dependencies see resolved results)."""
    tax_year = default_tax_year(subject, as_of)
    results: dict[str, ProgramResult] = {}
    _, independent, dependent, first, second = catalogue.plan(kind, only)
    for program in independent:
        results[program.id] = safe_evaluate(catalogue, program, subject, as_of, tax_year, {})
    adjustments = apply_stacking(first, results, subject) if first else []
    if dependent:
        for program in dependent:
            pid = program.id
            resolved = {dep: results[dep] for dep in program.spec.depends_on if dep in results}
            results[pid] = safe_evaluate(catalogue, program, subject, as_of, tax_year, resolved)
        if second:
            adjustments += apply_stacking(second, results, subject)
    return SubjectResult(kind=kind, ref=None, results=list(results.values()), adjustments=adjustments)


def safe_evaluate(catalogue: Catalogue, program: Program, subject: Mapping[str, Any], as_of: dt.date,
                  tax_year: int, resolved: dict[str, ProgramResult]) -> ProgramResult:
    """One program; an unexpected failure is reported on that program and hides no other result."""
    try:
        return evaluate_program(catalogue, program, subject, as_of, tax_year, resolved)
    except Exception as exc:
        log.exception("evaluation of %s failed", program.id)
        return ProgramResult(program=program, status=Status.NEEDS_INFO, criteria=[], missing=[],
                             flags=[flag("evaluation_failed", error=type(exc).__name__)], benefit=None,
                             confidence=Confidence.UNCONFIRMED, window=program.window(as_of))


def evaluate_program(catalogue: Catalogue, program: Program, subject: Mapping[str, Any], as_of: dt.date,
                     tax_year: int, resolved: dict[str, ProgramResult], with_gaps: bool = True) -> ProgramResult:
    spec = program.spec
    eff = spec.effective
    flags: list[Flag] = []
    window = program.window(as_of)
    basis, start, end, last_day = program.effective

    if basis == EffectiveBasis.TAX_YEAR:
        year_start, year_end = dt.date(tax_year, 1, 1), dt.date(tax_year, 12, 31)
        if year_end < start:
            return closed(program, flags, window, "tax_year_before", eff.confidence, tax_year=tax_year,
                          start_date=start)
        if end is not None and year_start > end:
            return closed(program, flags, window, "tax_year_after", eff.end_confidence, tax_year=tax_year,
                          end_date=end)
        day = max(year_start, start)
    else:
        if as_of < start:
            return closed(program, flags, window, "before_start", eff.confidence, as_of_date=as_of,
                          start_date=start)
        if end is not None and as_of > end:
            return closed(program, flags, window, "after_end", eff.end_confidence, as_of_date=as_of,
                          end_date=end)
        day = as_of
    confidence_used: list[Confidence] = [eff.confidence] if eff.confidence != Confidence.UNCONFIRMED else []
    if last_day is not None and as_of > last_day:
        flags.append(flag("may_have_expired", years=eff.valid_for_years, start_date=start, end_date=last_day))
        confidence_used.append(eff.valid_for_confidence or Confidence.UNCONFIRMED)
    missing: list[str] = []
    cohort = spec.cohort
    if cohort:
        value = subject.get(cohort.field)
        if value is None:
            missing.append(cohort.field)
        elif value >= cohort.closed_from:
            return closed(program, flags, window, "cohort_closed", cohort.confidence, text=cohort.text,
                          field=cohort.field, value_date=value, start_date=cohort.closed_from)
    if program.dated_criteria:
        criteria = [c.fast(subject, as_of, day) for c in program.criteria if c.in_force(day)]
    else:
        criteria = [c.fast(subject, as_of, day) for c in program.criteria]
    deciding = criteria
    if program.flag_only_unknowns:
        deciding, softened = soften(criteria)
        flags += softened
    overall: bool | None
    if not program.has_branches:
        results = [c.result for c in deciding]
        if False in results:
            overall, relevant, reasons = False, deciding, [c.id for c in deciding if c.result is False]
        else:
            overall, relevant, reasons = (None if None in results else True), deciding, []
    elif program.dated_criteria:
        overall, relevant, reasons = decide(deciding, [c.branch for c in deciding])
    else:
        overall, relevant, reasons = decide_indexed(deciding, *program.branch_index)
    for item, condition in program.flags:
        if condition.evaluate(subject, as_of).result:
            flags.append(Flag(item.code, {}, item.text))
    for crit in relevant:
        if crit.result is None:
            for name in crit.missing:
                if name not in missing:
                    missing.append(name)
            if isinstance(crit.note, Flag):  # an engine sentence saying why it is open (e.g. expiry year pending)
                flags.append(crit.note)
    if overall is False:
        failed = [c.confidence for c in criteria if c.id in reasons]
        result = ProgramResult(program, Status.NOT_ELIGIBLE, criteria, [], flags, None,
                               Confidence.strongest(*failed), [], None, window, None, reasons)
        add_confidence_flag(result)
        if with_gaps and program.numeric_ops & {c.op for c in criteria if c.result is False}:
            def again(changed: Mapping[str, Any]) -> ProgramResult:
                return evaluate_program(catalogue, program, changed, as_of, tax_year, resolved, with_gaps=False)

            result.gaps = near_misses(result, subject, as_of, _UNITS[program.subject], again)
        if with_gaps and program.self_check:
            result.self_check = run_self_check(catalogue, program, subject, as_of, tax_year, day, resolved,
                                               _UNITS[program.subject])
        return result
    ctx = Context(as_of, tax_year, day, catalogue.reference, resolved)
    benefit = program.benefit.compute(subject, ctx)
    for name in benefit.missing:
        if name not in missing:
            missing.append(name)
    flags.extend(benefit.flags)
    status = Status.ELIGIBLE if overall is True and not missing else Status.NEEDS_INFO
    if status == Status.ELIGIBLE and spec.outcome:
        status = spec.outcome.max_status
        flags.append(Flag(code=spec.outcome.code, text=spec.outcome.text))
    if overall is True and program.has_branches:
        met = [b for b in spec.branches if all(c.result is True for c in criteria if c.branch == b.id)]
        if met and met[0].flag:
            flags.append(Flag(code=met[0].flag, text=met[0].flag_text or met[0].text))
    # Only decided criteria used their figures; UNCONFIRMED ones can only have withheld, never granted.
    used: list[Confidence] = [c.confidence for c in criteria
                              if c.result is not None and c.confidence != Confidence.UNCONFIRMED]
    used += confidence_used
    confidence = Confidence.weakest(benefit.confidence, *used)
    if program.competitive and benefit.kind == Outcome.MONEY:
        flags.append(flag("competitive_up_to"))
    result = ProgramResult(program, status, criteria, missing, flags, benefit, confidence, [], None, window)
    add_confidence_flag(result)
    if with_gaps and program.self_check and status in SHOWN_BESIDE:
        result.self_check = run_self_check(catalogue, program, subject, as_of, tax_year, day, resolved,
                                           _UNITS[program.subject])
    return result


def soften(criteria: list[CriterionResult]) -> tuple[list[CriterionResult], list[Flag]]:
    """Criteria whose unanswered input only flags (``unknown_outcome = "flag"``) leave the decision: they count as
    met for it (never as missing) and their flag is shown; the criteria list itself keeps them unknown."""
    deciding: list[CriterionResult] = []
    flags: list[Flag] = []
    for crit in criteria:
        spec = crit.criterion.spec
        if crit.result is None and spec.unknown_outcome == "flag" and spec.unknown_flag is not None:
            deciding.append(replace(crit, result=True, missing=()))
            flags.append(Flag(spec.unknown_flag.code, {}, spec.unknown_flag.text))
        else:
            deciding.append(crit)
    return deciding, flags


def decide_indexed(criteria: list[CriterionResult], common: list[int],
                   branches: list[list[int]]) -> tuple[bool | None, list[CriterionResult], list[str]]:
    """:func:`decide` with the branch layout precomputed as index lists (the usual, undated case)."""
    results = [c.result for c in criteria]
    outcomes = []
    for indexes in branches:
        values = [results[i] for i in indexes]
        outcomes.append(False if False in values else None if None in values else True)
    values = [results[i] for i in common]
    values.append(True if True in outcomes else None if None in outcomes else False)
    overall = False if False in values else None if None in values else True
    relevant = [criteria[i] for i in common]
    if True not in outcomes:
        relevant += [criteria[i] for indexes, o in zip(branches, outcomes, strict=True) if o is None for i in indexes]
    reasons = [criteria[i].id for i in common if results[i] is False]
    if False in outcomes and None not in outcomes and True not in outcomes:
        reasons += [criteria[i].id for indexes in branches for i in indexes if results[i] is False]
    return overall, relevant, reasons


def closed(program: Program, flags: list[Flag], window: WindowStatus, reason: str, confidence: Confidence | None,
           **params: Any) -> ProgramResult:
    """A ``not_in_force`` result, with the reason rendered later by the report."""
    result = ProgramResult(program=program, status=Status.NOT_IN_FORCE, criteria=[], missing=[], flags=flags,
                           benefit=None, confidence=confidence or Confidence.UNCONFIRMED, window=window,
                           reason=NotInForce(reason, params))
    add_confidence_flag(result)
    return result


def decide(criteria: list[CriterionResult], layout: list[str | None]) -> tuple[bool | None, list[CriterionResult],
                                                                             list[str]]:
    """All common criteria, and (when there are branches) all criteria of at least one branch.

    Also returns the criteria whose unknowns matter (common ones, plus those of still-open branches when
    no branch is met: an answered branch makes the others' questions moot) and the reasons for a failure
    (failed common criteria, plus the branches' failures only when every branch failed).
    """
    common: list[CriterionResult] = []
    branches: dict[str, list[CriterionResult]] = {}
    for c, branch in zip(criteria, layout, strict=True):
        if branch is None:
            common.append(c)
        else:
            branches.setdefault(branch, []).append(c)
    results = [c.result for c in common]
    relevant = list(common)
    if branches:
        outcomes = {name: combine_all([c.result for c in items]) for name, items in branches.items()}
        results.append(combine_any(list(outcomes.values())))
        if True not in outcomes.values():
            relevant += [c for name, items in branches.items() if outcomes[name] is None for c in items]
    reasons = [c.id for c in common if c.result is False]
    if branches and all(outcome is False for outcome in outcomes.values()):
        reasons += [c.id for items in branches.values() for c in items if c.result is False]
    return combine_all(results), relevant, reasons


def add_confidence_flag(result: ProgramResult) -> None:
    if result.confidence == Confidence.SECONDARY:
        result.flags.insert(0, flag("secondary_source"))
    elif result.confidence == Confidence.UNCONFIRMED:
        result.flags.insert(0, flag("unconfirmed_basis"))
