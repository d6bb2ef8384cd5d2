"""The figures view of the assessment document (``detail=figures``, ``docs/contract.md``): per program the status,
the amount by money kind and certainty, the side figures, the codes of its flags, the inputs it still needs and the
stacking group that left it out; no sentences. A part of :class:`calculator.engine.report.Reporter`; the totals are
the full document's (:class:`.report_totals.TotalsTexts`), so every view gives the same figures."""

from __future__ import annotations

from typing import Any

from calculator.engine.catalogue import Program
from calculator.engine.enums import Subject
from calculator.engine.members import IF_CERTIFIED, LATER_YEARS, MONEY
from calculator.engine.model import ProgramResult, SideFigure, SubjectResult
from calculator.engine.report_program import ProgramTexts
from calculator.engine.report_words import TOTAL_WORDS, cents, estimate_doc
from calculator.engine.texts import SIDE
from calculator.i18n import formatting, t

PERSON, COMPANY = Subject.PERSON, Subject.COMPANY  # read for every program (a module's name: see .members)


class FiguresView(ProgramTexts):
    """A program's figures in one language (only the amounts' display texts depend on it)."""

    lang: str
    _texts: dict[tuple[Any, ...], Any]

    def program_figures(self, subject: SubjectResult, result: ProgramResult, person: int | None) -> dict[str, Any]:
        program, benefit, excluded = result.program, result.benefit, result.excluded_by
        person_ref = None
        if subject.kind == PERSON:
            kind, person_ref = PERSON, subject.ref
        else:
            kind = COMPANY
        doc = self.figures_template(program, kind).copy()
        doc["person"] = person
        doc["person_ref"] = person_ref
        doc["status"] = str(result.status)
        if benefit is not None and benefit.money_kind is not None:  # as money_kind_on, without the row when not read
            doc["money_kind"] = str(benefit.money_kind)
        else:
            row = self.row_on(program, result.day) if result.day is not None else None
            doc["money_kind"] = str(result.money_kind_on(row))
        doc["confidence"] = str(result.confidence)
        if benefit is None or benefit.kind == MONEY:
            doc["estimate"] = estimate_doc(result.estimate, self.lang)
        later, certified = sides(result)
        if later is not None:
            doc["later_years"] = self.side_doc(later, note=False)
        if certified is not None:
            doc["if_certified"] = self.side_doc(certified, note=False)
        doc["flags"] = [flag.code for flag in result.flags]
        doc["missing"] = list(result.missing)
        if excluded is not None:
            doc["excluded_by"] = {"group": excluded.group, "kind": str(excluded.kind), "chosen": excluded.chosen}
        return doc

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
