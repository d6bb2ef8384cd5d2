"""A broken rule table stops loading with a message naming the file, the program and the field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from calculator.engine import TableError, load_catalogue
from tests.table_copies import edit, load_errors

PROGRAM = "programs/longhua-compute-voucher.toml"


def test_the_shipped_tables_load(catalogue):
    assert len(catalogue.programs) >= 7
    assert re.fullmatch(r"[0-9a-f]{16}", catalogue.tables_version)


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ('op = "eq"', 'op = "equals"', "criteria[1].op", "Must be one of"),
    ('value = 0.30', 'value = "thirty"', "figures[0].value", "Expected a number"),
    ('field = "operating_district"', 'field = "operating_distrct"', "criteria[1] ('operates_in_longhua').field",
     "not a company profile field"),
    ('value = "longhua"', 'value = "longhau"', "criteria[1] ('operates_in_longhua').value", "not a code"),
    ('source = ["LH-AI"]\n\n[[criteria]]', 'source = ["LH-NOPE"]\n\n[[criteria]]', "source", "unknown source key"),
    ('family = "financial_support"', 'family = "grants"', "family", "Must be one of"),
    ('certainty = "competitive"', 'certainty = "competitive"\ncolour = "red"', "colour", "Unknown field"),
    ('confidence = "CONFIRMED"\nsource = ["LH-AI"]\n\n[[figures]]\nname = "cap"',
     'confidence = "UNCONFIRMED"\nsource = ["LH-AI"]\n\n[[figures]]\nname = "cap"', "figures[0] ('rate').confidence",
     "UNCONFIRMED figures never enter"),
    ('rate = "rate"', 'rate = "rte"', "benefit.rate", "not a figure of this program"),
    ('op = "is_true"', 'op = "ge"\nvalue = 3', "criteria[0] ('independent_legal_person').op", "needs a number or date"),
])
def test_a_broken_program_names_file_program_and_field(tables, old, new, field, words):
    edit(tables, PROGRAM, old, new)
    errors = load_errors(tables)
    prefix = f"{PROGRAM}: program 'longhua-compute-voucher': "
    matching = [e for e in errors if e.startswith(prefix) and words in e]
    assert matching, errors
    assert any(field in e for e in matching), (field, matching)


def test_overlapping_dated_rows_fail(tables):
    edit(tables, PROGRAM, '[[figures]]\nname = "cap"',
         '[[figures]]\nname = "rate"\nvalue = 0.25\nunit = "ratio"\nconfidence = "CONFIRMED"\nsource = ["LH-AI"]\n'
         'effective_from = 2025-01-01\n\n[[figures]]\nname = "cap"')
    assert any("figures ('rate'): dated rows overlap" in e for e in load_errors(tables))


def test_a_changed_figure_gets_a_new_dated_row_and_old_dates_stay_reproducible(tables):
    edit(tables, PROGRAM, 'value = 0.30\nunit = "ratio"\nconfidence = "CONFIRMED"\nsource = ["LH-AI"]',
         'value = 0.30\nunit = "ratio"\nconfidence = "CONFIRMED"\nsource = ["LH-AI"]\neffective_to = 2025-12-31\n\n'
         '[[figures]]\nname = "rate"\nvalue = 0.40\nunit = "ratio"\nconfidence = "CONFIRMED"\nsource = ["LH-AI"]\n'
         'effective_from = 2026-01-01')
    import datetime as dt

    from calculator.engine import assess

    catalogue = load_catalogue(tables)
    company = {"independent_legal_person": True, "operating_district": "longhua", "in_ai_or_robotics_industry": True,
               "compute_purchase_amount": 1_000_000}
    old = assess(catalogue, {"company": company}, dt.date(2025, 6, 1)).company.results
    new = assess(catalogue, {"company": company}, dt.date(2026, 6, 1)).company.results
    pick = {r.id: r for r in old}["longhua-compute-voucher"], {r.id: r for r in new}["longhua-compute-voucher"]
    assert (pick[0].estimate.low, pick[1].estimate.low) == (300_000, 400_000)


def test_an_unconfirmed_condition_may_not_sit_in_a_branch(tables):
    edit(tables, "programs/cn-rd-super-deduction.toml", 'op = "gt"\nvalue = 0\nconfidence = "CONFIRMED"',
         'op = "gt"\nvalue = 0\nconfidence = "UNCONFIRMED"')
    errors = load_errors(tables)
    assert any("program 'cn-rd-super-deduction'" in e and "could grant a benefit" in e for e in errors)


def test_a_self_check_is_checked_like_the_criteria_and_never_priced_by_a_kind_without_amount(tables):
    edit(tables, "programs/cn-hnte-cit-rate.toml", 'field = "owns_core_ip"', 'field = "owns_core_ipp"')
    errors = load_errors(tables)
    assert any("program 'cn-hnte-cit-rate'" in e and "self_check.criteria[1] ('owns_core_ip').field" in e
               for e in errors), errors


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ('to_rate = "cit_rates.hnte"', 'to_rate = "cit_rates.hnte"\nmoney_kind = "cash"', "benefit.money_kind",
     "is money of kind tax_this_year, not 'cash'"),
    ('to_rate = "cit_rates.hnte"', 'to_rate = "cit_rates.hnte"\nmoney_kind = "tax_later_years"', "benefit.money_kind",
     "Must be one of"),
])
def test_a_benefits_kind_of_money_is_validated(tables, old, new, field, words):
    edit(tables, "programs/cn-hnte-cit-rate.toml", old, new)
    errors = load_errors(tables)
    assert any(f"program 'cn-hnte-cit-rate': {field}" in e and words in e for e in errors), errors


def test_the_file_name_must_be_the_id(tables):
    (tables / PROGRAM).rename(tables / "programs/longhua.toml")
    assert any("programs/longhua.toml" in e and "id: must match the file name" in e for e in load_errors(tables))


def test_invalid_toml_is_reported_with_its_file(tables):
    (tables / PROGRAM).write_text("id = \n", encoding="utf-8")
    assert any(e.startswith(PROGRAM) and "not valid TOML" in e for e in load_errors(tables))


def test_duplicate_keys_are_refused(tables):
    edit(tables, PROGRAM, 'family = "financial_support"', 'family = "financial_support"\nfamily = "talent"')
    assert any(e.startswith(PROGRAM) and "not valid TOML" in e for e in load_errors(tables))


def test_a_stacking_group_must_name_real_programs(tables):
    edit(tables, "stacking/seed.toml", '"longhua-compute-voucher", ', '"longhua-compute-vouchr", ')
    assert any("stacking/seed.toml: group 'compute-city-and-district': members" in e for e in load_errors(tables))


def test_reference_tables_are_checked(tables):
    edit(tables, "reference/iit_brackets.toml", 'confidence = "SECONDARY"', 'confidence = "UNCONFIRMED"')
    assert any(e.startswith("reference/iit_brackets.toml: table 'iit_brackets'") and "UNCONFIRMED" in e
               for e in load_errors(tables))


def test_every_error_is_collected_not_just_the_first(tables):
    edit(tables, PROGRAM, 'op = "eq"', 'op = "equals"')
    edit(tables, "programs/gba-iit-subsidy.toml", 'value = 0.15', 'value = "x"')
    errors = load_errors(tables)
    assert any("longhua-compute-voucher" in e for e in errors) and any("gba-iit-subsidy" in e for e in errors)


def test_a_missing_folder_is_a_clear_error(tmp_path):
    with pytest.raises(TableError, match="not found"):
        load_catalogue(tmp_path / "nowhere")


def test_a_threshold_must_name_a_row_of_a_figures_table(tables):
    edit(tables, "programs/cn-small-low-profit-relief.toml", 'small_low_profit_thresholds.employees_max',
         'small_low_profit_thresholds.staff_max')
    assert any("program 'cn-small-low-profit-relief'" in e and "value.figure" in e and "staff_max" in e
               for e in load_errors(tables))


# --- benefit kinds: one registry entry each ------------------------------------------------------------------
def test_every_benefit_kind_has_one_registry_entry_and_its_docs_row():
    from calculator.engine.benefits import REGISTRY, kinds_table
    from calculator.engine.enums import BenefitKind

    assert list(REGISTRY) == list(BenefitKind)
    docs = (Path(__file__).resolve().parents[1] / "docs" / "tables.md").read_text(encoding="utf-8")
    assert kinds_table() in docs, "docs/tables.md: paste calculator.engine.benefits.kinds_table()"


@pytest.mark.parametrize(("old", "new", "field", "words"), [
    ('rate = "rate"', 'rate = "rate"\ncount = "employees"', "benefit.count",
     "Benefit kind 'percent_of_base' does not take 'count'"),
    ('rate = "rate"', '', "benefit.rate", "Benefit kind 'percent_of_base' needs 'rate'"),
    ('kind = "percent_of_base"', 'kind = "percent_of_bass"', "benefit.kind", "Must be one of"),
    ('base = "district_compute_amount"', 'base = "district_compute_amont"', "benefit.base",
     "'district_compute_amont' is not a company profile field"),
])
def test_a_benefit_is_checked_by_its_kinds_registry_entry(tables, old, new, field, words):
    edit(tables, PROGRAM, old, new)
    errors = load_errors(tables)
    assert any(e.startswith(f"{PROGRAM}: program 'longhua-compute-voucher': {field}") and words in e
               for e in errors), errors


def test_a_brackets_table_keeps_its_rows_inside_versions(tables):
    edit(tables, "reference/iit_brackets.toml", 'method = ', 'rows = [{ code = "x" }]\nmethod = ')
    assert any(e.startswith("reference/iit_brackets.toml: table 'iit_brackets': rows") for e in load_errors(tables))
