"""What a program card says at its head, by the program's kind and status (the page only translates the result).

* A legal duty (its items are obligations and nothing is granted) says whether it **applies to you**, then what to
  do; it is never "likely eligible".
* A non-cash program (permissions, recognitions) says what is available; no "not monetary" amount line.
* A money program shows its amount with its certainty once, as a word beside it (``up to CNY 1,200,000 ·
  competitive``); a range from zero is "up to" its top (never "CNY 0 – …"); a program whose amount is not
  known says "amount not fixed", and one whose formula gives nothing on the answers says so: never "CNY 0".
* A card that is not eligible or not in force shows why (its reasons, on the card), with no amount and no certainty.
* Items are grouped under a heading by what they are (what to do, what is available, good to know), never with
  their type word glued to the sentence.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from calculator.i18n import N_, NC_, gettext, pgettext, t
from calculator.i18n.formatting import money, money_range

DUTY_BADGE = {
    "eligible": N_("Applies to you"),
    "needs_info": N_("May apply to you: answers missing"),
    "not_eligible": N_("Does not apply on the answers given"),
}
CERTAINTY_WORD = {"determined": NC_("certainty", "calculated"), "competitive": NC_("certainty", "competitive")}
UP_TO = N_("up to {amount}")
NOT_FIXED = N_("Amount not fixed")
NOTHING = N_("No amount on the answers given")
# Item groups, in the order a duty's card shows them: what to do, what is available, what else to know (a card that
# grants something shows what is available first).
GROUPS = (
    ("obligation", ("obligation",), N_("What to do:")),
    ("available", ("permission", "label"), N_("What is available:")),
    ("information", ("information",), N_("Good to know:")),
    ("advisory", ("advisory",), N_("Note:")),
)
SHOWS_NO_AMOUNT = ("not_eligible", "not_in_force")
# Flags the amount line already says ("up to … · competitive"; the page's disclaimer says it once too): the results
# page leaves them off its cards (``flags``), the program's own page shows every flag.
SAID_BY_AMOUNT = ("competitive_up_to",)


def items_of(p: dict[str, Any]) -> list[dict[str, Any]]:
    return list(p["benefit"].get("items") or [])


def is_duty(p: dict[str, Any], types: set[str] | None = None) -> bool:
    """A legal duty: it has obligations and grants nothing (no permission or recognition, no money); ``types``: its
    items' types, when known."""
    types = {item["type"] for item in items_of(p)} if types is None else types
    return "obligation" in types and not types & {"permission", "label"} and not p.get("estimate")


def amount_line(p: dict[str, Any], lang: str) -> tuple[str | None, str | None]:
    """(amount, certainty word) for the card's amount line; (None, None) when the card shows no amount."""
    if p["status"] in SHOWS_NO_AMOUNT or (p["benefit"].get("items") and not p.get("estimate")):
        return None, None
    estimate = p.get("estimate")
    if not estimate:
        return gettext(NOT_FIXED, lang), None
    low, high = Decimal(str(estimate["low"])), Decimal(str(estimate["high"]))
    if high == 0:
        return gettext(NOTHING, lang), None
    if low == 0:  # a range from nothing: at most its top, whatever the certainty ("up to CNY 540,000 · calculated")
        amount = t(UP_TO, lang, amount=money(high, lang))
    elif p["certainty"] == "competitive":
        amount = t(UP_TO, lang, amount=money_range(low, high, lang))
    else:
        amount = money_range(low, high, lang)
    word = CERTAINTY_WORD.get(p["certainty"])
    return amount, pgettext("certainty", word, lang) if word else p.get("certainty_text")


def card_view(p: dict[str, Any], lang: str) -> dict[str, Any]:
    """The head of one card: its badge, amount line, item groups and the flags it shows beside the results."""
    items = p["benefit"].get("items") or ()
    present = {item["type"] for item in items}
    duty = is_duty(p, present)
    badge = DUTY_BADGE.get(p["status"]) if duty else None
    amount, certainty = amount_line(p, lang)
    groups = []
    order = GROUPS if duty else (GROUPS[1], GROUPS[0], *GROUPS[2:])  # what is granted first, unless a duty
    for key, types, heading in order if items else ():
        if not present.isdisjoint(types):
            chosen = [item for item in items if item["type"] in types]
            groups.append({"key": key, "heading": gettext(heading, lang), "items": chosen})
    said = SAID_BY_AMOUNT if certainty and p["certainty"] == "competitive" else ()
    return {"kind": "duty" if duty else "non_cash" if items else "money",
            "badge": gettext(badge, lang) if badge else p["status_text"],
            "amount": amount, "certainty": certainty, "groups": groups,
            "flags": [f for f in p.get("flags") or [] if f["code"] not in said]}


def order_key(p: dict[str, Any]) -> int:
    """Within a status, a card with an amount first, then one without (a duty or a program whose amount is open)."""
    estimate = p.get("estimate")
    return 0 if estimate and estimate["high"] > 0 else 1
