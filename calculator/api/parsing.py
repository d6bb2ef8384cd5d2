"""Reading the API's requests: the query and the JSON body, with the same schema instances, rules and errors as
webargs' ``parse`` (``tests/test_api_parsing.py`` compares them), in the API's own error format and language."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app, request
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser

from calculator.api.errors import ApiError, validation_error
from calculator.service import Service
from schemas.profile import AssessmentInputSchema


def service_schema(cls: type[AssessmentInputSchema]) -> Schema:
    """The application service's instance of an assessment input schema class."""
    service: Service = current_app.extensions["service"]
    return service.schema(cls)


class ApiParser(FlaskParser):
    """webargs parser for query strings, headers and bodies: errors in the API's own format and language.

    A body is read by :func:`read_json` (415 unless sent as JSON, 413 over the limit, 400 when it does not parse)
    and loaded by the application service's instance of the declared schema class: the class the OpenAPI document
    shows, built with the loaded catalogue's codes and their names. The schema that documents the body is the one
    that validates it."""

    DEFAULT_VALIDATION_STATUS = 422

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: dict[type[Schema], Schema] = {}
        self._lists: dict[type[Schema], bool] = {}

    def load_json(self, req: Any, schema: Schema) -> Any:
        return read_json()

    def _get_schema(self, argmap: Any, req: Any) -> Schema:
        """The declared schema class's instance: the service's for a body, else one per class, built once. webargs
        would build a new instance per request and argument (a deep copy of every declared field: 0.5-1 ms of a
        request, most of it for the body schema it then threw away); loading keeps no state in a schema."""
        if isinstance(argmap, type) and issubclass(argmap, AssessmentInputSchema):
            return service_schema(argmap)
        if isinstance(argmap, type) and issubclass(argmap, Schema):
            found = self._schemas.get(argmap)
            if found is None:
                found = self._schemas[argmap] = argmap()
            return found
        schema = super()._get_schema(argmap, req)
        if isinstance(schema, AssessmentInputSchema):
            return service_schema(type(schema))
        return schema

    def _takes_lists(self, argmap: type[Schema], schema: Schema) -> bool:
        """Whether a field of the schema takes a repeated parameter as a list (webargs' proxy's multiple keys)."""
        found = self._lists.get(argmap)
        if found is None:
            found = self._lists[argmap] = bool(self._makeproxy({}, schema).multiple_keys)
        return found

    def read_query(self, argmap: type[Schema]) -> Any:
        """``parse(argmap, request, location="query")`` without webargs' steps per call: the same schema instance,
        the query's multidict (webargs' proxy only when a field takes a repeated parameter as a list; otherwise
        both give a parameter's first value), marshmallow's ``unknown`` for a query (EXCLUDE), the same errors."""
        schema = self._get_schema(argmap, request)
        data = self._makeproxy(request.args, schema) if self._takes_lists(argmap, schema) else request.args
        try:
            return schema.load(data, unknown=self.DEFAULT_UNKNOWN_BY_LOCATION["query"])
        except ValidationError as error:
            self._on_validation_error(error, request, schema, "query", error_status_code=None, error_headers=None)
            raise  # not reached: handle_error raises

    def read_body(self, argmap: type[Schema]) -> Any:
        """``parse(argmap, request, location="json")`` without webargs' steps per call: :func:`read_json`'s body
        (never webargs' ``missing``), loaded with the schema's own ``unknown`` (webargs passes none for a body),
        the same errors."""
        schema = self._get_schema(argmap, request)
        try:
            return schema.load(read_json())
        except ValidationError as error:
            self._on_validation_error(error, request, schema, "json", error_status_code=None, error_headers=None)
            raise  # not reached: handle_error raises

    def handle_error(self, error: ValidationError, req: Any, schema: Any, *, error_status_code: int | None,
                     error_headers: Any) -> None:
        messages = error.messages
        if isinstance(messages, dict):  # {"query": {"as_of": [...]}} -> {"as_of": [...]}
            merged: dict[str, Any] = {}
            for part in messages.values():
                merged.update(part if isinstance(part, dict) else {"_schema": part})
            messages = merged
        raise validation_error(messages)


class DuplicateName(ValueError):
    """An object names the same member twice: refused rather than keeping the last one silently."""


def once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object whose names are all different (built in C; a name given twice makes it shorter than its
    pairs, and the first name seen twice is the one named)."""
    found = dict(pairs)
    if len(found) == len(pairs):
        return found
    seen: set[str] = set()
    for name, _ in pairs:
        if name in seen:
            shown = name if len(name) <= 40 else name[:40] + "…"
            raise DuplicateName(f"the name {json.dumps(shown)} is given twice in one object")
        seen.add(name)
    raise AssertionError("unreachable: a shorter dict has a repeated name")


def no_constants(name: str) -> Any:
    """``NaN``, ``Infinity`` and ``-Infinity`` are not JSON numbers: refused rather than read as floats."""
    raise ValueError(f"{name} is not a JSON number")


DECODER = json.JSONDecoder(parse_constant=no_constants, object_pairs_hook=once_each)  # made once: it keeps nothing
# between calls (the C scanner clears its memo of names after each document)


def loads(text: str) -> Any:
    """``json.loads(text, parse_constant=no_constants, object_pairs_hook=once_each)``, the same document or error
    (tests/test_api_parsing.py), with :data:`DECODER` rather than a decoder and a scanner made per call."""
    if text.startswith("\ufeff"):  # as json.loads
        raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
    return DECODER.decode(text)


def read_json() -> Any:
    """The body as JSON: 415 unless sent as JSON, 413 over the size limit, 400 when it does not parse."""
    if not request.is_json:
        raise ApiError(415, "unsupported_media_type")
    raw = request.get_data(cache=False)  # werkzeug raises 413 past MAX_CONTENT_LENGTH
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ApiError(400, "malformed_json", detail=f"not UTF-8 at byte {exc.start}") from None
    if not text or text.isspace():  # what strips to nothing
        raise ApiError(400, "malformed_json", detail="empty body")
    try:
        return loads(text)
    except json.JSONDecodeError as exc:
        raise ApiError(400, "malformed_json", detail=f"line {exc.lineno}, column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ApiError(400, "malformed_json", detail="nested too deeply") from None
    except DuplicateName as exc:
        raise ApiError(400, "malformed_json", detail=str(exc)) from None
    except ValueError as exc:  # NaN / Infinity, integers past Python's digit limit
        detail = str(exc) if "JSON number" in str(exc) else "a number has too many digits"
        raise ApiError(400, "malformed_json", detail=detail) from None
