"""What changed, and what is about to end, read from the rule tables themselves (no Flask, no formatting).

Every dated part of a program is an event on the calendar: the program added to the tables (``added``), its
period in force (``effective``), the last day of a "valid for N years" term, each dated benefit row and condition
row, each dated flag and each application window. :func:`changes_since` lists those dated on or after a day (the
"What changed" page, ``incentives programs --changes``); :func:`ending_within` lists the ends in the days after a
day and :func:`stale_programs` the programs whose sources were last checked more than a year before it (the
expiry watch of ``incentives tables check --as-of --horizon``). :func:`change_doc` and :func:`stale_doc` give them
as JSON-ready dictionaries in one language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.derived import add_years
from calculator.engine.specs import CriterionSpec, FigureSpec, ProgramSpec, Sources, Text
from calculator.i18n import N_, gettext, t

KINDS = {
    "program_added": N_("Program added to the tables"),
    "program_starts": N_("Program in force from this day"),
    "program_ends": N_("Program in force until this day"),
    "validity_ends": N_("Last day of the stated validity term"),
    "benefit_starts": N_("Benefit row starts"),
    "benefit_ends": N_("Benefit row ends"),
    "condition_starts": N_("Condition row starts"),
    "condition_ends": N_("Condition row ends"),
    "flag_starts": N_("Flag shown from this day"),
    "flag_ends": N_("Flag shown until this day"),
    "window_opens": N_("Application window opens"),
    "window_closes": N_("Application window closes"),
}
NO_SOURCE = N_("No source for this date (unconfirmed)")
DAY_FORMAT = N_("{label}: give a date written YYYY-MM-DD, from {min} to {max}.")
FIRST_DAY, LAST_DAY = dt.date(1990, 1, 1), dt.date(2100, 12, 31)  # the span an assessment date may take
ENDS = frozenset({"program_ends", "validity_ends", "benefit_ends", "condition_ends", "flag_ends", "window_closes"})


@dataclass(frozen=True, slots=True)
class Change:
    """One dated event of one program: what (``kind``, a key of :data:`KINDS`), when, its text and sources."""

    day: dt.date
    program: str
    kind: str
    text: Text | None
    sources: Sources


def _boundary_sources(spec: ProgramSpec, start: dt.date | None, end: dt.date | None) -> Sources:
    """Sources of the program's dated figures and conditions that share a row's boundary (else the program's)."""
    found: list[str] = []
    rows: list[FigureSpec | CriterionSpec] = [*spec.figures, *spec.criteria]
    for row in rows:
        if (start is not None and row.effective_from == start) or (end is not None and row.effective_to == end):
            found += [key for key in row.source if key not in found]
    return tuple(found) or spec.sources


def _dated(spec: ProgramSpec, kind: str, start: dt.date | None, end: dt.date | None, text: Text | None,
           sources: Sources) -> Iterator[Change]:
    if start is not None:
        yield Change(start, spec.id, f"{kind}_starts", text, sources)
    if end is not None:
        yield Change(end, spec.id, f"{kind}_ends", text, sources)


def program_events(program: Program) -> Iterator[Change]:
    """Every dated event of one program, in table order."""
    spec = program.spec
    eff = spec.effective
    if spec.added is not None:
        yield Change(spec.added, spec.id, "program_added", None, spec.sources)
    yield Change(eff.start, spec.id, "program_starts", None, eff.source)
    if eff.end is not None:
        yield Change(eff.end, spec.id, "program_ends", eff.end_reason, eff.end_source or eff.source)
    last_valid = program.effective[3]
    if last_valid is not None:
        yield Change(last_valid, spec.id, "validity_ends", eff.note, eff.valid_for_source or eff.source)
    if len(spec.benefits) > 1:  # a single [benefit] follows the program's own dates
        for row in spec.benefits:
            yield from _dated(spec, "benefit", row.effective_from, row.effective_to, row.text,
                              _boundary_sources(spec, row.effective_from, row.effective_to))
    for crit in spec.criteria:
        yield from _dated(spec, "condition", crit.effective_from, crit.effective_to, crit.text, crit.source)
    for flag in spec.flags:
        yield from _dated(spec, "flag", flag.effective_from, flag.effective_to, flag.text, flag.source or spec.sources)
    for period in spec.window.periods:
        text = period.note or spec.window.text
        yield Change(period.opens, spec.id, "window_opens", text, period.source)
        yield Change(period.closes, spec.id, "window_closes", text, period.source)


def timeline(catalogue: Catalogue) -> list[Change]:
    """Every dated event of every program, by date, then program id."""
    events = [event for program in catalogue.programs.values() for event in program_events(program)]
    return sorted(events, key=lambda e: (e.day, e.program, list(KINDS).index(e.kind)))


def changes_since(catalogue: Catalogue, since: dt.date) -> list[Change]:
    """Programs added, and rows, flags, windows and terms that start or end, on or after ``since``."""
    return [event for event in timeline(catalogue) if event.day >= since]


def ending_within(catalogue: Catalogue, as_of: dt.date, horizon_days: int) -> list[Change]:
    """Every end (program, validity term, row, flag, window) from ``as_of`` to ``horizon_days`` days after it."""
    last = as_of + dt.timedelta(days=horizon_days)
    return [event for event in timeline(catalogue) if event.kind in ENDS and as_of <= event.day <= last]


def stale_programs(catalogue: Catalogue, as_of: dt.date) -> list[Program]:
    """Programs whose sources were last checked more than a year before ``as_of`` (oldest first)."""
    year_before = add_years(as_of, -1)
    stale = [program for program in catalogue.programs.values() if program.spec.checked < year_before]
    return sorted(stale, key=lambda p: (p.spec.checked, p.id))


def change_doc(catalogue: Catalogue, change: Change, lang: str) -> dict[str, Any]:
    """One event as people read it: date, program, what happened, its text and its sources (key and title)."""
    program = catalogue.programs[change.program]
    return {
        "date": change.day.isoformat(), "program": change.program, "name": program.spec.name[lang],
        "kind": change.kind, "kind_text": gettext(KINDS[change.kind], lang),
        "text": change.text[lang] if change.text else None,
        "sources": [{"key": key, "title": catalogue.sources[key].title} for key in change.sources],
    }


def stale_doc(program: Program, as_of: dt.date, lang: str) -> dict[str, Any]:
    return {"program": program.id, "name": program.spec.name[lang], "checked": program.spec.checked.isoformat(),
            "days": (as_of - program.spec.checked).days}


def parse_day(text: str, label: str, lang: str) -> tuple[dt.date | None, str | None]:
    """(the day, None), or (None, an error in ``lang`` naming ``label`` and the format) for ``--changes SINCE``,
    ``--as-of`` of the watch and the page's ``since``."""
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        day = None
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        return None, t(DAY_FORMAT, lang, label=label, min=FIRST_DAY.isoformat(), max=LAST_DAY.isoformat())
    return day, None
