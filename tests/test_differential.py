"""The engine and the hand-written baseline agree on generated profiles (statuses, amounts, reasons, stacking)."""

from __future__ import annotations

import datetime as dt

import pytest

from benchmarks import handwritten
from benchmarks.engine import SEED
from benchmarks.profiles import generate
from calculator.engine import assess

AS_OF = dt.date(2026, 11, 21)


def _same(engine_result, hand: dict, where: str) -> None:
    assert engine_result.status == hand["status"], (where, engine_result.missing, hand["missing"])
    if engine_result.status in ("eligible", "needs_info") and not hand.get("unknown_amount"):
        estimate = engine_result.benefit.estimate if engine_result.benefit else None
        got = (None, None) if estimate is None else (estimate.low, estimate.high)
        assert got == (hand["low"], hand["high"]), where
    if engine_result.status == "not_eligible":
        assert sorted(engine_result.reasons) == sorted(hand["reasons"]), where
    if engine_result.status == "needs_info":
        assert set(engine_result.missing) == set(hand["missing"]), where


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2024, 12, 1)])
def test_engine_matches_the_hand_written_evaluator(catalogue, as_of):
    for index, profile in enumerate(generate(400, catalogue.choices, seed=7 + as_of.toordinal(), people=2)):
        engine = assess(catalogue, profile, as_of, programs=SEED)
        hand = handwritten.assess(profile, as_of)
        for result in engine.company.results:
            _same(result, hand["company"][result.id], f"profile {index} company {result.id}")
            if result.id == "cn-hnte-cit-rate":
                check, expected = result.self_check, hand["company"][result.id].get("self_check")
                assert (check is None) == (expected is None), (index, result.status)
                if check is None:
                    continue
                assert check.outcome == expected["outcome"], index
                assert (check.if_certified.low if check.if_certified else None) == expected["if_certified"], index
                gaps = {g[0]: g for g in expected["gaps"]}
                assert {g.criterion for g in check.gaps} <= set(gaps), index
                for gap in check.gaps:
                    _, change, unlocks, _outcome = gaps[gap.criterion]
                    if change is not None:
                        assert gap.change == change, (index, gap.criterion)
                        got = gap.unlocks.low if gap.unlocks and gap.unlocks_status == "eligible" else None
                        assert got == unlocks
        for p_index, person in enumerate(engine.people):
            for result in person.results:
                _same(result, hand["people"][p_index][result.id], f"profile {index} person {p_index} {result.id}")
                excluded = result.excluded_by.chosen[0] if result.excluded_by else None
                assert excluded == hand["people"][p_index][result.id]["excluded_by"], (index, result.id)


def test_flags_match_too(catalogue):
    """The baseline is only a fair baseline if it says what the engine says (flags included)."""
    for index, profile in enumerate(generate(300, catalogue.choices, seed=99, people=2)):
        engine = assess(catalogue, profile, AS_OF, programs=SEED)
        hand = handwritten.assess(profile, AS_OF)
        pairs = [(r, hand["company"][r.id]) for r in engine.company.results]
        pairs += [(r, hand["people"][i][r.id]) for i, p in enumerate(engine.people) for r in p.results]
        for result, expected in pairs:
            assert sorted(f.code for f in result.flags) == sorted(expected["flags"]), (index, result.id)
