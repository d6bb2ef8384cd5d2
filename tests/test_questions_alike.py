"""Answers alike are evaluated once (calculator.engine.question_alike, Runner.plan): the ranking is the same as
when every answer is evaluated, with fewer evaluations."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from benchmarks.profiles import generate
from calculator.engine import assess
from calculator.engine.question_runner import Runner
from calculator.engine.questions import Ranking, rank_assessment
from schemas.profile import AssessmentInputSchema
from tests.conftest import AS_OF, EXAMPLES


def seen(ranking: Ranking) -> list[Any]:
    """Everything a ranking says, programs by id."""
    return [ranking.candidates, [(q.field, q.kind, q.at_stake, sorted(q.by_kind.items()), q.open_ended, q.answers,
                                  [(s.program.id, s.at_stake, s.money_kind, s.open_ended, s.together_with)
                                   for s in q.stakes]) for q in ranking.questions]]


def rankings(catalogue: Any, assessment: Any) -> list[Ranking]:
    asked = rank_assessment(catalogue, assessment)
    return ([asked.company] if asked.company else []) + asked.people


def compare_without(catalogue: Any, monkeypatch: pytest.MonkeyPatch, assessment: Any, saving: str) -> tuple[int, int]:
    """(evaluations with the runner's ``saving`` method, with it answering None: no saving); the rankings must
    agree."""
    saved = rankings(catalogue, assessment)
    with monkeypatch.context() as patch:
        patch.setattr(Runner, saving, lambda *args: None)
        every = rankings(catalogue, assessment)
    assert [seen(r) for r in saved] == [seen(r) for r in every]
    return sum(r.evaluations for r in saved), sum(r.evaluations for r in every)


def compare(catalogue: Any, monkeypatch: pytest.MonkeyPatch, assessment: Any) -> tuple[int, int]:
    """(evaluations with answers alike evaluated once, with every answer evaluated); the rankings must agree."""
    return compare_without(catalogue, monkeypatch, assessment, "plan")


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_examples_rank_the_same_with_fewer_evaluations(catalogue, monkeypatch, example):
    loaded = AssessmentInputSchema(choices=catalogue.choices).load(
        json.loads((EXAMPLES / example).read_text(encoding="utf-8")))
    fewer, every = compare(catalogue, monkeypatch, assess(catalogue, loaded, AS_OF))
    assert fewer < every


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2024, 12, 1)])
def test_generated_profiles_rank_the_same(catalogue, monkeypatch, as_of):
    """Generated profiles (a company with two people) on two dates: the safety net under the inputs the benefit
    formulas declare (a program depending on no other keeps its assessed benefit for answers its benefit does not
    declare it reads)."""
    fewer = every = 0
    for profile in generate(400, catalogue.choices, seed=16 + as_of.toordinal(), people=2):
        counts = compare(catalogue, monkeypatch, assess(catalogue, profile, as_of))
        fewer, every = fewer + counts[0], every + counts[1]
    assert fewer < every
