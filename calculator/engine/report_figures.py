"""The figures view of the assessment document (``detail=figures``, ``docs/contract.md``): per program the status,
the amount by money kind and certainty, the side figures, the codes of its flags, the inputs it still needs and the
stacking group that left it out; no sentences. A part of :class:`calculator.engine.report.Reporter`; the totals are
the full document's (:class:`.report_totals.TotalsTexts`), so every view gives the same figures."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter
from typing import Any

from calculator.engine.catalogue import Program
from calculator.engine.enums import Subject
from calculator.engine.members import IF_CERTIFIED, LATER_YEARS, MONEY, NOT_ELIGIBLE, NOT_IN_FORCE
from calculator.engine.model import Estimate, ProgramResult, SideFigure, SubjectResult
from calculator.engine.report_program import ProgramTexts
from calculator.engine.report_words import CODES, TOTAL_WORDS, cents
from calculator.engine.texts import SIDE
from calculator.i18n import formatting, t

PERSON, COMPANY = Subject.PERSON, Subject.COMPANY  # read for every program (a module's name: see .members)


NO_AMOUNT = (NOT_ELIGIBLE, NOT_IN_FORCE)  # the statuses without an estimate
CODE_OF = attrgetter("code")  # a flag's code
FIGURES_KEPT = 512  # days whose figures facts are kept per language and subject kind (a bound: the dates asked are few)


class FiguresView(ProgramTexts):
    """A program's figures in one language (only the amounts' display texts depend on it)."""

    lang: str
    _texts: dict[tuple[Any, ...], Any]
    said: Callable[[tuple[Any, ...]], str]  # :meth:`.report_totals.TotalsTexts.said`

    def program_figures(self, subject: SubjectResult, result: ProgramResult, person: int | None) -> dict[str, Any]:
        """One program's figures entry (:meth:`subject_figures` writes a subject's all at once)."""
        return self.subject_figures(SubjectResult(subject.kind, subject.ref, [result]), person)[0]

    def subject_figures(self, subject: SubjectResult, person: int | None) -> list[dict[str, Any]]:
        """The figures entries of a subject's programs, in its results' order: each a copy of its program's
        template for the result's day (:meth:`figures_facts`) with the result's figures assigned."""
        person_ref = subject.ref if subject.kind == PERSON else None
        kind = PERSON if subject.kind == PERSON else COMPANY
        facts = self._texts.get(("figures", kind))
        if facts is None:
            facts = self._texts[("figures", kind)] = {}
        entries = []
        day: Any = facts  # no day read yet (a result's day is a date or None)
        on_day: dict[str, tuple[dict[str, Any], str]] = {}
        for result in subject.results:
            if result.day is not day:
                day = result.day
                on_day = facts.get(day) or self.figures_day(facts, day)
            program, benefit = result.program, result.benefit
            found = on_day.get(program.spec.id)
            if found is None:
                found = on_day[program.spec.id] = self.figures_facts(program, kind, day)
            doc = found[0].copy()
            if person_ref is not None or person is not None:
                doc["person"] = person
                doc["person_ref"] = person_ref
            doc["status"] = CODES[result.status]
            money_kind = None if benefit is None else benefit.money_kind  # (as result.money_kind)
            doc["money_kind"] = found[1] if money_kind is None else CODES[money_kind]
            if benefit is not None and benefit.kind == MONEY and benefit.estimate is not None and \
                    result.status not in NO_AMOUNT:
                doc["estimate"] = self.estimate_entry(benefit.estimate)
            doc["confidence"] = CODES[result.confidence]
            check = result.self_check
            if (benefit is not None and benefit.side) or (check is not None and check.if_certified is not None):
                later, certified = sides(result)
                if later is not None:
                    doc["later_years"] = self.side_doc(later, note=False)
                if certified is not None:
                    doc["if_certified"] = self.side_doc(certified, note=False)
            doc["flags"] = list(map(CODE_OF, result.flags)) if result.flags else []  # (no Python frame per list)
            doc["missing"] = [*result.missing]
            excluded = result.excluded_by
            if excluded is not None:
                doc["excluded_by"] = {"group": excluded.group, "kind": str(excluded.kind), "chosen": excluded.chosen}
            entries.append(doc)
        return entries

    def figures_day(self, facts: dict[Any, Any], day: Any) -> dict[str, tuple[dict[str, Any], str]]:
        """The figures facts of the programs on ``day`` (a date, or None), filled as programs are met (bounded)."""
        if len(facts) >= FIGURES_KEPT:
            facts.clear()
        found: dict[str, tuple[dict[str, Any], str]] = facts.setdefault(day, {})
        return found

    def figures_facts(self, program: Program, kind: str, day: Any) -> tuple[dict[str, Any], str]:
        """A program's figures entry with what comes from the tables alone (id, family, subject, certainty) and the
        result's keys in document order (None where a result without it reads None), copied shallowly (it holds
        strings and None only); and the money kind of a result whose benefit names none
        (:meth:`.Program.money_kind_on` the row in force on ``day``)."""
        row = self.row_on(program, day) if day is not None else None
        return self.figures_template(program, kind), CODES[program.money_kind_on(row)]

    def estimate_entry(self, estimate: Estimate) -> dict[str, Any]:
        """:func:`.report_words.estimate_doc` of a priced result, its text written once per amount and document."""
        low, high = estimate.low, estimate.high
        return {"low": cents(low), "high": cents(high), "currency": "CNY",
                "text": self.range_text(low, high)}

    def range_text(self, low: Decimal, high: Decimal) -> str:
        """A range's text, written once per document for equal amounts (:meth:`said`; a zero's sign shows in its
        text, so a range with a zero end is written each time)."""
        if low and high:
            return self.said(("range", low, high))
        return formatting.money_range(low, high, self.lang)

    def figures_template(self, program: Program, kind: str) -> dict[str, Any]:
        """A program's figures entry with what comes from the tables alone (id, family, subject, certainty) and the
        result's keys in document order (None where a result without it reads None), made once per language and
        copied shallowly: it holds strings and None only."""
        key = ("figures", program.id, kind)
        found: dict[str, Any] | None = self._texts.get(key)
        if found is None:
            found = self._texts[key] = {
                "id": program.id, "family": str(program.family), "subject": str(kind), "person": None,
                "person_ref": None, "status": None, "certainty": str(program.spec.certainty), "money_kind": None,
                "confidence": None, "estimate": None, "later_years": None, "if_certified": None, "flags": None,
                "missing": None, "excluded_by": None}
        return found

    def side_doc(self, side: SideFigure | None, note: bool = True) -> dict[str, Any] | None:
        """A figure beside a result (never in its amount or any total): the range, how it reads, and why (``note``;
        the figures view leaves the why out)."""
        if side is None:
            return None
        lang, est = self.lang, side.estimate
        if side.kind == LATER_YEARS:
            amount = formatting.money(est.high, lang)
            text = t(TOTAL_WORDS["later_years"], lang, amount=amount)
        else:
            amount = formatting.money_range(est.low, est.high, lang)
            text = t(TOTAL_WORDS["if_certified"], lang, amount=amount)
        doc = {"low": cents(est.low), "high": cents(est.high), "currency": "CNY", "text": text}
        if note:
            doc["note"] = t(SIDE[side.code], lang, amount=amount, **side.params)
        return doc


def sides(result: ProgramResult) -> tuple[SideFigure | None, SideFigure | None]:
    """A result's later-years and if-certified figures (the first of each kind; None when it has none)."""
    benefit, check = result.benefit, result.self_check
    if (benefit is None or not benefit.side) and (check is None or check.if_certified is None):
        return None, None  # most results: no side figure (without building the empty list)
    later = certified = None
    for side in result.side_figures:
        if side.kind == LATER_YEARS and later is None:
            later = side
        elif side.kind == IF_CERTIFIED and certified is None:
            certified = side
    return later, certified
