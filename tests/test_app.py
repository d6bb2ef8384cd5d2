"""The app factory: configuration sources, start-up table loading, production safety."""

from __future__ import annotations

import shutil

import pytest

from calculator.app import create_app
from calculator.config import ConfigError
from calculator.engine import TableError
from calculator.engine.loader import default_root


def test_a_local_run_gets_a_random_secret_key_per_process():
    assert create_app({"TESTING": True}).config["SECRET_KEY"] != create_app({"TESTING": True}).config["SECRET_KEY"]


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setenv("INCENTIVES_ENV_NAME", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
    monkeypatch.setenv("INCENTIVES_SECRET_KEY", "x" * 64)
    assert create_app().config["SECRET_KEY"] == "x" * 64


def test_a_broken_table_stops_start_up_naming_the_file(tmp_path):
    broken = tmp_path / "tables"
    shutil.copytree(default_root(), broken)
    (broken / "programs" / "gba-iit-subsidy.toml").write_text("id = \n", encoding="utf-8")
    with pytest.raises(TableError, match=r"programs/gba-iit-subsidy\.toml"):
        create_app({"TABLES_DIR": str(broken)})


def test_the_catalogue_is_loaded_once_at_start_up(monkeypatch, catalogue):
    """Loading (reading, validating, compiling every table) happens when the app is made, never per request."""
    import calculator.app

    loads = []
    real = calculator.app.load_catalogue
    monkeypatch.setattr(calculator.app, "load_catalogue", lambda *args: loads.append(args) or real(*args))
    app = create_app({"TESTING": True})
    assert len(loads) == 1 and set(app.extensions["catalogue"].programs) == set(catalogue.programs)
    client = app.test_client()
    for _ in range(3):
        assert client.get("/?lang=en").status_code == 200
        assert client.post("/api/v1/assessments?lang=en", json={"company": {"name": "X"}}).status_code == 200
    assert len(loads) == 1


def test_production_refuses_a_weak_secret_key(monkeypatch):
    monkeypatch.setenv("INCENTIVES_ENV_NAME", "production")
    monkeypatch.setenv("INCENTIVES_SECRET_KEY", "short")
    with pytest.raises(ConfigError, match="at least 32"):
        create_app()


def test_the_app_remembers_plain_views_and_still_refuses_a_coroutine_it_cannot_run():
    """``ensure_sync`` is asked of every hook and view at every request: a plain function is remembered and handed
    back as it is; a coroutine function is never taken for plain (without asgiref Flask refuses it, every time)."""
    app = create_app({"TESTING": True})
    assert app.test_client().get("/healthz").status_code == 200
    remembered = set(app._plain)
    assert app.view_functions["health.healthz"] in remembered
    assert all(app.ensure_sync(func) is func for func in remembered)

    async def coroutine() -> None:  # pragma: no cover - never run
        return None

    for _ in range(2):
        with pytest.raises(RuntimeError):
            app.ensure_sync(coroutine)
    assert coroutine not in app._plain
