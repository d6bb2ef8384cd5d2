"""One error format for every API answer that is not a success, in the caller's language.

``{"status": 422, "error": "validation_failed", "message": "...", "errors": [{"field": "company.revenue_latest",
"message": "..."}]}``: ``status`` repeats the HTTP status, ``error`` is a stable code for programs, ``message``
is for people (zh or en), ``errors`` lists field paths with their messages (empty when no field is at fault).
Never an HTML page, never a traceback.
"""

from __future__ import annotations

import json
from typing import Any

import orjson
from flask import Response, current_app, request
from werkzeug.datastructures import Headers
from werkzeug.exceptions import HTTPException, default_exceptions

from calculator.api.lang import CONTENT_LANGUAGE, api_lang
from calculator.i18n import N_, t
from calculator.service import FieldError, field_errors

TEXTS: dict[str, str] = {
    "validation_failed": N_("The input has errors: see the fields listed."),
    "malformed_json": N_("The request body is not valid JSON ({detail})."),
    "unsupported_media_type": N_("Send the body as JSON, with the header Content-Type: application/json."),
    "payload_too_large": N_("The request body is too large: at most {limit} bytes."),
    "unknown_program": N_("There is no program with the id {id}."),
    "unknown_table": N_("There is no reference table named {name}."),
    "not_found": N_("Nothing is published at {path}."),
    "method_not_allowed": N_("{method} is not allowed here; allowed: {allowed}."),
    "bad_request": N_("The request could not be understood."),
    "internal_error": N_("Something went wrong on our side and nothing was stored. Please try again later."),
    "http_error": N_("The request failed: {name}."),
    # API-only validation messages (the profile's own messages live in schemas/messages.py)
    "at_least_one_person": N_("Give at least one person."),
    "no_company_here": N_("This endpoint assesses people alone: send the company to /api/v1/assessments."),
    "lang_choice": N_("Use zh or en."),
    "detail_choice": N_("Use full or figures."),
    "questions_choice": N_("Use true or false."),
    "questions_with_figures": N_("The next questions come with the full answer only: leave out detail=figures or "
                                 "questions=true."),
}

CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 413: "payload_too_large",
         415: "unsupported_media_type", 422: "validation_failed", 500: "internal_error"}


def text(key: str, lang: str, **params: Any) -> str:
    return t(TEXTS[key], lang, **params)


class ApiMessage(str):
    """An API-only validation message: English text (like :class:`schemas.messages.Msg`) that renders itself in zh
    too (``render(lang)``, which the service's error rendering calls)."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> ApiMessage:
        obj = super().__new__(cls, text(key, "en", **params))
        obj.key, obj.params = key, params
        return obj

    def render(self, lang: str) -> str:
        return text(self.key, lang, **self.params)


class ApiError(Exception):
    """An error answer: HTTP status, stable code, a message key (rendered in the caller's language), field errors."""

    def __init__(self, status: int, code: str, key: str | None = None, *, errors: list[FieldError] | None = None,
                 headers: dict[str, str] | None = None, **params: Any) -> None:
        super().__init__(code)
        self.status, self.code, self.key, self.params = status, code, key or code, params
        self.field_errors: list[FieldError] = errors or []  # in the request's language
        self.headers = headers or {}


def rejected(errors: list[FieldError]) -> ApiError:
    """422 for the service's field errors."""
    return ApiError(422, "validation_failed", errors=errors)


def validation_error(messages: Any) -> ApiError:
    """422 for marshmallow's nested messages (a query string, a header, the body), in the request's language."""
    return rejected(field_errors(messages, api_lang()))


def payload(status: int, code: str, message: str, errors: list[dict[str, str]] | None = None) -> dict[str, Any]:
    return {"status": status, "error": code, "message": message, "errors": errors or []}


def json_response(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """A JSON answer in document order, compact UTF-8.

    Encoded by orjson: an assessment document is about 150 kB, which the standard library encodes in about 1 ms
    and orjson in under 0.1 ms. Amounts are finite by construction (Decimal arithmetic; a non-finite value is
    written as null by the report, and orjson would write a float NaN as null too rather than invalid JSON)."""
    try:
        body = orjson.dumps(data)
    except TypeError:  # half a surrogate pair (echoed from a JSON escape in a name): written as \\udXXX escapes
        body = json.dumps(data, ensure_ascii=True).encode("ascii")
    response = current_app.response_class(body, status=status, content_type="application/json")  # as the mimetype
    if headers:
        add_headers(response.headers, headers)
    return response


def add_headers(target: Headers, headers: dict[str, str]) -> None:
    """``target[name] = value`` for each of ``headers``, appending a name not yet in ``target`` with ``add``:
    werkzeug's ``set`` looks at every header already there (lowering each name) to replace one of the same name,
    and a new response holds two (tests/test_api_headers.py compares the two ways)."""
    present = {name.lower() for name, _ in target}
    for name, value in headers.items():
        key = name.lower()
        if key in present:
            target[name] = value
        else:
            target.add(name, value)
            present.add(key)


def error_response(error: ApiError) -> Response:
    lang = api_lang()
    body = payload(error.status, error.code, text(error.key, lang, **error.params),
                   [e.as_dict() for e in error.field_errors])
    response = json_response(body, error.status, error.headers)
    response.headers["Content-Language"] = CONTENT_LANGUAGE[lang]
    return response


def from_http_exception(exc: HTTPException) -> ApiError:
    """The ApiError for a werkzeug HTTP error (404, 405, 413…)."""
    status = exc.code or 500
    headers = {}
    if status == 405:
        allowed = ", ".join(sorted(getattr(exc, "valid_methods", None) or []))
        headers["Allow"] = allowed
        return ApiError(405, "method_not_allowed", method=request.method, allowed=allowed or "—", headers=headers)
    if status == 404:
        return ApiError(404, "not_found", path=request.path)
    if status == 413:
        return ApiError(413, "payload_too_large", limit=current_app.config.get("MAX_CONTENT_LENGTH") or "?")
    if status == 415:
        return ApiError(415, "unsupported_media_type")
    if status == 400:
        return ApiError(400, "bad_request")
    if status >= 500:
        return ApiError(status, "internal_error")
    return ApiError(status, CODES.get(status, "http_error"), "http_error", name=exc.name)


def handle_api_error(error: ApiError) -> Response:
    return error_response(error)


def handle_http_exception(exc: HTTPException) -> Response:
    return error_response(from_http_exception(exc))


def handle_unexpected(exc: Exception) -> Response:
    """A bug: log it with its traceback, answer 500 in the error format (no traceback to the client)."""
    if isinstance(exc, HTTPException):
        return handle_http_exception(exc)
    current_app.logger.exception("Unhandled error in %s %s", request.method, request.path)
    return error_response(ApiError(500, "internal_error"))


def register_error_handlers(blueprint: Any) -> None:
    """Blueprint-level handlers for every HTTP status werkzeug knows (a code-specific handler of another
    surface, such as an HTML 404 page, would otherwise win over a generic one), for ApiError, and for bugs."""
    blueprint.register_error_handler(ApiError, handle_api_error)
    for code in default_exceptions:
        blueprint.register_error_handler(code, handle_http_exception)
    blueprint.register_error_handler(HTTPException, handle_http_exception)
    blueprint.register_error_handler(Exception, handle_unexpected)


def json_errors_under(prefix: str):
    """An app-wide ``after_request`` hook for every answer under ``prefix`` (``/api/v1`` itself included): an
    error answered outside the API blueprint (an unknown URL, a wrong method, the OpenAPI route) is rewritten
    into the error format, keeping its headers; a JSON answer without ``Content-Language`` gets one."""

    def rewrite(response: Response) -> Response:
        if not (request.path.startswith(prefix) or request.path == prefix.rstrip("/")):
            return response
        if response.mimetype == "application/json":
            if "Content-Language" not in response.headers:  # the language worked out only when it is missing
                response.headers["Content-Language"] = CONTENT_LANGUAGE[api_lang()]
            return response
        if response.status_code < 400:
            return response
        status = response.status_code
        exc_class = default_exceptions.get(status)
        exc = exc_class() if exc_class else HTTPException()
        if status == 405:
            exc.valid_methods = [m.strip() for m in response.headers.get("Allow", "").split(",") if m.strip()]
        exc.code = status
        error = from_http_exception(exc)
        lang = api_lang()
        body = payload(status, error.code, text(error.key, lang, **error.params))
        response.set_data(json.dumps(body, ensure_ascii=False, separators=(",", ":")))
        response.mimetype = "application/json"
        response.headers["Content-Language"] = CONTENT_LANGUAGE[lang]
        return response

    return rewrite
