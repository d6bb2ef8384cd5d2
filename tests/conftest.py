"""Shared fixtures: the real catalogue, loaded once per test session (as at start-up)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from calculator.app import create_app
from calculator.engine import Catalogue, default_root, load_catalogue
from calculator.service import service_for

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 21)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def evaluate(catalogue: Catalogue):
    """Validate a raw profile, assess it and return the JSON document, through the service every surface calls."""

    def run(data: dict[str, Any], as_of: dt.date = AS_OF, lang: str = "en") -> dict[str, Any]:
        return service_for(catalogue).evaluate(data, as_of, lang)

    return run


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    """A copy of the rule tables, to break on purpose (with :func:`tests.table_copies.edit`)."""
    root = tmp_path / "tables"
    shutil.copytree(default_root(), root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return root


@pytest.fixture(scope="module")
def app() -> Iterator[Flask]:
    """The application as tests post forms to it: CSRF checks off (tests that need them build their own)."""
    application = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
    yield application
    application.extensions["batch_jobs"].shutdown()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()
