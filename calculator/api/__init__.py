"""The versioned JSON API (/api/v1), built with flask-smorest: the marshmallow schemas in
:mod:`calculator.api.schemas` are the contract and the OpenAPI document is generated from them.

Registered by the app factory (``BLUEPRINTS``). Stateless: no cookies, no session, nothing stored; CSRF
protection does not apply (no cookie authenticates a request) and CORS is off unless origins are configured.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, json
from flask_smorest import Api
from werkzeug.routing import BaseConverter

from calculator.api.conditional import cacheable
from calculator.api.docs import pages, spec_dict
from calculator.api.errors import json_errors_under
from calculator.api.openapi import profile_field_function
from calculator.api.schemas import AssessmentFiguresSchema, AssessmentSchema, ErrorSchema
from calculator.api.views import API_PREFIX, blp
from calculator.service import service_for

DESCRIPTION = """\
Which Shenzhen AI-industry incentives a company or person is likely eligible for, how much each is likely worth,
why, and what would unlock more. Every figure cites its source and confidence.

* **Language**: texts and error messages in Chinese or English: `?lang=zh|en`, else `Accept-Language`
  (any `zh-*` is Chinese), else English.
* **Errors**: every 4xx/5xx answer is `{status, error, message, errors: [{field, message}]}`.
* **Privacy**: nothing is stored; each answer is computed from the request alone. No cookies, no CSRF token.
"""


class IncentivesApi(Api):
    """flask-smorest's Api without its app-wide HTTPException handler: the web pages keep their HTML error pages,
    and the API's own blueprint answers its errors in JSON (see :mod:`calculator.api.errors`)."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        return None

    def _openapi_json(self) -> Response:
        """The OpenAPI document, built once per app and answered conditionally (ETag, Cache-Control, 304)."""
        return cacheable("openapi.json", spec_dict, lambda spec: json.dumps(spec, indent=2).encode())


class ProgramIdConverter(BaseConverter):
    """Any path segment: unknown ids reach the view and get a 404 in the API's format."""


class TableNameConverter(BaseConverter):
    """Any path segment: unknown names reach the view and get a 404 in the API's format."""


def register(app: Flask) -> None:
    """Add /api/v1 (endpoints, OpenAPI document, documentation page) to the app."""
    catalogue = app.extensions["catalogue"]
    app.extensions.setdefault("service", service_for(catalogue))
    app.url_map.converters["program_id"] = ProgramIdConverter
    app.url_map.converters["table_name"] = TableNameConverter
    api = IncentivesApi(app, spec_kwargs={"info": {"description": DESCRIPTION}})
    api.register_converter(ProgramIdConverter, lambda _: {"type": "string", "enum": sorted(catalogue.programs)})
    api.register_converter(TableNameConverter, lambda _: {"type": "string", "enum": sorted(catalogue.reference)})
    api.ma_plugin.converter.add_attribute_function(profile_field_function(catalogue.choices))
    # The assessment answer is one of these two (calculator.api.schemas.ASSESSMENT_ANSWER refers to them by name).
    api.spec.components.schema("Assessment", schema=AssessmentSchema)
    api.spec.components.schema("AssessmentFigures", schema=AssessmentFiguresSchema)
    api.register_blueprint(blp)
    api.spec.components.schemas.pop("PaginationMetadata", None)  # flask-smorest's; no endpoint here pages
    app.register_blueprint(pages)
    app.extensions["api"] = api
    exempt_from_csrf(app)
    app.after_request(json_errors_under(API_PREFIX + "/"))


def exempt_from_csrf(app: Flask) -> None:
    """CSRF protection is for cookie-authenticated forms; the API has no cookies. Exempt it now if CSRFProtect is
    already bound, else as soon as it is (it may be registered after the API)."""

    def exempt() -> bool:
        csrf = app.extensions.get("csrf")
        if csrf is None:
            return False
        csrf.exempt(blp)
        return True

    if not exempt():
        state: dict[str, Any] = {"done": False}

        @app.before_request
        def exempt_api_from_csrf() -> None:
            if not state["done"]:
                state["done"] = exempt()
