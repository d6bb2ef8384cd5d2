"""Hostile input (issue #8): property and fuzz tests over the profile schemas, the web form parser and the API.

Arbitrary JSON, unicode, huge numbers, NaN and infinity, dates far in the past or future, deeply nested
objects. The outcome is always a clear 4xx or a validation message naming a field, never a 5xx or a
traceback. The apps run with ``TESTING`` on, so an unhandled exception in a view fails the test outright
instead of being turned into a 500 page. Bounded (``max_examples``) to keep the suite fast; run longer with
``FUZZ_EXAMPLES=2000 .venv/bin/python -m pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import json
import math
import os
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from schemas.messages import flatten_errors
from schemas.profile import AssessmentInputSchema, CompanySchema, PersonSchema, field_catalogue

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                              HealthCheck.function_scoped_fixture])
FIELDS = field_catalogue()
API = "/api/v1"

# --- strategies ------------------------------------------------------------------------------------------------
EDGE_NUMBERS = st.sampled_from([0, -1, 1, 10 ** 18, -(10 ** 18), 10 ** 300, 2 ** 63, -(2 ** 63), 1e308, -1e308,
                                5e-324, 0.1, -0.0, math.nan, math.inf, -math.inf])
EDGE_TEXT = st.sampled_from([
    "", " ", "unknown", "yes", "no", "null", "NaN", "nan", "Infinity", "-inf", "1e999", "-1e999", "1" * 5000,
    "1,234,567", "１２３，４５６", "120万", "3亿", "-5万", "万", "亿亿", "1.2.3", "0x10", "١٢٣", "²", "½", "Ⅻ",
    "0001-01-01", "9999-12-31", "10000-01-01", "-0001-01-01", "+2026-01-01", "2026-02-30", "1900-01-01",
    "2026-11-21T00:00:00", "\x00", "\u202e\u202d", "\ud7ff", "😀" * 50, "=1+1", "<script>alert(1)</script>",
    "'; DROP TABLE x; --", "%s%s%n", "{{7*7}}", "a" * 300, "\r\n\t", "true", "[]", "{}",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(), EDGE_NUMBERS,
                    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=40), EDGE_TEXT,
                    st.decimals(allow_nan=True, allow_infinity=True).map(str))
JSON_ANY = st.recursive(SCALARS, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                          st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                        max_leaves=20)


def subject(kind: str) -> st.SearchStrategy[dict[str, Any]]:
    """Known field names of one subject with arbitrary values (so the fields' own parsers are exercised),
    sometimes with an unknown key too."""
    names = sorted(FIELDS[kind])
    known = st.dictionaries(st.sampled_from(names), JSON_ANY, max_size=8)
    return st.one_of(known, st.tuples(known, st.dictionaries(st.text(max_size=10), JSON_ANY, max_size=2))
                     .map(lambda parts: {**parts[1], **parts[0]}))


BODIES = st.one_of(
    JSON_ANY,
    st.fixed_dictionaries({}, optional={"company": st.one_of(subject("company"), JSON_ANY),
                                        "people": st.one_of(st.lists(subject("person"), max_size=3), JSON_ANY)}),
)


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": [value]}
    return value


def json_text(value: Any) -> str:
    """JSON as a client might send it: NaN/Infinity as Python writes them (invalid JSON, must be a 400)."""
    return json.dumps(value, default=str)


# --- schemas ---------------------------------------------------------------------------------------------------
def assert_named(messages: Any) -> None:
    flat = flatten_errors(messages, "en")
    assert flat, messages
    for item in flat:
        assert item["field"] and isinstance(item["message"], str) and item["message"], item
        assert "Traceback" not in item["message"]


@FUZZ
@given(data=BODIES)
def test_the_assessment_schema_validates_or_names_a_field(catalogue, data):
    try:
        loaded = AssessmentInputSchema(choices=catalogue.choices).load(data)
    except ValidationError as exc:
        assert_named(exc.messages)
    else:
        for value in _leaves(loaded):  # what passes holds no NaN, no infinity
            if isinstance(value, Decimal | float):
                assert math.isfinite(value)


@FUZZ
@given(kind=st.sampled_from(["company", "person"]), data=st.data())
def test_each_profile_schema_validates_or_names_a_field(catalogue, kind, data):
    schema = (CompanySchema if kind == "company" else PersonSchema)(choices=catalogue.choices)
    value = data.draw(st.one_of(subject(kind), JSON_ANY))
    try:
        schema.load(value)
    except ValidationError as exc:
        assert_named(exc.messages)


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "NaN", "Infinity", "-Infinity", "1e999",
                                   10 ** 400, Decimal("NaN"), Decimal("Infinity"), Decimal("1E+400")])
def test_nan_infinity_and_huge_numbers_are_refused_on_every_numeric_field(catalogue, value):
    for kind, schema in (("company", CompanySchema), ("person", PersonSchema)):
        numeric = [n for n, m in FIELDS[kind].items() if m["type"] in ("Money", "Count", "Year", "Percent", "Ratio")]
        with pytest.raises(ValidationError) as caught:
            schema(choices=catalogue.choices).load(dict.fromkeys(numeric, value))
        assert set(caught.value.messages) == set(numeric), (kind, value)


@pytest.mark.parametrize("value", ["0001-01-01", "1000-06-30", "9999-12-31", "10000-01-01", "-0001-01-01",
                                   "2026-02-30", 20260101, 1e30, [2026, 1, 1]])
def test_dates_far_in_the_past_or_future_are_refused_or_accepted_but_never_crash(catalogue, evaluate, value):
    days = [n for n, m in FIELDS["company"].items() if m["type"] == "Day"]
    data = {"company": dict.fromkeys(days, value)}
    try:
        loaded = AssessmentInputSchema(choices=catalogue.choices).load(data)
    except ValidationError as exc:
        assert_named(exc.messages)
    else:
        assert evaluate(loaded)  # an accepted date is assessed without an exception


def test_deeply_nested_objects_are_refused_by_the_schema(catalogue):
    with pytest.raises(ValidationError) as caught:
        AssessmentInputSchema(choices=catalogue.choices).load({"company": {"name": nested(500)}, "people": nested(500)})
    assert_named(caught.value.messages)


def _leaves(value: Any):
    if isinstance(value, dict):
        for item in value.values():
            yield from _leaves(item)
    elif isinstance(value, list):
        for item in value:
            yield from _leaves(item)
    else:
        yield value


# --- the web form parser ---------------------------------------------------------------------------------------
FORM_VALUES = st.one_of(st.text(max_size=30), EDGE_TEXT, st.integers().map(str), st.floats().map(str))


def form_fields(kind: str) -> st.SearchStrategy[list[tuple[str, str]]]:
    if kind == "company":
        names = [f"company-{n}" for n in FIELDS["company"]] + [f"company-{n}__unit" for n in FIELDS["company"]]
    else:
        names = [f"person-{i}-{n}{suffix}" for i in (0, 1, 7, -1) for n in FIELDS["person"]
                 for suffix in ("", "__unit")]
    controls = ["as_of", "people-count", "add_person", "remove_person", "switch_lang", "company-zone_flags__present",
                "csrf_token"]
    keys = st.one_of(st.sampled_from(names), st.sampled_from(controls), st.text(max_size=15))
    return st.lists(st.tuples(keys, FORM_VALUES), max_size=12)


def assert_page(response: Any) -> str:
    body = response.get_data(as_text=True)
    assert response.status_code < 500, body[:500]
    assert response.status_code in (200, 400, 413, 422), response.status_code
    assert "Traceback" not in body and 'File "' not in body
    return body


@FUZZ
@given(kind=st.sampled_from(["company", "talent"]), lang=st.sampled_from(["en", "zh"]), data=st.data())
def test_any_form_post_is_a_page_or_a_field_error(app, kind, lang, data):
    fields = data.draw(form_fields("company" if kind == "company" else "person"))
    response = app.test_client().post(f"/{kind}?lang={lang}", data=MultiDict(fields))
    body = assert_page(response)
    if response.status_code == 422:
        assert 'class="error-summary"' in body and 'href="#' in body  # the summary links to the field at fault


@FUZZ
@given(kind=st.sampled_from(["company", "talent"]), data=st.data())
def test_any_workbook_post_is_a_workbook_or_a_field_error(app, kind, data):
    fields = data.draw(form_fields("company" if kind == "company" else "person"))
    response = app.test_client().post(f"/{kind}/workbook?lang=en", data=MultiDict(fields))
    if response.status_code != 200 or response.mimetype != "application/vnd.openxmlformats-officedocument" \
                                                           ".spreadsheetml.sheet":
        assert_page(response)


@pytest.mark.parametrize("fields", [
    {"remove_person": "abc", "people-count": "2"},
    {"remove_person": "7", "people-count": "2"},
    {"remove_person": "-5", "people-count": "3"},
    {"remove_person": "99999999999999999999999", "people-count": "2"},
    {"people-count": "99999999999999999999"},
    {"people-count": "-3"},
    {"people-count": "NaN"},
])
def test_the_talent_form_controls_never_fail(app, fields):
    assert_page(app.test_client().post("/talent?lang=en", data=fields))


def test_removing_a_person_removes_that_person(app):
    data = {"people-count": "3", "remove_person": "1", "person-0-ref": "Ann", "person-1-ref": "Bob",
            "person-2-ref": "Cai"}
    body = assert_page(app.test_client().post("/talent?lang=en", data=data))
    assert 'value="Ann"' in body and 'value="Cai"' in body and 'value="Bob"' not in body


@pytest.mark.parametrize("as_of", ["0001-01-01", "1000-01-01", "9999-12-31", "1989-12-31", "2101-01-01"])
def test_a_web_assessment_date_out_of_range_is_a_field_error(app, as_of):
    for kind, fields in (("company", {"company-name": "Far Co"}), ("talent", {"person-0-ref": "A"})):
        response = app.test_client().post(f"/{kind}?lang=en", data={**fields, "as_of": as_of})
        body = assert_page(response)
        assert response.status_code == 422, kind
        assert 'href="#as_of"' in body and "between 1990-01-01 and 2100-12-31" in body


@pytest.mark.parametrize("as_of", ["1990-01-01", "2100-12-31", "", "not a date"])
def test_a_web_assessment_date_in_range_or_blank_is_assessed(app, as_of):
    response = app.test_client().post("/company?lang=en", data={"company-name": "Near Co", "as_of": as_of})
    assert_page(response)
    assert response.status_code == (422 if as_of == "not a date" else 200)


# --- the API ---------------------------------------------------------------------------------------------------
def assert_api(response: Any) -> dict[str, Any]:
    text = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 413, 415, 422), (response.status_code, text[:500])
    assert "Traceback" not in text and 'File "' not in text
    assert response.mimetype == "application/json"
    body = json.loads(text)
    if response.status_code >= 400:
        assert body["status"] == response.status_code and body["error"] and body["message"]
        if response.status_code == 422:
            assert body["errors"] and all(e["field"] and e["message"] for e in body["errors"]), body
    return body


@FUZZ
@given(body=BODIES, path=st.sampled_from(["/assessments", "/assessments/people"]),
       lang=st.sampled_from(["en", "zh"]))
def test_any_json_body_is_an_answer_or_a_clear_error(app, body, path, lang):
    response = app.test_client().post(f"{API}{path}?lang={lang}&as_of=2026-11-21", data=json_text(body),
                                      content_type="application/json")
    assert_api(response)


@FUZZ
@given(raw=st.one_of(st.binary(max_size=200), st.text(max_size=200)))
def test_any_raw_bytes_as_json_are_a_clear_error(app, raw):
    response = app.test_client().post(f"{API}/assessments", data=raw, content_type="application/json")
    assert_api(response)


@FUZZ
@given(as_of=st.one_of(st.text(max_size=12), EDGE_TEXT), lang=st.one_of(st.text(max_size=5), EDGE_TEXT))
def test_any_query_string_is_an_answer_or_a_clear_error(app, as_of, lang):
    response = app.test_client().post(f"{API}/assessments", query_string={"as_of": as_of, "lang": lang},
                                      json={"company": {"name": "Query Co"}})
    assert_api(response)


@pytest.mark.parametrize("depth", [50, 500, 5000])
def test_deeply_nested_api_bodies_are_a_clear_error(app, depth):
    raw = '{"company": ' + '{"a": [' * depth + "1" + "]}" * depth + "}"
    response = app.test_client().post(f"{API}/assessments", data=raw, content_type="application/json")
    assert response.status_code in (400, 422)
    assert_api(response)
