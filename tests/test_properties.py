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
    for kind in ("cash", "tax_this_year"):
        for certainty in ("determined", "competitive"):
            assert doc_high["totals"][kind][certainty]["high"] >= doc_low["totals"][kind][certainty]["high"], kind


def expected_sums(subjects) -> dict[tuple[str, str], tuple[Decimal, Decimal, int]]:
    """Cash and this year's tax, determined and competitive, restated from the results themselves: only eligible,
    not excluded, priced amounts (never a side figure), plus the combined-limit cuts of that kind and certainty."""
    sums = {(k, c): [Decimal(0), Decimal(0), 0] for k in ("cash", "tax_this_year")
            for c in ("determined", "competitive")}
    for one in subjects:
        for r in one.results:
            if r.status != "eligible" or r.excluded_by is not None or r.estimate is None:
                continue
            if r.benefit.kind != "money":
                continue
            entry = sums[(r.money_kind, "competitive" if r.program.competitive else "determined")]
            entry[0] += r.estimate.low
            entry[1] += r.estimate.high
            entry[2] += 1
        for adj in one.adjustments:
            entry = sums[(adj.kind, adj.certainty)]
            entry[0] += adj.amount.low
            entry[1] += adj.amount.high
    return {key: tuple(value) for key, value in sums.items()}


def side_sums(subjects, side: str) -> Decimal:
    total = Decimal(0)
    for one in subjects:
        for r in one.results:
            figure = r.side(side)
            counts = side == "if_certified" or (r.status == "eligible" and r.excluded_by is None)
            if figure is not None and counts:
                total += figure.estimate.high
    return total


def cents(value: Decimal) -> float:
    return float(round(value, 2))


@SETTINGS
@given(data=st.data())
def test_no_total_adds_later_years_if_certified_or_up_to_money_into_this_years_or_determined_figures(catalogue,
                                                                                                      data):
    """Issue #13: cash and this year's tax are totalled apart, determined apart from "up to"; later years and if
    certified stay beside them; an unknown amount is counted, never added. Checked for the company, each person and
    everyone, against sums restated from the results."""
    profile = data.draw(assessment_input(catalogue.choices))
    assessment = assess(catalogue, profile, AS_OF)
    doc = to_document(catalogue, assessment, "en")
    subjects = ([assessment.company] if assessment.company else []) + assessment.people
    scopes = [(doc["totals"], subjects)]
    if assessment.company:
        scopes.append((doc["company"]["totals"], [assessment.company]))
    scopes += [(person["totals"], [one]) for person, one in zip(doc["people"], assessment.people, strict=True)]
    for totals, scope in scopes:
        assert "overall" not in totals  # no figure mixes the kinds
        for (kind, certainty), (low, high, count) in expected_sums(scope).items():
            part = totals[kind][certainty]
            assert (part["low"], part["high"], part["programs"]) == (cents(low), cents(high), count), (kind, certainty)
        for side in ("later_years", "if_certified"):
            assert totals[side]["high"] == cents(side_sums(scope, side)), side
        unknown = sum(1 for s in scope for r in s.results if r.status == "eligible" and r.excluded_by is None
                      and r.benefit is not None and r.benefit.kind == "unknown")
        assert totals["cash"]["unknown_amounts"] + totals["tax_this_year"]["unknown_amounts"] == unknown
    for result in results(assessment):
        if result.program.id == "cn-rd-super-deduction" and result.estimate is not None and result.benefit.details:
            # this year's saving never exceeds this year's taxable income at the highest rate it was priced at
            details = result.benefit.details
            assert result.estimate.high <= details["usable_this_year"] * max(details["rates"])
            assert details["usable_this_year"] <= max(Decimal(0), profile["company"]["taxable_income"])
        if result.program.id == "cn-hnte-cit-rate" and result.status == "eligible":
            assert profile["company"]["hnte_certified"] is True  # priced only from a held certificate
        if result.self_check is not None:
            assert result.status in ("not_eligible", "needs_info")  # never beside an eligible relief
