"""Evaluate profiles against the compiled catalogue: status, estimate, reasons, gaps, stacking, totals."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from calculator.engine.benefits import Context
from calculator.engine.catalogue import Catalogue, Layout, Program
from calculator.engine.criteria import Compiled, CompiledWhen
from calculator.engine.derived import default_tax_year
from calculator.engine.enums import Confidence, EffectiveBasis, Outcome, Status, Subject, strongest
from calculator.engine.gaps import near_misses
from calculator.engine.model import (
    Assessment,
    CriterionResult,
    Flag,
    NotInForce,
    ProgramResult,
    SubjectResult,
    WindowStatus,
)
from calculator.engine.self_check import SHOWN_BESIDE, run_self_check
from calculator.engine.specs import FlagSpec, Text
from calculator.engine.stacking import apply_stacking
from calculator.engine.texts import flag
from schemas.profile import field_catalogue

# Enum members as module names: read on every evaluation, where a look-up on the enum class costs more.
_CONFIRMED = Confidence.CONFIRMED
_ELIGIBLE = Status.ELIGIBLE
_MONEY = Outcome.MONEY
_NEEDS_INFO = Status.NEEDS_INFO
_NOT_ELIGIBLE = Status.NOT_ELIGIBLE
_NOT_IN_FORCE = Status.NOT_IN_FORCE
_SECONDARY = Confidence.SECONDARY
_UNCONFIRMED = Confidence.UNCONFIRMED


log = logging.getLogger(__name__)
INHERITED = (("employer_zone_flags", "zone_flags"), ("tax_year", "tax_year"))
_UNITS = {subject: {name: meta["unit"] for name, meta in fields.items()}
          for subject, fields in field_catalogue().items()}
# The flag a result less than confirmed starts with.
CONFIDENCE_FLAGS = {Confidence.SECONDARY: "secondary_source", Confidence.UNCONFIRMED: "unconfirmed_basis"}


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
        try:
            results[program.spec.id] = evaluate_program(catalogue, program, subject, as_of, tax_year, {})
        except Exception as exc:
            results[program.spec.id] = failed(program, as_of, exc)
    adjustments = apply_stacking(first, results, subject, as_of) if first else []
    if dependent:
        for program in dependent:
            pid = program.spec.id
            resolved = {dep: results[dep] for dep in program.spec.depends_on if dep in results}
            try:
                results[pid] = evaluate_program(catalogue, program, subject, as_of, tax_year, resolved)
            except Exception as exc:
                results[pid] = failed(program, as_of, exc)
        if second:
            adjustments += apply_stacking(second, results, subject, as_of)
    return SubjectResult(kind=kind, ref=None, results=list(results.values()), adjustments=adjustments)


def safe_evaluate(catalogue: Catalogue, program: Program, subject: Mapping[str, Any], as_of: dt.date,
                  tax_year: int, resolved: dict[str, ProgramResult]) -> ProgramResult:
    """One program; an unexpected failure is reported on that program and hides no other result."""
    try:
        return evaluate_program(catalogue, program, subject, as_of, tax_year, resolved)
    except Exception as exc:
        return failed(program, as_of, exc)


def failed(program: Program, as_of: dt.date, exc: Exception) -> ProgramResult:
    """The result of a program whose evaluation failed (logged): needs-info, flagged, hiding no other result."""
    log.exception("evaluation of %s failed", program.id, exc_info=exc)
    return ProgramResult(program=program, status=_NEEDS_INFO, criteria=[], missing=[],
                         flags=[flag("evaluation_failed", error=type(exc).__name__)], benefit=None,
                         confidence=_UNCONFIRMED, window=program.window(as_of))


def evaluate_program(catalogue: Catalogue, program: Program, subject: Mapping[str, Any], as_of: dt.date,
                     tax_year: int, resolved: dict[str, ProgramResult], full: bool = True) -> ProgramResult:
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
    if program.spec.cohort and (shut := cohort_closed(program, subject, facts, flags, missing)) is not None:
        return shut
    compiled, layout = facts.layout
    criteria = [c.fast(subject, as_of, day) for c in compiled]
    if layout is None and not program.soft_criteria:
        overall, relevant, reasons = plain(criteria)
    else:
        overall, relevant, reasons = judge(program, criteria, flags, layout)
    if full and (facts.flags or facts.noting):
        flags += table_flags(program, subject, as_of, day, criteria, reasons, facts.flags, facts.noting)
    if overall is not True:  # met criteria leave nothing open
        collect_open(relevant, missing, flags)
    if overall is False:
        return not_eligible(catalogue, program, subject, as_of, tax_year, resolved, full,
                            criteria, flags, reasons, facts.window, day)
    benefit = program.benefit.compute(subject, Context(as_of, tax_year, day, catalogue.reference, resolved))
    for name in benefit.missing:
        if name not in missing:
            missing.append(name)
    if benefit.flags:
        flags += benefit.flags
    status = decided_status(program, overall, criteria, missing, flags)
    if not full:
        return ProgramResult(program, status, criteria, missing, flags, benefit, benefit.confidence, [], None,
                             facts.window, None, [], day)
    confidence = result_confidence(benefit.confidence, criteria, facts.confidence_used)
    if program.competitive and benefit.kind == _MONEY:
        flags.append(Flag("competitive_up_to", {}))
    if confidence != _CONFIRMED:
        flags.insert(0, Flag(CONFIDENCE_FLAGS[confidence], {}))
    result = ProgramResult(program, status, criteria, missing, flags, benefit, confidence, [], None, facts.window,
                           None, [], day)
    if program.self_check and status in SHOWN_BESIDE:
        result.self_check = run_self_check(catalogue, program, subject, as_of, tax_year, day, resolved,
                                           _UNITS[program.subject], priced=benefit)
    return result


def plain(criteria: list[CriterionResult]) -> tuple[bool | None, list[CriterionResult], list[str]]:
    """What :func:`judge` decides for a program without branches or soft criteria: every criterion must be met."""
    overall: bool | None = True
    for crit in criteria:
        found = crit.result
        if found is False:
            return False, criteria, [c.id for c in criteria if c.result is False]
        if found is None:
            overall = None
    return overall, criteria, []


def result_confidence(benefit: Confidence, criteria: list[CriterionResult],
                      dates: tuple[Confidence, ...]) -> Confidence:
    """The weakest of the benefit's confidence, the decided criteria's (an UNCONFIRMED one can only have withheld,
    never granted: it is left out) and the dates' (``dates``)."""
    if benefit == _UNCONFIRMED or _UNCONFIRMED in dates:
        return _UNCONFIRMED
    if benefit == _SECONDARY or _SECONDARY in dates:
        return _SECONDARY
    for crit in criteria:
        if crit.confidence == _SECONDARY and crit.result is not None:
            return _SECONDARY
    return _CONFIRMED


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
    flags: list[tuple[FlagSpec, CompiledWhen | None]]
    noting: tuple[int, ...]


def day_facts(program: Program, as_of: dt.date, tax_year: int) -> DayFacts:
    """The program's :class:`DayFacts` for ``as_of`` and ``tax_year`` (cached on the program)."""
    window = program.window(as_of)
    refused, day = in_force(program, as_of, tax_year, window)
    eff = program.spec.effective
    _, start, _, last_day = program.effective
    used: list[Confidence] = [eff.confidence] if eff.confidence != _UNCONFIRMED else []
    expired = None
    if last_day is not None and as_of > last_day:
        expired = {"years": eff.valid_for_years, "start_date": start, "end_date": last_day}
        used.append(eff.valid_for_confidence or _UNCONFIRMED)
    layout = program.on_day(day) if program.dated_criteria else program.layout
    facts = DayFacts(window, day, None if refused is None else refused.reason,
                     None if refused is None else refused.confidence, tuple(used), expired, layout,
                     [(item, when) for item, when in program.flags if item.covers(day)],
                     tuple(i for i, c in enumerate(layout[0]) if notes(c)) if program.notes_criteria else ())
    if len(program.facts) > 512:
        program.facts.clear()
    program.facts[(as_of, tax_year)] = facts
    return facts


def collect_open(relevant: list[CriterionResult], missing: list[str], flags: list[Flag]) -> None:
    """Add the inputs open criteria still need to `missing`, and their engine sentences to `flags`."""
    for crit in relevant:
        if crit.result is None:
            for name in crit.missing:
                if name not in missing:
                    missing.append(name)
            note = crit.note
            if note is not None and isinstance(note, Flag):  # an engine sentence saying why it is open
                flags.append(note)


def not_eligible(catalogue: Catalogue, program: Program, subject: Mapping[str, Any], as_of: dt.date, tax_year: int,
                 resolved: dict[str, ProgramResult], full: bool, criteria: list[CriterionResult],
                 flags: list[Flag], reasons: list[str], window: WindowStatus, day: dt.date) -> ProgramResult:
    """A failed program's result, with what would change it (near misses) and the self-check beside it (``full``)."""
    confidence = strongest(*[c.confidence for c in criteria if c.id in reasons])
    if full and confidence != _CONFIRMED:
        flags.insert(0, Flag(CONFIDENCE_FLAGS[confidence], {}))
    result = ProgramResult(program, _NOT_ELIGIBLE, criteria, [], flags, None, confidence, [], None, window,
                           None, reasons, day)
    if not full:
        return result
    numeric = program.numeric_ops
    if (numeric and not numeric.isdisjoint([c.criterion.op for c in criteria if c.result is False])) or (
            program.condition_gaps and not program.condition_gaps.isdisjoint(reasons)):
        def again(changed: Mapping[str, Any]) -> ProgramResult:
            return evaluate_program(catalogue, program, {**subject, **changed}, as_of, tax_year, resolved,
                                    full=False)

        result.gaps = near_misses(criteria, reasons, subject, as_of, _UNITS[program.subject], again)
    if program.self_check:
        result.self_check = run_self_check(catalogue, program, subject, as_of, tax_year, day, resolved,
                                           _UNITS[program.subject])
    return result


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
        return _NEEDS_INFO
    return program.spec.outcome.max_status if program.spec.outcome else _ELIGIBLE


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


def judge(program: Program, criteria: list[CriterionResult], flags: list[Flag],
          layout: tuple[list[int], list[list[int]]] | None) -> tuple[bool | None, list[CriterionResult], list[str]]:
    """(overall result, the criteria whose unknowns matter, the failed criteria's ids). A criterion whose unknown
    input only flags (``unknown_outcome = "flag"``) counts as met while unanswered (never as missing), and its flag
    is added to ``flags``; the criteria listed keep it unknown. ``layout``: the positions of the common criteria and
    of each branch's (None: no branch)."""
    judged = criteria
    if program.soft_criteria:
        judged = []
        for crit in criteria:
            soft = crit.criterion.spec.unknown_flag
            if soft is not None and crit.result is None and crit.missing:
                flags.append(Flag(soft.code, text=soft.text))
                crit = CriterionResult(crit.criterion, True, crit.actual, crit.required, crit.confidence, (),
                                       crit.note, crit.id)
            judged.append(crit)
    if layout is None:
        return plain(judged)
    return decide_indexed(judged, *layout)


def table_flags(program: Program, subject: Mapping[str, Any], as_of: dt.date, day: dt.date,
                criteria: list[CriterionResult], reasons: list[str],
                in_force: list[tuple[FlagSpec, CompiledWhen | None]] | None = None,
                noting: tuple[int, ...] | None = None) -> list[Flag]:
    """The program's own flags in force on ``day`` whose ``when`` (if any) holds; the flags of values read from a
    stand-in input (``first_known``); and the pointers of failed criteria to another program (``see_also``).
    ``in_force``: the program's flags in force on ``day``, ``noting``: the positions of the criteria that may add a
    flag, when known."""
    out: list[Flag] = []
    for item, condition in program.flags if in_force is None else in_force:
        if (in_force is not None or item.covers(day)) and (condition is None or condition.holds(subject, as_of)):
            out.append(Flag(item.code, {}, item.text, item.confidence, item.source))
    if noting is None:
        noting = tuple(i for i, c in enumerate(criteria) if notes(c.criterion)) if program.notes_criteria else ()
    for i in noting:
        crit = criteria[i]
        if crit.result is not None:
            stand_in = crit.criterion.value.stand_in(subject)
            if stand_in is not None and all(f.code != stand_in.code for f in out):
                out.append(stand_in)
        see_also = crit.criterion.spec.see_also
        if see_also is not None and crit.id in reasons:
            out.append(Flag("see_also", {"program_id": see_also.program}, see_also.text))
    return out


def notes(criterion: Compiled) -> bool:
    """Whether a criterion may add a flag: a pointer to another program (``see_also``), or a value read from a
    stand-in input (a ``first_known`` value with a ``flag``)."""
    spec = criterion.value.spec
    return criterion.spec.see_also is not None or (spec is not None and spec.flag is not None)


def decide_indexed(criteria: list[CriterionResult], common: list[int],
                   branches: list[list[int]]) -> tuple[bool | None, list[CriterionResult], list[str]]:
    """All common criteria, and (when there are branches) all criteria of at least one branch; the layout is the
    positions of the common criteria and of each branch's (worked out once per program, or per day when criteria
    are dated).

    Also returns the criteria whose unknowns matter (common ones, plus those of still-open branches when
    no branch is met: an answered branch makes the others' questions moot; none when the whole is met) and the
    reasons for a failure (failed common criteria, plus the branches' failures only when every branch failed).
    """
    outcomes: list[bool | None] = []
    for indexes in branches:
        outcome: bool | None = True
        for i in indexes:
            found = criteria[i].result
            if found is False:
                outcome = False
                break
            if found is None:
                outcome = None
        outcomes.append(outcome)
    overall: bool | None = True if True in outcomes else None if None in outcomes else False
    reasons = []
    for i in common:
        found = criteria[i].result
        if found is False:
            reasons.append(criteria[i].id)
        elif found is None and overall is True:
            overall = None
    if reasons:
        overall = False
    elif overall is True:
        return True, [], reasons
    relevant = [criteria[i] for i in common]
    if True not in outcomes:
        relevant += [criteria[i] for indexes, o in zip(branches, outcomes, strict=True) if o is None for i in indexes]
        if None not in outcomes:  # every branch failed
            reasons += [criteria[i].id for indexes in branches for i in indexes if criteria[i].result is False]
    return overall, relevant, reasons


def closed(program: Program, flags: list[Flag], window: WindowStatus, reason: str, confidence: Confidence | None,
           day: dt.date, own: Text | None = None, **params: Any) -> ProgramResult:
    """A ``not_in_force`` result, with the reason rendered later by the report (``own``: the program's own
    sentence, shown after the engine's)."""
    result = ProgramResult(program=program, status=_NOT_IN_FORCE, criteria=[], missing=[], flags=flags,
                           benefit=None, confidence=confidence or _UNCONFIRMED, window=window,
                           reason=NotInForce(reason, params, own), day=day)
    add_confidence_flag(result)
    return result


def add_confidence_flag(result: ProgramResult) -> None:
    if result.confidence != _CONFIRMED:
        result.flags.insert(0, Flag(CONFIDENCE_FLAGS[result.confidence], {}))
