"""Bids (issue #13 item 7): the procurement price deduction shows the evaluated price of a bid, and a deduction rate
outside the band of the deduction the tender applies is refused on every surface, naming the band."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calculator.app import create_app
from calculator.batch import run_batch
from tests.conftest import AS_OF

PROGRAM = "cn-sme-procurement-price-deduction"
SMALL = {"industry_sector": "software_it", "employees": 50, "revenue_latest": 5_000_000,
         "supplies_goods_made_by_medium_firm": "no", "bid_price": "1,000,000",
         "tender_deduction_band": "goods_services_small_micro"}


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def post(client, company: dict, lang: str):
    return client.post(f"/api/v1/assessments?as_of={AS_OF.isoformat()}&lang={lang}",
                       data=json.dumps({"company": company}), content_type="application/json")


def program(document: dict) -> dict:
    stack = [document]
    while stack:  # wherever the document lists the company's programs
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("id") == PROGRAM and "benefit" in item:
                return item
            stack += list(item.values())
        elif isinstance(item, list):
            stack += item
    raise AssertionError("no result for " + PROGRAM)


@pytest.mark.parametrize("lang,words", [("en", "Evaluated price of this bid: CNY 850,000 = bid price CNY 1,000,000"),
                                        ("zh", "本次投标的评审价格：85万元 = 投标报价 100万元")])
def test_the_api_shows_the_evaluated_price(client, lang, words):
    response = post(client, {**SMALL, "tender_deduction_percent": "15%"}, lang)
    assert response.status_code == 200, response.get_json()
    texts = [item["text"] for item in program(response.get_json())["benefit"]["items"]]
    assert any(words in text for text in texts), texts


@pytest.mark.parametrize("lang,words", [("en", "between 10% and 20%"), ("zh", "应在 10% 至 20% 之间")])
def test_a_rate_outside_the_band_is_refused_naming_the_band(client, lang, words):
    response = post(client, {**SMALL, "tender_deduction_percent": 25}, lang)
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert [e["field"] for e in errors] == ["company.tender_deduction_percent"]
    assert words in errors[0]["message"]


def test_each_band_is_its_own(client):
    works = {**SMALL, "tender_deduction_band": "works_small_micro"}
    assert post(client, {**works, "tender_deduction_percent": 4}, "en").status_code == 200
    refused = post(client, {**works, "tender_deduction_percent": 10}, "en")  # inside goods/services', not works'
    assert refused.status_code == 422
    assert "between 3% and 5%" in refused.get_json()["errors"][0]["message"]


def test_a_batch_row_outside_the_band_is_rejected_on_its_cell(catalogue, tmp_path: Path):
    header = ",".join([*SMALL, "tender_deduction_percent"])
    values = [str(v).replace(",", "") for v in SMALL.values()]
    src = tmp_path / "bids.csv"
    src.write_text(f"{header}\n{','.join([*values, '15%'])}\n{','.join([*values, '25%'])}\n", encoding="utf-8")
    errors = []
    summary = run_batch(catalogue, src, tmp_path / "out.xlsx", as_of=AS_OF, on_error=errors.append)
    assert (summary.assessed, summary.rejected) == (1, 1)
    assert [(e.row, e.column, e.field, e.value) for e in errors] == [(3, "G", "tender_deduction_percent", "25%")]
    assert "between 10% and 20%" in errors[0].message
