"""The rule-table features of the 2026-12-03 revision: misused, each stops loading with a message naming the file,
the program and the field; used, each does what a person reading the result would notice."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from marshmallow import ValidationError

from calculator.app import create_app
from calculator.engine import assess
from calculator.engine.report import to_document
from schemas.fields import Area
from schemas.messages import flatten_errors
from schemas.profile import AssessmentInputSchema
from tests.conftest import EXAMPLES
from tests.table_copies import edit, load_errors

BENCHMARK = "programs/sz-ai-application-benchmark.toml"
MATCHING = "programs/sz-ai-national-challenge-matching.toml"
GUANGMING = "programs/guangming-compute-voucher.toml"
OFFICE = "programs/qianhai-ai-office-rent.toml"
LONGGANG = "programs/longgang-compute-support.toml"
MODEL = "programs/sz-model-voucher.toml"
PRODUCT = "programs/sz-ai-product-application-reward.toml"
DEMO = "programs/sz-ai-application-demonstration.toml"


@pytest.mark.parametrize(("file", "old", "new", "field", "words"), [
    (BENCHMARK, "[[benefits]]\neffective_from = 2026-05-01", "[[benefits]]\neffective_from = 2026-05-03",
     "benefits", "no row covers 2026-05-01"),
    (BENCHMARK, "[[benefits]]\neffective_from = 2026-05-01", "[[benefits]]\neffective_from = 2026-04-30",
     "benefits", "dated rows overlap"),
    (BENCHMARK, "[[benefits]]\neffective_to = 2026-04-30", '[benefit]\nkind = "unknown"\ntext = { zh = "甲", en = "a" }'
     "\n\n[[benefits]]\neffective_to = 2026-04-30", "benefit", "either [benefit] or dated [[benefits]]"),
    (LONGGANG, 'name = "rate"\nvalue = 0.30\nunit = "ratio"\nconfidence = "SECONDARY"\nsource = ["LG-EN"]\n'
     'effective_to = 2026-06-28', 'name = "rate"\nvalue = 0.30\nunit = "ratio"\nconfidence = "SECONDARY"\n'
     'source = ["LG-EN"]\neffective_from = 2026-06-29', "benefits[0].rate",
     "no row in force during this benefit row's period"),
    (MATCHING, 'cap = "matching_cap"', 'cap = "unfunded_up_to_high"', "benefit.cases[0].cap", "is a context figure"),
    (MATCHING, 'context = ["unfunded_up_to_low", "unfunded_up_to_high"]', 'context = ["matching_cap"]',
     "benefit.cases[1].context[0]", "role = \"context\""),
    (GUANGMING, '{ any = [ { field = "registration_district"', '{ any = [ { field = "registration_distrct"',
     "flags[0].when.any[0].field", "not a company profile field"),
    (OFFICE, 'boundary = "unknown"', 'boundary = "always"', "criteria[3].boundary", "Must be one of"),
    (OFFICE, 'op = "gt"\nvalue = 2023-01-01', 'op = "eq"\nvalue = 2023-01-01', "criteria[3].boundary",
     "needs gt, ge, lt or le"),
    (DEMO, 'op = "is_false"', 'op = "ne"\nvalue = true', "criteria[3].unknown_outcome", "goes with is_true / is_false"),
    (MODEL, 'field = "model_voucher_quota"\nmax = "max_quota"', 'field = "model_voucher_quota"\nmax = "max_quta"',
     "input_limits[0].max", "not a figure of this program"),
    (MODEL, 'field = "model_voucher_quota"\nmax', 'field = "model_voucher_claimed"\nmax', "input_limits[0].field",
     "not a numeric company profile field"),
    (PRODUCT, 'program = "sz-smart-terminal-support"', 'program = "sz-smart-terminal-suport"',
     "see_also.program", "unknown program"),
])
def test_a_misused_feature_names_file_program_and_field(tables, file, old, new, field, words):
    edit(tables, file, old, new)
    errors = load_errors(tables)
    program = Path(file).stem
    assert any(e.startswith(f"{file}: program '{program}'") and field in e and words in e for e in errors), errors


@pytest.mark.parametrize(("file", "old", "new", "where", "words"), [
    ("stacking/financial.toml", 'kind = "choose_one"', 'kind = "choose_one"\nlimit_ratio = 0.5',
     "group 'ai-application-one-tier'", "limit_ratio goes with kind = 'combined_limit'"),
    ("stacking/seed.toml", "limit_ratio = 0.50", "limit_ratio = 1.5", "group 'compute-same-contract-50pct'",
     "limit_ratio"),
    ("derived.toml", 'inputs = ["model_purchase_total", "model_purchase_cost"]',
     'inputs = ["model_purchase_total", "model_voucher_claimed"]', "derived 'model_purchase_total_or_cost'",
     "must share one unit"),
    ("derived.toml", 'input = "founding_date"\nto = "application_date"',
     'input = "founding_date"\nto = "registered_capital"', "derived 'days_since_founding_at_application'",
     "is not a date input"),
    ("stacking/seed.toml", 'when = { field = "compute_same_contract", op = "is_true" }\nwhen_unknown',
     'when = { field = "compute_same_contrct", op = "is_true" }\nwhen_unknown', "group 'compute-city-and-district'",
     "when.field: 'compute_same_contrct' is not a yes/no or code company profile field"),
    ("stacking/seed.toml", 'when = { field = "compute_same_contract", op = "is_true" }\nwhen_unknown',
     'when = { field = "compute_same_contract", op = "eq", value = "yes" }\nwhen_unknown',
     "group 'compute-city-and-district'", "when.op: 'compute_same_contract' takes is_true or is_false"),
    ("stacking/seed.toml", 'when = { field = "compute_same_contract", op = "is_true" }\nwhen_unknown',
     'when = { field = "compute_purchase_amount", op = "is_true" }\nwhen_unknown',
     "group 'compute-city-and-district'", "not a yes/no or code company profile field"),
    ("stacking/seed.toml", 'flag_unknown_members = true\nwhen = { field = "compute_same_contract", op = "is_true" }\n',
     'flag_unknown_members = true\n', "group 'compute-same-contract-50pct'", "when and when_unknown go together"),
    ("derived.toml", 'if_yes = "compute_service_contract_amount"', 'if_yes = "is_startup_per_guide"',
     "derived 'district_compute_amount'", "if_yes: the inputs must share one unit and one type"),
    ("derived.toml", 'switch = "compute_same_contract"', 'switch = "compute_purchase_amount"',
     "derived 'district_compute_amount'", "switch: 'compute_purchase_amount' is not a yes/no input"),
])
def test_misused_stacking_and_derived_entries_name_file_and_entry(tables, file, old, new, where, words):
    edit(tables, file, old, new)
    errors = load_errors(tables)
    assert any(e.startswith(f"{file}: {where}") and words in e for e in errors), errors


# --- input limits and areas --------------------------------------------------------------------------------------
def test_an_input_above_a_table_limit_is_refused_naming_the_limit_in_both_languages(catalogue):
    data = {"company": {"model_voucher_quota": "2500000"}}
    with pytest.raises(ValidationError) as info:
        AssessmentInputSchema(choices=catalogue.choices).load(data)
    en, zh = flatten_errors(info.value.messages, "en"), flatten_errors(info.value.messages, "zh")
    assert [e["field"] for e in en] == ["company.model_voucher_quota"]
    assert "2,000,000" in en[0]["message"] and "maximum under the 2026 operating rules" in en[0]["message"]
    assert "200万" in zh[0]["message"] and "最高额度" in zh[0]["message"]
    AssessmentInputSchema(choices=catalogue.choices).load({"company": {"model_voucher_quota": "2000000"}})


def test_the_api_refuses_the_same_answer_with_the_field_named():
    client = create_app({"TESTING": True}).test_client()
    response = client.post("/api/v1/assessments", data=json.dumps({"company": {"model_voucher_quota": 2500001}}),
                           content_type="application/json")
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [e["field"] for e in errors] == ["company.model_voucher_quota"]


@pytest.mark.parametrize(("given", "area"), [
    ("1200", Decimal(1200)), ("1,200.5", Decimal("1200.5")), ("1200㎡", Decimal(1200)), ("1200 m2", Decimal(1200)),
    ("850平方米", Decimal(850)), (950, Decimal(950))])
def test_an_area_is_read_as_people_write_it(given, area):
    assert Area().deserialize(given) == area


@pytest.mark.parametrize("given", ["-5", "10000001", "lots"])
def test_an_area_outside_its_bounds_is_refused(given):
    with pytest.raises(ValidationError):
        Area().deserialize(given)


# --- behaviour of the features on real programs ------------------------------------------------------------------
def result(catalogue, company: dict, as_of: dt.date, pid: str):
    loaded = AssessmentInputSchema(choices=catalogue.choices).load({"company": company})
    assessment = assess(catalogue, loaded, as_of)
    doc = to_document(catalogue, assessment, "en")
    return next(r for r in assessment.company.results if r.id == pid), next(
        p for p in doc["programs"] if p["id"] == pid)


def test_a_dated_row_shows_its_own_formula_and_an_old_date_keeps_the_old_row(catalogue):
    company = {"ai_application_tier": "benchmark", "ai_application_sector": "advanced_manufacturing",
               "audited_actual_investment": 20_000_000, "same_content_funded_before": "no"}
    old, old_doc = result(catalogue, company, dt.date(2026, 4, 30), "sz-ai-application-benchmark")
    new, new_doc = result(catalogue, company, dt.date(2026, 5, 1), "sz-ai-application-benchmark")
    assert (old.estimate.low, old.estimate.high) == (0, 10_000_000)
    assert (new.estimate.low, new.estimate.high) == (6_000_000, 6_000_000)
    assert old_doc["benefit"]["formula"] != new_doc["benefit"]["formula"]  # each date shows its own row's formula
    assert "30%" in new_doc["benefit"]["formula"] and "30%" not in old_doc["benefit"]["formula"]


def test_a_context_figure_is_shown_and_never_priced(catalogue):
    company = {"registration_district": "nanshan", "national_ai_challenge_role": "winner",
               "national_challenge_funding": 0}
    found, doc = result(catalogue, company, dt.date(2026, 11, 21), "sz-ai-national-challenge-matching")
    assert found.status == "eligible" and found.estimate is None and found.benefit.kind == "unknown"
    values = sorted(c["value"] for c in doc["benefit"]["context"])
    assert values == ["CNY 10,000,000", "CNY 5,000,000"]


def test_advisories_show_only_on_their_dates(catalogue):
    company = {"model_purchase_cost": 600_000}
    _, before = result(catalogue, company, dt.date(2026, 4, 30), "sz-model-voucher")
    _, after = result(catalogue, company, dt.date(2026, 5, 1), "sz-model-voucher")
    claim = "claim a quota in a claim round"
    assert not any(claim in a for a in before["advisories"]) and any(claim in a for a in after["advisories"])


def test_a_failed_pointer_criterion_names_the_other_program(catalogue):
    company = {"product_is_embodied_robot": "no"}
    _, doc = result(catalogue, company, dt.date(2026, 11, 21), "sz-ai-product-application-reward")
    pointer = next(f for f in doc["flags"] if f["code"] == "see_also")
    assert pointer["program"] == "sz-smart-terminal-support" and "smart-terminal support" in pointer["text"]
    crit = next(c for c in doc["criteria"] if c["id"] == "embodied_robot_product")
    assert crit["see_also"]["name"].startswith("Smart-terminal industry support")


# --- the end-date table at the top of programs.md, on the example companies --------------------------------------
def end_date_table() -> dict[str, list[str]]:
    """The rows of the end-date table in programs.md, grouped: ``ends`` (not in force after the operating rules end),
    ``flag`` ("may have expired or been replaced", never a status change), ``own`` (a flag of its own)."""
    for parent in Path(__file__).resolve().parents:
        path = parent / "shared" / "policy" / "programs.md"
        if path.exists():
            break
    else:
        raise AssertionError("shared/policy/programs.md not found beside the project")
    text = path.read_text(encoding="utf-8")
    table = text[text.index("**End-date handling for PC-measure programs"):text.index("Contents: 1 Financial")]
    groups: dict[str, list[str]] = {"ends": [], "flag": [], "own": []}
    for row in table.splitlines():
        cells = [c.strip() for c in row.strip("|").split("|")]
        ids = re.findall(r"`([a-z0-9-]+)`", cells[0]) if len(cells) == 4 else []
        if not ids:
            continue
        if "`not_in_force`" in cells[3]:
            groups["ends"] += ids
        elif "may have expired" in cells[2] or cells[2] == "same flag":
            groups["flag"] += ids
        else:
            groups["own"] += ids
    return groups


def test_the_end_date_table_is_read_whole():
    groups = end_date_table()
    assert len(groups["ends"]) == 6 and len(groups["flag"]) == 6 and groups["own"] == ["sz-gov-ai-scenario-fund"]


OWN_FLAG = {"sz-gov-ai-scenario-fund": "gov_scenario_parent_measures_term_ended"}


COMPANIES = [p for p in sorted(EXAMPLES.glob("*.json")) if json.loads(p.read_text(encoding="utf-8")).get("company")]


def test_the_examples_include_companies():
    assert len(COMPANIES) >= 3


@pytest.mark.parametrize("path", COMPANIES, ids=lambda p: p.stem)
def test_example_companies_show_the_end_date_behaviour_the_reference_gives(catalogue, path):
    data = json.loads(path.read_text(encoding="utf-8"))
    loaded = AssessmentInputSchema(choices=catalogue.choices).load(data)
    groups = end_date_table()
    december = {r.id: r for r in assess(catalogue, loaded, dt.date(2026, 12, 20)).company.results}
    july = {r.id: r for r in assess(catalogue, loaded, dt.date(2027, 7, 1)).company.results}
    for pid in groups["ends"]:
        codes = [f.code for f in december[pid].flags]
        assert december[pid].status != "not_in_force", (pid, "in force to 2027-06-30")
        assert "paid_under_2026_operating_rules" in codes and "may_have_expired" not in codes, (pid, codes)
        assert july[pid].status == "not_in_force" and july[pid].reason.code == "after_end", pid
        assert "no later revision" in july[pid].reason.text["en"], pid
    for pid in groups["flag"]:
        for day in (december, july):
            assert day[pid].status != "not_in_force" and "may_have_expired" in [f.code for f in day[pid].flags], pid
    for pid in groups["own"]:
        for day in (december, july):
            codes = [f.code for f in day[pid].flags]
            assert day[pid].status != "not_in_force" and OWN_FLAG[pid] in codes and "may_have_expired" not in codes
