"""Properties that must hold for every valid profile, not only the examples."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calculator.engine import assess
from calculator.engine.report import to_document
from tests.strategies import FIELDS, assessment_input, subject

AS_OF = dt.date(2026, 11, 21)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Inputs that raise a qualifying spend (more spend never means less support).
SPEND = ["compute_service_contract_amount", "compute_purchase_amount", "rd_expensed", "rd_intangible_amortisation"]
SPEND += [name for name in FIELDS["company"] if name.endswith(("_purchase_amount", "_purchase_cost", "_investment"))
          and name not in SPEND]


def results(assessment):
    subjects = ([assessment.company] if assessment.company else []) + assessment.people
    return [r for s in subjects for r in s.results]


@SETTINGS
@given(data=st.data())
def test_the_engine_never_raises_on_a_valid_profile(catalogue, data):
    profile = data.draw(assessment_input(catalogue.choices))
    assessment = assess(catalogue, profile, AS_OF)
    for result in results(assessment):
        assert not any(f.code == "evaluation_failed" for f in result.flags), result.id
        assert result.status in ("eligible", "needs_info", "not_eligible", "not_in_force")
        if result.status == "not_eligible":
            assert result.reasons
    for lang in ("zh", "en"):
        to_document(catalogue, assessment, lang)


@SETTINGS
@given(data=st.data())
def test_no_estimate_exceeds_its_cap_and_ranges_are_ordered(catalogue, data):
    profile = data.draw(assessment_input(catalogue.choices))
    for result in results(assess(catalogue, profile, AS_OF)):
        if result.benefit is None or result.benefit.estimate is None:
            continue
        estimate = result.benefit.estimate
        assert 0 <= estimate.low <= estimate.high, result.id
        if result.benefit.cap is not None:
            assert estimate.high <= result.benefit.cap, result.id


@SETTINGS
@given(data=st.data())
def test_providing_a_missing_input_never_changes_a_not_eligible_that_did_not_depend_on_it(catalogue, data):
    company = data.draw(subject("company", catalogue.choices))
    before = {r.id: r for r in assess(catalogue, {"company": company, "people": []}, AS_OF).company.results}
    unknown = [name for name, value in company.items() if value is None and name != "tax_year"]
    if not unknown:
        return
    name = data.draw(st.sampled_from(unknown))
    from tests.strategies import value_for

    filled = dict(company)
    filled[name] = data.draw(value_for(name, FIELDS["company"][name], catalogue.choices))
    if name == "st_staff" and filled.get("employees") is not None:
        filled["st_staff"] = min(filled["st_staff"], filled["employees"])
    if name == "employees" and filled.get("st_staff") is not None:
        filled["employees"] = max(filled["employees"], filled["st_staff"])
    after = {r.id: r for r in assess(catalogue, {"company": filled, "people": []}, AS_OF).company.results}
    for pid, result in before.items():
        if result.status == "not_eligible":
            assert after[pid].status == "not_eligible", (pid, name, result.reasons)


@SETTINGS
@given(data=st.data())
def test_raising_a_qualifying_spend_never_lowers_support(catalogue, data):
    company = data.draw(subject("company", catalogue.choices))
    name = data.draw(st.sampled_from(SPEND))
    if company.get(name) is None:
        company[name] = Decimal(0)
    more = dict(company)
    more[name] = company[name] + data.draw(st.integers(1, 20_000_000))
    lower = assess(catalogue, {"company": company, "people": []}, AS_OF).company
    higher = assess(catalogue, {"company": more, "people": []}, AS_OF).company
    for a, b in zip(lower.results, higher.results, strict=True):
        if a.benefit is not None and a.benefit.estimate is not None and a.status == "eligible":
            assert b.status == "eligible", (a.id, name)
            assert b.benefit.estimate.low >= a.benefit.estimate.low, (a.id, name)
            assert b.benefit.estimate.high >= a.benefit.estimate.high, (a.id, name)
    doc_low = to_document(catalogue, assess(catalogue, {"company": company, "people": []}, AS_OF))
    doc_high = to_document(catalogue, assess(catalogue, {"company": more, "people": []}, AS_OF))
    assert doc_high["totals"]["overall"]["high"] >= doc_low["totals"]["overall"]["high"]
