"""The API documentation page (/api/v1/docs): a readable HTML reference rendered with Jinja from the generated
OpenAPI document. No script, no CDN, nothing vendored: the page is the OpenAPI document, laid out for people.
"""

from __future__ import annotations

import json
import re
from typing import Any

from flask import Blueprint, current_app, render_template
from markupsafe import Markup, escape

pages = Blueprint("api_pages", __name__, url_prefix="/api/v1")
METHODS = ("get", "post", "put", "patch", "delete")
ENUM_SHOWN = 12


def spec_dict() -> dict[str, Any]:
    """The OpenAPI document as served at /api/v1/openapi.json (built once per app)."""
    found = current_app.extensions.get("api_spec_dict")
    if found is None:
        found = current_app.extensions["api_spec_dict"] = current_app.extensions["api"].spec.to_dict()
    return found


def inline(text: str | None) -> Markup:
    """Escape, then render the two markdown habits of the descriptions: `code` and **bold**."""
    html = str(escape(text or ""))
    html = re.sub(r"`([^`]+)`", r"<code>\1</code>", html)
    html = re.sub(r"\*\*([^*]+)\*\*", r"<strong>\1</strong>", html)
    return Markup(html)


def blocks(text: str | None) -> list[dict[str, Any]]:
    """Paragraphs and bullet lists of a description."""
    out: list[dict[str, Any]] = []
    for chunk in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        if lines and lines[0].startswith("* "):
            items: list[str] = []
            for line in lines:
                if line.startswith("* "):
                    items.append(line[2:])
                elif items:
                    items[-1] += " " + line
            out.append({"list": [inline(item) for item in items]})
        elif lines:
            out.append({"text": inline(" ".join(lines))})
    return out


def anchor(name: str) -> str:
    return "schema-" + name


def type_html(schema: Any) -> Markup:
    """A JSON Schema as a short phrase, with links to the named schemas it uses."""
    if not isinstance(schema, dict) or not schema:
        return Markup("any value")
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return Markup('<a href="#{}">{}</a>').format(anchor(name), name)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            return Markup(" or ").join(type_html(part) for part in schema[key])
    if "enum" in schema:
        values = [json.dumps(v, ensure_ascii=False) for v in schema["enum"]]
        shown = ", ".join(values[:ENUM_SHOWN]) + (f", … ({len(values)} values)" if len(values) > ENUM_SHOWN else "")
        return Markup("one of <code>{}</code>").format(shown)
    types = schema.get("type")
    types = types if isinstance(types, list) else [types] if types else []
    words: list[Markup] = []
    for kind in types:
        if kind == "array":
            words.append(Markup("list of ") + type_html(schema.get("items", {})))
        elif kind == "object" and isinstance(schema.get("additionalProperties"), dict):
            words.append(Markup("map of ") + type_html(schema["additionalProperties"]))
        else:
            word = escape(kind)
            if kind == "string" and schema.get("format"):
                word = Markup("{} ({})").format(kind, schema["format"])
            words.append(word)
    phrase = Markup(" or ").join(words) if words else Markup("any value")
    limits = [f"{label} {schema[key]}" for key, label in (
        ("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("minItems", "at least"),
        ("maxItems", "at most"), ("maxLength", "length ≤")) if key in schema]
    if limits:
        phrase += Markup(" <span class=\"limits\">({})</span>").format(", ".join(limits))
    if "pattern" in schema:
        phrase += Markup(' matching <code class="pattern">{}</code>').format(schema["pattern"])
    return phrase


def properties(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    rows = []
    for name, prop in (schema.get("properties") or {}).items():
        label = prop.get("x-label") or {}
        rows.append({"name": name, "required": name in required, "type": type_html(prop),
                     "description": inline(prop.get("description")), "label_zh": label.get("zh", "")})
    return rows


def operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if op is None:
                continue
            params = [*item.get("parameters", []), *op.get("parameters", [])]
            body = (op.get("requestBody") or {}).get("content", {}).get("application/json", {})
            responses = []
            ordered = sorted(op.get("responses", {}).items(), key=lambda kv: (kv[0] == "default", kv[0]))
            for status, response in ordered:
                if "$ref" in response:
                    response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
                content = response.get("content") or {}
                responses.append({"status": status, "description": inline(response.get("description")),
                                  "content": [{"type": ctype, "schema": type_html(media.get("schema"))}
                                              for ctype, media in content.items()]})
            out.append({
                "id": f"{method}-{path}".replace("/", "-").replace("{", "").replace("}", ""),
                "method": method.upper(), "path": path, "summary": op.get("summary", ""),
                "description": blocks(op.get("description")),
                "parameters": [{"name": p["name"], "in": p["in"], "required": p.get("required", False),
                                "type": type_html(p.get("schema")), "description": inline(p.get("description"))}
                               for p in params],
                "body": None if not body else {
                    "schema": type_html(body.get("schema")),
                    "examples": [{"summary": ex.get("summary", name),
                                  "json": json.dumps(ex.get("value"), ensure_ascii=False, indent=2)}
                                 for name, ex in (body.get("examples") or {}).items()]},
                "responses": responses,
            })
    return out


@pages.get("/docs")
def docs() -> str:
    spec = spec_dict()
    schemas = [{"name": name, "anchor": anchor(name), "description": inline(schema.get("description")),
                "properties": properties(schema), "type": type_html(schema) if "properties" not in schema else None}
               for name, schema in sorted(spec.get("components", {}).get("schemas", {}).items())]
    return render_template("api/docs.html", spec=spec, info=spec["info"], intro=blocks(spec["info"].get("description")),
                           operations=operations(spec),
                           schemas=schemas)
