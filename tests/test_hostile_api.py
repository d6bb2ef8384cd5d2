"""Hostile API calls: validation is linear and bounded, and each refusal names the limit.

An attacker's two 789 kB calls carrying 80,000 zone codes held both workers until gunicorn killed them (a duplicate
check over a list: quadratic). They are sent here to what production runs (nginx in front of gunicorn), and the
workers' CPU time is read from /proc around them.
"""

from __future__ import annotations

import json

import pytest

from calculator.app import create_app
from tests.test_hostile_stack import cpu_seconds, serve

API = "/api/v1/assessments"


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


def test_80000_zone_codes_are_refused_naming_the_limit_in_under_a_second_of_worker_cpu(tmp_path):
    body = json.dumps({"company": {"zone_flags": [f"z{i}" for i in range(80_000)]}}).encode()
    assert 780_000 < len(body) < 800_000  # the attacker's 789 kB
    with serve(tmp_path) as stack:
        workers = stack.workers()
        before = sum(cpu_seconds(pid) for pid in workers)
        answers = [stack.request("POST", API + query, body, {"Content-Type": "application/json"})
                   for query in ("?lang=en", "?lang=zh")]
        spent = sum(cpu_seconds(pid) for pid in workers) - before
    for (status, headers, data), words in zip(answers, ("Too many choices: at most 3", "选项过多：最多 3 项"),
                                             strict=True):
        document = json.loads(data)
        assert status == 422 and document["error"] == "validation_failed", document
        assert document["errors"] == [{"field": "company.zone_flags", "message": document["errors"][0]["message"]}]
        assert words in document["errors"][0]["message"]
        assert "content-security-policy" in headers
    assert spent < 1.0, spent


@pytest.mark.parametrize(("field", "value", "words"), [
    ("zone_flags", ["qianhai", "hetao", "qianhai"], "listed twice: qianhai"),
    ("zone_flags", "qianhai," * 200, "at most 1000 characters"),
    ("zone_flags", ["x" * 200], "at most 120 characters"),  # a code or a name (the longest name has 80)
    ("revenue_latest", "1" * 100_000, "at most 64 characters"),
    ("registration_district", "n" * 100_000, "at most 120 characters"),
    ("hnte_certified", "y" * 100_000, "at most 32 characters"),
    ("founding_date", "2" * 100_000, "at most 40 characters"),
    ("uscc", "9" * 100_000, "at most 120 characters"),
    ("name", "a" * 1_000_000, "at most 200 characters"),
])
def test_every_field_caps_its_text_before_working_on_it_and_says_the_limit(client, field, value, words):
    response = client.post(API + "?lang=en", json={"company": {field: value}})
    document = response.get_json()
    assert response.status_code == 422, document
    assert document["errors"][0]["field"] == f"company.{field}" and words in document["errors"][0]["message"]


def test_a_list_of_people_is_refused_by_its_length_before_its_items_are_read(client):
    """500 people at most: 400,000 empty ones are refused without deserialising each (it took a second)."""
    import resource

    body = json.dumps({"people": [{}] * 400_000})
    before = resource.getrusage(resource.RUSAGE_SELF)
    response = client.post(API + "?lang=zh", data=body, content_type="application/json")
    after = resource.getrusage(resource.RUSAGE_SELF)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "people", "message": "一次测算最多 500 人。"}]
    assert after.ru_utime - before.ru_utime < 0.5


@pytest.mark.parametrize(("lang", "words"), [("en", "is given twice in one object"), ("zh", "不是有效的 JSON")])
def test_a_name_given_twice_in_one_object_is_refused_not_the_last_one_kept(client, lang, words):
    body = '{"company": {"name": "A", "name": "B", "founded": "2020-01-01"}}'
    response = client.post(f"/api/v1/assessments?lang={lang}", data=body, content_type="application/json")
    assert response.status_code == 400 and response.json["error"] == "malformed_json"
    assert words in response.json["message"] and '"name"' in response.json["message"]


def test_half_a_surrogate_pair_in_a_name_gets_a_json_error_naming_it_not_a_500(client):
    response = client.post("/api/v1/assessments", data='{"company": {"\\ud800x": 1}}', content_type="application/json")
    assert response.status_code == 422
    body = json.loads(response.get_data(as_text=True))  # valid JSON: the half pair written as an escape
    assert [e["field"] for e in body["errors"]] == ["company.\ud800x"]
