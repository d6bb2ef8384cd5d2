"""One compute contract claimed at city and district level (issue #13 item 6): entered once when it is the same
contract, the combined 50% limit only on the same contract, flagged while nobody has said."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from calculator.engine import assess
from calculator.engine.questions import rank_questions
from schemas.profile import AssessmentInputSchema
from tests.conftest import AS_OF

# Longhua, 2026-11-21: city voucher 50% x 2,000,000 = 1,000,000; Longhua 30% x 2,000,000 = 600,000.
COMPANY = {"entity_type": "enterprise", "registration_district": "longhua", "operating_district": "longhua",
           "in_ai_or_robotics_industry": "yes", "independent_legal_person": "yes",
           "compute_service_contract_amount": "2,000,000", "founding_date": "2018-05-01",
           "compute_from_non_affiliated": "yes", "annual_non_affiliated_compute_spend": "2,000,000",
           "compute_provider_admitted": "yes", "is_admitted_compute_provider": "no",
           "training_voucher_received_this_year": "0"}
GROUP = "compute-same-contract-50pct"


def program(doc: dict[str, Any], pid: str) -> dict[str, Any]:
    return next(p for p in doc["programs"] if p["id"] == pid)


def cash_up_to(doc: dict[str, Any]) -> float:
    return float(doc["totals"]["cash"]["competitive"]["high"])


def cut(doc: dict[str, Any]) -> list[float]:
    return [a["high"] for a in doc["totals"]["adjustments"] if a["group"] == GROUP]


def test_the_same_contract_is_entered_once_and_the_district_reads_it(evaluate):
    doc = evaluate({"company": {**COMPANY, "compute_same_contract": "yes"}})
    longhua = program(doc, "longhua-compute-voucher")
    assert longhua["status"] == "eligible" and longhua["estimate"]["high"] == 600_000
    assert longhua["missing"] == []
    assert cut(doc) == [-600_000]  # 1,600,000 limited to 50% x 2,000,000
    assert cash_up_to(doc) == 1_000_000
    assert "combined_limit_if_same_contract" not in [f["code"] for f in longhua["flags"]]


def test_separate_contracts_are_not_limited_together(evaluate):
    doc = evaluate({"company": {**COMPANY, "compute_same_contract": "no", "compute_purchase_amount": "2,000,000"}})
    longhua = program(doc, "longhua-compute-voucher")
    assert longhua["estimate"]["high"] == 600_000
    assert cut(doc) == [] and cash_up_to(doc) == 1_600_000
    assert not {"combined_support_limited", "combined_limit_if_same_contract"} & {f["code"] for f in longhua["flags"]}


def test_separate_contracts_without_the_district_purchases_ask_for_them(evaluate):
    doc = evaluate({"company": {**COMPANY, "compute_same_contract": "no"}})
    longhua = program(doc, "longhua-compute-voucher")
    assert longhua["status"] == "needs_info"
    assert [m["field"] for m in longhua["missing"]] == ["compute_purchase_amount"]


def test_unanswered_keeps_the_limit_and_says_it_is_only_for_one_contract_in_both_languages(evaluate):
    company = {**COMPANY, "compute_purchase_amount": "2,000,000"}
    en, zh = evaluate({"company": company}), evaluate({"company": company}, lang="zh")
    assert cut(en) == [-600_000] and cash_up_to(en) == 1_000_000
    text = {f["code"]: f["text"] for f in program(en, "longhua-compute-voucher")["flags"]}
    assert "only if the city voucher and the district support are for the same compute contract" in \
        text["combined_limit_if_same_contract"]
    text_zh = {f["code"]: f["text"] for f in program(zh, "longhua-compute-voucher")["flags"]}
    assert "同一算力合同" in text_zh["combined_limit_if_same_contract"]
    city = {f["code"] for f in program(en, "sz-training-compute-voucher")["flags"]}
    assert "combined_limit_if_same_contract" in city


def test_the_same_contract_question_ranks_where_it_moves_money(catalogue):
    """Contract given, district purchases not: "yes" prices Longhua at 600,000 from the contract, so the question
    is asked, with Longhua's money at stake."""
    loaded = AssessmentInputSchema(choices=catalogue.choices).load({"company": COMPANY})
    assessment = assess(catalogue, loaded, AS_OF,
                        programs=frozenset({"longhua-compute-voucher", "sz-training-compute-voucher"}))
    assert assessment.company is not None
    ranking = rank_questions(catalogue, assessment.company, loaded["company"], AS_OF)
    question = next(q for q in ranking.questions if q.field == "compute_same_contract")
    stakes = {s.program.id: s.at_stake for s in question.stakes}
    assert set(stakes) == {"longhua-compute-voucher"}
    assert stakes["longhua-compute-voucher"].low == Decimal(600_000)
