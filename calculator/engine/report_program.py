"""A program's texts from the tables, in one language, made once and shared by every document: its catalogue texts,
the runs of its entry that come from the tables alone, its sources and its application window. A part of
:class:`calculator.engine.report.Reporter`."""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.enums import WindowState
from calculator.engine.model import Period, WindowStatus
from calculator.engine.report_words import CERTAINTY, CHECKED, FAMILY_NAMES
from calculator.engine.specs import BenefitSpec
from calculator.engine.texts import WINDOW
from calculator.i18n import gettext, t
from calculator.i18n.words import SOURCE_QUALITY, sentences

WINDOWS_KEPT = 4096  # window entries kept per language (the tables give far fewer; a bound all the same)
ROWS_KEPT = 4096  # benefit rows remembered per program and date, per language (a bound: the dates asked are few)


class ProgramParts(NamedTuple):
    """The runs of a program's entry that come from the tables alone, in one language (:meth:`Reporter.program_parts`):
    shared by every document, never changed."""

    head: dict[str, Any]
    certainty: dict[str, Any]
    details: dict[str, Any]
    tail: dict[str, Any]
    advisories: list[tuple[Any, str]]
    kind: str  # the benefit's kind when no dated row priced it
    texts: dict[str, Any]  # :meth:`Reporter.program_texts`
    template: dict[str, Any]  # the whole entry's keys in document order: these runs' values, None for the result's


# The keys of a program's entry that come from its result, in document order, between the runs of ProgramParts.
RESULT_KEYS = (("subject", "person", "person_ref", "status", "status_text"),
               ("money_kind", "money_kind_text", "confidence", "estimate", "amount", "later_years", "if_certified",
                "benefit", "flags", "criteria", "reasons", "not_in_force_reason", "missing", "gaps", "self_check",
                "excluded_by", "window"),
               ("advisories",))


class ProgramTexts:
    """A program's table texts in one language (the attributes are the reporter's)."""

    catalogue: Catalogue
    lang: str
    _texts: dict[tuple[Any, ...], Any]

    def row_on(self, program: Program, day: dt.date) -> BenefitSpec | None:
        """The program's benefit row in force on ``day`` (``spec.benefit_on``), found once per program and date."""
        rows = self._texts.get(("rows",))
        if rows is None:
            rows = self._texts[("rows",)] = {}
        key = (program.spec.id, day)
        found = rows.get(key, rows)
        if found is rows:
            if len(rows) >= ROWS_KEPT:
                rows.clear()
            found = rows[key] = program.spec.benefit_on(day)
        return found  # type: ignore[no-any-return]

    def advisories(self, program: Program, parts: ProgramParts, day: dt.date | None) -> list[str]:
        """The program's advisories shown on ``day`` (all of them without a day), found once per program and date
        (read-only, as :class:`ProgramParts`)."""
        if day is None:
            return [text for _advisory, text in parts.advisories]
        shown = self._texts.get(("advisories",))
        if shown is None:
            shown = self._texts[("advisories",)] = {}
        key = (program.spec.id, day)
        found: list[str] | None = shown.get(key)
        if found is None:
            if len(shown) >= ROWS_KEPT:
                shown.clear()
            found = shown[key] = [text for advisory, text in parts.advisories if advisory.covers(day)]
        return found

    def window(self, state: WindowStatus) -> dict[str, Any]:
        """Where the assessment date falls among the program's application windows. Its dates and text come from the
        tables (the assessment date only picks the state), so each is written once per language and shared by every
        document (read-only, as :class:`ProgramParts`): a date in Chinese takes Babel tens of microseconds."""
        seen = self._texts.get(("window states",))  # by the state itself: the engine keeps one per program and date
        if seen is None:
            seen = self._texts[("window states",)] = {}
        known = seen.get(id(state))
        doc: dict[str, Any]
        if known is not None and known[0] is state:
            doc = known[1]
        else:
            doc = self.window_text(state)
            if len(seen) >= WINDOWS_KEPT:
                seen.clear()
            seen[id(state)] = (state, doc)
        return doc

    def window_text(self, state: WindowStatus) -> dict[str, Any]:
        """The window's entry, made once per language for equal states."""
        windows = self._texts.get(("windows",))
        if windows is None:
            windows = self._texts[("windows",)] = {}
        key = (state.mode, state.state, state.opens, state.closes, state.next, state.last,
               None if state.text is None else id(state.text))
        found = windows.get(key)
        if found is None or found[0] is not state.text:
            if len(windows) >= WINDOWS_KEPT:
                windows.clear()
            found = windows[key] = (state.text, self.window_doc(state))
        return found[1]

    def window_doc(self, state: WindowStatus) -> dict[str, Any]:
        lang = self.lang
        key = state.state
        extra = state.text
        if key == WindowState.OPEN:
            text = t(WINDOW[WindowState.OPEN], lang, opens_date=state.opens, closes_date=state.closes)
        elif key == WindowState.UPCOMING and state.next is not None:
            nxt = state.next
            text = t(WINDOW[WindowState.UPCOMING], lang, opens_date=nxt.opens, closes_date=nxt.closes)
        elif key == WindowState.CLOSED and state.last is not None:
            text = t(WINDOW[WindowState.CLOSED], lang, closes_date=state.last.closes)
        else:
            text = state.text[lang] if state.text else gettext(WINDOW[state.mode], lang)
            extra = None
        if extra:
            text = sentences(text, extra[lang], lang)

        def period(p: Period | None) -> dict[str, str] | None:
            return {"opens": p.opens.isoformat(), "closes": p.closes.isoformat()} if p else None

        return {"state": str(key), "mode": str(state.mode),
                "opens": state.opens.isoformat() if state.opens else None,
                "closes": state.closes.isoformat() if state.closes else None,
                "next": period(state.next), "last": period(state.last), "text": text}

    def sources(self, program: Program) -> list[dict[str, Any]]:
        out = []
        for key in program.spec.sources:
            source = self.catalogue.sources[key]
            out.append({"key": key, "title": source.title, "type": str(source.type), "quality": str(source.quality),
                        "quality_text": gettext(SOURCE_QUALITY[source.quality], self.lang), "urls": list(source.urls),
                        "github": [dict(item) for item in source.github]})
        return out

    def program_texts(self, program: Program) -> dict[str, Any]:
        """A program's catalogue texts in this language, made once and shared by every document (read-only)."""
        key = ("program", program.spec.id)
        found = self._texts.get(key)
        if found is None:
            lang, spec = self.lang, program.spec
            found = self._texts[key] = {
                "family_name": gettext(FAMILY_NAMES[program.family], lang), "name": spec.name[lang],
                "certainty_text": gettext(CERTAINTY[spec.certainty], lang), "formula": spec.benefit.text[lang],
                "pool": spec.benefit.pool[lang] if spec.benefit.pool else None,
                "summary": spec.summary[lang], "issuer": spec.issuer[lang],
                "effective": {"from": spec.effective.start.isoformat(),
                              "to": spec.effective.end.isoformat() if spec.effective.end else None},
                "advisories": [(a, a.text[lang]) for a in spec.advisories],
                "documents": [d[lang] for d in (spec.documents.items if spec.documents else ())],
                "sources": self.sources(program),
                "checked_text": t(CHECKED, lang, checked_date=spec.checked),
            }
        return found

    def program_parts(self, program: Program) -> ProgramParts:
        """The runs of a program's entry that come from the tables alone, in document order, made once per language
        (an entry is these runs with the result's keys between them)."""
        key = ("parts", program.spec.id)
        found = self._texts.get(key)
        if found is None:
            spec, static = program.spec, self.program_texts(program)
            head = {"id": program.id, "family": str(program.family), "family_name": static["family_name"],
                    "name": static["name"], "applies_to": str(spec.applies_to)}
            certainty = {"certainty": str(spec.certainty), "certainty_text": static["certainty_text"]}
            details = {"summary": static["summary"], "issuer": static["issuer"], "instrument": spec.instrument,
                       "effective": static["effective"], "official_text": spec.official_text}
            tail = {"documents": static["documents"], "sources": static["sources"], "checked": spec.checked.isoformat(),
                    "checked_text": static["checked_text"]}
            first, middle, last = (dict.fromkeys(keys) for keys in RESULT_KEYS)
            template = {**head, **first, **certainty, **middle, **details, **last, **tail}
            found = self._texts[key] = ProgramParts(head, certainty, details, tail, static["advisories"],
                                                    str(spec.benefit.kind), static, template)
        return found
