"""The JSON API (/api/v1): contract of every endpoint, the error format, language, CSRF/CORS/cookies, the
OpenAPI document and its documentation page."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from flask import Flask
from flask_wtf.csrf import CSRFProtect

from calculator import __version__
from calculator import api as api_surface
from calculator import config as settings
from calculator.api.lang import negotiate
from calculator.app import create_app
from calculator.engine import load_catalogue
from tests.conftest import AS_OF, EXAMPLES, example

API = "/api/v1"
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.json"))
CJK = re.compile(r"[\u4e00-\u9fff]")

DOCUMENT_KEYS = ["as_of", "tables_version", "reference_revision", "engine_version", "lang", "company", "people",
                 "programs", "totals", "disclaimer"]
PROGRAM_KEYS = ["id", "family", "family_name", "name", "applies_to", "subject", "person", "person_ref", "status",
                "status_text", "certainty", "certainty_text", "money_kind", "money_kind_text", "confidence",
                "estimate", "amount", "later_years", "if_certified", "benefit", "flags", "criteria", "reasons",
                "not_in_force_reason", "missing", "gaps", "self_check", "excluded_by", "window", "summary", "issuer",
                "instrument", "effective", "official_text", "advisories", "documents", "sources",
                "checked", "checked_text"]
ERROR_KEYS = ["status", "error", "message", "errors"]


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"TESTING": True})  # CSRF protection on, as in production


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def spec(app) -> dict[str, Any]:
    return app.test_client().get(f"{API}/openapi.json").get_json()


@pytest.fixture(scope="module")
def conforms(spec):
    """``conforms(instance, "Assessment")`` validates against a component schema of the served document."""
    cache: dict[str, Any] = {}

    def check(instance: Any, component: str) -> None:
        if component not in cache:
            root = {"$ref": f"#/components/schemas/{component}", "components": spec["components"]}
            cache[component] = jsonschema_rs.Draft202012Validator(root, validate_formats=True)
        errors = [f"{e.instance_path}: {e.message}" for e in cache[component].iter_errors(instance)]
        assert not errors, errors[:5]

    return check


def post(client, path: str, body: Any, **kwargs: Any):
    return client.post(API + path, data=json.dumps(body), content_type="application/json", **kwargs)


def assert_error(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert list(body) == ERROR_KEYS
    assert body["status"] == status and body["error"] == code and body["message"]
    assert "Traceback" not in response.get_data(as_text=True)
    return body


# --- the OpenAPI document ---------------------------------------------------------------------------------------
def test_the_openapi_document_is_valid_openapi_3_1(spec):
    assert spec["openapi"] == "3.1.0"
    schemathesis.openapi.from_dict(spec).validate()  # the official OpenAPI 3.1 meta-schema
    for name, schema in spec["components"]["schemas"].items():
        assert jsonschema_rs.meta.is_valid(schema), name  # each schema is valid JSON Schema 2020-12


def test_the_document_lists_every_endpoint_with_the_error_format(spec):
    assert {path: sorted(ops) for path, ops in spec["paths"].items() if path != "parameters"} == {
        f"{API}/assessments": ["post"], f"{API}/assessments/people": ["post"], f"{API}/programs": ["get"],
        f"{API}/programs/{{program_id}}": ["get", "parameters"], f"{API}/reference": ["get"],
        f"{API}/reference/{{table}}": ["get", "parameters"], f"{API}/version": ["get"],
        f"{API}/workbooks": ["post"]}
    for item in spec["paths"].values():
        for method in ("get", "post"):
            if method in item:
                assert item[method]["responses"]["default"] == {"$ref": "#/components/responses/DEFAULT_ERROR"}
    error = spec["components"]["responses"]["DEFAULT_ERROR"]["content"]["application/json"]["schema"]
    assert error == {"$ref": "#/components/schemas/Error"}
    assert spec["components"]["schemas"]["Error"]["required"] == sorted(ERROR_KEYS)


def test_request_schemas_are_the_profile_schemas_with_codes_from_the_tables(spec, catalogue):
    company = spec["components"]["schemas"]["Company"]
    assert company["additionalProperties"] is False
    assert company["properties"]["registration_district"]["enum"][:-2] == sorted(catalogue.choices["districts"])
    money = company["properties"]["revenue_latest"]["anyOf"]
    pattern = re.compile(money[1]["pattern"])
    for text in ("1,234,567", "1234567.50", "120万", "3亿元", "999,999,999,999,999"):
        assert pattern.match(text), text
    for text in ("-5", "1,2345", "1e9", "1000000000000000"):
        assert not pattern.match(text), text
    people = spec["components"]["schemas"]["PeopleRequest"]
    assert people["required"] == ["people"] and people["properties"]["people"]["minItems"] == 1


def test_per_project_amounts_are_documented_as_numbers_or_text_and_read_either_way(client, spec):
    """The projects' amounts are typed as the single amount field is (a number, or text such as 300万; or unknown),
    and a client that sends numbers gets the same answer as one that sends text."""
    company = spec["components"]["schemas"]["Company"]["properties"]
    rows = company["ai_application_project_investments"]["anyOf"][0]
    kinds = {part.get("type") for part in rows["items"]["anyOf"]}
    assert rows["type"] == "array" and kinds == {"number", "string", "null"}
    amount = next(part for part in rows["items"]["anyOf"] if part.get("type") == "number")
    assert amount["minimum"] == 0 and amount["maximum"] > 0
    tiers = company["gov_scenario_project_tiers"]["anyOf"][0]["items"]
    assert "max_5m" in tiers["enum"]  # codes stay codes
    base = example("futian-hightech-scaleup.json")
    answers = []
    for investments in ([8000000, 3000000.5, None], ["8,000,000", "3000000.50", "unknown"]):
        body = {**base, "company": {**base["company"], "ai_application_project_investments": investments}}
        response = post(client, f"/assessments?as_of={AS_OF}&detail=figures", body)
        assert response.status_code == 200, response.get_json()
        answers.append(response.get_data())
    assert answers[0] == answers[1]


def test_documented_request_examples_are_accepted(client, spec, conforms):
    for path in ("/assessments", "/assessments/people"):
        content = spec["paths"][API + path]["post"]["requestBody"]["content"]["application/json"]
        for name, item in content["examples"].items():
            response = post(client, path, item["value"])
            assert response.status_code == 200, (name, response.get_json())
            conforms(response.get_json(), "Assessment")


def test_the_openapi_document_is_served_as_json(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json()["info"]["title"] == settings.DEFAULTS["API_TITLE"]


# --- contract: assessments ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_assessment_shape_for_every_example(client, conforms, name, lang):
    response = post(client, f"/assessments?as_of={AS_OF}&lang={lang}", example(name))
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Language"] == ("zh-CN" if lang == "zh" else "en")
    assert response.headers["Cache-Control"] == "no-store"
    doc = response.get_json()
    conforms(doc, "Assessment")
    assert list(doc) == DOCUMENT_KEYS
    assert doc["as_of"] == AS_OF.isoformat() and doc["lang"] == lang and doc["engine_version"] == __version__
    assert all(list(program) == PROGRAM_KEYS for program in doc["programs"])
    assert list(doc["totals"]) == ["currency", "cash", "tax_this_year", "later_years", "if_certified", "non_cash",
                                   "obligations", "needs_info", "by_family", "adjustments"]
    assert list(doc["totals"]["by_family"]) == ["financial_support", "talent", "procurement", "regulatory"]


@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures_answer_for_every_example(client, conforms, name, lang):
    """?detail=figures: the declared AssessmentFigures, with the full answer's statuses, amounts and totals, no
    sentences, the same headers (no-store, no validator), and a fraction of the bytes."""
    path = "/assessments" if "company" in example(name) else "/assessments/people"
    response = post(client, f"{path}?as_of={AS_OF}&lang={lang}&detail=figures", example(name))
    full = post(client, f"{path}?as_of={AS_OF}&lang={lang}", example(name)).get_json()
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Language"] == ("zh-CN" if lang == "zh" else "en")
    assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers
    doc = response.get_json()
    conforms(doc, "AssessmentFigures")
    assert doc["detail"] == "figures" and doc["totals"] == full["totals"]
    assert [(p["id"], p["person"], p["status"], p["estimate"]) for p in doc["programs"]] == [
        (p["id"], p["person"], p["status"], p["estimate"]) for p in full["programs"]]
    assert [p["missing"] for p in doc["programs"]] == [[m["field"] for m in p["missing"]] for p in full["programs"]]
    assert "criteria" not in doc["programs"][0] and "disclaimer" not in doc
    assert len(response.data) * 5 < len(json.dumps(full, ensure_ascii=False).encode())


def test_the_next_questions_only_when_asked(client, conforms):
    body = example("futian-hightech-scaleup.json")
    plain = post(client, f"/assessments?as_of={AS_OF}", body).get_json()
    asked = post(client, f"/assessments?as_of={AS_OF}&questions=true", body).get_json()
    conforms(asked, "Assessment")
    assert plain["company"]["questions"] == [] and plain["company"]["questions_summary"] is None
    assert asked["company"]["questions"] and asked["company"]["questions_summary"]["text"]
    assert {k: v for k, v in asked.items() if k != "company"} == {k: v for k, v in plain.items() if k != "company"}


@pytest.mark.parametrize(("query", "field", "en", "zh"), [
    ("detail=figures&questions=true", "questions", "full answer only", "完整结果"),
    ("detail=sentences", "detail", "Use full or figures.", "full 或 figures"),
    ("questions=yes", "questions", "Use true or false.", "true 或 false")])
def test_the_answers_view_is_checked_in_the_callers_language(client, query, field, en, zh):
    for lang, words in (("en", en), ("zh", zh)):
        found = assert_error(post(client, f"/assessments?{query}&lang={lang}", example("nanshan-seed-startup.json")),
                             422, "validation_failed")["errors"]
        assert [e["field"] for e in found] == [field] and words in found[0]["message"]


def test_the_answer_is_declared_as_the_document_or_its_figures(spec):
    for path in ("/api/v1/assessments", "/api/v1/assessments/people"):
        operation = spec["paths"][path]["post"]
        assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {"oneOf": [
            {"$ref": "#/components/schemas/Assessment"}, {"$ref": "#/components/schemas/AssessmentFigures"}]}
        assert {"detail", "questions"} <= {p["name"] for p in operation["parameters"]}
    assert "detail" not in {p["name"] for p in spec["paths"]["/api/v1/workbooks"]["post"]["parameters"]}


@pytest.mark.parametrize("as_of", ["2020-01-01", "2024-06-30", "2030-01-01", "1990-01-01", "2100-12-31"])
def test_assessment_shape_on_other_dates(client, conforms, as_of):
    for name in EXAMPLE_FILES:
        profile = example(name)
        founded = (profile.get("company") or {}).get("founding_date")
        response = post(client, f"/assessments?as_of={as_of}", profile)
        if founded and as_of < founded:  # a company is not assessed on a day it did not exist
            assert response.status_code == 422 and response.get_json()["errors"][0]["field"] == "as_of"
            continue
        assert response.status_code == 200
        conforms(response.get_json(), "Assessment")


def test_as_of_defaults_to_today(client):
    doc = post(client, "/assessments", example("nanshan-seed-startup.json")).get_json()
    assert doc["as_of"] == dt.date.today().isoformat()


def test_people_alone(client, conforms, evaluate):
    roster = example("hr-roster-ten.json")
    response = post(client, f"/assessments/people?as_of={AS_OF}&questions=true", roster)
    assert response.status_code == 200
    doc = response.get_json()
    conforms(doc, "Assessment")
    assert doc["company"] is None and len(doc["people"]) == len(roster["people"])
    assert doc == evaluate(roster, AS_OF, "en")
    assert all(person["inherited_from_company"] == [] for person in doc["people"])


def test_people_alone_refuses_a_company_and_needs_people(client):
    body = assert_error(post(client, "/assessments/people", {"company": {}, "people": []}), 422, "validation_failed")
    assert [e["field"] for e in body["errors"]] == ["company", "people"]
    body = assert_error(post(client, "/assessments/people?lang=zh", {}), 422, "validation_failed")
    assert body["errors"] == [{"field": "people", "message": "此项为必填项。"}]


# --- contract: catalogue, reference, version ----------------------------------------------------------------------
def test_programs_list_is_the_cli_catalogue_with_its_sources(client, conforms, catalogue):
    from calculator.engine.describe import describe_catalogue

    doc = client.get(f"{API}/programs").get_json()
    conforms(doc, "Catalogue")
    assert list(doc) == ["tables_version", "reference_revision", "programs", "sources"]
    assert doc["programs"] == json.loads(json.dumps(describe_catalogue(catalogue)["programs"]))
    cited = {key for entry in doc["programs"] for key in entry["sources"]}
    assert set(doc["sources"]) == cited
    assert all(source["key"] == key for key, source in doc["sources"].items())


def test_every_program_has_its_own_page(client, conforms, catalogue):
    for program_id in catalogue.programs:
        response = client.get(f"{API}/programs/{program_id}")
        assert response.status_code == 200
        doc = response.get_json()
        conforms(doc, "ProgramDetail")
        assert doc["program"]["id"] == program_id
        assert set(doc["sources"]) == set(doc["program"]["sources"])
        assert doc["program"]["criteria"] is not None and doc["program"]["effective"]["from"]


def test_unknown_program_is_404_in_the_error_format(client):
    body = assert_error(client.get(f"{API}/programs/no-such-program", headers={"Accept-Language": "zh-CN"}),
                        404, "unknown_program")
    assert "no-such-program" in body["message"] and CJK.search(body["message"])


def test_reference_tables_for_building_forms(client, conforms, catalogue):
    index = client.get(f"{API}/reference").get_json()
    conforms(index, "ReferenceIndex")
    assert [t["name"] for t in index["tables"]] == sorted(catalogue.reference)
    for name in catalogue.reference:
        response = client.get(f"{API}/reference/{name}")
        assert response.status_code == 200, name
        table = response.get_json()
        conforms(table, "ReferenceTable")
        kind = table["kind"]
        assert bool(table["choices"]) == (kind == "enum")
        assert bool(table["figures"]) == (kind == "figures")
        assert bool(table["versions"]) == (kind in ("brackets", "bands", "size_classes"))
    districts = client.get(f"{API}/reference/districts").get_json()
    assert {c["code"] for c in districts["choices"]} == catalogue.choices["districts"]
    assert districts["used_by"] == ["company.registration_district", "company.operating_district"]
    assert_error(client.get(f"{API}/reference/nope"), 404, "unknown_table")


def test_version(client, conforms, catalogue):
    doc = client.get(f"{API}/version").get_json()
    conforms(doc, "VersionInfo")
    assert doc == {"version": __version__, "api_version": "v1", "tables_version": catalogue.tables_version}


# --- conditional GETs -------------------------------------------------------------------------------------------
CACHEABLE = ("/programs", "/programs/gba-iit-subsidy", "/reference", "/reference/districts", "/openapi.json")


@pytest.mark.parametrize("path", CACHEABLE)
def test_tables_only_resources_answer_304_to_a_current_etag(client, catalogue, path):
    first = client.get(API + path, headers={"Accept-Language": "zh-CN"})
    tag = first.headers["ETag"]
    assert first.status_code == 200 and first.data
    assert catalogue.tables_version in tag and __version__ in tag and tag.endswith('-zh"')
    assert first.headers["Cache-Control"] == "public, max-age=300" and "Accept-Language" in first.headers["Vary"]
    again = client.get(API + path, headers={"Accept-Language": "zh-CN", "If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    assert again.headers["Cache-Control"] == first.headers["Cache-Control"]
    weak = client.get(API + path, headers={"Accept-Language": "zh-CN", "If-None-Match": f'"other", W/{tag}'})
    assert weak.status_code == 304
    english = client.get(API + path, headers={"If-None-Match": tag})  # another language: another representation
    assert english.status_code == 200 and english.headers["ETag"] != tag and english.data == first.data
    stale = client.get(API + path, headers={"If-None-Match": '"an-old-deployment"'})
    assert stale.status_code == 200 and stale.data == first.data


def test_the_document_declares_the_conditional_gets(spec):
    for path in ("/programs", "/programs/{program_id}", "/reference", "/reference/{table}"):
        operation = spec["paths"][API + path]["get"]
        assert {"name": "If-None-Match", "in": "header"}.items() <= operation["parameters"][0].items()
        assert set(operation["responses"]["200"]["headers"]) == set(operation["responses"]["304"]["headers"]) == {
            "ETag", "Cache-Control"}


def test_the_etag_changes_with_the_tables(tmp_path):
    import shutil

    from calculator.engine import default_root

    shutil.copytree(default_root(), tmp_path / "tables")
    districts = tmp_path / "tables" / "reference" / "districts.toml"
    districts.write_text(districts.read_text(encoding="utf-8").replace('en = "Futian"', 'en = "Futian District"'),
                         encoding="utf-8")
    tags = {create_app({"TESTING": True, **config}).test_client().get(f"{API}/reference/districts").headers["ETag"]
            for config in ({}, {"TABLES_DIR": str(tmp_path / "tables")})}
    assert len(tags) == 2


def test_misses_and_assessments_carry_no_validator(client):
    missing = client.get(f"{API}/programs/no-such-program", headers={"If-None-Match": "*"})
    assert missing.status_code == 404 and "ETag" not in missing.headers
    answer = post(client, "/assessments", example("nanshan-seed-startup.json"))
    assert "ETag" not in answer.headers and answer.headers["Cache-Control"] == "no-store"


# --- errors --------------------------------------------------------------------------------------------------------
def test_validation_errors_name_field_paths(client):
    body = {"company": {"revenue_latest": "lots", "employees": 10, "st_staff": 20},
            "people": [{"identity": "mainland"}, {"identity": "martian"}]}
    errors = assert_error(post(client, "/assessments", body), 422, "validation_failed")["errors"]
    fields = {e["field"] for e in errors}
    assert fields == {"company.revenue_latest", "company.st_staff", "people[1].identity"}
    messages = {e["field"]: e["message"] for e in errors}
    assert messages["people[1].identity"].startswith("Not one of the allowed choices: foreign_national")
    assert messages["company.st_staff"] == "S&T staff (20) cannot exceed total employees (10)."


def test_validation_errors_in_chinese_from_accept_language_or_lang(client):
    body = {"company": {"revenue_latest": "lots"}, "people": [{"identity": "martian"}]}
    for kwargs in ({"headers": {"Accept-Language": "zh-CN,zh;q=0.9"}}, {"query_string": {"lang": "zh"}}):
        path = "/assessments" + ("?lang=zh" if "query_string" in kwargs else "")
        response = post(client, path, body, headers=kwargs.get("headers"))
        error = assert_error(response, 422, "validation_failed")
        assert response.headers["Content-Language"] == "zh-CN"
        assert CJK.search(error["message"]) and all(CJK.search(e["message"]) for e in error["errors"])
    response = post(client, "/assessments?lang=en", body, headers={"Accept-Language": "zh-CN"})
    assert not CJK.search(response.get_json()["message"])


@pytest.mark.parametrize(("header", "query", "lang"), [
    ("zh-CN,zh;q=0.9", None, "zh"), ("zh-TW", None, "zh"), ("zh-Hans", None, "zh"), ("zh", None, "zh"),
    ("en-GB,en;q=0.8", None, "en"), ("fr-FR, zh;q=0.5", None, "zh"), ("fr-FR", None, "en"), ("*", None, "en"),
    ("", None, "en"), ("zh;q=0, en;q=0.1", None, "en"), ("x-klingon, !!!", None, "en"),
    ("en", "zh", "zh"), ("zh-CN", "en", "en"), ("zh-CN", "fr", "zh")])
def test_language_negotiation(app, header, query, lang):
    with app.test_request_context("/", headers={"Accept-Language": header}):
        from flask import request

        assert negotiate(query, list(request.accept_languages)) == lang


def test_malformed_json_is_400(client):
    for raw in ("{bad", "", "{\"company\": {\"employees\": NaN}}", "[Infinity]", "1" * 5000,
                "[" * 100_000 + "]" * 100_000, b"\xff\xfe{}"):
        response = client.post(f"{API}/assessments", data=raw, content_type="application/json")
        body = assert_error(response, 400, "malformed_json")
        assert "sys." not in body["message"]


def test_wrong_content_type_is_415(client):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        response = client.post(f"{API}/assessments", data="{}", content_type=content_type)
        assert_error(response, 415, "unsupported_media_type")


def test_too_large_is_413(client):
    response = client.post(f"{API}/assessments", data=b" " * (settings.DEFAULTS["MAX_CONTENT_LENGTH"] + 1),
                           content_type="application/json")
    assert_error(response, 413, "payload_too_large")


@pytest.mark.parametrize("body", [
    [], "text", 12, None, {"company": [1]}, {"company": {"employees": "1" * 4000}},
    {"company": {"revenue_latest": 10 ** 30}}, {"company": {"founding_date": "9999-12-31"}}, {"x": 1},
    {"people": [None, 1, "x", [], {"identity": None}]}, {"people": {"identity": "mainland"}},
    {"company": {"zone_flags": "qianhai,qianhai"}}, {"people": [{}] * 501},
    {"company": {"name": "x" * 10_000}}, {"company": {"employees": True}}, {"company": {"tax_year": -1}},
    {"company": {"nested": {"a": [{"b": [[[[[[[[[[1]]]]]]]]]]}]}}},
])
def test_any_bad_body_is_422_in_both_languages(client, body):
    for lang in ("en", "zh"):
        error = assert_error(post(client, f"/assessments?lang={lang}", body), 422, "validation_failed")
        assert error["errors"]
        if lang == "zh":
            assert all(CJK.search(e["message"]) for e in error["errors"]), error["errors"]


def test_json_numbers_too_large_for_a_float_are_422(client):
    raw = '{"company": {"employees": 1e400, "revenue_latest": -1e400, "taxable_income": 1e-400}}'
    response = client.post(f"{API}/assessments", data=raw, content_type="application/json")
    errors = assert_error(response, 422, "validation_failed")["errors"]
    assert {e["field"] for e in errors} == {"company.employees", "company.revenue_latest"}


def test_query_parameters_are_validated(client):
    errors = assert_error(post(client, "/assessments?as_of=2020-13-01&lang=fr", {"company": {}}), 422,
                          "validation_failed")["errors"]
    assert {e["field"] for e in errors} == {"as_of", "lang"}
    errors = assert_error(post(client, "/assessments?as_of=1800-01-01", {"company": {}}), 422,
                          "validation_failed")["errors"]
    assert errors[0]["field"] == "as_of"


def test_unknown_url_and_wrong_method_under_the_api_are_json(client):
    body = assert_error(client.get(f"{API}/nowhere"), 404, "not_found")
    assert f"{API}/nowhere" in body["message"]
    response = client.post(f"{API}/programs")
    assert_error(response, 405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]
    assert_error(client.put(f"{API}/openapi.json"), 405, "method_not_allowed")


def test_web_pages_keep_their_html_errors(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_a_bug_is_a_500_in_the_error_format_without_traceback(app, monkeypatch):
    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(app.extensions["service"], "assess", broken)
    response = post(app.test_client(), "/assessments", {"company": {}})
    body = assert_error(response, 500, "internal_error")
    assert "secret internal detail" not in response.get_data(as_text=True)
    assert body["errors"] == []


# --- stateless: CSRF, cookies, CORS ---------------------------------------------------------------------------------
def test_csrf_does_not_apply_to_the_api(app):
    assert app.config["WTF_CSRF_ENABLED"]
    response = post(app.test_client(), "/assessments", {"company": {"name": "No token Co"}})
    assert response.status_code == 200


def test_csrf_exemption_holds_when_csrf_is_bound_after_the_api():
    app = Flask(__name__)
    app.config.from_mapping(settings.DEFAULTS, SECRET_KEY="x" * 32, TESTING=True)
    app.extensions["catalogue"] = load_catalogue()
    api_surface.register(app)
    CSRFProtect(app)
    assert post(app.test_client(), "/assessments", {"company": {}}).status_code == 200


def test_api_answers_set_no_cookie(client):
    for response in (post(client, "/assessments", example("nanshan-seed-startup.json")),
                     client.get(f"{API}/programs"), client.get(f"{API}/nowhere")):
        assert "Set-Cookie" not in response.headers


def test_no_cors_unless_configured(client):
    response = client.get(f"{API}/version", headers={"Origin": "https://elsewhere.example"})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_cors_for_configured_origins_only():
    app = create_app({"TESTING": True, "API_CORS_ORIGINS": ["https://forms.example"]})
    client = app.test_client()
    ok = client.get(f"{API}/version", headers={"Origin": "https://forms.example"})
    assert ok.headers["Access-Control-Allow-Origin"] == "https://forms.example"
    assert "Origin" in ok.headers["Vary"]
    other = client.get(f"{API}/version", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    preflight = client.options(f"{API}/assessments", headers={
        "Origin": "https://forms.example", "Access-Control-Request-Method": "POST"})
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in preflight.headers["Access-Control-Allow-Headers"]


# --- the documentation page ------------------------------------------------------------------------------------------
def test_the_documentation_page_renders_from_the_document_without_cdn(client, spec):
    response = client.get(f"{API}/docs")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for path, item in spec["paths"].items():
        assert f"<code>{path}</code>" in page
        for method in ("get", "post"):
            if method in item:
                assert item[method]["summary"] in page
    for name in spec["components"]["schemas"]:
        assert f'id="schema-{name}"' in page
    assert "<script" not in page and "style=" not in page and "<style" not in page
    external = re.findall(r'(?:src|href)="(https?:)?//', page)
    assert not external
    assert "注册所在区" in page  # bilingual field labels
    css = re.search(r'href="([^"]+\.css)"', page).group(1)
    assert client.get(css).status_code == 200


# --- workbooks -------------------------------------------------------------------------------------------------------
def cell_values(data: bytes) -> dict[str, list[tuple[Any, ...]]]:
    import io

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True)
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_workbook_is_the_same_assessment_as_xlsx(client, catalogue, lang):
    from calculator.engine import assess
    from calculator.workbook import XLSX_MIMETYPE, build_workbook
    from schemas.profile import AssessmentInputSchema

    data = example("qianhai-hk-staff.json")
    response = post(client, f"/workbooks?as_of={AS_OF}&lang={lang}", data)
    assert response.status_code == 200 and response.mimetype == XLSX_MIMETYPE
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert "filename*=UTF-8''" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    assessment = assess(catalogue, AssessmentInputSchema(choices=catalogue.choices).load(data), AS_OF)
    assert cell_values(response.data) == cell_values(build_workbook(catalogue, assessment, lang))


def test_workbook_errors_use_the_error_format(client):
    assert_error(post(client, "/workbooks?lang=zh", {"company": {"employees": "many"}}), 422, "validation_failed")
    assert_error(client.post(f"{API}/workbooks", data="{", content_type="application/json"), 400, "malformed_json")
    assert_error(client.post(f"{API}/workbooks", data="{}", content_type="text/csv"), 415, "unsupported_media_type")


def test_the_api_root_and_every_json_answer_follow_the_api_conventions(client):
    root = client.get("/api/v1?lang=zh")
    assert root.status_code == 404 and root.mimetype == "application/json" and root.get_json()["error"] == "not_found"
    for path in ("/api/v1/programs?lang=zh", "/api/v1/version?lang=zh", "/api/v1/reference/districts?lang=zh"):
        answer = client.get(path)
        assert answer.status_code == 200 and answer.headers["Content-Language"] == "zh-CN", path


def test_an_assessment_date_before_the_company_was_founded_is_an_error_on_as_of(client):
    company = json.loads((EXAMPLES / "nanshan-seed-startup.json").read_text(encoding="utf-8"))
    answer = client.post("/api/v1/assessments?as_of=2018-01-01&lang=zh", json=company)
    assert answer.status_code == 422
    expected = "测算日期 2018-01-01 早于企业成立日期（2025-06-01）。"
    assert answer.get_json()["errors"] == [{"field": "as_of", "message": expected}]


def test_an_assessment_builds_no_schema_per_request(client, monkeypatch):
    """Bounded work: the declared schemas (query, headers, body) are built once, not per request (each build deep-copies
    every declared field of the 40-field profile)."""
    from marshmallow import Schema

    body = example("futian-hightech-scaleup.json")
    assert post(client, f"/assessments?as_of={AS_OF}&detail=figures", body).status_code == 200  # warm
    built: list[type] = []
    original = Schema.__init__

    def counting(self: Schema, *args: Any, **kwargs: Any) -> None:
        built.append(type(self))
        original(self, *args, **kwargs)

    monkeypatch.setattr(Schema, "__init__", counting)
    for query in ("detail=figures", "questions=false"):
        assert post(client, f"/assessments?as_of={AS_OF}&{query}", body).status_code == 200
    assert built == []
