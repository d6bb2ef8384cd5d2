"""Stacking: choose-one and take-the-higher groups, combined limits; the best legal combination.

Among eligible members of exclusive groups the engine searches every legal combination (they are few)
and keeps the one worth most (by midpoint, then by low end); known amounts beat unknown ones.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from calculator.engine.enums import EXCLUSIVE, Certainty, Operator, StackingKind
from calculator.engine.members import ELIGIBLE, NEEDS_INFO, UNKNOWN
from calculator.engine.model import Adjustment, Estimate, ExcludedBy, Flag, ProgramResult
from calculator.engine.specs import StackingGroupSpec
from calculator.engine.texts import flag

Worth = tuple[Decimal, Decimal, int]


def _worth(results: list[ProgramResult]) -> Worth:
    mid = sum(((r.estimate.low + r.estimate.high) / 2 for r in results if r.estimate), Decimal(0))
    low = sum((r.estimate.low for r in results if r.estimate), Decimal(0))
    known = sum(1 for r in results if r.estimate is not None)
    return mid, low, known


class Phase(NamedTuple):
    """A stacking phase's groups in force on one date, sorted by what they do (worked out once per date)."""

    groups: list[StackingGroupSpec]
    exclusive: list[StackingGroupSpec]
    sets: list[set[str]]
    members: frozenset[str]  # every member of an exclusive group
    warnings: list[StackingGroupSpec]
    limits: list[StackingGroupSpec]


_PHASES: dict[tuple[int, dt.date | None], tuple[Sequence[StackingGroupSpec], Phase]] = {}


def phase(groups: Sequence[StackingGroupSpec], as_of: dt.date | None) -> Phase:
    """The :class:`Phase` of ``groups`` on ``as_of`` (None: every group), cached per groups object and date (the entry
    keeps the groups, so the id stays theirs)."""
    found = _PHASES.get((id(groups), as_of))
    if found is not None and found[0] is groups:
        return found[1]
    covered = [g for g in groups if g.covers(as_of)] if as_of is not None else list(groups)
    exclusive = [g for g in covered if g.kind in EXCLUSIVE]
    made = Phase(covered, exclusive, [set(g.members) for g in exclusive],
                 frozenset(m for g in exclusive for m in g.members),
                 [g for g in covered if g.kind == StackingKind.WARNING],
                 [g for g in covered if g.kind == StackingKind.COMBINED_LIMIT])
    if len(_PHASES) > 1024:
        _PHASES.clear()
    _PHASES[(id(groups), as_of)] = (groups, made)
    return made


def apply_stacking(groups: Sequence[StackingGroupSpec], results: dict[str, ProgramResult],
                   subject: Mapping[str, Any], as_of: dt.date | None = None) -> list[Adjustment]:
    """Mark excluded results (``excluded_by``), flag pending choices, and return total adjustments.

    ``groups`` must only name programs present in ``results``; a dated group applies only on its dates (the
    as-of date).
    """
    found = phase(groups, as_of)
    if found.exclusive:
        members = found.members
        candidates = [m for m in results if m in members and results[m].status == ELIGIBLE]
        if len(candidates) > 1:  # 0 or 1 candidate: nothing to choose, nobody left out
            best_set = best_combination(candidates, found.sets, results)
            exclude_others(found.exclusive, found.sets, candidates, best_set, results)
        flag_pending(found.exclusive, results)
    if found.warnings:
        flag_warnings(found.warnings, results)
    adjustments = []
    for group in found.limits:
        if group_applies(group, subject) is not False:
            adjustment = combined_limit(group, results, subject)
            if adjustment is not None:
                adjustments.append(adjustment)
    return adjustments


def best_combination(candidates: list[str], sets: list[set[str]], results: dict[str, ProgramResult]) -> set[str]:
    """The maximal legal set of eligible candidates (at most one per exclusive group) worth most."""
    best: Worth | None = None
    best_set: set[str] = set(candidates)
    sizes = range(len(candidates), -1, -1) if len(candidates) > 1 else ()  # 0 or 1 candidate: nothing to choose
    for size in sizes:
        for combo in itertools.combinations(candidates, size):
            chosen = set(combo)
            if any(len(chosen & members) > 1 for members in sets):
                continue  # two members of one exclusive group
            if any(not any(m in members and chosen & members for members in sets)
                   for m in candidates if m not in chosen):
                continue  # not maximal: a left-out member conflicts with nothing chosen
            worth = _worth([results[m] for m in combo])
            if best is None or worth > best:
                best, best_set = worth, chosen
    return best_set


def exclude_others(exclusive: list[StackingGroupSpec], sets: list[set[str]], candidates: list[str],
                   best_set: set[str], results: dict[str, ProgramResult]) -> None:
    """Mark each candidate left out of the best set as excluded by its group (and say so on a tie)."""
    for member in candidates:
        if member in best_set:
            continue
        group = next(g for g, members in zip(exclusive, sets, strict=True) if member in members and best_set & members)
        kept = [m for m in group.members if m in best_set]
        results[member].excluded_by = ExcludedBy(group=group.id, kind=group.kind, chosen=kept, text=group.text)
        same = [results[m] for m in kept if results[m].estimate == results[member].estimate]
        if same:  # a tie: the first in evaluation order (by program id) is kept, and the excluded one says so
            results[member].flags.append(flag("stacking_tie", kept=program_names(same)))


def flag_pending(exclusive: list[StackingGroupSpec], results: dict[str, ProgramResult]) -> None:
    """A needs-info member of an exclusive group is told which other members it may have to choose between."""
    for group in exclusive:
        members = group.members
        for member in members:
            result = results[member]
            if result.status == NEEDS_INFO:
                others = [results[m] for m in members
                          if m != member and results[m].status in (ELIGIBLE, NEEDS_INFO)]
                if others:
                    result.flags.append(flag("exclusive_pending", others=program_names(others)))


def flag_warnings(groups: Sequence[StackingGroupSpec], results: dict[str, ProgramResult]) -> None:
    """Warning groups: when more than one member may apply, each carries the group's sentence."""
    for group in groups:
        if group.kind != StackingKind.WARNING:
            continue
        eligible = [m for m in group.members if results[m].status in (ELIGIBLE, NEEDS_INFO)]
        if len(eligible) > 1:
            for member in eligible:
                results[member].flags.append(Flag(code=f"stacking_{group.id}", text=group.text))

def group_applies(group: StackingGroupSpec, subject: Mapping[str, Any]) -> bool | None:
    """Whether a group's ``when`` holds for the subject's answer (True without a ``when``; None: unanswered)."""
    when = group.when
    if when is None:
        return True
    answer = subject.get(when.field)
    if answer is None:
        return None
    if when.op == Operator.IS_TRUE:
        return answer is True
    if when.op == Operator.IS_FALSE:
        return answer is False
    values = when.value if isinstance(when.value, tuple) else (when.value,)
    return answer in values  # eq / in on a code (the loader allows no other test)


def combined_limit(group: StackingGroupSpec, results: dict[str, ProgramResult],
                   subject: Mapping[str, Any]) -> Adjustment | None:
    """Members counted together never exceed ``limit_ratio`` × the largest limit input; each keeps its own amount
    and the cut is an adjustment of the combined line. With ``floor_at_largest_member`` the combined line is never
    below the largest single member (the others are cut); with ``flag_unknown_members`` a member whose amount is
    unknown is flagged when another member may be had. While the group's ``when`` input is unanswered the limit
    applies and each member limited carries the group's ``when_unknown`` flag."""
    counted = [results[m] for m in group.members if results[m].counts_in_totals]
    if group.flag_unknown_members:
        others = [results[m] for m in group.members if results[m].status in (ELIGIBLE, NEEDS_INFO)]
        for r in others:
            if r.status == ELIGIBLE and r.benefit is not None and r.benefit.kind == UNKNOWN \
                    and len(others) > 1:
                names = program_names([o for o in others if o is not r])
                r.flags.append(flag("combined_support_unknown", others=names))
    limits = [Decimal(value) for name in group.limit_inputs if (value := subject.get(name)) is not None]
    if len(counted) < 2 or not limits:
        return None
    limit = max(limits) * group.limit_ratio
    total = sum((r.estimate for r in counted if r.estimate is not None), Estimate(Decimal(0), Decimal(0)))
    low_limit, high_limit = limit, limit
    if group.floor_at_largest_member:
        largest_low = max(r.estimate.low for r in counted if r.estimate is not None)
        largest_high = max(r.estimate.high for r in counted if r.estimate is not None)
        low_limit, high_limit = max(limit, largest_low), max(limit, largest_high)
        if largest_high > limit:
            for r in counted:
                r.flags.append(flag("combined_limit_floor", limit_amount=limit))
    cut = Estimate(max(Decimal(0), total.low - low_limit), max(Decimal(0), total.high - high_limit))
    for r in counted:
        names = program_names([o for o in counted if o is not r])
        r.flags.append(flag("combined_support_limited", others=names, limit_amount=max(limit, high_limit)))
        if group.when_unknown is not None and group_applies(group, subject) is None:
            r.flags.append(Flag(code=group.when_unknown.code, text=group.when_unknown.text))
    if cut.high <= 0:
        return None
    return Adjustment(group=group.id, family=counted[0].program.family, amount=Estimate(-cut.low, -cut.high),
                      text=group.text, **money_of(counted))


def money_of(results: list[ProgramResult]) -> dict[str, Any]:
    """The kind of money and the certainty a cut to these programs' combined total is counted with (the cut comes
    off "up to" money when any of them is competitive). The loader makes a combined limit's members one kind."""
    certainty = Certainty.COMPETITIVE if any(r.program.competitive for r in results) else Certainty.DETERMINED
    return {"kind": results[0].money_kind, "certainty": certainty}


def program_names(results: list[ProgramResult]) -> dict[str, str]:
    """The programs' names joined, in both languages (a flag parameter the report picks the language of)."""
    return {"zh": "、".join(r.program.spec.name["zh"] for r in results),
            "en": "; ".join(r.program.spec.name["en"] for r in results)}
