"""The assessment document's fixed words (families, certainty, amounts, totals, the disclaimer) and number forms
(cents, estimates, plain values): shared by :mod:`.report` and the parts it is built from."""

from __future__ import annotations

import datetime as dt
import string
from decimal import Decimal
from typing import Any

from calculator.engine.enums import Confidence, Family, MoneyKind, Status, Subject
from calculator.engine.model import Estimate
from calculator.i18n import N_, formatting
from calculator.i18n.formatting import HALF_UP
from schemas.profile import field_catalogue

FAMILIES = tuple(Family)
FAMILY_NAMES = {
    "financial_support": N_("Financial support"),
    "talent": N_("Talent housing and subsidies"),
    "procurement": N_("Government procurement and early adoption"),
    "regulatory": N_("Regulatory permissions and obligations"),
}
CERTAINTY = {
    "determined": N_("Determined (follows from a formula)"),
    "competitive": N_("Competitive (\"up to\")"),
    "not_monetary": N_("Not monetary"),
}
AMOUNT = {"not_monetary": N_("not monetary"), "needs_info": N_("needs information"), "up_to": N_("up to {amount}")}
# How the totals of one kind of money read: determined and "up to" apart, unknown amounts counted.
TOTAL_WORDS = {
    "determined": N_("{amount} determined"),
    "competitive": N_("up to {amount} competitive"),
    "unknown": N_("{count} with amount unknown"),
    "later_years": N_("up to {amount} over later years"),
    "if_certified": N_("about {amount} a year"),
}
SENTENCE = N_("{condition}: {value} → {result}")  # one criterion: the condition, the answer, the result
DISCLAIMER = N_("An estimate, not a decision: eligibility and amounts are decided by the issuing authorities. "
                "Competitive programs are \"up to\" amounts. Figures marked as not yet checked against the official "
                "text rest on secondary sources.")
CHECKED = N_("Sources checked {checked_date}")  # the reference revision is stated once per page and document
FIELDS = field_catalogue()
RESULT_CODES = {True: "met", False: "not_met", None: "unknown"}


class Codes(dict[Any, str]):
    """The code of an enum member (``str(member)``), looked up: about half the cost of ``str()`` on a member; anything
    else is given its ``str()`` as it is."""

    def __missing__(self, key: Any) -> str:
        return str(key)


CODES = Codes({member: str(member) for kind in (Status, Confidence, MoneyKind, Subject, Family) for member in kind})


def sentence_pattern(template: str) -> tuple[str, tuple[int, ...] | None]:
    """A translated criterion sentence as a %-pattern, and where its fields come from in (condition, value,
    result) when a translation orders them differently (None: in that order). It is filled for every criterion
    of every document: ``%`` with a tuple is several times faster than ``str.format`` with names."""
    parts = list(string.Formatter().parse(template))
    pattern = "".join(literal.replace("%", "%%") + ("%s" if name is not None else "") for literal, name, _, _ in parts)
    names = ("condition", "value", "result")
    picks = tuple(names.index(name) for _, name, _, _ in parts if name is not None)
    return pattern, None if picks == (0, 1, 2) else picks


CENT = Decimal("0.01")


def cents(amount: Decimal) -> float:
    """An amount rounded half-up to the cent, as the document's number (hot: every figure and total)."""
    if type(amount) is not Decimal:
        amount = Decimal(amount)
    return float(HALF_UP.quantize(amount, CENT))


def estimate_doc(estimate: Estimate | None, lang: str) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {"low": cents(estimate.low), "high": cents(estimate.high), "currency": "CNY",
            "text": formatting.money_range(estimate.low, estimate.high, lang)}



def plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value
