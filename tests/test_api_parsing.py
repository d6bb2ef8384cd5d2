"""The assessment endpoints read their query and body as webargs' ``parse`` would (flask-smorest's ``arguments``):
the same values, the same errors, in the same order (the query first). Each request below is answered twice, once
by the app as it is and once with webargs and marshmallow reading the arguments (without the shortcut of
:mod:`schemas.absent`), and the two answers compared byte for byte:
repeated and unknown query parameters, bad values, bodies that are not JSON, not objects, or not valid."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask, request
from marshmallow import Schema

from calculator.api import parsing, views
from calculator.app import create_app
from schemas.absent import AbsentDefaults
from tests.conftest import AS_OF, example

API = "/api/v1"
BODY = json.dumps(example("futian-hightech-scaleup.json"), ensure_ascii=False).encode()
PERSON = json.dumps({"people": [{"identity": "mainland", "degree": "phd"}]}).encode()
JSON = "application/json"

QUERIES = [
    "", "?detail=figures", f"?as_of={AS_OF}&detail=figures&lang=en", "?lang=en&lang=zh", "?lang=zh&lang=fr",
    "?detail=figures&detail=full", "?detail=full&detail=figures", "?foo=bar&lang=zh", "?as_of=", "?as_of=%20",
    "?as_of=2020-13-01&lang=fr", "?as_of=x&lang=fr&detail=y&questions=maybe", "?detail=figures&questions=true",
    "?questions=true&questions=false", "?as_of=1800-01-01&lang=zh", "?lang=", "?detail=", "?LANG=zh",
    "?as_of=2026%E5%B9%B46%E6%9C%881%E6%97%A5&lang=zh", "?lang=en&detail=figures&as_of=2026-06-01&as_of=x",
]
BODIES: list[tuple[bytes, str | None]] = [
    (BODY, JSON), (b"{bad", JSON), (b"", JSON), (b"  ", JSON), (b"[]", JSON), (b"12", JSON), (b"null", JSON),
    (b'{"x": 1}', JSON), (b'{"company": {"employees": "many", "x": 1}, "y": 2}', JSON),
    (b'{"company": {"employees": 1, "employees": 2}}', JSON), (b'{"company": NaN}', JSON), (b"{}", "text/plain"),
    (b"{}", None), (b'{"company": {}}', "application/json; charset=utf-8"), (b'{"company": {}}', "application/x+json"),
    (PERSON, JSON), (b'{"people": [], "company": {}}', JSON), (b'{"company": {"founding_date": "2030-01-01"}}', JSON),
]


def webargs_parsed(query_schema: Any, body_schema: Any) -> tuple[Any, Any]:
    """The arguments read by webargs, as flask-smorest's ``arguments`` decorators read them."""
    parser = views.ApiBlueprint.ARGUMENTS_PARSER
    return parser.parse(query_schema, request, location="query"), parser.parse(body_schema, request, location="json")


def reference(patched: pytest.MonkeyPatch) -> None:
    """Read as webargs and marshmallow read (without schemas.absent's shortcut for absent fields)."""
    patched.setattr(views, "parsed", webargs_parsed)
    patched.setattr(AbsentDefaults, "_deserialize", Schema._deserialize)


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"TESTING": True})


def answered(app: Flask, path: str, body: bytes, content_type: str | None, lang: str | None) -> tuple[Any, ...]:
    headers = {"Accept-Language": lang} if lang else {}
    response = app.test_client().post(path, data=body, content_type=content_type, headers=headers)
    data, headers = response.get_data(), sorted(response.headers.items())
    if response.mimetype != JSON:  # a workbook: its other headers (its bytes hold the time it was written)
        data, headers = b"", [(name, value) for name, value in headers if name != "Content-Length"]
    return response.status_code, headers, data


@pytest.mark.parametrize("endpoint", ["/assessments", "/assessments/people", "/workbooks"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_query_is_read_as_webargs_reads_it(app, monkeypatch, endpoint, query):
    body = PERSON if endpoint.endswith("people") else BODY
    for lang in (None, "zh-CN"):
        direct = answered(app, API + endpoint + query, body, JSON, lang)
        with monkeypatch.context() as patched:
            reference(patched)
            assert answered(app, API + endpoint + query, body, JSON, lang) == direct


@pytest.mark.parametrize("endpoint", ["/assessments", "/assessments/people", "/workbooks"])
@pytest.mark.parametrize(("body", "content_type"), BODIES)
def test_the_body_is_read_as_webargs_reads_it(app, monkeypatch, endpoint, body, content_type):
    for query in ("?lang=zh", "?detail=figures", "?lang=fr"):
        direct = answered(app, API + endpoint + query, body, content_type, None)
        with monkeypatch.context() as patched:
            reference(patched)
            assert answered(app, API + endpoint + query, body, content_type, None) == direct


@pytest.mark.parametrize("text", ['{"a": 1, "b": [1, 2.5, null, true]}', '{"a": 1, "a": 2}', '{"x": NaN}',
                                  "[1, -Infinity]", "\ufeff{}", "\ufeff\ufeff{}", '{"a": 1} x', '{"a": ',
                                  "[" * 3000 + "]" * 3000,
                                  '{"a": {"b": {"b": 1, "c": 2, "b": 3}}}', '"text"', "1" * 5000, " {} "])
def test_the_body_decodes_as_json_loads_decodes_it(text):
    """parsing.loads (one decoder, made once) gives json.loads' document or error, twice in a row (nothing kept)."""
    def outcome(read: Any) -> Any:
        try:
            return "read", read(text)
        except Exception as exc:  # the error itself is compared
            return type(exc).__name__, str(exc)

    expected = outcome(lambda t: json.loads(t, parse_constant=parsing.no_constants,
                                            object_pairs_hook=parsing.once_each))
    assert outcome(parsing.loads) == expected
    assert outcome(parsing.loads) == expected
