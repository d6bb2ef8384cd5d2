"""The declared response schemas are the contract, enforced on real answers.

The API answers assessments with the document encoded by orjson rather than dumped through ``AssessmentSchema``
(dumping costs about as much CPU as the whole request: benchmarks/api.py), so nothing at run time forces an answer to
match what the OpenAPI document declares. These tests do: answers to generated profiles (any mix of fields, unknowns,
codes and amounts) are validated against the schema the served document declares for that operation's 200 answer,
and the request schema the document shows is the one the service loads bodies with. tests/test_api.py validates the
answers for the example profiles and every catalogue resource; schemathesis (tests/test_api_schemathesis.py) fuzzes
every operation against the same document.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings

from calculator.app import create_app
from calculator.engine import load_catalogue
from schemas.fields import Count, YearAmounts
from schemas.limits import limits_of
from schemas.profile import CompanySchema, PersonSchema
from tests.conftest import AS_OF
from tests.strategies import assessment_input

API = "/api/v1"
APP = create_app({"TESTING": True})
SPEC = APP.test_client().get(f"{API}/openapi.json").get_json()
CHOICES = load_catalogue().choices


def declared(path: str, method: str = "post", status: str = "200") -> jsonschema_rs.Draft202012Validator:
    """A validator for the JSON answer the served document declares for ``method path`` with ``status``."""
    content = SPEC["paths"][API + path][method]["responses"][status]["content"]["application/json"]
    return jsonschema_rs.Draft202012Validator({**content["schema"], "components": SPEC["components"]},
                                              validate_formats=True)


def as_json(value: Any) -> Any:
    """A loaded profile value as a client sends it (amounts by year as a list of ``{year, amount}``)."""
    if isinstance(value, YearAmounts):
        return [{"year": year, "amount": as_json(amount)} for year, amount in value]
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items() if item is not None}  # left out: unknown
    if isinstance(value, list):
        return [as_json(item) for item in value]
    return value


def within_limits(subject: dict[str, Any] | None, schema: type) -> None:
    """Counts at most their field's maximum (the strategy draws counts up to 2,000 for every count field), and
    answers within the bounds the rule tables set (``[[input_limits]]``)."""
    if not subject:
        return
    for name, field in schema._declared_fields.items():
        if isinstance(field, Count) and subject.get(name) is not None:
            subject[name] = min(subject[name], field.maximum)
    for name, limits in limits_of(CHOICES, schema.subject).items():
        for limit in limits:
            if subject.get(name) is not None and limit.max is not None:
                subject[name] = min(subject[name], limit.max)
            if subject.get(name) is not None and limit.min is not None:
                subject[name] = max(subject[name], limit.min)


def sendable(data: dict[str, Any]) -> dict[str, Any]:
    """Generated input within the profile's limits and cross-field rules (R&D at most ten times revenue, no
    application before the founding)."""
    company = data.get("company")
    within_limits(company, CompanySchema)
    for person in data["people"]:
        within_limits(person, PersonSchema)
    if company and company.get("rd_expense_3y") is not None and company.get("revenue_3y"):
        company["rd_expense_3y"] = min(company["rd_expense_3y"], company["revenue_3y"] * 10)
    if company and company.get("application_date") and company.get("founding_date"):
        company["application_date"] = max(company["application_date"], company["founding_date"])
    return {"company": as_json(company)} if not data["people"] else as_json(
        {"people": data["people"]} if company is None else data)


ASSESSMENT, PEOPLE = declared("/assessments"), declared("/assessments/people")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=assessment_input(CHOICES))
def test_every_answer_to_a_generated_profile_is_the_declared_document(data):
    body = sendable(data)
    lang = "zh" if len(json.dumps(body)) % 2 else "en"
    path = "/assessments" if "company" in body else "/assessments/people"
    answer = APP.test_client().post(f"{API}{path}?as_of={AS_OF}&lang={lang}", data=json.dumps(body),
                                    content_type="application/json")
    assert answer.status_code == 200, answer.get_json()
    errors = [f"{e.instance_path}: {e.message}" for e in (ASSESSMENT if path == "/assessments" else PEOPLE)
              .iter_errors(answer.get_json())]
    assert errors == []


def test_a_document_that_strays_from_the_declaration_is_caught(evaluate):
    """The check bites: an extra key, a missing key or a wrong type in an answer is reported."""
    doc = json.loads(json.dumps(evaluate({"company": {"name": "X", "registration_district": "nanshan"}})))
    assert list(ASSESSMENT.iter_errors(doc)) == []
    program = doc["programs"][0]
    for broken in ({**doc, "overall": 1}, {k: v for k, v in doc.items() if k != "totals"},
                   {**doc, "programs": [{**program, "status": "maybe"}]},
                   {**doc, "programs": [{**program, "estimate": {"low": "a lot"}}]}):
        assert list(ASSESSMENT.iter_errors(broken)) != []


@pytest.mark.parametrize(("path", "component"), [("/assessments", "AssessmentRequest"),
                                                 ("/workbooks", "AssessmentRequest"),
                                                 ("/assessments/people", "PeopleRequest")])
def test_the_documented_request_body_is_the_schema_the_service_loads_it_with(path, component):
    from calculator.api.schemas import AssessmentRequestSchema, PeopleRequestSchema

    body = SPEC["paths"][API + path]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": f"#/components/schemas/{component}"}
    kind = AssessmentRequestSchema if component == "AssessmentRequest" else PeopleRequestSchema
    schema = APP.extensions["service"].schema(kind)
    assert type(schema) is kind and schema.choices is APP.extensions["catalogue"].choices
    documented = SPEC["components"]["schemas"]
    assert set(documented[component]["properties"]) == set(schema.load_fields)
    company, person = schema.fields["people"].inner.schema, documented["Person"]
    assert set(person["properties"]) == set(company.load_fields)
    if "company" in schema.load_fields:
        assert set(documented["Company"]["properties"]) == set(schema.fields["company"].schema.load_fields)


def test_the_documented_bounds_of_the_rule_tables_are_the_enforced_ones():
    """A bound a rule table sets on an input (``[[input_limits]]``) is the documented maximum (or minimum), and the
    API accepts the bound itself and refuses one past it, naming the field."""
    bounded = [(subject, name, limit) for subject in ("company", "person")
               for name, limits in limits_of(CHOICES, subject).items() for limit in limits]
    assert bounded  # the tables set at least one (model_voucher_quota)
    for subject, name, limit in bounded:
        documented = SPEC["components"]["schemas"][subject.title()]["properties"][name]
        number = next(s for s in documented["anyOf"] if s.get("type") == "number")
        for key, value, step in (("maximum", limit.max, 1), ("minimum", limit.min, -1)):
            if value is None:
                continue
            assert number[key] == float(value)
            for sent, status in ((value, 200), (value + step, 422)):
                body = {"company": {name: int(sent)}} if subject == "company" else {"people": [{name: int(sent)}]}
                path = "/assessments" if subject == "company" else "/assessments/people"
                answer = APP.test_client().post(f"{API}{path}?as_of={AS_OF}", data=json.dumps(body),
                                                content_type="application/json")
                assert answer.status_code == status, (name, sent)
                if status == 422:
                    where = f"company.{name}" if subject == "company" else f"people[0].{name}"
                    assert [e["field"] for e in answer.get_json()["errors"]] == [where]
