"""The short first step asks only what matters (schemas.profile.FIRST_STEP, marked ``first_step`` in the field
catalogue).

How "together they decide which programs are in play" is tested: (1) each first-step input on its own can take a
program out of play (the engine re-evaluates a blank profile with each answer worth trying), so none is asked
for nothing; (2) for every example profile, assessing only its first-step answers leaves in play every program
the full profile does, and each program that the full answers go on to rule out is settled by one of the ranked
next questions of the first-step result: the first step decides what is in play at all, and what it leaves open
the next questions settle.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from calculator.engine import assess
from calculator.engine.answers import answers_for
from calculator.engine.describe import field_usage
from calculator.engine.enums import Status
from calculator.engine.questions import rank_assessment
from schemas.profile import FIRST_STEP, AssessmentInputSchema, field_catalogue
from tests.conftest import AS_OF, EXAMPLES

FIELDS = field_catalogue()
IN_PLAY = (Status.ELIGIBLE, Status.NEEDS_INFO)
SUBJECTS = ("company", "person")


@pytest.mark.parametrize("subject", SUBJECTS)
def test_the_first_step_is_short_and_marked_in_the_field_catalogue(subject):
    assert 0 < len(FIRST_STEP[subject]) <= 12
    assert len(set(FIRST_STEP[subject])) == len(FIRST_STEP[subject])
    marked = [name for name, meta in FIELDS[subject].items() if meta["first_step"]]
    assert sorted(marked) == sorted(FIRST_STEP[subject])


@pytest.mark.parametrize("subject", SUBJECTS)
def test_every_first_step_question_is_used_by_a_program(catalogue, subject):
    usage = field_usage(catalogue)[subject]
    unused = [name for name in FIRST_STEP[subject] if not usage.get(name)]
    assert not unused


def in_play(assessment: Any, subject: str) -> list[set[str]]:
    results = [assessment.company] if subject == "company" else assessment.people
    return [{r.id for r in result.results if r.status in IN_PLAY} for result in results]


def standing(assessment: Any, subject: str) -> dict[str, tuple[Any, ...]]:
    """Per program: its status and what it still needs."""
    result = assessment.company if subject == "company" else assessment.people[0]
    return {r.id: (r.status, tuple(r.missing)) for r in result.results}


@pytest.mark.parametrize("subject", SUBJECTS)
def test_each_first_step_answer_decides_what_is_in_play(catalogue, subject):
    """Every first-step input, answered alone on a blank profile, takes some program out of play or changes what a
    program still needs; only an input read by alternative branches alone (a certificate held switches the high-tech
    rate from the self-check to the certificate) may do no more than that."""
    blank = {"company": {}} if subject == "company" else {"people": [{}]}
    before, before_in_play = standing(assess(catalogue, blank, AS_OF), subject), in_play(
        assess(catalogue, blank, AS_OF), subject)[0]
    programs = [p for p in catalogue.programs.values() if p.subject == subject]
    switches = []
    for name in FIRST_STEP[subject]:
        answers = answers_for(name, FIELDS[subject][name], subject, programs, catalogue.reference, {}, AS_OF)
        assert answers is not None, name
        ruled_out: set[str] = set()
        changed: set[str] = set()
        for value in answers.values:
            data = {"company": {name: value}} if subject == "company" else {"people": [{name: value}]}
            after = assess(catalogue, data, AS_OF)
            ruled_out |= before_in_play - in_play(after, subject)[0]
            changed |= {pid for pid, now in standing(after, subject).items() if now != before[pid]}
        assert ruled_out or changed, f"no answer to {name} changes any program"
        if not ruled_out:
            switches.append(name)
    assert all(only_in_branches(programs, name) for name in switches), switches


def only_in_branches(programs: list[Any], name: str) -> bool:
    """Whether every criterion reading input ``name`` belongs to one of several alternative branches."""
    reading = [c for p in programs for c in p.criteria if name in c.value.inputs]
    return bool(reading) and all(c.branch is not None for c in reading)


def first_step_only(profile: dict[str, Any]) -> dict[str, Any]:
    company = profile.get("company")
    return {"company": None if company is None else {k: v for k, v in company.items() if k in FIRST_STEP["company"]},
            "people": [{k: v for k, v in person.items() if k in FIRST_STEP["person"]}
                       for person in profile.get("people") or []]}


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
def test_what_the_first_step_leaves_open_the_next_questions_settle(catalogue, example):
    profile = json.loads((EXAMPLES / example).read_text(encoding="utf-8"))
    schema = AssessmentInputSchema(choices=catalogue.choices)
    full = assess(catalogue, schema.load(profile), AS_OF)
    first = assess(catalogue, schema.load(first_step_only(profile)), AS_OF)
    asked = rank_assessment(catalogue, first)
    rankings = ([asked.company] if asked.company else []) + asked.people
    subjects = (["company"] if full.company else []) + ["person"] * len(full.people)
    opened = [s for kind in dict.fromkeys(subjects) for s in in_play(first, kind)]
    settled = [s for kind in dict.fromkeys(subjects) for s in in_play(full, kind)]
    for ranking, open_now, open_later in zip(rankings, opened, settled, strict=True):
        assert open_later <= open_now  # nothing the first step ruled out comes back
        reached = {pid for question in ranking.questions for pid in question.programs}
        assert open_now - open_later <= reached, open_now - open_later - reached
