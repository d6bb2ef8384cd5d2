"""The "What changed since this workbook" section of a restored session's results: the service compares the
workbook's run with today's assessment (:mod:`calculator.engine.since`); this only puts the words together."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from calculator.engine import Assessment, EarlierRun, why_text
from calculator.i18n import N_, gettext, t
from calculator.web.travel import SINCE_DAMAGED, SinceDamaged, read_since
from calculator.web.views import service
from calculator.workbook import NoComparison

PERSON = N_("Person {n}")


def since_section(earlier: EarlierRun | NoComparison | SinceDamaged, assessment: Assessment, lang: str,
                  token: str | None = None) -> dict[str, Any]:
    """The programs that moved, the company's and each person's, each with one line of causes (dates, what started
    or ended, source titles as the "What changed" page lists them), or why nothing can be compared. ``token``: the
    earlier run as the page carries it (:func:`calculator.web.travel.since_token`), so the language switch keeps
    the section."""
    if isinstance(earlier, NoComparison | SinceDamaged):
        note = earlier.render(lang) if isinstance(earlier, NoComparison) else gettext(SINCE_DAMAGED, lang)
        return {"note": note, "moves": [], "people": [], "as_of": None, "after": None, "token": None}
    moves = service().since(earlier, assessment, lang)
    people = [{"name": person.ref or t(PERSON, lang, n=index + 1), "moves": moved}
              for index, (person, moved) in enumerate(zip(assessment.people, service().since_people(
                  earlier, assessment, lang), strict=True)) if moved]
    for move in [*moves, *(m for p in people for m in p["moves"])]:
        move["why"] = why(move, lang)
    after = earlier.as_of + dt.timedelta(days=1) if earlier.as_of else None  # the /changes page counts from a day
    day = earlier.as_of.isoformat() if earlier.as_of else None
    return {"note": None, "moves": moves, "people": people, "as_of": day,
            "after": after.isoformat() if after else None, "token": token}


def carried(token: str, answers: dict[str, Any], as_of: str) -> Callable[[Assessment, str], dict[str, Any]] | None:
    """The section a results page carried back (its language switch), while the answers are still the workbook's;
    a field this calculator could not have written gets the section's note that says so."""
    try:
        earlier: EarlierRun | SinceDamaged | None = read_since(token, answers, as_of)
    except SinceDamaged as damaged:
        earlier = damaged
    if earlier is None:
        return None
    found = earlier
    return lambda assessment, lang: since_section(found, assessment, lang, token if isinstance(found, EarlierRun)
                                                  else None)


def why(move: dict[str, Any], lang: str) -> str:
    """``2026-05-01: Benefit row starts, Condition row starts; Sources: <title>`` (or the engine's reason)."""
    return why_text(move, lang)
