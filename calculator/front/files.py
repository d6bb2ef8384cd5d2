"""The production front's files, made from the app's settings when ``incentives-serve`` starts.

* ``nginx.conf`` from the template beside this module (package data): every size and limit is the app's own
  number (``MAX_CONTENT_LENGTH``, ``BATCH_MAX_UPLOAD``), so nginx refuses exactly what the app would.
* nginx's own answers (400, 404, 408, 413, 414, 500, 502, 503, 504), in both languages and in the app's formats:
  an HTML page rendered through the site's own ``error.html``, or the API's JSON error document for ``/api/``;
  nginx adds the app's security headers (taken from ``security_headers``) and, in production, HSTS.
"""

from __future__ import annotations

import json
import os
import pwd
import re
from pathlib import Path
from typing import Any

from flask import Flask, Response, render_template

from calculator.api.errors import payload
from calculator.api.errors import text as api_text
from calculator.batch.texts import megabytes
from calculator.batch.texts import text as batch_text
from calculator.i18n import N_, t
from calculator.web.views import security_headers

TEMPLATE = Path(__file__).resolve().parent / "nginx.conf"
LANGS = ("zh", "en")
MAX_LINE = 8000                # bytes of a request line or a header line (gunicorn's own limit is 8190: never hit)
HSTS = 'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;'
PAGES = (400, 404, 408, 413, 414, 494, 500, 502, 503, 504)   # 494: nginx's "header too large", sent as 400
SENT_AS = {494: 400}
API_PAGES = PAGES  # 404: only for nginx's internal addresses (the app answers every other /api/ address)

# What nginx says for each status (words in the one catalogue, calculator/i18n).
TEXTS: dict[str, str] = {
    "bad_request": N_("The request could not be understood: check the address and try again."),
    "not_found": N_("Nothing is published at this address."),
    "request_timeout": N_("The request took too long to arrive, so the connection was closed. Please try again."),
    "too_large": N_("At most {limit} MB can be sent at once."),
    "uri_too_long": N_("The address or a request header is too long: at most {limit} bytes."),
    "bad_gateway": N_("The calculator is restarting or overloaded; nothing was stored. Please try again in a moment."),
    "too_many_connections": N_("Too many connections from your address at once. Please try again in a moment."),
    "gateway_timeout": N_("The calculator took too long to answer; nothing was stored. Please try again later."),
}
# status -> (stable API error code, message for that status in ``lang``)
CODES = {400: "bad_request", 404: "not_found", 408: "request_timeout", 413: "payload_too_large",
         414: "uri_too_long", 494: "header_too_large", 500: "internal_error", 502: "bad_gateway",
         503: "too_many_connections", 504: "gateway_timeout"}


def words(key: str, lang: str, **params: Any) -> str:
    return t(TEXTS[key], lang, **params)


def message(status: int, lang: str, config: dict[str, Any], api: bool) -> str:
    """What nginx's answer with ``status`` says, in ``lang`` (the app's own words where it has them)."""
    if status == 400:
        return api_text("bad_request", lang) if api else words("bad_request", lang)
    if status == 413:
        if api:
            return api_text("payload_too_large", lang, limit=config["MAX_CONTENT_LENGTH"])
        return words("too_large", lang, limit=megabytes(config["MAX_CONTENT_LENGTH"]))
    if status in (414, 494):
        return words("uri_too_long", lang, limit=MAX_LINE)
    if status == 500:
        return api_text("internal_error", lang)
    if status == 404:
        return words("not_found", lang)
    return words(CODES[status], lang)


def page(app: Flask, status: int, lang: str, text: str) -> str:
    """An HTML page in the site's shell: the app's own ``error.html``, saying ``text``."""
    with app.test_request_context(f"/?lang={lang}"):
        return render_template("error.html", code=status, message=text)


def write_pages(app: Flask, folder: Path) -> None:
    """Every page and JSON error nginx may answer with, as ``<status>.<lang>.html`` / ``.json``."""
    folder.mkdir(mode=0o700, exist_ok=True)
    config = app.config
    for lang in LANGS:
        for status in PAGES:
            (folder / f"{status}.{lang}.html").write_text(
                page(app, SENT_AS.get(status, status), lang, message(status, lang, config, api=False)),
                encoding="utf-8")
        upload = batch_text("upload_too_big", lang, limit=megabytes(config["BATCH_MAX_UPLOAD"]))
        (folder / f"413-upload.{lang}.html").write_text(page(app, 413, lang, upload), encoding="utf-8")
        for status in API_PAGES:
            body = payload(SENT_AS.get(status, status), CODES[status], message(status, lang, config, api=True))
            (folder / f"{status}.{lang}.json").write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


def header_lines() -> str:
    """The app's security headers (one source: ``calculator.web.views.security_headers``) as nginx directives."""
    headers = security_headers(Response()).headers
    names = ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options")
    return "\n            ".join(f'add_header {name} "{headers[name]}" always;' for name in names)


def error_pages(kind: str, statuses: tuple[int, ...], upload: bool = False) -> str:
    """nginx ``error_page`` directives: each status to its page (494 answered as 400)."""
    lines = [f"error_page {s} {'=' + str(SENT_AS[s]) + ' ' if s in SENT_AS else ''}"
             f"/.front/{kind}/{'413-upload' if upload and s == 413 else s};" for s in statuses]
    return "\n            ".join(lines)


def nginx_conf(run: Path, config: dict[str, Any], host: str, port: int, timeout: int) -> str:
    """``nginx.conf`` (the template) with every placeholder filled (a placeholder left over is a bug: refused)."""
    user = pwd.getpwuid(os.geteuid()).pw_name
    values = {
        "RUN": str(run), "HOST": host, "PORT": str(port),
        # as root, nginx would switch its workers to "nobody", which cannot read the private folder
        "USER": f"user {user};" if os.geteuid() == 0 else "",
        "MAX_LINE": str(MAX_LINE), "MAX_BODY": str(config["MAX_CONTENT_LENGTH"]),
        "MAX_UPLOAD": str(config["BATCH_MAX_UPLOAD"]), "PROXY_READ_TIMEOUT": str(timeout + 30),
        "HSTS": HSTS if config.get("ENV_NAME") == "production" else "",
        "SECURITY_HEADERS": header_lines(),
        "PAGES": error_pages("page", PAGES), "UPLOAD_PAGES": error_pages("page", PAGES, upload=True),
        "API_PAGES": error_pages("api", API_PAGES),
    }
    text = TEMPLATE.read_text(encoding="utf-8")
    text = re.sub(r"@([A-Z_]+)@", lambda m: values[m.group(1)], text)
    return text
