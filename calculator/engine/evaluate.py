"""Evaluate profiles against the compiled catalogue: status, estimate, reasons, gaps, stacking, totals."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from calculator.engine.benefits import Context
from calculator.engine.catalogue import Catalogue, Layout, Program
from calculator.engine.criteria import CompiledWhen
from calculator.engine.criteria_code import Runner
from calculator.engine.derived import default_tax_year
from calculator.engine.enums import Confidence, EffectiveBasis, Status, Subject
from calculator.engine.gaps import near_misses
from calculator.engine.members import (
    CONFIRMED,
    ELIGIBLE,
    MONEY,
    NEEDS_INFO,
    NOT_ELIGIBLE,
    NOT_IN_FORCE,
    UNCONFIRMED,
)
from calculator.engine.model import (
    Assessment,
    CriterionResult,
    Flag,
    Gap,
    NotInForce,
    ProgramResult,
    SubjectResult,
    WindowStatus,
)
from calculator.engine.self_check import SHOWN_BESIDE, run_self_check
from calculator.engine.specs import Text
from calculator.engine.stacking import apply_stacking
from calculator.engine.texts import flag
from calculator.engine.verdict import (
    add_new,
    collect_open,
    held_flags,
    indexed_open,
    judge,
    notes,
    plain,
    plain_open,
    result_confidence,
    surest,
    table_flags,
)
from schemas.profile import field_catalogue

log = logging.getLogger(__name__)
INHERITED = (("employer_zone_flags", "zone_flags"), ("tax_year", "tax_year"))
_UNITS = {subject: {name: meta["unit"] for name, meta in fields.items()}
          for subject, fields in field_catalogue().items()}
NO_RESULTS: Mapping[str, ProgramResult] = MappingProxyType({})  # the results a program depending on none sees
# The flag a result less than confirmed starts with, and a competitive program's amount's: made once, shared by
# every result (no flag is changed once made; a result's list of flags is its own).
CONFIDENCE_FLAGS = {Confidence.SECONDARY: Flag("secondary_source", {}),
                    Confidence.UNCONFIRMED: Flag("unconfirmed_basis", {})}
COMPETITIVE = Flag("competitive_up_to", {})


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
    for program in independent:  # as safe_evaluate, without a call more per program
        try:
            results[program.spec.id] = evaluate_program(catalogue, program, subject, as_of, tax_year, NO_RESULTS)
        except Exception as exc:
            results[program.spec.id] = failed(program, as_of, exc)
    adjustments = apply_stacking(first, results, subject, as_of) if first else []
    if dependent:
        for program in dependent:
            pid = program.spec.id
            resolved = {dep: results[dep] for dep in program.spec.depends_on if dep in results}
            results[pid] = safe_evaluate(catalogue, program, subject, as_of, tax_year, resolved)
        if second:
            adjustments += apply_stacking(second, results, subject, as_of)
    return SubjectResult(kind=kind, ref=None, results=list(results.values()), adjustments=adjustments)


def safe_evaluate(catalogue: Catalogue, program: Program, subject: Mapping[str, Any], as_of: dt.date,
                  tax_year: int, resolved: Mapping[str, ProgramResult]) -> ProgramResult:
    """One program; an unexpected failure is reported on that program (logged, needs-info, flagged) and hides no
    other result."""
    try:
        return evaluate_program(catalogue, program, subject, as_of, tax_year, resolved)
    except Exception as exc:
        return failed(program, as_of, exc)


def failed(program: Program, as_of: dt.date, exc: Exception) -> ProgramResult:
    """The result of a program whose evaluation raised ``exc`` (logged): needs-info, flagged."""
    log.exception("evaluation of %s failed", program.id)
    return ProgramResult(program=program, status=NEEDS_INFO, criteria=[], missing=[],
                         flags=[flag("evaluation_failed", error=type(exc).__name__)], benefit=None,
                         confidence=UNCONFIRMED, window=program.window(as_of))


def evaluate_program(catalogue: Catalogue, program: Program, subject: Mapping[str, Any], as_of: dt.date,
                     tax_year: int, resolved: Mapping[str, ProgramResult], full: bool = True) -> ProgramResult:
    """One program for one subject. ``full`` False is the lean path of re-evaluations (a near miss's unlock, the next
    questions): the same status, reasons, missing inputs and benefit, without what only a reader of the result
    looks at (the table's flags, the expiry and confidence flags, near misses, the self-check)."""
    facts: DayFacts | None = program.facts.get((as_of, tax_year))
    if facts is None:
        facts = day_facts(program, as_of, tax_year)
    if facts.closed is not None:
        return closed(program, [], facts.window, facts.closed.code, facts.confidence, facts.day, facts.closed.text,
                      **facts.closed.params)
    day = facts.day
    flags: list[Flag] = [] if not full or facts.expired is None else [Flag("may_have_expired", dict(facts.expired))]
    missing: list[str] = []
    run = facts.plain
    if run is not None:  # every criterion must be met, nothing else to add: decided in one pass
        if full and facts.flags:
            held_flags(subject, as_of, facts.flags, flags)
        criteria = run(subject, as_of, day)
        overall, reasons = plain_open(criteria, missing, flags)
    else:
        if program.spec.cohort and (shut := cohort_closed(program, subject, facts, flags, missing)) is not None:
            return shut
        criteria, overall, reasons = decide(program, facts, subject, as_of, full, flags, missing)
    if overall is False:
        return not_eligible(catalogue, program, subject, as_of, tax_year, resolved, full,
                            criteria, flags, reasons, facts.window, day)
    ctx = facts.context
    if resolved or ctx.reference is not catalogue.reference:
        ctx = Context(as_of, tax_year, day, catalogue.reference, resolved)
    benefit = program.benefit.compute(subject, ctx)
    if benefit.missing:
        add_new(missing, benefit.missing)
    if benefit.flags:
        flags += benefit.flags
    if facts.plain_status:
        status = ELIGIBLE if overall is True and not missing else NEEDS_INFO
    else:
        status = decided_status(program, overall, criteria, missing, flags)
    if not full:
        return ProgramResult(program, status, criteria, missing, flags, benefit, benefit.confidence, [], None,
                             facts.window, None, [], day)
    confidence = result_confidence(benefit.confidence, criteria, facts.confidence_used)
    if program.competitive and benefit.kind == MONEY:
        flags.append(COMPETITIVE)
    if confidence != CONFIRMED:  # as confidence_flag
        flags.insert(0, CONFIDENCE_FLAGS[confidence])
    result = ProgramResult(program, status, criteria, missing, flags, benefit, confidence, [], None, facts.window,
                           None, [], day)
    if program.self_check and status in SHOWN_BESIDE:
        result.self_check = run_self_check(catalogue, program, subject, as_of, tax_year, day, resolved,
                                           _UNITS[program.subject], priced=benefit)
    return result


def decide(program: Program, facts: DayFacts, subject: Mapping[str, Any], as_of: dt.date, full: bool,
           flags: list[Flag], missing: list[str]) -> tuple[list[CriterionResult], bool | None, list[str]]:
    """(the criteria's results, the overall result, the failed criteria's ids) of a program with branches, soft
    criteria, dated criteria or the table's flags; adds the inputs still open to ``missing`` and the flags to
    ``flags`` (the table's first, then the open criteria's)."""
    compiled, layout = facts.layout
    run = facts.run
    day = facts.day
    criteria = run(subject, as_of, day) if run is not None else [c.fast(subject, as_of, day) for c in compiled]
    if not program.soft_criteria and not facts.noting:  # the table's flags, then the open criteria's
        if full and facts.flags:
            held_flags(subject, as_of, facts.flags, flags)
        overall, reasons = plain_open(criteria, missing, flags) if layout is None else indexed_open(
            criteria, layout[0], layout[1], missing, flags)
        return criteria, overall, reasons
    if layout is None and not program.soft_criteria:
        overall, relevant, reasons = plain(criteria)
    else:
        overall, relevant, reasons = judge(program, criteria, flags, layout)
    if full and (facts.flags or facts.noting):
        flags += table_flags(subject, as_of, criteria, reasons, facts.flags, facts.noting)
    if overall is not True:  # met criteria leave nothing open
        collect_open(relevant, missing, flags)
    return criteria, overall, reasons


def cohort_closed(program: Program, subject: Mapping[str, Any], facts: DayFacts, flags: list[Flag],
                  missing: list[str]) -> ProgramResult | None:
    """The ``not_in_force`` result of a subject outside the program's cohort (None: inside it, or its date is
    unanswered: then added to ``missing``)."""
    cohort = program.spec.cohort
    assert cohort is not None
    value = subject.get(cohort.field)
    if value is None:
        missing.append(cohort.field)
    elif value >= cohort.closed_from:
        return closed(program, flags, facts.window, "cohort_closed", cohort.confidence, facts.day, None,
                      text=cohort.text, field=cohort.field, value_date=value, start_date=cohort.closed_from)
    return None


@dataclass(frozen=True, slots=True)
class DayFacts:
    """What a program's result takes from the as-of date and tax year alone, worked out once per pair: the window,
    the day dated rows are read for, why it is not in force (or None), the confidence levels its dates add and the
    parameters of its 'may have expired' flag (or None), the criteria in force with their branch layout, and the
    table's flags in force on the day with their ``when`` (if any), and the positions of the criteria in force that
    may add a flag (a pointer, or a value read from a stand-in input)."""

    window: WindowStatus
    day: dt.date
    closed: NotInForce | None
    confidence: Confidence | None  # of the reason it is not in force
    confidence_used: tuple[Confidence, ...]
    expired: dict[str, Any] | None
    layout: Layout
    flags: list[tuple[Flag, CompiledWhen | None]]
    noting: tuple[int, ...]
    run: Runner | None  # the criteria in force in one generated call (None: called one by one)
    context: Context  # what its formula is computed with when it depends on no other program (no results)
    plain: Runner | None  # ``run`` when every criterion must be met (no branch, soft criterion or cohort) and no
    # criterion may add a flag (``noting`` empty)
    plain_status: bool  # no outcome cap and no branch: eligible when met with nothing missing, else needs-info


def day_facts(program: Program, as_of: dt.date, tax_year: int) -> DayFacts:
    """The program's :class:`DayFacts` for ``as_of`` and ``tax_year`` (cached on the program)."""
    window = program.window(as_of)
    refused, day = in_force(program, as_of, tax_year, window)
    eff = program.spec.effective
    _, start, _, last_day = program.effective
    used: list[Confidence] = [eff.confidence] if eff.confidence != UNCONFIRMED else []
    expired = None
    if last_day is not None and as_of > last_day:
        expired = {"years": eff.valid_for_years, "start_date": start, "end_date": last_day}
        used.append(eff.valid_for_confidence or UNCONFIRMED)
    layout = program.on_day(day) if program.dated_criteria else program.layout
    table = [(Flag(item.code, {}, item.text, item.confidence, item.source), when)
                for item, when in program.flags if item.covers(day)]
    noting = tuple(i for i, c in enumerate(layout[0]) if notes(c)) if program.notes_criteria else ()
    run = program.run if layout[0] is program.criteria else None
    plain_run = None if layout[1] is not None or program.soft_criteria or noting or program.spec.cohort else run
    facts = DayFacts(window, day, None if refused is None else refused.reason,
                     None if refused is None else refused.confidence, tuple(used), expired, layout, table, noting,
                     run, Context(as_of, tax_year, day, program.benefit.reference, NO_RESULTS), plain_run,
                     not program.spec.outcome and not program.has_branches)
    if len(program.facts) > 512:
        program.facts.clear()
    program.facts[(as_of, tax_year)] = facts
    return facts


def not_eligible(catalogue: Catalogue, program: Program, subject: Mapping[str, Any], as_of: dt.date, tax_year: int,
                 resolved: Mapping[str, ProgramResult], full: bool, criteria: list[CriterionResult],
                 flags: list[Flag], reasons: list[str], window: WindowStatus, day: dt.date) -> ProgramResult:
    """A failed program's result, with what would change it (near misses) and the self-check beside it (``full``)."""
    confidence = surest(criteria, reasons)  # as sure as its surest reason
    if full:
        confidence_flag(flags, confidence)
    result = ProgramResult(program, NOT_ELIGIBLE, criteria, [], flags, None, confidence, [], None, window,
                           None, reasons, day)
    if not full:
        return result
    if has_gaps(program, criteria, reasons):
        def again(changed: Mapping[str, Any]) -> ProgramResult:
            return evaluate_program(catalogue, program, {**subject, **changed}, as_of, tax_year, resolved,
                                    full=False)

        def gaps() -> list[Gap]:
            return near_misses(criteria, reasons, subject, as_of, _UNITS[program.subject], again)

        def pending() -> list[Gap]:  # read after the evaluation: a failure now hides its near misses only
            try:
                return gaps()
            except Exception:
                log.exception("near misses of %s failed", program.id)
                return []

        if resolved:  # a dependency's result may still change (the second stacking phase): priced now
            result.gaps = gaps()
        else:  # nothing it reads changes: priced when first read (the figures view reads none)
            result.pending = pending
    if program.self_check:
        result.self_check = run_self_check(catalogue, program, subject, as_of, tax_year, day, resolved,
                                           _UNITS[program.subject])
    return result


def has_gaps(program: Program, criteria: list[CriterionResult], reasons: list[str]) -> bool:
    """Whether a failed program may have near misses: a failed comparison, or a failed condition with a gap text."""
    numeric = program.numeric_ops
    if numeric:
        for crit in criteria:
            if crit.result is False and crit.criterion.op in numeric:
                return True
    gaps = program.condition_gaps
    return bool(gaps) and not gaps.isdisjoint(reasons)


def decided_status(program: Program, overall: bool | None, criteria: list[CriterionResult], missing: list[str],
                   flags: list[Flag]) -> Status:
    """Eligible or needs-info, capped by the table's outcome; adds the outcome's and the met branch's flag."""
    spec = program.spec
    eligible = overall is True and not missing
    status = capped_status(program, eligible)
    if eligible and spec.outcome:
        flags.append(Flag(code=spec.outcome.code, text=spec.outcome.text))
    if overall is True and program.has_branches:
        for branch in spec.branches:  # the first branch met
            if all(c.result is True for c in criteria if c.criterion.branch == branch.id):
                if branch.flag:
                    flags.append(Flag(code=branch.flag, text=branch.flag_text or branch.text))
                break
    return status


def capped_status(program: Program, eligible: bool) -> Status:
    """Eligible, capped by the table's outcome (its ``max_status``), when every criterion is met and no input is
    missing (``eligible``); else needs-info."""
    if not eligible:
        return NEEDS_INFO
    return program.spec.outcome.max_status if program.spec.outcome else ELIGIBLE


def in_force(program: Program, as_of: dt.date, tax_year: int,
             window: WindowStatus) -> tuple[ProgramResult | None, dt.date]:
    """(a ``not_in_force`` result, or None; the day dated rows are read for: the as-of date, or for tax reliefs
    the later of 1 January of the tax year and the program's start)."""
    eff = program.spec.effective
    basis, start, end, _ = program.effective
    if basis == EffectiveBasis.TAX_YEAR:
        year_start, year_end = dt.date(tax_year, 1, 1), dt.date(tax_year, 12, 31)
        day = max(year_start, start)
        if year_end < start:
            return closed(program, [], window, "tax_year_before", eff.confidence, day, eff.start_reason,
                          tax_year=tax_year, start_date=start), day
        if end is not None and year_start > end:
            return closed(program, [], window, "tax_year_after", eff.end_confidence, day, eff.end_reason,
                          tax_year=tax_year, end_date=end), day
        return None, day
    if as_of < start:
        return closed(program, [], window, "before_start", eff.confidence, as_of, eff.start_reason, as_of_date=as_of,
                      start_date=start), as_of
    if end is not None and as_of > end:
        return closed(program, [], window, "after_end", eff.end_confidence, as_of, eff.end_reason, as_of_date=as_of,
                      end_date=end), as_of
    return None, as_of


def closed(program: Program, flags: list[Flag], window: WindowStatus, reason: str, confidence: Confidence | None,
           day: dt.date, own: Text | None = None, **params: Any) -> ProgramResult:
    """A ``not_in_force`` result, with the reason rendered later by the report (``own``: the program's own
    sentence, shown after the engine's)."""
    result = ProgramResult(program=program, status=NOT_IN_FORCE, criteria=[], missing=[], flags=flags,
                           benefit=None, confidence=confidence or UNCONFIRMED, window=window,
                           reason=NotInForce(reason, params, own), day=day)
    confidence_flag(result.flags, result.confidence)
    return result


def confidence_flag(flags: list[Flag], confidence: Confidence) -> None:
    """A result less than confirmed starts its flags with the one that says so."""
    if confidence != CONFIRMED:
        flags.insert(0, CONFIDENCE_FLAGS[confidence])
