"""Headers added without werkzeug's ``set`` (which looks for the name first) end as ``set`` leaves them."""

from __future__ import annotations

import itertools

import pytest
from flask import Response
from werkzeug.datastructures import Headers

from calculator.api.errors import add_headers, json_response
from calculator.app import create_app
from calculator.web.views import SECURITY_HEADERS, security_headers

NAMES = ("Content-Language", "content-language", "Cache-Control", "Content-Type", "content-length", "Allow", "Vary",
         "X-Frame-Options")


def by_set(target: Headers, headers: dict[str, str]) -> None:
    for name, value in headers.items():
        target[name] = value


@pytest.mark.parametrize("start", [[], [("Content-Type", "application/json"), ("Content-Length", "2")],
                                   [("Vary", "Origin"), ("vary", "Cookie"), ("Allow", "GET")]])
def test_add_headers_as_set(start: list[tuple[str, str]]) -> None:
    for count in range(4):
        for names in itertools.permutations(NAMES, count):
            given = {name: f"v{i}" for i, name in enumerate(names)}
            expected, found = Headers(start), Headers(start)
            by_set(expected, given)
            add_headers(found, given)
            assert list(found) == list(expected), given


def test_json_response_headers_in_order() -> None:
    app = create_app({"TESTING": True})
    with app.test_request_context("/api/v1/version"):
        response = json_response({"a": 1}, 422, {"Content-Language": "en", "Cache-Control": "no-store",
                                                 "Content-Type": "application/json"})
    assert list(response.headers) == [("Content-Type", "application/json"), ("Content-Length", "7"),
                                      ("Content-Language", "en"), ("Cache-Control", "no-store")]


@pytest.mark.parametrize("own", [[], [("X-Frame-Options", "SAMEORIGIN")], [("referrer-policy", "no-referrer")]])
def test_security_headers_as_setdefault(own: list[tuple[str, str]]) -> None:
    response = Response("x", headers=own)
    expected = Headers(response.headers)
    for name, value in SECURITY_HEADERS:
        expected.setdefault(name, value)
    assert list(security_headers(response).headers) == list(expected)
