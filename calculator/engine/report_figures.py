"""The figures view of the assessment document (``detail=figures``, ``docs/contract.md``): per program the status,
the amount by money kind and certainty, the side figures, the codes of its flags, the inputs it still needs and the
stacking group that left it out; no sentences. A part of :class:`calculator.engine.report.Reporter`; the totals are
the full document's (:class:`.report_totals.TotalsTexts`), so every view gives the same figures."""

from __future__ import annotations

from typing import Any

from calculator.engine.enums import Outcome, SideKind, Subject
from calculator.engine.model import ProgramResult, SideFigure, SubjectResult
from calculator.engine.report_program import ProgramTexts
from calculator.engine.report_words import TOTAL_WORDS, cents, estimate_doc
from calculator.engine.texts import SIDE
from calculator.i18n import formatting, t


class FiguresView(ProgramTexts):
    """A program's figures in one language (only the amounts' display texts depend on it)."""

    lang: str

    def program_figures(self, subject: SubjectResult, result: ProgramResult, person: int | None) -> dict[str, Any]:
        kind = Subject.PERSON if subject.kind == Subject.PERSON else Subject.COMPANY
        spec, benefit = result.program.spec, result.benefit
        excluded = result.excluded_by
        later, certified = sides(result)
        money_kind = result.money_kind_on(self.row_on(result.program, result.day) if result.day is not None else None)
        return {
            "id": result.id, "family": str(result.program.family), "subject": str(kind), "person": person,
            "person_ref": subject.ref if kind == Subject.PERSON else None,
            "status": str(result.status), "certainty": str(spec.certainty), "money_kind": str(money_kind),
            "confidence": str(result.confidence),
            "estimate": estimate_doc(result.estimate, self.lang) if benefit is None or benefit.kind == Outcome.MONEY
            else None,
            "later_years": self.side_doc(later, note=False),
            "if_certified": self.side_doc(certified, note=False),
            "flags": [flag.code for flag in result.flags],
            "missing": list(result.missing),
            "excluded_by": None if excluded is None else {"group": excluded.group, "kind": str(excluded.kind),
                                                          "chosen": excluded.chosen},
        }

    def side_doc(self, side: SideFigure | None, note: bool = True) -> dict[str, Any] | None:
        """A figure beside a result (never in its amount or any total): the range, how it reads, and why (``note``;
        the figures view leaves the why out)."""
        if side is None:
            return None
        lang, est = self.lang, side.estimate
        if side.kind == SideKind.LATER_YEARS:
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
        if side.kind == SideKind.LATER_YEARS and later is None:
            later = side
        elif side.kind == SideKind.IF_CERTIFIED and certified is None:
            certified = side
    return later, certified
