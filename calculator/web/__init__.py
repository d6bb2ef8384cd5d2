"""The web surface: bilingual pages over the engine (registered by the app factory)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from calculator.extensions import babel, csrf
from calculator.web.i18n import install_template_gettext, select_locale
from calculator.web.views import bp, security_headers

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


def register(app: Flask) -> None:
    """Bind translations and CSRF protection, and add the pages."""
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    app.config.setdefault("BABEL_DEFAULT_LOCALE", "en")
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.after_request(security_headers)
