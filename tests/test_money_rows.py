"""The kind of money is read per formula: each dated row of ``[[benefits]]``, each case of ``by_condition`` and the
parts of a ``sum`` (one kind); a table that mixes kinds in a sum stops loading with a message naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from calculator.engine import TableError, load_catalogue
from calculator.engine.cases import case_input, load_cases, run_case
from calculator.engine.enums import MoneyKind, Status
from calculator.engine.evaluate import assess
from calculator.engine.totals import compute_totals
from schemas.profile import AssessmentInputSchema
from tests.table_copies import edit

BENCHMARK = "programs/sz-ai-application-benchmark.toml"
LONGGANG = "programs/longgang-specialized-sme-reward.toml"
MATCHING = "programs/sz-ai-national-challenge-matching.toml"


def case_result(root: Path, program: str, as_of: str | None = None, name_has: str = ""):
    """Run the program's first golden case (on ``as_of`` / with ``name_has`` in its name, when given)."""
    catalogue = load_catalogue(root)
    case = next(c for c in load_cases(root) if c.program == program and name_has in c.name
                and (as_of is None or str(c.spec["as_of"]) == as_of))
    result, _ = run_case(catalogue, case)
    assert result is not None
    return result


def test_a_sum_whose_parts_are_different_kinds_of_money_is_refused(tables):
    edit(tables, LONGGANG, 'kind = "band_lookup"', 'kind = "band_lookup"\nmoney_kind = "tax_this_year"')
    with pytest.raises(TableError) as info:
        load_catalogue(tables)
    assert any(e.startswith(f"{LONGGANG}: program 'longgang-specialized-sme-reward'") and "benefit.money_kind" in e
               and "one kind of money" in e for e in info.value.errors), info.value.errors


def test_a_kind_declared_on_a_sum_is_its_parts_kind_and_the_results(tables):
    edit(tables, LONGGANG, 'kind = "sum"', 'kind = "sum"\nmoney_kind = "tax_this_year"')
    spec = load_catalogue(tables).programs["longgang-specialized-sme-reward"].spec
    assert {node.money_kind for node in spec.benefit_nodes()} == {MoneyKind.TAX_THIS_YEAR}
    result = case_result(tables, "longgang-specialized-sme-reward")
    assert result.status == Status.ELIGIBLE and result.estimate is not None and result.estimate.high == 200000
    assert result.money_kind == MoneyKind.TAX_THIS_YEAR


def test_each_dated_row_counts_as_its_own_kind_of_money_in_the_totals(tables):
    edit(tables, BENCHMARK, '[[benefits]]\neffective_to = 2026-04-30\nkind = "per_project"',
         '[[benefits]]\neffective_to = 2026-04-30\nkind = "per_project"\nmoney_kind = "tax_this_year"')
    before = case_result(tables, "sz-ai-application-benchmark", "2026-04-30")
    after = case_result(tables, "sz-ai-application-benchmark", "2026-05-01")
    assert before.status == after.status == Status.ELIGIBLE
    assert (before.money_kind, after.money_kind) == (MoneyKind.TAX_THIS_YEAR, MoneyKind.CASH)
    catalogue = load_catalogue(tables)
    spec = catalogue.programs["sz-ai-application-benchmark"].spec
    assert [row.money_kind for row in spec.benefits] == [MoneyKind.TAX_THIS_YEAR, MoneyKind.CASH]


def test_the_case_that_applies_decides_the_kind_of_money_of_a_by_condition_benefit(tables):
    edit(tables, MATCHING, 'kind = "unknown"\ncontext', 'kind = "unknown"\nmoney_kind = "tax_this_year"\ncontext')
    funded = case_result(tables, "sz-ai-national-challenge-matching")
    assert funded.money_kind == MoneyKind.CASH and funded.estimate is not None
    catalogue = load_catalogue(tables)
    unfunded_case = next(c for c in load_cases(tables) if c.program == "sz-ai-national-challenge-matching"
                         and c.spec["expect"].get("amount") == "unknown")
    unfunded, _ = run_case(catalogue, unfunded_case)
    assert unfunded is not None and unfunded.money_kind == MoneyKind.TAX_THIS_YEAR


def test_new_benefit_kinds_are_cash_and_labelling_and_filing_duties_are_obligations():
    catalogue = load_catalogue()
    kinds = {pid: {node.money_kind for node in p.spec.benefit_nodes()} for pid, p in catalogue.programs.items()}
    for pid in ("qianhai-ai-office-rent", "longgang-specialized-sme-reward", "sz-ai-national-challenge-matching"):
        assert kinds[pid] == {MoneyKind.CASH}, pid
    for pid in ("cn-ai-content-labelling", "cn-genai-service-filing"):
        assert kinds[pid] == {MoneyKind.OBLIGATION}, pid
    for pid in ("cn-k-visa", "hk-macao-talent-endorsement", "gd-talent-r-visa"):
        assert kinds[pid] == {MoneyKind.NON_CASH}, pid


def test_a_dated_row_of_tax_money_is_totalled_as_tax_never_as_cash(tables):
    edit(tables, BENCHMARK, '[[benefits]]\neffective_to = 2026-04-30\nkind = "per_project"',
         '[[benefits]]\neffective_to = 2026-04-30\nkind = "per_project"\nmoney_kind = "tax_this_year"')
    catalogue = load_catalogue(tables)
    case = next(c for c in load_cases(tables) if c.program == "sz-ai-application-benchmark"
                and str(c.spec["as_of"]) == "2026-04-30")
    loaded = AssessmentInputSchema(choices=catalogue.choices).load(case_input(case.spec))
    company = assess(catalogue, loaded, case.spec["as_of"], programs={"sz-ai-application-benchmark"}).company
    assert company is not None
    totals = compute_totals([company]).overall
    assert totals.tax_this_year.competitive.high == 10000000
    assert totals.cash.competitive.high == 0 and totals.cash.determined.high == 0
