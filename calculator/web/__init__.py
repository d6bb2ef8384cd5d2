"""The web surface: bilingual pages over the engine (registered by the app factory)."""

from __future__ import annotations

from flask import Flask

from calculator.extensions import csrf
from calculator.service import service_for
from calculator.web import (  # noqa: F401  (these add their pages to the blueprint)
    changes,  # "What changed"
    origin,
    steps,  # the first step and the link pages
)
from calculator.web.card_html import program_card, program_cards
from calculator.web.i18n import install_template_gettext
from calculator.web.links import page_url
from calculator.web.markup import hidden_inputs, squeeze
from calculator.web.sessions import SignedCookieSessions
from calculator.web.templating import install_template_globals
from calculator.web.views import bp, security_headers


def register(app: Flask) -> None:
    """Bind page words (calculator.i18n), the origin check and CSRF protection, and add the pages."""
    app.extensions.setdefault("service", service_for(app.extensions["catalogue"]))
    app.session_interface = SignedCookieSessions()
    install_template_globals(app.jinja_env)  # before any template is loaded
    install_template_gettext(app)
    app.jinja_env.filters["squeeze"] = squeeze
    app.jinja_env.globals["program_card"] = program_card  # a program's card (the results page has dozens)
    app.jinja_env.globals["program_cards"] = program_cards  # a family's cards on the results page
    app.jinja_env.globals["hidden_inputs"] = hidden_inputs  # the answers a page carries
    app.jinja_env.globals["url_for"] = page_url  # a page link built once
    origin.register(app)  # before CSRF: a cross-site post is refused as such
    csrf.init_app(app)
    app.register_blueprint(bp)
    app.after_request(security_headers)
