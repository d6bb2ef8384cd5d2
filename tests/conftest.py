"""Shared fixtures: the real catalogue, loaded once per test session (as at start-up)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from calculator.engine import assess, load_catalogue
from calculator.engine.model import Catalogue
from calculator.engine.report import to_document
from schemas.profile import AssessmentInputSchema

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
AS_OF = dt.date(2026, 11, 21)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue()


@pytest.fixture(scope="session")
def evaluate(catalogue: Catalogue):
    """Validate a raw profile like any surface would, assess it, return the JSON document."""

    def run(data: dict[str, Any], as_of: dt.date = AS_OF, lang: str = "en") -> dict[str, Any]:
        loaded = AssessmentInputSchema(choices=catalogue.choices).load(data)
        return to_document(catalogue, assess(catalogue, loaded, as_of), lang)

    return run


def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))
