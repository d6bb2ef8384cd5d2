"""The answers a question tries, from what is kept per catalogue (calculator.engine.answers): the criteria reading an
input (``reading``), the answers where no program turns (``bounds_answers``) and each answer's code (``Answers.codes``)
give what working them out afresh gives."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest

from benchmarks.profiles import generate
from calculator.engine.answers import (
    AnswerKind,
    Answers,
    answer_kind,
    answers_for,
    band_edges,
    criterion_points,
    made_answers,
    number_points,
    required_value,
)
from calculator.engine.criteria import Threshold
from schemas.profile import field_catalogue
from tests.conftest import AS_OF

FIELDS = field_catalogue()
NUMBERS = (AnswerKind.NUMBER, AnswerKind.AMOUNT)


def every_criterion_points(name: str, unit: str, program: Any, reference: Any, subject: Any,
                           as_of: dt.date) -> set[Decimal]:
    """number_points looking at every criterion of ``program`` (no kept list of those reading ``name``)."""
    points: set[Decimal] = set()
    for crit in program.criteria:
        required = crit.required
        if isinstance(required, Threshold) and name in required.key.inputs:
            points |= band_edges(required.table, as_of, unit)
        if name in crit.value.inputs:
            points |= criterion_points(crit, name, unit, required_value(crit, subject, as_of), subject, reference,
                                       as_of)
    return points


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2024, 12, 1)])
def test_points_come_from_the_criteria_reading_the_input(catalogue, as_of):
    """Every program and number input, on generated subjects: the points of the kept criteria are those of all of
    them (a band key and a value read both count; a criterion reading another input adds none)."""
    reference = catalogue.reference
    profiles = list(generate(6, catalogue.choices, seed=41, people=1))
    subjects = {"company": [p["company"] for p in profiles], "person": [p["people"][0] for p in profiles]}
    found = 0
    for kind, fields in FIELDS.items():
        numbers = [(n, m) for n, m in fields.items() if answer_kind(m) in NUMBERS]
        for program in catalogue.programs.values():
            for name, meta in numbers:
                for subject in subjects[kind]:
                    fresh = every_criterion_points(name, meta["unit"], program, reference, subject, as_of)
                    assert number_points(name, meta["unit"], [program], reference, subject, as_of) == fresh
                    found += bool(fresh)
    assert found  # the catalogue has points at all


@pytest.mark.parametrize("kind", ["company", "person"])
def test_answers_where_no_program_turns_are_the_inputs_bounds_on_each_date(catalogue, kind):
    """No program with points: the answers are made from the field and the date alone, once; a date's answers end
    at the as-of date, so those kept for one date must not answer another."""
    dates = [AS_OF, dt.date(2024, 12, 1)]
    for name, meta in FIELDS[kind].items():
        takes = answer_kind(meta)
        if takes not in (*NUMBERS, AnswerKind.DATE):
            continue
        made = {day: made_answers(name, meta, kind, takes, set(), day) for day in dates}
        for day in dates * 2:
            assert answers_for(name, meta, kind, (), catalogue.reference, {}, day) == made[day]
        if takes == AnswerKind.DATE:
            assert made[dates[0]] != made[dates[1]]


def test_each_answer_has_its_code_and_the_probe_comes_last():
    """What price counts and keys evaluations by: the answers, then the probe, each by its repr."""
    amount = Answers("x", AnswerKind.AMOUNT, (Decimal(0), Decimal("1.50")), Decimal("1E+15"))
    assert amount.tried == (Decimal(0), Decimal("1.50"), Decimal("1E+15"))
    assert amount.codes == ("Decimal('0')", "Decimal('1.50')", "Decimal('1E+15')")
    codes = Answers("y", AnswerKind.CODES, ([], ["a"], ["a", "b"]))
    assert codes.tried == ([], ["a"], ["a", "b"]) and codes.codes == ("[]", "['a']", "['a', 'b']")
    assert Answers("z", AnswerKind.YES_NO, (True, False)).codes == ("True", "False")
    assert amount == Answers("x", AnswerKind.AMOUNT, (Decimal(0), Decimal("1.50")), Decimal("1E+15"))


def test_a_band_key_gives_its_tables_edges(monkeypatch):
    """No criterion of the catalogue has a threshold looked up in bands yet: one made up, whose band is keyed by the
    input and whose value reads another, gives its table's edges (and nothing for the other input)."""
    import calculator.engine.answers as answers

    table = object()
    monkeypatch.setattr(answers, "band_edges", lambda t, as_of, unit: {Decimal(7)} if t is table else set())
    crit = SimpleNamespace(required=Threshold(table=table, key=SimpleNamespace(inputs=("staff",))),  # type: ignore[arg-type]
                           value=SimpleNamespace(inputs=("revenue",)))
    program: Any = SimpleNamespace(criteria=[crit])
    assert number_points("staff", "people", [program], {}, {}, AS_OF) == {Decimal(7)}
    assert number_points("payroll", "CNY", [program], {}, {}, AS_OF) == set()
