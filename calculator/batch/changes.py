"""The Changes sheet of a batch run given a previous result (:mod:`calculator.batch.previous`): one line per row
and program whose status or amount moved since that run, from → to, with the dated rule rows and sources that
caused it or why none can be named (the engine's moves, :meth:`calculator.service.Service.moved`; nothing is
decided here), and one line per row that cannot be compared, saying why.

Rows are matched by their name (the Company or Person column: a company's name, a person's reference), the one
identity both runs' files carry whatever rows were added, removed or reordered between them; the row numbers are
shown, never used to match. A row with no name, a name on more than one row of the previous result, or a name
repeated in this file after its first row was compared, is listed as not compared, as is every previous row this
run did not assess (gone from the file, renamed or rejected).

Memory: the previous run (its bound is in :mod:`calculator.batch.previous`) and, per row compared, its two row
numbers; lines are written as rows arrive.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from calculator.batch.previous import PreviousRun
from calculator.engine import Figure, why_text
from calculator.i18n import N_, gettext, t
from calculator.service import Service

NOT_COMPARED = N_("Row not compared")
NO_NAME = N_("This row has no name, so it cannot be matched with a row of the other run (rows are matched by their "
             "name).")
NEW_ROW = N_("No row of the previous result has this name: nothing to compare with (a new row, or a renamed one).")
REPEATED_BEFORE = N_("The previous result has this name on more than one row ({rows}), so it cannot tell which to "
                     "compare with.")
REPEATED_NOW = N_("This name is also on row {row} of this file, which was compared with the previous result; this "
                  "row is not compared.")
GONE = N_("Not among this run's assessed rows: no longer in the file, renamed, or rejected (see Rejected rows).")
NOTE = N_("Compared with the previous result of {day} (rule tables {version}): {compared} rows compared, {moved} "
          "programs moved on {rows_moved} rows, {unmatched} rows not compared; see the Changes sheet.")
UNKNOWN = N_("unknown")
MAX_LISTED = 5  # row numbers named in one message


def name_key(ref: Any) -> str | None:
    """What rows are matched by: the name, trimmed (``None``: no name)."""
    text = str(ref).strip() if ref is not None else ""
    return " ".join(text.split()) or None


class Changes:
    """Compares each assessed row with the previous run's row of the same name, writing the Changes lines."""

    def __init__(self, previous: PreviousRun, service: Service, as_of: dt.date, lang: str, writer: Any) -> None:
        self.previous, self.service, self.as_of, self.lang, self.writer = previous, service, as_of, lang, writer
        self.by_name: dict[str, int] = {}
        self.repeated: dict[str, list[int]] = {}
        for number, row in previous.rows.items():
            key = name_key(row.ref)
            if key is None:
                continue
            if key in self.repeated:
                self.repeated[key].append(number)
            elif key in self.by_name:
                self.repeated[key] = [self.by_name.pop(key), number]
            else:
                self.by_name[key] = number
        self.matched: dict[int, int] = {}  # previous row number → this file's row compared with it
        self.moved = self.rows_moved = self.unmatched = 0

    def row(self, number: int, ref: Any, now: dict[str, Figure]) -> None:
        """One assessed row of this run: its moves, or why it is not compared."""
        key = name_key(ref)
        if key is None:
            return self._not_compared(number, ref, None, gettext(NO_NAME, self.lang))
        if key in self.repeated:
            return self._not_compared(number, ref, None, t(REPEATED_BEFORE, self.lang, rows=self._listed(key)))
        before = self.by_name.get(key)
        if before is None:
            return self._not_compared(number, ref, None, gettext(NEW_ROW, self.lang))
        if before in self.matched:
            return self._not_compared(number, ref, before, t(REPEATED_NOW, self.lang, row=self.matched[before]))
        self.matched[before] = number
        found = self.service.moved(self.previous.earlier(self.previous.rows[before]), now, self.as_of, self.lang)
        self.moved += len(found)
        self.rows_moved += bool(found)
        for doc in found:
            self.writer.row("changes", [number, ref, before, doc["program"], doc["name"], doc["kind_text"],
                                        *self._figure(doc["before"]), *self._figure(doc["after"]),
                                        why_text(doc, self.lang)])
        return None

    def finish(self) -> str:
        """The previous rows this run did not compare, then the note for the summary."""
        for number, row in self.previous.rows.items():
            if number in self.matched:
                continue
            key = name_key(row.ref)
            if key is None:
                why = gettext(NO_NAME, self.lang)
            elif key in self.repeated:
                why = t(REPEATED_BEFORE, self.lang, rows=self._listed(key))
            else:
                why = gettext(GONE, self.lang)
            self._not_compared(None, row.ref, number, why)
        previous = self.previous
        return t(NOTE, self.lang, day=previous.as_of.isoformat() if previous.as_of else gettext(UNKNOWN, self.lang),
                 version=previous.tables_version or gettext(UNKNOWN, self.lang), compared=len(self.matched),
                 moved=self.moved, rows_moved=self.rows_moved, unmatched=self.unmatched)

    def _not_compared(self, number: int | None, ref: Any, before: int | None, why: str) -> None:
        self.unmatched += 1
        self.writer.row("changes", [number, ref, before, None, None, gettext(NOT_COMPARED, self.lang),
                                    None, None, None, None, None, None, why])

    def _listed(self, key: str) -> str:
        rows = self.repeated[key]
        return ", ".join(str(n) for n in rows[:MAX_LISTED]) + (" …" if len(rows) > MAX_LISTED else "")

    @staticmethod
    def _figure(doc: dict[str, Any] | None) -> list[Any]:
        """Status word, low and high of one side of a move (blank for a side that does not exist)."""
        return [None, None, None] if doc is None else [doc["status_text"], doc["low"], doc["high"]]
