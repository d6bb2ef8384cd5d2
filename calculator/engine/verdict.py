"""How a program's criteria decide its result: met, failed or open (branches, soft criteria), the inputs that stay
open, the failed criteria, the result's confidence, and the table's own flags. Used by :mod:`.evaluate`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from calculator.engine.catalogue import Program
from calculator.engine.criteria import Compiled, CompiledWhen
from calculator.engine.enums import Confidence
from calculator.engine.members import CONFIRMED, SECONDARY, UNCONFIRMED
from calculator.engine.model import CriterionResult, Flag


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


def plain_open(criteria: list[CriterionResult], missing: list[str], flags: list[Flag]) -> tuple[bool | None, list[str]]:
    """:func:`plain` and then :func:`collect_open` over every criterion (when not all are met), in one pass: (the
    overall result, the failed criteria's ids). Written out rather than composed of the two: most programs of every
    assessment take this path, and it saves them two calls and a second pass."""
    overall: bool | None = True
    for crit in criteria:
        found = crit.result
        if found is None:
            if overall is True:
                overall = None
            for name in crit.missing:
                if name not in missing:
                    missing.append(name)
            note = crit.note
            if note is not None and isinstance(note, Flag):
                flags.append(note)
        elif found is False:
            overall = False
    if overall is False:
        return False, [c.id for c in criteria if c.result is False]
    return overall, []


def add_new(missing: list[str], names: Sequence[str]) -> None:
    """Add to ``missing`` the ``names`` it does not hold yet, in order."""
    for name in names:
        if name not in missing:
            missing.append(name)


def result_confidence(benefit: Confidence, criteria: list[CriterionResult],
                      dates: tuple[Confidence, ...]) -> Confidence:
    """The weakest of the benefit's confidence, the decided criteria's (an UNCONFIRMED one can only have withheld,
    never granted: it is left out) and the dates' (``dates``)."""
    if benefit == UNCONFIRMED or UNCONFIRMED in dates:
        return UNCONFIRMED
    if benefit == SECONDARY or SECONDARY in dates:
        return SECONDARY
    for crit in criteria:
        if crit.confidence == SECONDARY and crit.result is not None:
            return SECONDARY
    return CONFIRMED


def surest(criteria: list[CriterionResult], reasons: list[str]) -> Confidence:
    """``strongest(*[c.confidence for c in criteria if c.id in reasons])`` in one call and one pass, stopping at the
    first confirmed reason: a failed program is as sure as its surest reason (tests/test_engine_verdict.py)."""
    found = UNCONFIRMED
    for crit in criteria:
        if crit.id in reasons:
            level = crit.confidence
            if level == CONFIRMED:
                return CONFIRMED
            if level == SECONDARY:
                found = SECONDARY
    return found


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


def table_flags(subject: Mapping[str, Any], as_of: dt.date, criteria: list[CriterionResult], reasons: list[str],
                in_force: list[tuple[Flag, CompiledWhen | None]], noting: tuple[int, ...]) -> list[Flag]:
    """The program's own flags in force on the day (``in_force``, each made once) whose ``when`` (if any) holds; the
    flags of values read from a stand-in input (``first_known``); and the pointers of failed criteria to another
    program (``see_also``). ``noting``: the positions of the criteria that may add a flag (:func:`notes`). Both are the
    program's day facts (:func:`calculator.engine.evaluate.day_facts`)."""
    out: list[Flag] = []
    held_flags(subject, as_of, in_force, out)
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


def held_flags(subject: Mapping[str, Any], as_of: dt.date, in_force: list[tuple[Flag, CompiledWhen | None]],
               out: list[Flag]) -> None:
    """Add to ``out`` the table's flags in force whose ``when`` (if any) holds (the first part of
    :func:`table_flags`)."""
    for item, condition in in_force:
        if condition is None or condition.holds(subject, as_of):
            out.append(item)


def notes(criterion: Compiled) -> bool:
    """Whether a criterion may add a flag: a pointer to another program (``see_also``), or a value read from a
    stand-in input (a ``first_known`` value with a ``flag``)."""
    spec = criterion.value.spec
    return criterion.spec.see_also is not None or (spec is not None and spec.flag is not None)


def indexed_open(criteria: list[CriterionResult], common: list[int], branches: list[list[int]], missing: list[str],
                 flags: list[Flag]) -> tuple[bool | None, list[str]]:
    """:func:`decide_indexed`, then :func:`collect_open` over the criteria it finds relevant when not all are met:
    (the overall result, the failed criteria's ids). For a program with branches and no soft criterion."""
    overall, relevant, reasons = decide_indexed(criteria, common, branches)
    if overall is not True:
        collect_open(relevant, missing, flags)
    return overall, reasons


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
