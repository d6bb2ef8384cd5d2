"""BenefitOutcome's ``__init__`` is written out (it is made for every program priced): it must take every field the
dataclass declares, with the declared defaults, and give each outcome lists of its own."""

from __future__ import annotations

import dataclasses

from calculator.engine.enums import Outcome
from calculator.engine.model import BenefitOutcome


def test_every_field_is_set_to_its_declared_default_and_lists_are_not_shared():
    first, second = BenefitOutcome(kind=Outcome.MONEY), BenefitOutcome(Outcome.MONEY)
    for f in dataclasses.fields(BenefitOutcome):
        if f.name == "kind":
            continue
        declared = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        assert getattr(first, f.name) == declared, f.name
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(first, f.name) is not getattr(second, f.name), f.name  # a fresh one each


def test_every_field_can_be_given_by_name():
    given = {f.name: object() for f in dataclasses.fields(BenefitOutcome)}
    outcome = BenefitOutcome(**given)  # type: ignore[arg-type]
    assert all(getattr(outcome, name) is value for name, value in given.items())
