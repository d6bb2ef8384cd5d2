"""The assessment as a JSON-ready document in one language: the contract every surface shares.

See ``docs/contract.md`` for the keys. Money is given as numbers rounded half-up to 2 decimals
(``low``/``high``) plus a display string for the chosen language.

The words and number forms are in :mod:`.report_words`, criteria/flags/gaps in :mod:`.report_criteria`, totals in
:mod:`.report_totals`; their public names are re-exported here.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from calculator import __version__
from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.enums import SideKind, Status, Subject
from calculator.engine.members import MONEY, NON_MONETARY, UNKNOWN
from calculator.engine.model import (
    Assessment,
    ProgramResult,
    SelfCheckResult,
    SideFigure,
    SubjectResult,
)
from calculator.engine.question_report import questions_doc
from calculator.engine.questions import AssessmentQuestions, rank_assessment
from calculator.engine.report_benefit import BenefitTexts
from calculator.engine.report_criteria import CriteriaTexts
from calculator.engine.report_figures import FiguresView, sides
from calculator.engine.report_program import ProgramParts, ProgramTexts
from calculator.engine.report_totals import TotalsTexts
from calculator.engine.report_words import (
    AMOUNT,
    CERTAINTY,
    CHECKED,
    CODES,
    DISCLAIMER,
    FAMILIES,
    FAMILY_NAMES,
    FIELDS,
    RESULT_CODES,
    SENTENCE,
    TOTAL_WORDS,
    cents,
    estimate_doc,
    plain,
    sentence_pattern,
)
from calculator.engine.size_class import Standard, size_class_code, size_class_doc, size_standard
from calculator.engine.specs import BenefitSpec
from calculator.engine.texts import (
    MONEY_KINDS,
    NOT_IN_FORCE,
    RESULT,
    SELF_CHECK_OUTCOMES,
    STATUS,
)
from calculator.i18n import formatting, gettext, lang_of, t
from calculator.i18n.words import sentences


class Detail(StrEnum):
    """How much of each program a document writes (``docs/contract.md``, "Views"): the same figures in every view.

    * ``full``: everything (the CLI, the API's default, the workbook, a program's own page);
    * ``card``: what a results page card shows: no conditions list (a refusal's reasons are still written), no
      summary, issuer, instrument, dates, advisories, documents or sources (those are on the program's own page);
    * ``figures``: numbers and codes only, no sentences (the API's ``?detail=figures``; see :mod:`.report_figures`).
    """

    FULL = "full"
    CARD = "card"
    FIGURES = "figures"



# The keys of a program (and of its self-check) that a card leaves out: the card view is the full view without them.
CARD_OMITS = ("criteria", "summary", "issuer", "instrument", "effective", "official_text", "advisories", "documents",
              "sources")
SELF_CHECK_CARD_OMITS = ("criteria",)
PERSON, COMPANY = Subject.PERSON, Subject.COMPANY  # read for every program (a module's name: see .members)
NO_AMOUNT = (Status.NOT_ELIGIBLE, Status.NOT_IN_FORCE)  # the statuses whose amount reads "—"
VIEWS = {str(view): view for view in Detail}
FIGURES_VIEW, CARD_VIEW = Detail.FIGURES, Detail.CARD  # read for every program (a class's member costs more)
STANDARDS_KEPT = 512  # size standards kept per language, one per day asked (a bound: the dates asked are few)


class Reporter(CriteriaTexts, TotalsTexts, FiguresView, BenefitTexts, ProgramTexts):
    """Renders results for one catalogue in one language."""

    _status: dict[Any, str]
    _money_kinds: dict[Any, str]

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        self.catalogue = catalogue
        self.lang = lang_of(lang)
        self._sentences: dict[tuple[Any, Any, Any], str] = {}
        self._said: dict[tuple[Any, ...], str] = {}
        self._texts = catalogue.texts[self.lang]  # catalogue-only texts, shared by every reporter in this language
        words: tuple[Any, dict[Any, str], dict[Any, str], dict[Any, str]] | None = self._texts.get(("reporter",))
        if words is None:  # the fixed words, made once per language
            words = self._texts[("reporter",)] = (
                sentence_pattern(gettext(SENTENCE, self.lang)),
                {key: gettext(msgid, self.lang) for key, msgid in RESULT.items()},
                {key: gettext(msgid, self.lang) for key, msgid in STATUS.items()},
                {key: gettext(msgid, self.lang) for key, msgid in MONEY_KINDS.items()})
        self._sentence, self._results, self._status, self._money_kinds = words



    def program(self, subject: SubjectResult, result: ProgramResult, person: int | None,
                detail: Detail = Detail.FULL) -> dict[str, Any]:
        """One program's entry; ``detail`` ``card`` leaves out :data:`CARD_OMITS` (and writes no sentence for a
        condition that is not one of the reasons); ``figures`` is :meth:`program_figures`."""
        if detail == FIGURES_VIEW:
            return self.program_figures(subject, result, person)
        card = detail == CARD_VIEW
        lang, program = self.lang, result.program
        parts = self._texts.get(("parts", program.spec.id)) or self.program_parts(program)
        kind = PERSON if subject.kind == PERSON else COMPANY
        if card:  # the sentences of the reasons only (the card shows no conditions table)
            criteria = []
            reasons = [self.reason(self.criterion(kind, c)) for c in result.criteria if c.id in result.reasons]
        else:
            criteria = self.criteria(kind, result.criteria)
            reasons = [self.reason(doc) for doc, c in zip(criteria, result.criteria, strict=True)
                       if c.id in result.reasons] if result.reasons else []
        if result.window is None:
            raise ValueError(f"{result.id}: a result without its window state")
        benefit, day = result.benefit, result.day
        row = self.row_on(program, day) if day is not None else None
        money_kind = result.money_kind_on(row)
        later, certified = sides(result)
        advisories = self.advisories(program, parts, day) if parts.advisories else []
        doc = parts.template.copy()  # the tables' runs in document order; the result's keys are filled in
        doc["subject"] = CODES[kind]
        doc["person"] = person
        doc["person_ref"] = subject.ref if kind == PERSON else None
        doc["status"] = CODES[result.status]
        doc["status_text"] = self._status[result.status]
        doc["money_kind"] = CODES[money_kind]
        doc["money_kind_text"] = self._money_kinds[money_kind]
        doc["confidence"] = CODES[result.confidence]
        priced = result.estimate if benefit is None or benefit.kind == MONEY else None
        estimate = doc["estimate"] = None if priced is None else self.estimate_entry(priced)
        doc["amount"] = self.amount_text(result, None if estimate is None else estimate["text"])
        if later is not None:  # (the template's None otherwise, as below)
            doc["later_years"] = self.side_doc(later)
        if certified is not None:
            doc["if_certified"] = self.side_doc(certified)
        doc["benefit"] = self.benefit_doc(result, parts, row)
        doc["flags"] = [self.flag_doc(kind, f) for f in result.flags] if result.flags else []
        doc["criteria"] = criteria
        doc["reasons"] = reasons
        if result.reason:
            doc["not_in_force_reason"] = self.not_in_force(kind, result)
        doc["missing"] = self.missing_entries(kind, result.missing) if result.missing else []
        gaps = result.gaps
        doc["gaps"] = [self.gap(kind, g, program) for g in gaps] if gaps else []
        if result.self_check is not None:
            doc["self_check"] = self.self_check(kind, result.self_check, program, card)
        excluded = result.excluded_by
        if excluded is not None:
            doc["excluded_by"] = {"group": excluded.group, "kind": str(excluded.kind), "chosen": excluded.chosen,
                                  "text": excluded.text[lang]}
        doc["window"] = self.window(result.window)
        doc["advisories"] = advisories
        if card:
            for key in CARD_OMITS:
                del doc[key]
        return doc

    def benefit_doc(self, result: ProgramResult, parts: ProgramParts, row: BenefitSpec | None) -> dict[str, Any]:
        """What the program grants: the formula that priced it (a dated row's or the case's own), the outcome, cap,
        items and context figures; ``row``: the benefit row in force on the result's day (:meth:`row_on`; None:
        the result has no day)."""
        lang, benefit = self.lang, result.benefit
        if benefit is not None and benefit.text:  # the dated row's or the case's own formula
            formula = benefit.text[lang]
        else:
            formula = row.text[lang] if row is not None else parts.texts["formula"]
        doc: dict[str, Any] = {"kind": str(row.kind) if row is not None else parts.kind, "formula": formula}
        if benefit is not None:
            doc["outcome"] = str(benefit.kind)
            if benefit.cap is not None:
                doc["cap"] = cents(benefit.cap)
            if benefit.items:
                doc["items"] = self.item_docs(benefit.items)
            if benefit.context:
                doc["context"] = [self.context_doc(f) for f in benefit.context]
        if parts.texts["pool"] is not None:
            doc["pool"] = parts.texts["pool"]
        return doc

    def not_in_force(self, kind: str, result: ProgramResult) -> str | None:
        """Why the program is not in force for this subject, as a sentence (None when it is)."""
        if not result.reason:
            return None
        params = dict(result.reason.params)
        if "field" in params:
            params["field"] = self.label(kind, params["field"])
        text = t(NOT_IN_FORCE[result.reason.code], self.lang, **params)
        if result.reason.text:
            text = sentences(text, result.reason.text[self.lang], self.lang)
        return text

    def amount_text(self, result: ProgramResult, shown: str | None = None) -> str:
        """The amount as the program's line reads; ``shown``: its estimate's range as already written (the same
        text), when the entry has one."""
        lang = self.lang
        if result.status in NO_AMOUNT:
            return "—"
        if result.benefit is None or result.benefit.kind == UNKNOWN:
            return formatting.money(None, lang)
        if result.benefit.kind == NON_MONETARY:
            return gettext(AMOUNT["not_monetary"], lang)
        if result.benefit.estimate is None:
            return gettext(AMOUNT["needs_info"], lang)
        est = result.benefit.estimate
        text = formatting.money_range(est.low, est.high, lang) if shown is None else shown
        if result.program.competitive:
            text = t(AMOUNT["up_to"], lang, amount=text)
        return text

    def reason(self, criterion: dict[str, Any]) -> str:
        """A failed condition as a reason: its sentence, and its note when it has one (e.g. when a certificate
        lapsed)."""
        note = criterion.get("note")
        return sentences(criterion["text"], note, self.lang) if note else str(criterion["text"])

    def self_check(self, kind: str, check: SelfCheckResult, program: Program, card: bool = False) -> dict[str, Any]:
        """The forward-looking self-check beside a program: outcome, conditions, what to change, if certified;
        ``card``: without its conditions (:data:`SELF_CHECK_CARD_OMITS`), the reasons' sentences only."""
        lang, spec = self.lang, program.spec.self_check
        if spec is None:
            raise ValueError(f"{program.id}: a self-check result without its table")
        criteria = [self.criterion(kind, c) for c in check.criteria if not card or c.id in check.reasons]
        reasons = [self.reason(d) for d, c in zip(criteria, (c for c in check.criteria
                                                             if not card or c.id in check.reasons), strict=True)
                   if c.id in check.reasons]
        if_certified = None
        if check.if_certified is not None:
            if_certified = self.side_doc(SideFigure(SideKind.IF_CERTIFIED, check.if_certified, "if_certified"))
        return {"id": spec.id, "title": spec.text[lang], "outcome": str(check.outcome),
                "outcome_text": gettext(SELF_CHECK_OUTCOMES[check.outcome], lang),
                "text": getattr(spec.outcome_text, check.outcome)[lang], "confidence": str(check.confidence),
                **({} if card else {"criteria": criteria}),
                "reasons": reasons,
                "missing": self.missing_entries(kind, check.missing),
                "gaps": [self.gap(kind, g, program, if_certified=True) for g in check.gaps],
                "if_certified": if_certified}

    # --- whole document ---------------------------------------------------------------------------
    def document(self, assessment: Assessment, questions: bool = True,
                 detail: Detail = Detail.FULL, written: int | None = None) -> dict[str, Any]:
        """The whole document in the view ``detail`` (:class:`Detail`); ``questions=False`` leaves the next questions
        out (empty) for callers that never show them, as ranking them re-evaluates programs (see
        :mod:`calculator.engine.questions`). The figures view never carries questions (they are sentences).
        ``written``: how many questions per subject are written whole (the others: field and rank; all by default)."""
        figures = detail == Detail.FIGURES
        asked = rank_assessment(self.catalogue, assessment) if questions and not figures \
            else AssessmentQuestions(None, [])
        subjects: list[SubjectResult] = []
        programs: list[dict[str, Any]] = []
        subject_totals: dict[int, dict[str, Any]] = {}  # one subject alone: its totals are the overall totals
        if assessment.company is not None:
            subjects.append(assessment.company)
            programs += self.subject_figures(assessment.company, None) if figures else \
                [self.program(assessment.company, r, None, detail) for r in assessment.company.results]
        people: list[dict[str, Any]] = []
        for index, person in enumerate(assessment.people):
            subjects.append(person)
            programs += self.subject_figures(person, index) if figures else \
                [self.program(person, r, index, detail) for r in person.results]
            head: dict[str, Any] = {"index": index, "ref": person.ref, "department": person.department}
            totals = subject_totals[id(person)] = self.totals([person])
            if figures:
                people.append({**head, "inherited_from_company": list(person.inherited), "totals": totals})
                continue
            inherited: list[Any] = [{"field": name, "label": self.label(Subject.PERSON, name)}
                                    for name in person.inherited]
            people.append({**head, "inherited_from_company": inherited,
                           "totals": totals,
                           **questions_doc(self, asked.people[index] if asked.people else None, written)})
        return {
            "as_of": assessment.as_of.isoformat(),
            "tables_version": assessment.tables_version,
            "reference_revision": plain(self.catalogue.reference_revision),
            "engine_version": __version__,
            "lang": self.lang,
            **({"detail": str(detail)} if figures else {}),
            "company": None if assessment.company is None else self.company_doc(assessment, asked, figures,
                                                                                subject_totals, written),
            "people": people,
            "programs": programs,
            "totals": subject_totals[id(subjects[0])] if len(subjects) == 1 else self.totals(subjects),
            **({} if figures else {"disclaimer": gettext(DISCLAIMER, self.lang)}),
        }

    def size_standard(self, as_of: dt.date) -> Standard | None:
        """The size standard in force on ``as_of`` (:func:`.size_class.size_standard`), found once per day."""
        standards = self._texts.get(("size standards",))
        if standards is None:
            standards = self._texts[("size standards",)] = {}
        found = standards.get(as_of, standards)
        if found is standards:
            if len(standards) >= STANDARDS_KEPT:
                standards.clear()
            found = standards[as_of] = size_standard(self.catalogue, as_of)
        return found  # type: ignore[no-any-return]

    def company_doc(self, assessment: Assessment, asked: AssessmentQuestions, figures: bool,
                    subject_totals: dict[int, dict[str, Any]], written: int | None = None) -> dict[str, Any]:
        """The company's part: its totals, SME size class (the code alone in the figures view) and questions."""
        company = assessment.company
        assert company is not None
        totals = subject_totals[id(company)] = self.totals([company])
        inputs = assessment.inputs.get("company") or {}
        if figures:
            return {"name": company.ref, "totals": totals,
                    "size_class": size_class_code(self.catalogue, self.size_standard(assessment.as_of), inputs,
                                                  assessment.as_of)}
        size = size_class_doc(self.catalogue, inputs, assessment.as_of, self.lang)
        return {"name": company.ref, "totals": totals, "size_class": size,
                **questions_doc(self, asked.company, written)}


def to_document(catalogue: Catalogue, assessment: Assessment, lang: str = "en",
                questions: bool = True, detail: Detail | str = Detail.FULL,
                written: int | None = None) -> dict[str, Any]:
    """The assessment as the documented JSON-ready dictionary, in ``lang`` (``zh`` or ``en``) and the view ``detail``
    (``full``, ``card``, ``figures``: :class:`Detail`); ``questions=False`` leaves the next questions out;
    ``written``: only the first ``written`` questions of each subject written whole (the others: field and rank)."""
    view = detail if type(detail) is Detail else VIEWS.get(detail) or Detail(detail)  # (Detail() costs a microsecond)
    return Reporter(catalogue, lang).document(assessment, questions, view, written)


__all__ = [
    "AMOUNT",
    "CARD_OMITS",
    "CERTAINTY",
    "CHECKED",
    "DISCLAIMER",
    "FAMILIES",
    "FAMILY_NAMES",
    "FIELDS",
    "RESULT_CODES",
    "SENTENCE",
    "TOTAL_WORDS",
    "Detail",
    "Reporter",
    "cents",
    "estimate_doc",
    "sentence_pattern",
    "to_document",
]
