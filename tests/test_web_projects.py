"""The list of projects on the web form (issue #13 item 6): one row per project, "Add another project" without
JavaScript keeping every answer, the same validated value as the API's compact text, errors naming the project."""

from __future__ import annotations

import html
import json
import re

import pytest

from tests.conftest import AS_OF

FIELD = "company-gov_scenario_project_tiers"
FIRM = {"company-entity_type": "enterprise", "company-operating_district": "nanshan",
        "company-works_in_corpus_or_ai_development": "yes", "company-built_for_published_gov_ai_scenario": "yes",
        "company-gov_scenario_product_in_use": "yes", "company-revenue_latest": "12,345,678",
        "as_of": AS_OF.isoformat()}


def rows(page: str) -> list[str]:
    """The selected answer of each project row, in order ("" for a row left empty)."""
    found = []
    for match in re.finditer(rf'<select id="{FIELD}-(\d+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', match.group(2))
        found.append(chosen.group(1) if chosen else "")
    return found


def scenario_card(page: str) -> str:
    start = page.index('id="sz-gov-ai-scenario-fund"')
    return html.unescape(page[start:start + 6000])


def test_the_form_shows_one_empty_project_row_and_the_button(client):
    page = client.get("/company?lang=en").get_data(as_text=True)
    assert rows(page) == [""]
    assert '<label for="company-gov_scenario_project_tiers-0">Project 1</label>' in page
    assert f'name="add_project" value="{FIELD}">Add another project</button>' in page


def test_add_another_project_keeps_every_answer_and_lands_on_the_new_row(client):
    page = client.post("/company?lang=en", data={**FIRM, f"{FIELD}-0": "max_5m", "add_project": FIELD}) \
        .get_data(as_text=True)
    assert rows(page) == ["max_5m", ""]
    assert re.search(rf'<select id="{FIELD}-1" name="{FIELD}-1" autofocus', page)
    assert 'value="12,345,678"' in page  # another answer, kept
    page = client.post("/company?lang=en", data={**FIRM, f"{FIELD}-0": "max_5m", f"{FIELD}-1": "",
                                                 "add_project": FIELD}).get_data(as_text=True)
    assert rows(page) == ["max_5m", "", ""]


def test_two_projects_filled_in_price_as_the_api_prices_the_same_text(client):
    page = client.post("/company?lang=en", data={**FIRM, f"{FIELD}-0": "max_5m", f"{FIELD}-1": "max_3m"}) \
        .get_data(as_text=True)
    card = scenario_card(page)
    assert "8,000,000" in card  # 5,000,000 + 3,000,000, under the 10,000,000 annual cap
    api = client.post(f"/api/v1/assessments?as_of={AS_OF.isoformat()}", content_type="application/json",
                      data=json.dumps({"company": {"entity_type": "enterprise", "operating_district": "nanshan",
                                                   "works_in_corpus_or_ai_development": "yes",
                                                   "built_for_published_gov_ai_scenario": "yes",
                                                   "gov_scenario_product_in_use": "yes",
                                                   "gov_scenario_project_tiers": "max_5m; max_3m"}})).get_json()
    found = next(p for p in api["programs"] if p["id"] == "sz-gov-ai-scenario-fund")
    assert found["estimate"]["high"] == 8_000_000


def test_three_top_tier_rows_are_held_to_the_annual_cap_with_a_gap_row_ignored(client):
    page = client.post("/company?lang=en", data={**FIRM, f"{FIELD}-0": "max_5m", f"{FIELD}-1": "",
                                                 f"{FIELD}-2": "max_5m", f"{FIELD}-3": "max_5m"}).get_data(as_text=True)
    card = scenario_card(page)
    assert "10,000,000" in card and "binds" in card


@pytest.mark.parametrize(("lang", "words"), [("en", "Project 2: "), ("zh", "项目 2：")])
def test_a_bad_row_is_refused_naming_the_project_in_the_users_language(client, lang, words):
    response = client.post(f"/company?lang={lang}", data={**FIRM, f"{FIELD}-0": "max_5m", f"{FIELD}-1": "max_9m"})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    summary = page[page.index('id="error-summary"'):page.index("</ul>", page.index('id="error-summary"'))]
    assert f'href="#{FIELD}-1"' in summary and words in summary
    assert rows(page)[0] == "max_5m"  # the good row kept


def test_the_compact_text_a_link_carries_is_shown_as_rows(client):
    page = client.post("/company?lang=en", data={**FIRM, FIELD: "max_5m; unknown", "switch_lang": "1"}) \
        .get_data(as_text=True)
    assert rows(page) == ["max_5m", "unknown", ""]


def test_the_same_contract_hides_nothing_without_script_but_says_when_to_skip(client):
    page = client.get("/company?lang=en").get_data(as_text=True)
    assert 'data-show-when="company-compute_same_contract" data-show-values="no,unknown,"' in page


@pytest.mark.parametrize(("lang", "words"), [("en", "Project 2: "), ("zh", "项目 2：")])
def test_an_amount_row_that_is_not_an_amount_is_refused_naming_the_project(client, lang, words):
    name = "company-ai_application_project_investments"
    response = client.post(f"/company?lang={lang}", data={**FIRM, f"{name}-0": "8,000,000", f"{name}-1": "lots"})
    assert response.status_code == 422
    page = html.unescape(response.get_data(as_text=True))
    summary = page[page.index('id="error-summary"'):page.index("</ul>", page.index('id="error-summary"'))]
    assert f'href="#{name}-1"' in summary and words in summary
    assert f'id="{name}-1" name="{name}-1" value="lots"' in page  # what the user typed, shown again to fix
    assert f'<p class="field-error" id="{name}-1-error">' in page


def test_two_demonstration_projects_typed_as_amounts_are_priced_each(client):
    name = "company-ai_application_project_investments"
    page = client.post("/company?lang=en", data={
        "company-ai_application_sector": "advanced_manufacturing", "company-ai_application_tier": "demonstration",
        "company-same_content_funded_before": "no", f"{name}-0": "800万", f"{name}-1": "3,000,000",
        "as_of": AS_OF.isoformat()}).get_data(as_text=True)
    start = page.index('id="sz-ai-application-demonstration"')
    card = html.unescape(page[start:start + 4000])
    assert "2,900,000" in card  # min(30% x 8,000,000, 2,000,000) + 30% x 3,000,000
