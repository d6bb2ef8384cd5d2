"""Program cards on the results page: grouped for display, with each program's own part rendered once.

A card mixes what the answers decide (status, amount, reasons, criteria results) with what the program alone
decides (formula, documents, notes, sources). The second part is the same on every page in a language, so it
is rendered once per program and language and kept for the life of the app (catalogue texts only, never a
company's data).
"""

from __future__ import annotations

from typing import Any

from flask import current_app, get_template_attribute
from markupsafe import Markup

from calculator.engine import Status
from calculator.web.card_view import card_view, order_key

STATUS_ORDER = {status.value: index for index, status in enumerate(Status)}


def group_cards(programs: list[dict[str, Any]], families: dict[str, str], lang: str) -> list[dict[str, Any]]:
    """Per subject (the company, then each person) in document order, the families that have programs, each
    with its programs by status: eligible, needs information, not eligible, not in force (within a status, those
    with an amount first). Each card is its program's entry and its head (:func:`calculator.web.card_view.card_view`),
    a pair (the entry is the document's own, not copied)."""
    subjects: dict[Any, dict[str, Any]] = {}
    for program in programs:
        subject = subjects.get(program["person"])
        if subject is None:
            subject = subjects[program["person"]] = {"person": program["person"], "ref": program["person_ref"],
                                                     "by_family": {key: [] for key in families}}
        subject["by_family"][program["family"]].append((program, card_view(program, lang)))
    out = []
    for subject in subjects.values():
        shown = [(key, families[key], sorted(cards, key=lambda c: (STATUS_ORDER[c[0]["status"]], order_key(c[0]))))
                 for key, cards in subject["by_family"].items() if cards]
        out.append({"person": subject["person"], "ref": subject["ref"], "families": shown})
    return out


def card_tails(programs: list[dict[str, Any]], ui: dict[str, str], lang: str) -> dict[str, Markup]:
    """Each program's own part of its card (formula, documents, notes, sources), by program id. Kept for the
    life of the app, except in debug mode, where an edited template shows at once."""
    cache: dict[tuple[str, str], Markup] = {} if current_app.debug else current_app.extensions.setdefault(
        "card_tails", {})
    macro = None
    out = {}
    for program in programs:
        key = (lang, program["id"])
        found = cache.get(key)
        if found is None:
            macro = macro or get_template_attribute("_program.html", "program_tail")
            found = cache[key] = Markup(macro(program, ui))
        out[program["id"]] = found
    return out
