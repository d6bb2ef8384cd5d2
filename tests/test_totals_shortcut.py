"""compute_totals counts a result with nothing beside it and not eligible without calling count_result: the totals
are those of count_result over every result (generated profiles on two dates, the examples)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from benchmarks.profiles import generate
from calculator.engine import Catalogue, assess
from calculator.engine.model import SubjectResult
from calculator.engine.totals import FAMILIES, MoneyTotals, Totals, compute_totals, count_adjustment, count_result
from calculator.service import service_for

AS_OF = dt.date(2026, 11, 21)
EXAMPLES = sorted(Path(__file__).resolve().parents[1].joinpath("examples").glob("*.json"))


def general(subjects: Iterable[SubjectResult]) -> Totals:
    """compute_totals as it was: count_result for every result."""
    overall = MoneyTotals()
    by_family = {family: MoneyTotals() for family in FAMILIES}
    adjustments = []
    for subject in subjects:
        for result in subject.results:
            count_result((overall, by_family[result.program.spec.family]), result)
        for adjustment in subject.adjustments:
            count_adjustment(overall, adjustment)
            count_adjustment(by_family[adjustment.family], adjustment)
            adjustments.append(adjustment)
    return Totals(overall, by_family, adjustments)


def example(catalogue: Catalogue, path: Path, as_of: dt.date) -> dict[str, Any]:
    """An example's input as the service reads it."""
    checked = service_for(catalogue).check(json.loads(path.read_text(encoding="utf-8")), as_of.isoformat(), "en")
    return checked.profile  # type: ignore[no-any-return]


def same_totals(subjects: list[SubjectResult]) -> None:
    found, expected = compute_totals(subjects), general(subjects)
    assert found == expected
    assert list(found.by_family) == list(expected.by_family)


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2024, 12, 1)])
def test_totals_are_count_result_s(catalogue: Catalogue, as_of: dt.date) -> None:
    profiles = generate(150, catalogue.choices, seed=31 + as_of.toordinal(), people=2)
    profiles += [example(catalogue, path, AS_OF) for path in EXAMPLES]  # (one is founded after the earlier date)
    counted = 0
    for profile in profiles:
        assessment = assess(catalogue, profile, as_of)
        subjects = [s for s in (assessment.company, *assessment.people) if s is not None]
        for subject in subjects:
            same_totals([subject])
            counted += sum(r.status == "needs_info" for r in subject.results)
        same_totals(subjects)
    assert counted > 100  # the shortcut's case (needs-info, nothing beside it) is met


def test_a_needs_info_result_counts_in_its_family(catalogue: Catalogue) -> None:
    profile = example(catalogue, EXAMPLES[0], AS_OF)
    company = assess(catalogue, profile, AS_OF).company
    assert company is not None
    found = compute_totals([company])
    waiting = [r for r in company.results if r.status == "needs_info"]
    assert waiting and found.overall.needs_info == len(waiting)
    for family, totals in found.by_family.items():
        assert totals.needs_info == sum(r.program.spec.family == family for r in waiting)
