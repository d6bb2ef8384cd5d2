"""The web surface: bilingual pages over the engine (registered by the app factory)."""

from __future__ import annotations

from flask import Flask

from calculator.extensions import csrf
from calculator.web import (
    origin,
    steps,  # noqa: F401  (adds the first-step and link pages to the blueprint)
)
from calculator.web.i18n import install_template_gettext
from calculator.web.views import bp, security_headers


def register(app: Flask) -> None:
    """Bind page words (calculator.i18n), the origin check and CSRF protection, and add the pages."""
    install_template_gettext(app)
    origin.register(app)  # before CSRF: a cross-site post is refused as such
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.after_request(security_headers)
