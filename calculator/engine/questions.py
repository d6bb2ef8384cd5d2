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
counts the benefits priced so; where its benefit reads no answer, its stake follows from its criteria's decisions
and is found once per program and decisions), and answers alike are evaluated once
(:mod:`calculator.engine.question_alike`). Each program's stake in a question: :mod:`calculator.engine.question_stakes`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from calculator.engine.answers import AnswerKind, Answers, Shared, answer_kind, answers_for, same_answers
from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.derived import default_tax_year
from calculator.engine.enums import MoneyKind, Subject
from calculator.engine.evaluate import inherit
from calculator.engine.model import Assessment, Estimate, ProgramResult, SubjectResult
from calculator.engine.question_runner import Runner, program_inputs
from calculator.engine.question_stakes import IN_PLAY, ZERO, Stake, price
from schemas.profile import field_catalogue

DEFAULTED = frozenset({"tax_year"})  # never unanswered: the engine falls back to the year before the as-of date
SAME_ANSWERS = frozenset({AnswerKind.YES_NO, AnswerKind.CODE, AnswerKind.CODES})  # whatever the programs asking
KEPT_ANSWERS = frozenset({AnswerKind.YES_NO, AnswerKind.CODE})  # and answers that cannot change: kept per tables
MONEY = (MoneyKind.CASH, MoneyKind.TAX_THIS_YEAR)  # the kinds a stake is counted in (never later years)
FIELDS = field_catalogue()
ORDER = {subject: {name: index for index, name in enumerate(fields)} for subject, fields in FIELDS.items()}


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
    baseline = {r.program.spec.id: r for r in result.results if r.status in IN_PLAY}
    for pid, program_result in baseline.items():
        for name in inputs.get(pid, ()):
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
