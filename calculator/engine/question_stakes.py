"""What one question settles for each program asking it (:mod:`calculator.engine.questions`): the programs'
outcomes under its answers (:class:`Worth`), and the spread between the best and the worst (:class:`Stake`).

A program with a :meth:`direct <calculator.engine.question_runner.Runner.direct>` plan is priced without being
evaluated: where its benefit reads no answer, its outcomes follow from its criteria's decisions alone, and its
stake from the decisions met (:func:`decided_stake`, kept per program and decisions); other programs are
evaluated again on each answer (:func:`tried_worths`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from calculator.engine.answers import Answers
from calculator.engine.catalogue import Program
from calculator.engine.enums import BenefitKind, MoneyKind, Outcome, Status
from calculator.engine.model import BenefitOutcome, Estimate, ProgramResult
from calculator.engine.question_alike import Plan
from calculator.engine.question_runner import UNKNOWN, Runner

ZERO = Decimal(0)
IN_PLAY = frozenset({Status.ELIGIBLE, Status.NEEDS_INFO})
# What kind of money a benefit is, until every program declares it (the money contract in notes/wave2.md).
DEFAULT_MONEY_KINDS = {BenefitKind.CIT_RATE_DIFFERENTIAL: MoneyKind.TAX_THIS_YEAR,
                       BenefitKind.RD_SUPER_DEDUCTION: MoneyKind.TAX_THIS_YEAR,
                       BenefitKind.IIT_EXCESS_OVER_HK_BURDEN: MoneyKind.TAX_THIS_YEAR,
                       BenefitKind.NON_MONETARY: MoneyKind.NON_CASH}


@dataclass(frozen=True, slots=True)
class Stake:
    """What one question settles for one program: the spread of its outcomes over the question's answers."""

    program: Program
    at_stake: Estimate
    money_kind: MoneyKind
    open_ended: bool  # the spread can be larger: an amount grows with the figure given, or rests on other answers
    together_with: tuple[str, ...] = ()  # other inputs the program still needs: this answer settles it with them


class Worth(NamedTuple):
    """One program's outcome under one answer: what tells outcomes apart, and its worth (hi None: unknown); a
    named tuple, made for every answer tried."""

    signature: tuple[Any, ...]
    low: Decimal
    high: Decimal | None
    capped: bool


OUT_OF_PLAY = {status: Worth((status,), ZERO, ZERO, False) for status in Status if status not in IN_PLAY}


def money_kind(program: Program) -> MoneyKind:
    """The program's money kind (declared by its benefit once the money contract lands; a default till then)."""
    declared = getattr(program, "money_kind", None)
    if isinstance(declared, MoneyKind):
        return declared
    return DEFAULT_MONEY_KINDS.get(program.spec.benefit.kind, MoneyKind.CASH)


def worth(result: ProgramResult | None) -> Worth | None:
    """What a result is worth, for comparing answers (None: it could not be evaluated)."""
    if result is None:
        return None
    return worth_of(result.status, result.benefit)


def worth_of(status: Status, benefit: BenefitOutcome | None) -> Worth | None:
    """What a result of ``status`` and ``benefit`` is worth (see :func:`worth`)."""
    if status not in IN_PLAY:
        return OUT_OF_PLAY[status]
    if benefit is None:
        return None
    items = tuple([(id(item.item), item.applies) for item in benefit.items]) if benefit.items else ()
    estimate = benefit.estimate
    low, high = ZERO, None
    if benefit.kind == Outcome.NON_MONETARY:
        high = ZERO
    elif benefit.kind == Outcome.MONEY and estimate is not None:
        low = estimate.low if status == Status.ELIGIBLE else ZERO
        high = estimate.high
    elif benefit.kind == Outcome.MONEY and benefit.cap is not None:
        high = benefit.cap
    signature = (status, benefit.kind, estimate, items)
    return Worth(signature, low, high, benefit.cap is not None)


def spread(worths: list[Worth], probe: Worth | None, priced: bool) -> tuple[Estimate, bool] | None:
    """(the spread between the best and worst outcome, whether it is open-ended); None when no answer changes
    anything. The probe (an amount's largest accepted value) gives the formula's range only while the program has
    no amount yet (``priced`` False) and its cap bounds it, or when it gives no more than the other answers;
    otherwise the amount grows with the answer (or a figure already priced would only be refined): open-ended."""
    signatures = {w.signature for w in worths} | ({probe.signature} if probe else set())
    if len(signatures) < 2:
        return None
    counted = list(worths)
    known = [w.high for w in worths if w.high is not None]
    open_ended = len(known) < len(worths)
    if probe is not None:
        if probe.high is None or (probe.capped and not priced) or probe.high <= max(known, default=ZERO):
            counted.append(probe)
            open_ended = open_ended or probe.high is None
        else:
            open_ended = True
    lows = [w.low for w in counted]
    highs = [w.high for w in counted if w.high is not None]
    worst = min(lows)
    return Estimate(max(lows) - worst, max([*highs, max(lows)]) - worst), open_ended


def price(runner: Runner, name: str, tries: Sequence[tuple[Program, Answers]],
          baseline: Mapping[str, ProgramResult], changed: dict[str, Any]) -> tuple[list[Stake], int]:
    """(the stake of each program of ``tries`` in question ``name`` that has one, the answers tried), ``changed``
    holding each answer in turn."""
    stakes = []
    tried: set[str] = set()
    last: Answers | None = None
    values: tuple[Any, ...] = ()
    codes: tuple[str, ...] = ()
    for program, answers in tries:
        if answers is not last:  # yes/no and codes: one Answers for all the programs
            values, codes = answers.tried, answers.codes
            tried.update(codes)
            last = answers
        count = len(answers.values)
        now = baseline[program.spec.id]
        plan = runner.direct(program, name, now)
        if plan is not None and not plan.shape.priced and count:
            stake = decided_stake(runner, program, name, plan, values, count, changed, now)
            if stake is not UNKNOWN:
                if stake is not None:
                    stakes.append(stake)
                continue
        found = tried_worths(runner, program, plan, name, values, codes, changed, now)
        if found is None:  # it could not be evaluated (logged): left out of this question
            continue
        outcomes, probe = found[:count], (found[count] if len(found) > count else None)
        if not outcomes:
            continue
        stake = settled(program, name, spread(outcomes, probe, estimated(now)), now)
        if stake is not None:
            stakes.append(stake)
    return stakes, len(tried)


def estimated(now: ProgramResult) -> bool:
    """Whether the program has an amount as assessed (see :func:`spread`)."""
    return now.benefit is not None and now.benefit.estimate is not None


def tried_worths(runner: Runner, program: Program, plan: Plan | None, name: str, values: Sequence[Any],
                 codes: Sequence[str], changed: dict[str, Any], now: ProgramResult) -> list[Worth] | None:
    """What ``program`` is worth under each answer to ``name`` (``plan``: its :meth:`direct
    <calculator.engine.question_runner.Runner.direct>` plan, if any), ``changed`` holding each in turn; None when
    it could not be evaluated on one of them."""
    worths = []
    for value, code in zip(values, codes, strict=True):
        changed[name] = value
        met = runner.met(plan, changed) if plan is not None else UNKNOWN
        found = worth_tried(runner, program, plan, met, changed, (name, code), now)
        if found is None:
            return None
        worths.append(found)
    return worths


def worth_tried(runner: Runner, program: Program, plan: Plan | None, met: Any, changed: Mapping[str, Any],
                key: tuple[str, str], now: ProgramResult) -> Worth | None:
    """What ``program`` is worth on ``changed`` (the subject with the answer of ``key``): from its :meth:`direct
    <calculator.engine.question_runner.Runner.direct>` plan when it has one (``met``: its criteria's decision
    there), else evaluated."""
    if plan is None or met is UNKNOWN:
        return worth(runner.run(program, changed, key))
    if not plan.shape.priced:
        return worth_by_met(runner, plan, program, met, changed, now)
    outcome = runner.outcome(plan, program, met, changed, now)
    if outcome is None:
        return worth(runner.run(program, changed, key))
    return worth_of(*outcome)


def worth_by_met(runner: Runner, plan: Plan, program: Program, met: bool | None, changed: Mapping[str, Any],
                 now: ProgramResult) -> Worth | None:
    """What the program of a :meth:`direct <calculator.engine.question_runner.Runner.direct>` plan whose benefit
    reads no answer is worth where its criteria's decision is ``met``: kept by :meth:`Runner.worths
    <calculator.engine.question_runner.Runner.worths>`, the same for all its questions."""
    by_met = runner.worths(program)
    if met in by_met:
        return by_met[met]  # type: ignore[no-any-return]
    outcome = runner.outcome(plan, program, met, changed, now)  # never None: nothing is priced
    found = by_met[met] = worth_of(*outcome) if outcome is not None else None
    return found


NO_PROBE: Any = object()  # a question without a probe (see decided_stake)


def decided_stake(runner: Runner, program: Program, name: str, plan: Plan, values: Sequence[Any], count: int,
                  changed: dict[str, Any], now: ProgramResult) -> Stake | None:
    """The stake of one program in question ``name`` where its :meth:`direct
    <calculator.engine.question_runner.Runner.direct>` plan's benefit reads no answer (``values``: the answers, the
    first ``count`` of them not the probe): its outcomes follow from its criteria's decisions alone, and their
    :func:`spread` from the decisions met in the order first met (and the probe's), which name no question: that
    stake is found once a runner per such decisions. UNKNOWN when deciding them failed (left to
    :func:`tried_worths`)."""
    decided = []
    as_of = runner.as_of
    try:
        for value in values:
            changed[name] = value
            decided.append(plan.met(changed, as_of))  # as Runner.met decides, UNKNOWN where it fails
    except Exception:
        return UNKNOWN  # type: ignore[no-any-return]
    probe = decided[count] if len(decided) > count else NO_PROBE
    return kept_stake(runner, program, name, (tuple(dict.fromkeys(decided[:count])), probe),
                      lambda met: worth_by_met(runner, plan, program, met, changed, now), now)


def kept_stake(runner: Runner, program: Program, name: str, decisions: tuple[tuple[Any, ...], Any],
               worth_at: Callable[[Any], Worth | None], now: ProgramResult) -> Stake | None:
    """The stake of one program in question ``name`` from its criteria's ``decisions`` (those of the answers in
    the order first met, and the probe's or NO_PROBE; ``worth_at``: what it is worth by decision), kept a runner
    per program and decisions when some answer changes it (it names no question then)."""
    key = (program.spec.id, *decisions)
    known = runner.spreads.get(key)
    if known is None:
        met, probe = decisions
        found = spread([worth_at(m) for m in met], worth_at(probe) if probe is not NO_PROBE else None,  # type: ignore[misc]
                       estimated(now))
        known = runner.spreads[key] = (found, settled(program, name, found, now) if found is not None else None)
    return known[1] if known[0] is not None else settled(program, name, None, now)


def settled(program: Program, name: str, found: tuple[Estimate, bool] | None, now: ProgramResult) -> Stake | None:
    """The stake of one program in question ``name`` from the :func:`spread` of its outcomes (None: no answer
    changes it, and it does not need it)."""
    if found is not None:
        return Stake(program, found[0], money_kind(program), found[1])
    if name in now.missing and (current := worth(now)) is not None:
        others = tuple(n for n in now.missing if n != name)
        return Stake(program, Estimate(ZERO, current.high or ZERO), money_kind(program), current.high is None,
                     others)
    return None
