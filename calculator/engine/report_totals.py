"""How totals read in the assessment document: by kind of money and certainty, per family, with the stacking
adjustments (the sums themselves are computed in :mod:`.totals`). A part of
:class:`calculator.engine.report.Reporter`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from calculator.engine.model import SubjectResult
from calculator.engine.report_words import AMOUNT, CODES, FAMILY_NAMES, TOTAL_WORDS, cents
from calculator.engine.totals import ZERO as UNTOUCHED
from calculator.engine.totals import KindSum, MoneyTotals, Sum, compute_totals
from calculator.i18n import formatting, gettext, t
from calculator.i18n.words import clauses

ZERO = Decimal(0)
SAID_LIMIT = 4096  # texts kept per reporter (a batch's reporter lives for the whole roster): bounded, then started anew


def empty(values: MoneyTotals) -> bool:
    """Whether nothing was counted in ``values``: no program, every amount a plain zero (not ``-0``)."""
    if values.non_cash or values.obligations or values.needs_info or values.cash.unknown_amounts \
            or values.tax_this_year.unknown_amounts:
        return False
    parts = (values.cash.determined, values.cash.competitive, values.tax_this_year.determined,
             values.tax_this_year.competitive, values.later_years, values.if_certified)
    for part in parts:
        if not untouched(part) and (part.programs or part.low != 0 or part.high != 0 or part.low.is_signed()
                                    or part.high.is_signed()):
            return False
    return True


class TotalsTexts:
    """The totals part of the document in one language."""

    lang: str
    _texts: dict[tuple[Any, ...], Any]
    _said: dict[tuple[Any, ...], str]  # money texts of this document's sums: most recur for every subject (0, say)

    def said(self, key: tuple[Any, ...]) -> str:
        """The text for ``key``: ``("money", amount)``, ``("range", low, high)`` or ``(msgid, amount or count,
        value)``, each written once per reporter (equal amounts always read the same: money is rounded to yuan)."""
        found = self._said.get(key)
        if found is None:
            if len(self._said) >= SAID_LIMIT:
                self._said.clear()
            found = self._said[key] = self.write(key)
        return found

    def write(self, key: tuple[Any, ...]) -> str:
        kind, *rest = key
        if kind == "money":
            return formatting.money(rest[0], self.lang)
        if kind == "range":
            return formatting.money_range(rest[0], rest[1], self.lang)
        name, value = rest
        return t(kind, self.lang, **{name: value})

    # --- totals -----------------------------------------------------------------------------------
    def totals(self, subjects: list[SubjectResult]) -> dict[str, Any]:
        """Totals after stacking by kind of money and certainty (computed in :mod:`.totals`), as the document
        gives them: see ``docs/contract.md``."""
        lang = self.lang
        found = compute_totals(subjects)
        by_family = {CODES[family]: self.family_doc(family, values) for family, values in found.by_family.items()}
        adjustments = [{"group": adj.group, "family": str(adj.family), "kind": str(adj.kind),
                        "certainty": str(adj.certainty), "low": cents(adj.amount.low), "high": cents(adj.amount.high),
                        "text": adj.text[lang]} for adj in found.adjustments]
        return {"currency": "CNY", **self.money_doc(found.overall), "by_family": by_family,
                "adjustments": adjustments}

    def family_doc(self, family: str, values: MoneyTotals) -> dict[str, Any]:
        """One family's totals. A family with nothing in it (most of them, for most subjects) reads the same in every
        document: made once per language and shared (read-only, as the program's table texts)."""
        if not empty(values):
            return {"name": gettext(FAMILY_NAMES[family], self.lang), **self.money_doc(values)}
        key = ("no totals", family)
        found: dict[str, Any] | None = self._texts.get(key)
        if found is None:
            found = self._texts[key] = {"name": gettext(FAMILY_NAMES[family], self.lang),
                                        **self.money_doc(MoneyTotals())}
        return found

    def money_doc(self, values: MoneyTotals) -> dict[str, Any]:
        later, certified = values.later_years, values.if_certified
        return {"cash": self.kind_doc(values.cash), "tax_this_year": self.kind_doc(values.tax_this_year),
                "later_years": self.nothing("later_doc") if untouched(later) else self.later_doc(later),
                "if_certified": self.nothing("certified_doc") if untouched(certified)
                else self.certified_doc(certified),
                "non_cash": {"programs": values.non_cash}, "obligations": {"programs": values.obligations},
                "needs_info": values.needs_info}

    def nothing(self, writer: str) -> dict[str, Any]:
        """The entry of a part of the totals to which nothing was added (most parts of most subjects' totals), by its
        writer (``kind_entry``, ``later_doc``, ``certified_doc``): it reads the same in every document, so it is
        written once per language and shared (read-only, as the empty families' totals)."""
        key = ("nothing", writer)
        found: dict[str, Any] | None = self._texts.get(key)
        if found is None:
            found = self._texts[key] = getattr(self, writer)(KindSum() if writer == "kind_entry" else Sum())
        return found

    def later_doc(self, later: Sum) -> dict[str, Any]:
        text = self.said(("money", later.high))
        return {**self.sum_doc(later, text), "text": self.said((TOTAL_WORDS["later_years"], "amount", text))}

    def certified_doc(self, certified: Sum) -> dict[str, Any]:
        text = self.said(("range", certified.low, certified.high))
        return {**self.sum_doc(certified, None), "text": self.said((TOTAL_WORDS["if_certified"], "amount", text))}

    def sum_doc(self, values: Sum, text: str | None) -> dict[str, Any]:
        return {"low": cents(values.low), "high": cents(values.high),
                "text": text if text is not None else self.said(("range", values.low, values.high)),
                "programs": values.programs}

    def kind_doc(self, values: KindSum) -> dict[str, Any]:
        """One kind of money: determined and competitive ("up to") apart, and a sentence saying both."""
        if not values.unknown_amounts and untouched(values.determined) and untouched(values.competitive):
            return self.nothing("kind_entry")
        return self.kind_entry(values)

    def kind_entry(self, values: KindSum) -> dict[str, Any]:
        determined, competitive = values.determined, values.competitive
        # most kinds hold one certainty only: the other's entry is shared
        determined_doc = self.untouched_part("determined") if untouched(determined) else self.sum_doc(determined, None)
        up_to = ""
        if untouched(competitive):
            competitive_doc = self.untouched_part("competitive")
        else:
            up_to = self.said(("money", competitive.high))
            competitive_doc = self.sum_doc(competitive, self.said((AMOUNT["up_to"], "amount", up_to)))
        parts = []
        if determined.programs or determined.high:
            parts.append(self.said((TOTAL_WORDS["determined"], "amount", determined_doc["text"])))
        if competitive.programs or competitive.high:
            parts.append(self.said((TOTAL_WORDS["competitive"], "amount", up_to)))
        if values.unknown_amounts:
            parts.append(self.said((TOTAL_WORDS["unknown"], "count", values.unknown_amounts)))
        return {"determined": determined_doc, "competitive": competitive_doc,
                "unknown_amounts": values.unknown_amounts,
                "text": clauses(parts, self.lang) if parts else self.said(("money", ZERO))}

    def untouched_part(self, certainty: str) -> dict[str, Any]:
        """The entry of a certainty (``determined``, ``competitive``) of a kind of money to which nothing was added:
        the same in every document, written once per language and shared (read-only, as :meth:`nothing`)."""
        key = ("untouched part", certainty)
        found: dict[str, Any] | None = self._texts.get(key)
        if found is None:
            text = self.write(("range", ZERO, ZERO))
            if certainty == "competitive":
                text = self.write((AMOUNT["up_to"], "amount", self.write(("money", ZERO))))
            found = self._texts[key] = {"low": cents(ZERO), "high": cents(ZERO), "text": text, "programs": 0}
        return found


def untouched(values: Sum) -> bool:
    """Whether nothing was added to a sum (its amounts still the unsigned zero it starts from, no program)."""
    return values.low is UNTOUCHED and values.high is UNTOUCHED and not values.programs
