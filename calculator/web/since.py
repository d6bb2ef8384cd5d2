"""The "What changed since this workbook" section of a restored session's results: the service compares the
workbook's run with today's assessment (:mod:`calculator.engine.since`); this only puts the words together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from calculator.engine import Assessment, EarlierRun
from calculator.i18n import N_, gettext
from calculator.i18n.words import clauses, joined, labelled
from calculator.web.views import service
from calculator.workbook import NoComparison

SOURCES = N_("Sources")


def since_section(earlier: EarlierRun | NoComparison, assessment: Assessment, lang: str) -> dict[str, Any]:
    """The programs that moved, each with one line of causes (dates, what started or ended, source titles as the
    "What changed" page lists them), or why nothing can be compared."""
    if isinstance(earlier, NoComparison):
        return {"note": earlier.render(lang), "moves": [], "as_of": None, "after": None}
    moves = service().since(earlier, assessment, lang)
    for move in moves:
        move["why"] = why(move, lang)
    after = earlier.as_of + dt.timedelta(days=1) if earlier.as_of else None  # the /changes page counts from a day
    return {"note": None, "moves": moves, "as_of": earlier.as_of.isoformat() if earlier.as_of else None,
            "after": after.isoformat() if after else None}


def why(move: dict[str, Any], lang: str) -> str:
    """``2026-05-01: Benefit row starts, Condition row starts; Sources: <title>`` (or the engine's reason)."""
    if not move["causes"]:
        return str(move["cause_text"])
    days: dict[str, list[str]] = {}
    titles: dict[str, None] = {}  # titles, never the tables' internal keys (issue #18)
    for cause in move["causes"]:
        kinds = days.setdefault(cause["date"], [])
        if cause["kind_text"] not in kinds:
            kinds.append(cause["kind_text"])
        titles.update(dict.fromkeys(source["title"] for source in cause["sources"]))
    parts = [labelled(day, joined(kinds, lang), lang) for day, kinds in days.items()]
    if titles:
        parts.append(labelled(gettext(SOURCES, lang), joined(titles, lang), lang))
    return clauses(parts, lang)
