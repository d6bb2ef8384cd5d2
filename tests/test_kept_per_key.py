"""What the engine and the report keep between requests is kept under the whole key it depends on: a figure
threshold per day (calculator.engine.criteria.FigureThreshold), an item's shared entry per result
(calculator.engine.report.Reporter.item_docs). Neither shows in the golden cases, the examples' documents or the
rankings' tests when its key is made coarser (no threshold figure in the tables changes between the dates asked;
no item is shown while its condition is unknown there), so each is checked here directly."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from calculator.engine.criteria import FigureThreshold
from calculator.engine.enums import Confidence
from calculator.engine.model import AppliedItem
from calculator.engine.report import RESULT_CODES, Reporter


def test_a_figure_threshold_reads_the_row_in_force_on_each_day():
    values = {dt.date(2024, 1, 1): Decimal(1), dt.date(2025, 1, 1): Decimal(2), dt.date(2026, 1, 1): None}

    def figure(key: str, day: dt.date) -> Any:
        value = values[day]
        return None if value is None else SimpleNamespace(value=value, confidence=Confidence.SECONDARY)

    threshold = FigureThreshold(SimpleNamespace(figure=figure), "key")  # type: ignore[arg-type]
    for day in [*values, *reversed(values)]:
        found = threshold.resolve({}, day)
        assert found == ((None, Confidence.UNCONFIRMED, ()) if values[day] is None
                         else (values[day], Confidence.SECONDARY, ()))


def test_an_item_entry_shared_between_documents_says_whether_it_applies(catalogue):
    items = [item for program in catalogue.programs.values()
             for item in getattr(program.spec.benefit.params, "items", None) or ()]
    assert items
    for lang in ("en", "zh"):
        reporter = Reporter(catalogue, lang)
        for applies in (True, None, True, None):
            entry = reporter.item_docs([AppliedItem(items[0], applies)])[0]
            assert entry["applies"] == RESULT_CODES[applies]
            assert entry["text"] == items[0].text[lang]
