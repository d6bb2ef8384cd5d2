"""The next questions, ranked by what their answers settle (value of information).

For an assessed subject, every unanswered input that a program still in play uses (``eligible`` or
``needs_info``: a program already ruled out cannot come back) is a candidate question. Each program that uses it
is evaluated again, by the engine itself, once per answer worth trying (:mod:`calculator.engine.answers`). For each
program the question settles, what is at stake is the spread between its best and worst outcome over those
answers: ``high`` is the best answer's high end less the worst answer's low end, ``low`` the same between low ends
(a ruled-out program is worth 0; a program still needing information is worth 0 up to its high end or cap). A
question's stake is the sum over the programs it settles, also split by money kind (cash, tax this year). A
question whose answers change no program (status, amount, or which items apply) is not a question at all: it is
left out. Questions rank by the most money at stake, then by how many programs they settle.

Each program is priced on its own (stacking between programs decides what counts in totals, not what a program
is worth); a program that depends on others is evaluated with them, stacked as the assessment does. The work is
bounded: each program using a question is tried with at most :data:`~calculator.engine.answers.MAX_ANSWERS`
answers (plus one probe), those at its own thresholds (a program's outcome cannot change between them, but for
its formula, whose range the bounds give); :attr:`Ranking.evaluations` counts them. A program is not evaluated
again at all where its outcome under an answer follows from the criteria reading the answer and its benefit (it
depends on no other program, :meth:`~calculator.engine.question_runner.Runner.outcome`; :attr:`Ranking.priced`
counts the benefits priced so), and answers alike are evaluated once (:mod:`calculator.engine.question_alike`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, NamedTuple

from calculator.engine.answers import AnswerKind, Answers, Shared, answer_kind, answers_for, same_answers
from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.derived import default_tax_year
from calculator.engine.enums import BenefitKind, MoneyKind, Outcome, Status, Subject
from calculator.engine.evaluate import inherit
from calculator.engine.model import Assessment, BenefitOutcome, Estimate, ProgramResult, SubjectResult
from calculator.engine.question_alike import Plan
from calculator.engine.question_runner import UNKNOWN, Runner, program_inputs
from schemas.profile import field_catalogue

ZERO = Decimal(0)
IN_PLAY = frozenset({Status.ELIGIBLE, Status.NEEDS_INFO})
DEFAULTED = frozenset({"tax_year"})  # never unanswered: the engine falls back to the year before the as-of date
SAME_ANSWERS = frozenset({AnswerKind.YES_NO, AnswerKind.CODE, AnswerKind.CODES})  # whatever the programs asking
KEPT_ANSWERS = frozenset({AnswerKind.YES_NO, AnswerKind.CODE})  # and answers that cannot change: kept per tables
MONEY = (MoneyKind.CASH, MoneyKind.TAX_THIS_YEAR)  # the kinds a stake is counted in (never later years)
# What kind of money a benefit is, until every program declares it (the money contract in notes/wave2.md).
DEFAULT_MONEY_KINDS = {BenefitKind.CIT_RATE_DIFFERENTIAL: MoneyKind.TAX_THIS_YEAR,
                       BenefitKind.RD_SUPER_DEDUCTION: MoneyKind.TAX_THIS_YEAR,
                       BenefitKind.IIT_EXCESS_OVER_HK_BURDEN: MoneyKind.TAX_THIS_YEAR,
                       BenefitKind.NON_MONETARY: MoneyKind.NON_CASH}
FIELDS = field_catalogue()
ORDER = {subject: {name: index for index, name in enumerate(fields)} for subject, fields in FIELDS.items()}


@dataclass(frozen=True, slots=True)
class Stake:
    """What one question settles for one program: the spread of its outcomes over the question's answers."""

    program: Program
    at_stake: Estimate
    money_kind: MoneyKind
    open_ended: bool  # the spread can be larger: an amount grows with the figure given, or rests on other answers
    together_with: tuple[str, ...] = ()  # other inputs the program still needs: this answer settles it with them


@dataclass(frozen=True, slots=True)
class Question:
    """One unanswered input and what answering it settles, largest stake first."""

    field: str
    kind: AnswerKind
    stakes: tuple[Stake, ...]
    at_stake: Estimate  # summed over the programs it settles (cash and this year's tax; never later years)
    by_kind: Mapping[MoneyKind, Estimate]  # the same, per money kind present
    open_ended: bool
    answers: int  # answers tried (the probe of an open-ended amount included)

    @property
    def programs(self) -> list[str]:
        return [s.program.id for s in self.stakes]


@dataclass
class Ranking:
    """The questions for one subject, best first, and the work it took."""

    subject: Subject
    questions: list[Question] = field(default_factory=list)
    groups: list[frozenset[str]] = field(default_factory=list)  # exclusive stacking groups (see together)
    candidates: int = 0  # unanswered inputs looked at
    evaluations: int = 0  # programs evaluated again
    priced: int = 0  # benefits priced again, their programs' status decided from the criteria reading the answer

    def best_stakes(self) -> dict[str, Stake]:
        """Per program settled by some question, the largest stake any one question puts on it."""
        best: dict[str, Stake] = {}
        for question in self.questions:
            for stake in question.stakes:
                found = best.get(stake.program.id)
                if found is None or (stake.at_stake.high, stake.at_stake.low) > (found.at_stake.high,
                                                                                  found.at_stake.low):
                    best[stake.program.id] = stake
        return best

    def total(self) -> tuple[Estimate, dict[MoneyKind, Estimate], bool]:
        """Across all the questions: each program counted once, at its largest stake (of an exclusive group, only
        the largest member)."""
        stakes = list(self.best_stakes().values())
        counted = together(stakes, self.groups)
        return summed(counted), by_kind(counted), any(s.open_ended for s in stakes)


@dataclass
class AssessmentQuestions:
    company: Ranking | None
    people: list[Ranking]


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


def together(stakes: Sequence[Stake], groups: Sequence[frozenset[str]]) -> list[Stake]:
    """The stakes that can be had together, largest first: of programs in one exclusive group only the largest
    counts (what is at stake is never more than the best legal combination)."""
    if len(stakes) < 2:
        return list(stakes)
    taken: list[Stake] = []
    for stake in sorted(stakes, key=lambda s: (-s.at_stake.high, -s.at_stake.low, s.program.id)):
        if not any(stake.program.id in g and any(t.program.id in g for t in taken) for g in groups):
            taken.append(stake)
    return taken


def summed(stakes: Sequence[Stake]) -> Estimate:
    """The money at stake across ``stakes``: cash and this year's tax (other kinds carry no amount)."""
    total = Estimate(ZERO, ZERO)
    for stake in stakes:
        if stake.money_kind in MONEY:
            total = total + stake.at_stake
    return total


def by_kind(stakes: Sequence[Stake]) -> dict[MoneyKind, Estimate]:
    out: dict[MoneyKind, Estimate] = {}
    for stake in stakes:
        if stake.money_kind in MONEY and stake.at_stake.high > 0:
            out[stake.money_kind] = out.get(stake.money_kind, Estimate(ZERO, ZERO)) + stake.at_stake
    return out


def ask(runner: Runner, name: str, kind: AnswerKind, tries: Sequence[tuple[Program, Answers]],
        subject: Mapping[str, Any], baseline: Mapping[str, ProgramResult],
        changed: dict[str, Any] | None = None) -> Question | None:
    """What answering ``name`` settles among the programs of ``tries``, each tried with its own answers (None:
    nothing). A program that needs this input and others too, and that no answer to this one alone changes, is
    settled by it together with the others: what is at stake is what the program may be worth now (0 up to its
    high end or cap). ``changed``: a copy of ``subject`` to set each answer in, in place (a lean evaluation keeps
    nothing of the subject it read), as it was when done."""
    if changed is None:
        changed = dict(subject)
    try:
        stakes, tried = price(runner, name, tries, baseline, changed)
    finally:
        if name in subject:
            changed[name] = subject[name]
        else:
            changed.pop(name, None)
    if not stakes:
        return None
    if len(stakes) > 1:
        stakes.sort(key=lambda s: (-s.at_stake.high, -s.at_stake.low, s.program.id))
        counted = together(stakes, runner.groups)
    else:
        counted = stakes
    return Question(field=name, kind=kind, stakes=tuple(stakes), at_stake=summed(counted), by_kind=by_kind(counted),
                    open_ended=any(s.open_ended for s in stakes), answers=tried)


def price(runner: Runner, name: str, tries: Sequence[tuple[Program, Answers]],
          baseline: Mapping[str, ProgramResult], changed: dict[str, Any]) -> tuple[list[Stake], int]:
    """(the stake of each program of ``tries`` in question ``name`` that has one, the answers tried), ``changed``
    holding each answer in turn."""
    stakes = []
    tried: set[str] = set()
    last: Answers | None = None
    values: list[Any] = []
    codes: list[str] = []
    for program, answers in tries:
        if answers is not last:  # yes/no and codes: one Answers for all the programs
            values = [*answers.values, *([answers.probe] if answers.probe is not None else [])]
            codes = [repr(value) for value in values]
            tried.update(codes)
            last = answers
        count = len(answers.values)
        now = baseline[program.id]
        plan = runner.direct(program, name, changed, now)
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
    key = (program.id, *decisions)
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


def question_tries(runner: Runner, name: str, takes: AnswerKind, programs: list[Program],
                   subject: Mapping[str, Any]) -> list[tuple[Program, Answers]]:
    """Each program asking ``name`` with the answers it is tried with: for yes/no and codes the same answers for
    every program (no threshold of theirs in them), else its own thresholds (and those of its dependencies)."""
    meta, kind, reference, as_of = FIELDS[runner.kind][name], runner.kind, runner.catalogue.reference, runner.as_of
    if takes in KEPT_ANSWERS:
        same = same_answers(name, meta, kind, reference)
    elif takes in SAME_ANSWERS:
        same = answers_for(name, meta, kind, (), reference, subject, as_of)
    else:
        tries, shared = [], Shared()
        for program in programs:
            answers = answers_for(name, meta, kind, runner.dependencies_of(program), reference, subject, as_of, shared)
            if answers is not None:
                tries.append((program, answers))
        return tries
    return [(program, same) for program in programs] if same is not None else []


_ASKABLE: dict[tuple[int, Subject], tuple[Catalogue, dict[str, tuple[str, ...]]]] = {}


def askable(catalogue: Catalogue, kind: Subject) -> dict[str, tuple[str, ...]]:
    """Per program, the inputs of a ``kind`` subject that can be asked of it (:func:`program_inputs
    <calculator.engine.question_runner.program_inputs>` that are that subject's fields, but the tax year), once per
    catalogue."""
    found = _ASKABLE.get((id(catalogue), kind))
    if found is None or found[0] is not catalogue:
        fields = FIELDS[kind]
        inputs = {pid: tuple(n for n in names if n in fields and n not in DEFAULTED)
                  for pid, names in program_inputs(catalogue).items()}
        if len(_ASKABLE) > 16:
            _ASKABLE.clear()
        found = _ASKABLE[id(catalogue), kind] = (catalogue, inputs)
    return found[1]


def rank_questions(catalogue: Catalogue, result: SubjectResult, subject: Mapping[str, Any],
                   as_of: dt.date) -> Ranking:
    """The next questions for one assessed subject (``subject``: the answers it was assessed on), best first."""
    kind = result.kind
    fields = FIELDS[kind]
    inputs = askable(catalogue, kind)
    asked: dict[str, list[Program]] = {}
    baseline = {r.id: r for r in result.results if r.status in IN_PLAY}
    for program_result in baseline.values():
        for name in inputs.get(program_result.id, ()):
            if subject.get(name) is None:
                asked.setdefault(name, []).append(program_result.program)
    runner = Runner(catalogue, kind, as_of, default_tax_year(subject, as_of))
    ranking = Ranking(subject=kind, candidates=len(asked), groups=runner.groups)
    changed = dict(subject)  # each question's answers set in it in turn (see ask)
    for name in sorted(asked, key=ORDER[kind].__getitem__):
        takes = answer_kind(fields[name])
        if takes is None:
            continue
        tries = question_tries(runner, name, takes, asked[name], subject)
        question = ask(runner, name, takes, tries, subject, baseline, changed)
        if question is not None:
            ranking.questions.append(question)
    ranking.questions.sort(key=lambda q: (-q.at_stake.high, -q.at_stake.low, -len(q.stakes), ORDER[kind][q.field]))
    ranking.evaluations, ranking.priced = runner.evaluations, runner.priced
    return ranking


def rank_assessment(catalogue: Catalogue, assessment: Assessment) -> AssessmentQuestions:
    """The next questions for the company and for each person of an assessment."""
    data = assessment.inputs
    company = data.get("company")
    ranked_company = None
    if assessment.company is not None and company is not None:
        ranked_company = rank_questions(catalogue, assessment.company, company, assessment.as_of)
    people = []
    raw_people = data.get("people") or []
    for index, result in enumerate(assessment.people):
        subject, _ = inherit(raw_people[index], company) if index < len(raw_people) else ({}, [])
        people.append(rank_questions(catalogue, result, subject, assessment.as_of))
    return AssessmentQuestions(company=ranked_company, people=people)
