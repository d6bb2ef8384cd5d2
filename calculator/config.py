"""Application settings: defaults in code, overridden by ``INCENTIVES_*`` environment variables or a test dict."""

from __future__ import annotations

import secrets
from typing import Any

DEFAULTS: dict[str, Any] = {
    "ENV_NAME": "development",           # "production" requires a real SECRET_KEY
    "SECRET_KEY": None,                  # random per process unless set (INCENTIVES_SECRET_KEY)
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,  # bytes: a profile is a few kB; uploads get their own limit
    "TABLES_DIR": None,                  # None: the packaged incentive_tables/
    "JSON_SORT_KEYS": False,
}


class ConfigError(RuntimeError):
    """The configuration cannot be used (e.g. production without a SECRET_KEY)."""


def finish(config: dict[str, Any]) -> None:
    """Fill derived settings and refuse unsafe combinations."""
    if not config.get("SECRET_KEY"):
        if config.get("ENV_NAME") == "production":
            raise ConfigError("INCENTIVES_SECRET_KEY must be set in production")
        config["SECRET_KEY"] = secrets.token_hex(32)
