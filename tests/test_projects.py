"""Several projects per program (issue #13 item 6): the government AI scenario fund prices each of this year's
projects at its tier and holds the total to the per-applicant annual cap, saying where it binds; on the API, in a
batch row and through the workbook's Inputs sheet alike."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calculator.app import create_app
from calculator.batch import run_batch
from tests.conftest import AS_OF

PROGRAM = "sz-gov-ai-scenario-fund"
FIRM = {"entity_type": "enterprise", "operating_district": "nanshan", "works_in_corpus_or_ai_development": "yes",
        "built_for_published_gov_ai_scenario": "yes", "gov_scenario_product_in_use": "yes"}


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def result(document: dict) -> dict:
    stack = [document]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("id") == PROGRAM and "estimate" in item:
                return item
            stack += list(item.values())
        elif isinstance(item, list):
            stack += item
    raise AssertionError("no result for " + PROGRAM)


def post(client, company: dict, lang: str = "en"):
    return client.post(f"/api/v1/assessments?as_of={AS_OF.isoformat()}&lang={lang}",
                       data=json.dumps({"company": company}), content_type="application/json")


@pytest.mark.parametrize("lang,words", [("en", "the per-applicant annual cap of CNY 10,000,000 binds"),
                                        ("zh", "受每个申请单位每年 1,000万元 的上限限制")])
def test_three_top_tier_projects_are_held_to_the_annual_cap(client, lang, words):
    response = post(client, {**FIRM, "gov_scenario_project_tiers": ["max_5m", "max_5m", "max_5m"]}, lang)
    assert response.status_code == 200, response.get_json()
    found = result(response.get_json())
    assert (found["estimate"]["low"], found["estimate"]["high"]) == (10_000_000, 10_000_000)
    assert any(words in flag["text"] for flag in found["flags"]), found["flags"]


def test_projects_under_the_cap_are_added_up(client):
    found = result(post(client, {**FIRM, "gov_scenario_project_tiers": "max_5m; max_3m; 每个项目最高 100 万元档"})
                   .get_json())
    assert found["estimate"]["high"] == 9_000_000


def test_a_project_with_a_wrong_tier_is_refused_naming_it(client):
    response = post(client, {**FIRM, "gov_scenario_project_tiers": ["max_5m", "max_9m"]})
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == ["company.gov_scenario_project_tiers[1]"]


def test_too_many_projects_are_refused_naming_the_limit(client):
    response = post(client, {**FIRM, "gov_scenario_project_tiers": ["max_1m"] * 21})
    assert response.status_code == 422
    assert "at most 20" in response.get_json()["errors"][0]["message"]


def test_a_batch_cell_lists_the_projects(catalogue, tmp_path: Path):
    src = tmp_path / "projects.csv"
    header = ",".join([*FIRM, "gov_scenario_project_tiers"])
    src.write_text(f"{header}\n{','.join([*FIRM.values(), 'max_5m; max_5m; max_5m'])}\n"
                   f"{','.join([*FIRM.values(), 'max_5m; max_7m'])}\n", encoding="utf-8")
    errors: list = []
    summary = run_batch(catalogue, src, tmp_path / "out.xlsx", as_of=AS_OF, on_error=errors.append)
    assert (summary.assessed, summary.rejected) == (1, 1)
    assert [(e.row, e.field) for e in errors] == [(3, "gov_scenario_project_tiers")]
