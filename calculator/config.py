"""Application settings: defaults in code, overridden by ``INCENTIVES_*`` environment variables or a test dict."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from typing import Any

# --- batch uploads: every limit is one number, used by the web app, the CLI and the nginx front (scripts/serve) ---
BATCH_MAX_UPLOAD = 20 * 1024 * 1024     # bytes of one upload request (the file and its form); CLI files: 50 MB
BATCH_MAX_ROWS = 100_000                # data rows in one file (rows holding a value, the header not counted)
BATCH_MAX_COLUMNS = 200                 # columns with a value; a header wider than this is refused
BATCH_MAX_ROW_CELLS = 1_000             # cells in one row of the sheet's XML, empty formatted ones included
BATCH_MAX_CELLS = 10_000_000            # cells in the sheet (100,000 companies × every template column fits)
BATCH_MAX_SHARED_STRINGS = 1_000_000    # entries of an .xlsx's shared text table (openpyxl keeps all in memory)

DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",           # one of ENV_NAMES (any case); "production" requires a real SECRET_KEY
    "SECRET_KEY": None,                  # random per process unless set (INCENTIVES_SECRET_KEY)
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # bytes: a profile is a few kB; uploads get their own limit (below)
    "BATCH_MAX_UPLOAD": BATCH_MAX_UPLOAD,
    "BATCH_MAX_ROWS": BATCH_MAX_ROWS,
    "BATCH_MAX_COLUMNS": BATCH_MAX_COLUMNS,
    "BATCH_MAX_ROW_CELLS": BATCH_MAX_ROW_CELLS,
    "BATCH_MAX_CELLS": BATCH_MAX_CELLS,
    "BATCH_MAX_SHARED_STRINGS": BATCH_MAX_SHARED_STRINGS,
    "TABLES_DIR": None,                  # None: the packaged incentive_tables/
    "JSON_SORT_KEYS": False,
    # --- cookies and forms -------------------------------------------------------------------------
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_SECURE": False,      # forced on in production (below)
    "WTF_CSRF_TIME_LIMIT": None,         # a long form never times out (WCAG 2.2.1); the token lives with the session
    # --- JSON API (/api/v1, flask-smorest) ---------------------------------------------------------
    "API_TITLE": "Shenzhen AI incentive calculator API",
    "API_VERSION": "v1",                 # the OpenAPI document's info.version (the URL carries v1 too)
    "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1",     # serves /api/v1/openapi.json (the documentation page is /api/v1/docs)
    "OPENAPI_JSON_PATH": "openapi.json",
    "API_CORS_ORIGINS": [],              # no CORS unless configured: exact origins, e.g. ["https://example.org"]
    # --- batch jobs: lifetimes, caps and the queue (docs/batch.md, docs/security.md) -------------------------
    "BATCH_TTL": 900,                    # seconds from upload until everything kept for a job is deleted
    "BATCH_REAP_SECONDS": 10,            # how often each process (app and queue worker) deletes what is due
    "BATCH_MAX_ERRORS": 10_000,          # rejected-row messages kept per job (the rest counted, not stored)
    "BATCH_MAX_QUEUED": 10,              # jobs waiting or running at once (this server; with Redis: the queue)
    # processes assessing one job's rows (1: in the process running the job). Small: a server already runs several
    # web workers, and the process writing the workbook is the limit past two (docs/performance.md)
    "BATCH_PROCESSES": 2,
    "REDIS_URL": None,                   # e.g. redis://127.0.0.1:6379/0: jobs on Redis (RQ), see docs/batch.md
}
BATCH_WHOLE = ("BATCH_MAX_UPLOAD", "BATCH_MAX_ROWS", "BATCH_MAX_COLUMNS", "BATCH_MAX_ROW_CELLS", "BATCH_MAX_CELLS",
               "BATCH_MAX_SHARED_STRINGS", "BATCH_PROCESSES")
BATCH_POSITIVE = ("BATCH_TTL", "BATCH_REAP_SECONDS", "BATCH_MAX_ERRORS", "BATCH_MAX_QUEUED")


PREFIX = "INCENTIVES"
ENV_NAMES = ("production", "development", "testing")
# Settings that are text whatever they look like: Flask's from_prefixed_env reads every INCENTIVES_* value as JSON
# when it can, so an all-digit secret key became an int (and every form answered 500 when Flask-WTF signed its
# token) and a folder named 2026 a number. These are taken from the environment exactly as typed.
TEXT_SETTINGS = ("ENV_NAME", "SECRET_KEY", "TABLES_DIR", "BATCH_DIR", "REDIS_URL")


class ConfigError(RuntimeError):
    """The configuration cannot be used (e.g. production without a SECRET_KEY)."""


def from_environment(config: Any, environ: Mapping[str, str] | None = None) -> None:
    """``INCENTIVES_<NAME>`` variables into ``config`` (a Flask ``Config``): numbers and lists as JSON (Flask's
    ``from_prefixed_env``), the :data:`TEXT_SETTINGS` as typed."""
    environ = os.environ if environ is None else environ
    config.from_prefixed_env(PREFIX)
    for name in TEXT_SETTINGS:
        if f"{PREFIX}_{name}" in environ:
            config[name] = environ[f"{PREFIX}_{name}"]


def environment_name(config: dict[str, Any]) -> str:
    """``ENV_NAME`` as one of :data:`ENV_NAMES` (any case, spaces around ignored); anything else stops start-up
    (``Production`` once ran silently in development mode: no secure cookies, no HSTS, a random key)."""
    value = config.get("ENV_NAME")
    name = value.strip().lower() if isinstance(value, str) else None
    if name not in ENV_NAMES:
        raise ConfigError(f"{PREFIX}_ENV_NAME must be one of {', '.join(ENV_NAMES)} (in any case), not {value!r}")
    return name


def check_secret_key(config: dict[str, Any]) -> None:
    """A secret key is text (or bytes); in production at least 32 characters."""
    key = config.get("SECRET_KEY")
    if key is not None and not isinstance(key, str | bytes):
        raise ConfigError(f"SECRET_KEY must be text ({PREFIX}_SECRET_KEY), not {type(key).__name__}")
    if config["ENV_NAME"] == "production" and len((key or "").strip()) < 32:
        raise ConfigError(f"{PREFIX}_SECRET_KEY must be set in production (at least 32 characters)")


def finish(config: dict[str, Any]) -> None:
    """Fill derived settings and refuse unsafe combinations."""
    config["ENV_NAME"] = environment_name(config)
    check_secret_key(config)
    if not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = secrets.token_hex(32)
    if config.get("ENV_NAME") == "production":
        config["SESSION_COOKIE_SECURE"] = True
    for name in BATCH_WHOLE:
        value = config.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ConfigError(f"{name} must be a whole number of at least 1 (INCENTIVES_{name}), not {value!r}")
    for name in BATCH_POSITIVE:
        value = config.get(name)
        if not isinstance(value, int | float) or isinstance(value, bool) or not value > 0:
            raise ConfigError(f"{name} must be a number above 0 (INCENTIVES_{name}), not {value!r}")
