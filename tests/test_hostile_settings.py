"""Settings as an operator types them: the environment's name in any case, any secret key that is text.

``ENV_NAME=Production`` once ran silently in development mode (no secure cookies, no HSTS, a random key per
process), and an all-digit secret key made every form answer 500 (Flask's ``from_prefixed_env`` read it as a
number, which Flask-WTF cannot sign with). Now a name is one of three, any case, or start-up stops naming the
setting; text settings are taken as typed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from calculator.app import create_app
from calculator.config import ConfigError
from calculator.front.files import nginx_conf
from tests.conftest import ROOT

KEY = "k" * 48


@pytest.fixture
def environment(monkeypatch):
    """No INCENTIVES_* setting of the machine's leaks in."""
    for name in [n for n in os.environ if n.startswith("INCENTIVES_")]:
        monkeypatch.delenv(name)
    return monkeypatch


@pytest.mark.parametrize("name", ["Production", "PRODUCTION", " production ", "production"])
def test_production_in_any_case_runs_in_production_mode(environment, name, tmp_path):
    environment.setenv("INCENTIVES_ENV_NAME", name)
    environment.setenv("INCENTIVES_SECRET_KEY", KEY)
    app = create_app()
    assert app.config["ENV_NAME"] == "production" and app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SECRET_KEY"] == KEY
    cookies = app.test_client().get("/company?lang=en").headers.getlist("Set-Cookie")
    assert cookies and all("; Secure" in cookie for cookie in cookies)
    assert "Strict-Transport-Security" in nginx_conf(tmp_path, app.config, "127.0.0.1", 8000, 30)


@pytest.mark.parametrize("name", ["Development", "TESTING", "testing"])
def test_the_other_known_names_are_accepted_in_any_case(environment, name):
    environment.setenv("INCENTIVES_ENV_NAME", name)
    assert create_app().config["ENV_NAME"] == name.lower()


@pytest.mark.parametrize("name", ["prod", "staging", "", "1", "production2", "Produktion"])
def test_an_unknown_environment_name_stops_start_up_naming_the_setting_and_the_choices(environment, name):
    environment.setenv("INCENTIVES_ENV_NAME", name)
    environment.setenv("INCENTIVES_SECRET_KEY", KEY)
    with pytest.raises(ConfigError) as refused:
        create_app()
    message = str(refused.value)
    assert "INCENTIVES_ENV_NAME" in message and "production, development, testing" in message
    assert repr(name) in message


def test_the_production_front_refuses_an_unknown_name_before_starting_anything(tmp_path):
    """What the README starts (scripts/serve → python -m calculator.front) stops with the app's message, exit 2,
    without starting gunicorn or nginx (the private folder it made is removed)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCENTIVES_")}
    env |= {"PYTHON": sys.executable, "INCENTIVES_ENV_NAME": "prod", "INCENTIVES_SECRET_KEY": KEY,
            "TMPDIR": str(tmp_path)}
    result = subprocess.run([str(ROOT / "scripts" / "serve"), "--port", "1"], env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 2, result.stderr[-2000:]
    assert re.search(r"incentives-serve: the settings cannot be used: INCENTIVES_ENV_NAME must be one of "
                     r"production, development, testing \(in any case\), not 'prod'", result.stderr), result.stderr
    assert "Traceback" not in result.stderr and list(tmp_path.iterdir()) == []


# --- secret keys ----------------------------------------------------------------------------------------------
KEYS = {
    "all digits": "1234567890" * 4,
    "a number with a fraction": "3" * 33 + ".5",
    "a number with an exponent": "1" * 32 + "e3",
    "quoted like a JSON string": '"' + "q" * 40 + '"',
    "a JSON list": "[" + "1," * 20 + "1]",
}


@pytest.mark.parametrize("key", list(KEYS.values()), ids=list(KEYS))
def test_any_secret_key_is_taken_as_typed_and_every_form_works(environment, key):
    environment.setenv("INCENTIVES_ENV_NAME", "production")
    environment.setenv("INCENTIVES_SECRET_KEY", key)
    app = create_app()
    assert app.config["SECRET_KEY"] == key
    client = app.test_client()
    page = client.get("/company?lang=en", base_url="https://localhost")  # production cookies are Secure
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
    result = client.post("/company?lang=en", data={"csrf_token": token, "company-name": "Acme",
                                                   "as_of": "2026-11-21"}, base_url="https://localhost",
                         headers={"Referer": "https://localhost/company"})  # Flask-WTF checks it over HTTPS
    assert result.status_code == 200 and "Acme" in result.get_data(as_text=True)


@pytest.mark.parametrize("key", [12345678901234567890123456789012345, 3.5, ["x" * 40]])
def test_a_secret_key_that_is_not_text_stops_start_up(key):
    with pytest.raises(ConfigError, match="SECRET_KEY must be text"):
        create_app({"TESTING": True, "SECRET_KEY": key})


def test_text_settings_are_never_read_as_json(environment, tmp_path):
    """A folder named like a number stays a folder name (the batch job folder, here)."""
    folder = tmp_path / "2026"
    environment.chdir(tmp_path)
    environment.setenv("INCENTIVES_BATCH_DIR", "2026")
    app = create_app({"TESTING": True})
    try:
        assert app.config["BATCH_DIR"] == "2026" and Path(app.config["BATCH_DIR"]).resolve() == folder
    finally:
        app.extensions["batch_jobs"].shutdown()
