"""ProgramResult's ``__init__`` is written out (it is made for every program evaluated): it must take every field
the dataclass declares (in order, and by name), with the declared defaults, and give each result lists of its own."""

from __future__ import annotations

import dataclasses

from calculator.engine.model import ProgramResult

REQUIRED = ("program", "status", "criteria", "missing", "flags", "benefit", "confidence")


def made() -> ProgramResult:
    return ProgramResult(*(object() for _ in REQUIRED))  # type: ignore[arg-type]


def test_every_field_is_set_to_its_declared_default_and_lists_are_not_shared():
    first, second = made(), made()
    for f in dataclasses.fields(ProgramResult):
        if f.name in REQUIRED:
            continue
        declared = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        assert getattr(first, f.name) == declared, f.name
        if f.default_factory is not dataclasses.MISSING:
            assert getattr(first, f.name) is not getattr(second, f.name), f.name  # a fresh one each


def test_every_field_can_be_given_by_name_and_in_order():
    given = {f.name: object() for f in dataclasses.fields(ProgramResult) if f.init}
    by_name = ProgramResult(**given)  # type: ignore[arg-type]
    in_order = ProgramResult(*given.values())  # type: ignore[arg-type]
    for result in (by_name, in_order):
        assert all(getattr(result, name) is value for name, value in given.items())
        assert result.pending is None
