"""Flask's signed-cookie sessions, with the signing serializer made once per set of keys.

Flask builds an ``itsdangerous`` serializer on every request (and saved session), and building one dumps a test
value through the session's JSON serializer to learn whether it writes text: tens of microseconds of every
request, the API's included, spent on the same object each time. The serializer keeps no state between calls,
so one per set of keys (the secret key and its fallbacks, as configured when it is asked for) is shared. A session
nobody looked at, left empty (every API request's), is saved as Flask saves it, by doing nothing, without first
reading the seven cookie settings Flask reads before finding that out; a request without a Cookie header (every API
client's) gets Flask's new empty session without werkzeug reading every header to find none."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface, SessionMixin
from flask.wrappers import Request, Response
from itsdangerous import URLSafeTimedSerializer


class SignedCookieSessions(SecureCookieSessionInterface):
    """:class:`flask.sessions.SecureCookieSessionInterface` with its signing serializer remembered per set of keys."""

    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        found = self._serializers.get(keys)
        if found is None:
            if len(self._serializers) >= 8:  # the keys change only when the configuration does
                self._serializers.clear()
            found = self._serializers[keys] = super().get_signing_serializer(app)
        return found

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if "HTTP_COOKIE" in request.environ:  # WSGI names headers in capitals (PEP 3333, as CGI)
            return super().open_session(app, request)
        if self.get_signing_serializer(app) is None:  # no cookie at all: Flask's answer, without reading cookies
            return None
        return self.session_class()

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        if not session and not session.modified and not session.accessed:
            return  # Flask's save_session: no Vary, no cookie set or deleted
        super().save_session(app, session, response)
