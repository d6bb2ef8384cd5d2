"""How totals read in the assessment document: by kind of money and certainty, per family, with the stacking
adjustments (the sums themselves are computed in :mod:`.totals`). A part of
:class:`calculator.engine.report.Reporter`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from calculator.engine.model import SubjectResult
from calculator.engine.report_words import AMOUNT, FAMILY_NAMES, TOTAL_WORDS, cents
from calculator.engine.totals import KindSum, MoneyTotals, Sum, compute_totals
from calculator.i18n import formatting, gettext, t
from calculator.i18n.words import clauses


class TotalsTexts:
    """The totals part of the document in one language."""

    lang: str

    # --- totals -----------------------------------------------------------------------------------
    def totals(self, subjects: list[SubjectResult]) -> dict[str, Any]:
        """Totals after stacking by kind of money and certainty (computed in :mod:`.totals`), as the document
        gives them: see ``docs/contract.md``."""
        lang = self.lang
        found = compute_totals(subjects)
        by_family = {family.value: {"name": gettext(FAMILY_NAMES[family], lang), **self.money_doc(values)}
                     for family, values in found.by_family.items()}
        adjustments = [{"group": adj.group, "family": str(adj.family), "kind": str(adj.kind),
                        "certainty": str(adj.certainty), "low": cents(adj.amount.low), "high": cents(adj.amount.high),
                        "text": adj.text[lang]} for adj in found.adjustments]
        return {"currency": "CNY", **self.money_doc(found.overall), "by_family": by_family,
                "adjustments": adjustments}

    def money_doc(self, values: MoneyTotals) -> dict[str, Any]:
        later, certified = values.later_years, values.if_certified
        return {"cash": self.kind_doc(values.cash), "tax_this_year": self.kind_doc(values.tax_this_year),
                "later_years": {**self.sum_doc(later, formatting.money(later.high, self.lang)),
                                "text": t(TOTAL_WORDS["later_years"], self.lang,
                                          amount=formatting.money(later.high, self.lang))},
                "if_certified": {**self.sum_doc(certified, None),
                                 "text": t(TOTAL_WORDS["if_certified"], self.lang,
                                           amount=formatting.money_range(certified.low, certified.high, self.lang))},
                "non_cash": {"programs": values.non_cash}, "obligations": {"programs": values.obligations},
                "needs_info": values.needs_info}

    def sum_doc(self, values: Sum, text: str | None) -> dict[str, Any]:
        return {"low": cents(values.low), "high": cents(values.high),
                "text": text if text is not None else formatting.money_range(values.low, values.high, self.lang),
                "programs": values.programs}

    def kind_doc(self, values: KindSum) -> dict[str, Any]:
        """One kind of money: determined and competitive ("up to") apart, and a sentence saying both."""
        lang = self.lang
        determined = self.sum_doc(values.determined, None)
        competitive = self.sum_doc(values.competitive, t(AMOUNT["up_to"], lang,
                                                         amount=formatting.money(values.competitive.high, lang)))
        parts = []
        if values.determined.programs or values.determined.high:
            parts.append(t(TOTAL_WORDS["determined"], lang, amount=determined["text"]))
        if values.competitive.programs or values.competitive.high:
            parts.append(t(TOTAL_WORDS["competitive"], lang, amount=formatting.money(values.competitive.high, lang)))
        if values.unknown_amounts:
            parts.append(t(TOTAL_WORDS["unknown"], lang, count=values.unknown_amounts))
        return {"determined": determined, "competitive": competitive, "unknown_amounts": values.unknown_amounts,
                "text": clauses(parts, lang) if parts else formatting.money(Decimal(0), lang)}
