"""The questions the 2026-12-03 programs ask reach every surface: the forms, the API, the batch templates and the
workbook's Inputs sheet (read back to the same assessment)."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook

from calculator.app import create_app
from calculator.batch.columns import header_text
from calculator.batch.template import build_template
from calculator.engine import assess
from calculator.engine.report import to_document
from calculator.workbook import build_workbook, read_inputs
from schemas.profile import AssessmentInputSchema, field_catalogue

FIELDS = field_catalogue()
AS_OF = dt.date(2026, 11, 21)
COMPANY: dict[str, Any] = {
    "application_date": "2026-05-20", "compute_from_non_affiliated": "yes",
    "annual_non_affiliated_compute_spend": 800_000, "compute_provider_admitted": "yes",
    "is_admitted_compute_provider": "no", "training_voucher_received_this_year": 0, "model_voucher_claimed": "yes",
    "project_site_in_shenzhen": "yes", "model_project_completed": "yes", "model_purchase_total": 600_000,
    "model_voucher_quota": 1_500_000, "audited_actual_investment": 5_000_000, "same_content_funded_before": "no",
    "compute_for_large_model_or_genai": "yes", "product_is_embodied_robot": "yes", "owns_product_ip": "yes",
    "robot_product_meets_guide_requirements": "yes", "prior_year_rd_spend": 12_000_000,
    "verified_annual_product_sales": 30_000_000, "rd_spend_for_longgang_reward": 20_000_000,
    "ai_system_influences_behaviour_or_mobilises": "no", "in_qianhai_ai_agglomeration_area": "yes",
    "qianhai_operation_start_date": "2023-06-01", "registered_capital": 30_000_000,
    "self_used_leased_office_m2_prior_year": "1,234.5", "months_leased_prior_year": 12,
    "qianhai_rent_subsidy_months_received": 6, "guangming_compute_voucher_years_received": 1,
    "guangming_platform_approved": "no", "approved_total_investment": 100_000_000,
    "guangming_platform_support_received": 0, "national_ai_challenge_role": "winner",
    "national_challenge_funding": 3_000_000, "released_open_source_ai_software": "yes",
    "in_smart_terminal_industry": "no", "generates_content": "yes", "distributes_user_content": "no",
    "operates_app_store": "no", "offers_public_genai_service": "yes", "uses_filed_model_via_api": "yes",
    "bid_price": 1_000_000, "tender_deduction_band": "goods_services_small_micro", "tender_deduction_percent": 15,
    "gov_scenario_project_tiers": "max_5m; unknown",
}
PERSON: dict[str, Any] = {
    "identity": "foreign_national", "degree": "master", "stem_field": "yes", "degree_institution_well_known": "yes",
    "overseas_degree_at_least_bachelor": "unknown", "stem_teaching_or_research_at_known_institution": "no",
    "within_k_visa_age_limit": "yes", "has_talent_endorsement_certificate": "no", "hetao_staff_filed": "no",
}
PROFILE = {"company": {"name": "Qianhai Rent Test", "registration_district": "nanshan", "zone_flags": ["qianhai"],
                       "in_ai_or_robotics_industry": "yes", **COMPANY}, "people": [PERSON]}
NEW = {"company": sorted(COMPANY), "person": sorted(k for k in PERSON if k not in ("identity", "degree"))}


def test_the_new_questions_are_profile_fields_with_a_hint(catalogue):
    for subject, names in NEW.items():
        for name in names:
            meta = FIELDS[subject][name]
            assert meta["label"] and meta["hint"] and meta["section"], (subject, name)
    AssessmentInputSchema(choices=catalogue.choices).load(PROFILE)


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def test_the_forms_ask_them(client):
    company = client.get("/company?lang=zh").get_data(as_text=True)
    talent = client.get("/talent?lang=zh").get_data(as_text=True)
    for name in NEW["company"]:
        assert f'name="company-{name}"' in company or f'name="company-{name}-0"' in company, name  # or its rows
    for name in NEW["person"]:
        assert f'name="person-0-{name}"' in talent, name


def test_the_api_documents_them(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    company = next(s for key, s in schemas.items() if key.startswith("Company") and "properties" in s
                   and "registered_capital" in s["properties"])
    person = next(s for key, s in schemas.items() if key.startswith("Person") and "properties" in s
                  and "stem_field" in s["properties"])
    assert set(NEW["company"]) <= set(company["properties"]) and set(NEW["person"]) <= set(person["properties"])
    area = company["properties"]["self_used_leased_office_m2_prior_year"]
    assert json.dumps(area).count("10000000") == 1


@pytest.mark.parametrize(("kind", "subject"), [("companies", "company"), ("people", "person")])
def test_the_batch_templates_have_a_column_for_each(catalogue, kind, subject):
    book = load_workbook(io.BytesIO(build_template(catalogue, kind, "zh")), read_only=True)
    headers = [cell for cell in next(book.worksheets[0].iter_rows(min_row=1, max_row=1, values_only=True))]
    for name in NEW[subject]:
        assert header_text(name, FIELDS[subject][name], "zh") in headers, name


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_workbook_inputs_sheet_holds_them_and_reads_back_to_the_same_result(catalogue, lang):
    loaded = AssessmentInputSchema(choices=catalogue.choices).load(PROFILE)
    assessment = assess(catalogue, loaded, AS_OF)
    document = to_document(catalogue, assessment, lang)
    profile = read_inputs(build_workbook(catalogue, assessment, lang))
    for name in NEW["company"]:
        assert name in profile["company"], name
    for name in NEW["person"]:
        if PERSON[name] != "unknown":
            assert name in profile["people"][0], name
    again = AssessmentInputSchema(choices=catalogue.choices).load(profile)
    assert again["company"]["self_used_leased_office_m2_prior_year"] == Decimal("1234.5")
    assert to_document(catalogue, assess(catalogue, again, AS_OF), lang) == document
    rent = next(p for p in document["programs"] if p["id"] == "qianhai-ai-office-rent")
    assert rent["status"] == "eligible" and rent["estimate"]["low"] == 60 * 1234.5 * 12  # 888,840
