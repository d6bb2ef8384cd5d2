"""``ProgramResult`` and ``BenefitOutcome`` have their ``__init__`` written out (one is made for every program
evaluated or priced): each must take every field its dataclass declares (by name and, for results, in order), with
the declared defaults, and give each instance lists of its own."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from calculator.engine.enums import Outcome
from calculator.engine.model import BenefitOutcome, ProgramResult

RESULT_REQUIRED = ("program", "status", "criteria", "missing", "flags", "benefit", "confidence")


def result() -> ProgramResult:
    return ProgramResult(*(object() for _ in RESULT_REQUIRED))  # type: ignore[arg-type]


def outcome() -> BenefitOutcome:
    return BenefitOutcome(Outcome.MONEY)


@pytest.mark.parametrize(("make", "required"), [(result, RESULT_REQUIRED), (outcome, ("kind",))],
                         ids=["ProgramResult", "BenefitOutcome"])
def test_every_field_is_set_to_its_declared_default_and_lists_are_not_shared(make: Any, required: tuple[str, ...]):
    first, second = make(), make()
    for f in dataclasses.fields(first):
        if f.name in required:
            continue
        declared = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        assert getattr(first, f.name) == declared, f.name
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(first, f.name) is not getattr(second, f.name), f.name  # a fresh one each


def test_an_outcome_takes_every_field_by_name():
    given = {f.name: object() for f in dataclasses.fields(BenefitOutcome)}
    made = BenefitOutcome(**given)  # type: ignore[arg-type]
    assert all(getattr(made, name) is value for name, value in given.items())


def test_a_result_takes_every_field_by_name_and_in_order():
    given = {f.name: object() for f in dataclasses.fields(ProgramResult) if f.init}
    by_name = ProgramResult(**given)  # type: ignore[arg-type]
    in_order = ProgramResult(*given.values())  # type: ignore[arg-type]
    for made in (by_name, in_order):
        assert all(getattr(made, name) is value for name, value in given.items())
        assert made.pending is None
