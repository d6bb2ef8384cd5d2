"""The totals' money texts are written once per reporter and kept within a bound (a batch's reporter serves a whole
roster), and a kept text reads exactly as one written afresh."""

from __future__ import annotations

from decimal import Decimal

from calculator.engine.report import Reporter
from calculator.engine.report_totals import SAID_LIMIT
from calculator.i18n import formatting


def test_money_texts_are_kept_within_their_bound_and_read_as_written_afresh(catalogue) -> None:
    for lang in ("zh", "en"):
        reporter = Reporter(catalogue, lang)
        for yuan in range(SAID_LIMIT * 2 + 7):
            amount = Decimal(yuan * 1_000)
            assert reporter.said(("money", amount)) == formatting.money(amount, lang)
            assert len(reporter._said) <= SAID_LIMIT
        big, small = Decimal("1234567.5"), Decimal("8000")
        assert reporter.said(("range", small, big)) == formatting.money_range(small, big, lang)
        assert reporter.said(("range", small, big)) == formatting.money_range(small, big, lang)
