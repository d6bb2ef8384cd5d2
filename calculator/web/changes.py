"""The "What changed" page: programs added, and rows, flags, windows and terms that start or end on or after a
day, read from the rule tables (:mod:`calculator.engine.changes`). Translates only."""

from __future__ import annotations

import datetime as dt

from flask import render_template, request

from calculator.engine import change_doc, changes_since, parse_day
from calculator.web.i18n import _, current_lang
from calculator.web.views import bp, catalogue

DEFAULT_DAYS = 365  # with no ``since``: the year before the reference revision


@bp.get("/changes")
def changes() -> tuple[str, int]:
    lang = current_lang()
    loaded = catalogue()
    revision = loaded.reference_revision
    given = request.args.get("since", "").strip()
    since, problem = parse_day(given, _("Since"), lang) if given else (
        (revision or dt.date.today()) - dt.timedelta(days=DEFAULT_DAYS), None)
    entries = [change_doc(loaded, item, lang) for item in changes_since(loaded, since)] if since else []
    added = [e for e in entries if e["kind"] == "program_added"]
    dated = [e for e in entries if e["kind"] != "program_added"]
    return render_template("changes.html", since=since.isoformat() if since else given, problem=problem,
                           revision=revision.isoformat() if revision else None, added=added,
                           dated=dated), 400 if problem else 200
