"""The ranking's caches within one runner (calculator.engine.question_runner.Runner.judged_now, Runner.spreads
via question_stakes.kept_stake) give what the uncached path gives. The generated profiles of
test_questions_alike.py do not reach every case these keys tell apart, so each key is checked here directly."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from calculator.engine.enums import Subject
from calculator.engine.question_runner import Runner
from calculator.engine.question_stakes import NO_PROBE, Worth, kept_stake
from tests.conftest import AS_OF

ZERO = Decimal(0)


def test_judged_now_follows_the_result_and_the_shape_it_is_given(catalogue):
    """Kept per program id, but only for the very result (and criteria) it was worked out from."""
    runner = Runner(catalogue, Subject.COMPANY, AS_OF, AS_OF.year - 1)
    first, second = object(), object()
    shape = SimpleNamespace(compiled=[first], soft=[False])
    plan: Any = SimpleNamespace(shape=shape)

    def result(value: bool | None) -> Any:
        return SimpleNamespace(id="p", criteria=[SimpleNamespace(criterion=first, result=value, missing=())])

    assert runner.judged_now(plan, result(True)) == [True]
    assert runner.judged_now(plan, result(False)) == [False]  # another result of the same program
    now = result(None)
    assert runner.judged_now(plan, now) == [None]
    wider: Any = SimpleNamespace(shape=SimpleNamespace(compiled=[first, second], soft=[False, False]))
    assert runner.judged_now(wider, now) is None  # the same result, other criteria: it tells nothing


def test_a_stake_kept_by_decisions_tells_the_probe_apart(catalogue):
    """Two questions whose answers' decisions read alike, one with a probe (an amount's largest value), one without:
    the probe's outcome beyond the others' makes the stake open-ended and is not counted, the same outcome as an
    answer is counted. The stake kept for one must not answer the other."""
    program = next(iter(catalogue.programs.values()))
    now: Any = SimpleNamespace(benefit=None, missing=[])
    failed, met = Worth(("failed",), ZERO, ZERO, False), Worth(("met",), ZERO, Decimal(100), False)
    worths = {False: failed, True: met}.__getitem__
    cases = [((False,), True), ((False, True), NO_PROBE)]  # answers (False, False) and probe True; (False, False, True)
    runner = Runner(catalogue, Subject.COMPANY, AS_OF, AS_OF.year - 1)
    for decisions in cases:
        fresh = Runner(catalogue, Subject.COMPANY, AS_OF, AS_OF.year - 1)
        alone = kept_stake(fresh, program, "x", decisions, worths, now)
        assert kept_stake(runner, program, "x", decisions, worths, now) == alone
    assert len(runner.spreads) == 2
