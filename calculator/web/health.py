"""``GET /healthz``: a tiny liveness answer for deployments and the load benchmark's trivial endpoint.

It touches no template and no engine: ``{"status": "ok", "tables_version": "..."}``. The app-wide security
headers (registered by :mod:`calculator.web`) apply to it like to every other response.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz() -> Response:
    response = jsonify(status="ok", tables_version=current_app.extensions["catalogue"].tables_version)
    response.headers["Cache-Control"] = "no-store"
    return response


def register(app: Flask) -> None:
    """Add ``/healthz`` (no CSRF concern: GET only, no cookie, no state)."""
    app.register_blueprint(bp)
