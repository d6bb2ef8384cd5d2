"""Conditional GETs for the resources that depend on the rule tables alone: the catalogue, each program, the
reference tables and the OpenAPI document.

Their bytes are built once per app (the catalogue is about 200 kB of JSON) and answered with an ``ETag`` made of
the tables version, the engine version and the answer's language, and ``Cache-Control``; a client that sends the
tag back in ``If-None-Match`` gets ``304 Not Modified`` without a body. A new deployment (other tables or another
engine) changes the tag.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
from flask import Response, current_app, request

from calculator import __version__
from calculator.api.lang import CONTENT_LANGUAGE, api_lang

CACHE_CONTROL = "public, max-age=300"  # shared caches may keep them five minutes, then ask again (304 is cheap)
# How the OpenAPI document describes it (calculator/api/views.py, cacheable_doc).
IF_NONE_MATCH = {"name": "If-None-Match", "in": "header", "required": False, "schema": {"type": "string"},
                 "description": "The ETag of a copy you hold: 304 Not Modified while it is current."}
HEADERS = {
    "ETag": {"description": "Tables version, engine version and language: changes with any of them.",
             "schema": {"type": "string"}},
    "Cache-Control": {"description": f"`{CACHE_CONTROL}`.", "schema": {"type": "string"}},
}


def resource_tag() -> str:
    """The entity tag of a tables-only resource in the language of this request (unquoted)."""
    tables_version = current_app.extensions["catalogue"].tables_version
    return f"{tables_version}-{__version__}-{api_lang()}"


def cacheable(key: str, build: Callable[[], Any], encode: Callable[[Any], bytes] = orjson.dumps) -> Response:
    """The resource ``key`` (built by ``build`` and encoded once per app), or 304 when the client has it."""
    tag = resource_tag()
    headers = {"Cache-Control": CACHE_CONTROL, "Content-Language": CONTENT_LANGUAGE[api_lang()]}
    if request.if_none_match.contains_weak(tag):
        response = current_app.response_class(status=304, headers=headers)
    else:
        bodies: dict[str, bytes] = current_app.extensions.setdefault("api_resources", {})
        body = bodies.get(key)
        if body is None:
            body = bodies[key] = encode(build())
        response = current_app.response_class(body, mimetype="application/json", headers=headers)
    response.set_etag(tag)
    response.vary.add("Accept-Language")  # the tag (and Content-Language) follow the negotiated language
    return response
