"""A failed program's near misses are priced when first read (``ProgramResult.pending``), as they were when priced
during the evaluation; the figures view reads none, so a request for it prices none."""

from __future__ import annotations

from typing import Any

import pytest

from calculator.engine import Catalogue, assess
from calculator.engine.model import Gap, ProgramResult
from calculator.service import service_for
from tests.conftest import AS_OF, example

PROGRAM = "cn-small-low-profit-relief"  # not eligible for the Futian example, with a near miss


def futian(catalogue: Catalogue) -> dict[str, Any]:
    data = example("futian-hightech-scaleup.json")
    data.pop("as_of", None)
    return service_for(catalogue).check(data, AS_OF).profile


def result_of(catalogue: Catalogue, profile: dict[str, Any]) -> ProgramResult:
    company = assess(catalogue, profile, AS_OF).company
    assert company is not None
    return next(r for r in company.results if r.id == PROGRAM)


def test_near_misses_are_priced_when_first_read(catalogue: Catalogue) -> None:
    result = result_of(catalogue, futian(catalogue))
    assert result.status == "not_eligible" and result.pending is not None
    gaps = result.gaps
    assert gaps and result.pending is None
    assert result.gaps is gaps  # priced once
    assert result_of(catalogue, futian(catalogue)).gaps == gaps  # the same from another assessment
    result.gaps = []  # a value set replaces what was pending
    assert result.gaps == [] and result.pending is None


def test_the_figures_view_prices_none(catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    priced: list[str] = []

    def counted(*args: Any) -> list[Gap]:
        priced.append(PROGRAM)
        return []

    monkeypatch.setattr("calculator.engine.evaluate.near_misses", counted)
    service = service_for(catalogue)
    profile = futian(catalogue)
    service.document(assess(catalogue, profile, AS_OF), "en", "figures", questions=False)
    assert priced == []
    service.document(assess(catalogue, profile, AS_OF), "en", "full", questions=False)
    assert priced


def test_a_failure_hides_its_near_misses_only(catalogue: Catalogue, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> list[Gap]:
        raise ZeroDivisionError

    monkeypatch.setattr("calculator.engine.evaluate.near_misses", broken)
    result = result_of(catalogue, futian(catalogue))
    assert result.status == "not_eligible" and result.gaps == []
