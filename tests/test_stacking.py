"""Stacking: the best legal combination, with overlapping groups, and totals that count only what stacks."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from calculator.engine.catalogue import Program
from calculator.engine.enums import Confidence, MoneyKind, Outcome, StackingKind, Status
from calculator.engine.model import BenefitOutcome, Estimate, ProgramResult
from calculator.engine.specs import StackingGroupSpec
from calculator.engine.stacking import apply_stacking


class FakeProgram:
    competitive, money_kind = False, MoneyKind.CASH
    money_kind_on = Program.money_kind_on  # the real rule: the row's kind, else this program's

    def __init__(self, pid: str) -> None:
        self.id, self.family = pid, "talent"
        self.spec = SimpleNamespace(name={"zh": f"项目{pid}", "en": f"Program {pid}"})


def result(pid: str, amount: int | None, status: str = "eligible") -> ProgramResult:
    estimate = None if amount is None else Estimate(Decimal(amount), Decimal(amount))
    benefit = BenefitOutcome(kind=Outcome.MONEY, estimate=estimate)
    return ProgramResult(program=FakeProgram(pid), status=Status(status), criteria=[], missing=[], flags=[],
                         benefit=benefit, confidence=Confidence.CONFIRMED)


def group(gid: str, *members: str, kind: str = "choose_one", limit_inputs: tuple[str, ...] = ()) -> StackingGroupSpec:
    return StackingGroupSpec(id=gid, kind=StackingKind(kind), members=members, confidence=Confidence.CONFIRMED,
                             source=(), text={"zh": "择一", "en": "choose one"}, limit_inputs=limit_inputs)


def test_choose_one_keeps_the_larger():
    results = {"a": result("a", 100), "b": result("b", 300)}
    apply_stacking([group("g", "a", "b")], results, {})
    assert results["a"].excluded_by.group == "g" and results["a"].excluded_by.chosen == ["b"]
    assert results["b"].excluded_by is None


def test_overlapping_groups_find_the_best_legal_combination():
    # a conflicts with b and with c; b and c do not conflict: {b, c} (250) beats {a} (200).
    results = {"a": result("a", 200), "b": result("b", 150), "c": result("c", 100)}
    apply_stacking([group("ab", "a", "b"), group("ac", "a", "c")], results, {})
    assert results["a"].excluded_by is not None
    assert results["b"].excluded_by is None and results["c"].excluded_by is None


def test_a_member_excluded_by_one_group_is_labelled_with_that_group():
    results = {"a": result("a", 500), "b": result("b", 100), "c": result("c", 0, status="not_eligible")}
    apply_stacking([group("bc", "b", "c"), group("ab", "a", "b")], results, {})
    assert results["b"].excluded_by.group == "ab"


def test_a_known_amount_beats_an_unknown_one():
    results = {"a": result("a", None), "b": result("b", 1)}
    apply_stacking([group("g", "a", "b")], results, {})
    assert results["a"].excluded_by is not None and results["b"].excluded_by is None


def test_pending_choices_are_flagged_not_excluded():
    results = {"a": result("a", 100, status="needs_info"), "b": result("b", 300)}
    apply_stacking([group("g", "a", "b")], results, {})
    assert results["b"].excluded_by is None and results["a"].excluded_by is None
    assert [f.code for f in results["a"].flags] == ["exclusive_pending"]
    assert results["a"].flags[0].params["others"] == {"zh": "项目b", "en": "Program b"}  # named, not by id


def test_combined_limit_caps_the_total_at_the_contract():
    results = {"city": result("city", 1_200_000), "district": result("district", 900_000)}
    for r in results.values():
        r.program.family = "financial_support"
    adjustments = apply_stacking([group("lim", "city", "district", kind="combined_limit", limit_inputs=("contract",))],
                                 results, {"contract": Decimal(2_000_000)})
    assert adjustments[0].amount.high == -100_000
    assert all("combined_support_limited" in [f.code for f in r.flags] for r in results.values())
