"""The app's signed-cookie sessions (calculator/web/sessions.py) open and save as Flask's own interface does: the
same session for a request with or without cookies, a good or a bad signature, and the same headers on the
response for a session untouched, read, changed, or emptied."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, Response
from flask.sessions import SecureCookieSessionInterface

from calculator.app import create_app
from calculator.web.sessions import SignedCookieSessions


@pytest.fixture(scope="module")
def app() -> Flask:
    return create_app({"TESTING": True})


def cookie_of(app: Flask, data: dict[str, Any]) -> str:
    serializer = SecureCookieSessionInterface().get_signing_serializer(app)
    assert serializer is not None
    return f"{app.config['SESSION_COOKIE_NAME']}={serializer.dumps(data)}"


def opened(interface: Any, app: Flask, headers: dict[str, str]) -> Any:
    with app.test_request_context("/", headers=headers) as ctx:
        session = interface.open_session(app, ctx.request)
        return type(session), None if session is None else (dict(session), session.modified, session.accessed)


@pytest.mark.parametrize("cookie", [None, "", "other=1", "session=bad", "good", "good; other=2"])
def test_a_session_opens_as_flask_opens_it(app, cookie):
    headers = {}
    if cookie is not None:
        headers["Cookie"] = cookie.replace("good", cookie_of(app, {"lang": "zh"}))
    assert opened(SignedCookieSessions(), app, headers) == opened(SecureCookieSessionInterface(), app, headers)


def test_without_a_secret_key_there_is_no_session(app):
    bare = Flask(__name__)
    with bare.test_request_context("/"):
        assert opened(SignedCookieSessions(), bare, {}) == opened(SecureCookieSessionInterface(), bare, {})
    assert app.secret_key


@pytest.mark.parametrize("use", ["untouched", "read", "changed", "emptied", "cleared when empty"])
def test_a_session_is_saved_as_flask_saves_it(app, use):
    def saved(interface: Any) -> list[tuple[str, str]]:
        session = interface.session_class({"lang": "en"} if use == "emptied" else {})
        if use == "read":
            session.accessed = True  # as Flask marks it when a view reads it
        elif use == "changed":
            session["lang"] = "zh"
        elif use in ("emptied", "cleared when empty"):
            session.clear()
        response = Response()
        with app.test_request_context("/"):
            interface.save_session(app, session, response)
        cookies = [(value.split("=", 1)[0], "deleted" if "01 Jan 1970" in value else "set")  # signed: times differ
                   for value in response.headers.getlist("Set-Cookie")]
        return sorted((name, value) for name, value in response.headers.items() if name != "Set-Cookie") + cookies

    assert saved(SignedCookieSessions()) == saved(SecureCookieSessionInterface())
