"""The assessment as a JSON-ready document in one language: the contract every surface shares.

See ``docs/contract.md`` for the keys. Money is given as numbers rounded half-up to 2 decimals
(``low``/``high``) plus a display string for the chosen language.

The words and number forms are in :mod:`.report_words`, criteria/flags/gaps in :mod:`.report_criteria`, totals in
:mod:`.report_totals`; their public names are re-exported here.
"""

from __future__ import annotations

from typing import Any

from calculator import __version__
from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.enums import Outcome, SideKind, Status, Subject, WindowState
from calculator.engine.model import (
    Assessment,
    Period,
    ProgramResult,
    SelfCheckResult,
    SideFigure,
    SubjectResult,
    WindowStatus,
)
from calculator.engine.question_report import questions_doc
from calculator.engine.questions import AssessmentQuestions, rank_assessment
from calculator.engine.report_criteria import CriteriaTexts
from calculator.engine.report_totals import TotalsTexts
from calculator.engine.report_words import (
    AMOUNT,
    CERTAINTY,
    CHECKED,
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
from calculator.engine.size_class import size_class_doc
from calculator.engine.texts import (
    ITEM_TYPES,
    MONEY_KINDS,
    NOT_IN_FORCE,
    RESULT,
    SELF_CHECK_OUTCOMES,
    SIDE,
    STATUS,
    WINDOW,
)
from calculator.i18n import fill, formatting, gettext, lang_of, t
from calculator.i18n.words import SOURCE_QUALITY, sentences


class Reporter(CriteriaTexts, TotalsTexts):
    """Renders results for one catalogue in one language."""

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        self.catalogue = catalogue
        self.lang = lang_of(lang)
        self._sentences: dict[tuple[Any, Any, Any], str] = {}
        self._texts = catalogue.texts[self.lang]  # catalogue-only texts, shared by every reporter in this language
        self._sentence = sentence_pattern(gettext(SENTENCE, self.lang))
        self._results = {key: gettext(msgid, self.lang) for key, msgid in RESULT.items()}
        self._status = {key: gettext(msgid, self.lang) for key, msgid in STATUS.items()}


    def window(self, state: WindowStatus) -> dict[str, Any]:
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
        key = ("program", program.id)
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

    def program(self, subject: SubjectResult, result: ProgramResult, person: int | None) -> dict[str, Any]:
        lang, program = self.lang, result.program
        spec = program.spec
        static = self.program_texts(program)
        kind = Subject.PERSON if subject.kind == Subject.PERSON else Subject.COMPANY
        benefit = result.benefit
        row = spec.benefit_on(result.day) if result.day is not None else None
        if benefit is not None and benefit.text:  # the dated row's or the case's own formula
            formula = benefit.text[lang]
        else:
            formula = row.text[lang] if row is not None else static["formula"]
        benefit_doc: dict[str, Any] = {"kind": str((row or spec.benefit).kind), "formula": formula}
        if benefit is not None:
            benefit_doc["outcome"] = str(benefit.kind)
            if benefit.cap is not None:
                benefit_doc["cap"] = cents(benefit.cap)
            if benefit.items:
                benefit_doc["items"] = [
                    {"type": str(i.item.type), "type_text": gettext(ITEM_TYPES[i.item.type], lang),
                     "text": fill(i.item.text[lang], dict(i.params), lang) if i.params else i.item.text[lang],
                     "article": i.item.article, "applies": RESULT_CODES[i.applies],
                     "confidence": str(i.item.confidence) if i.item.confidence else None} for i in benefit.items]
            if benefit.context:
                benefit_doc["context"] = [
                    {"name": f.name, "value": formatting.value(f.value, f.unit, lang),
                     "note": f.note[lang] if f.note else None, "confidence": str(f.confidence)}
                    for f in benefit.context]
        if static["pool"] is not None:
            benefit_doc["pool"] = static["pool"]
        criteria = [self.criterion(kind, c) for c in result.criteria]
        reasons = [self.reason(doc) for doc, c in zip(criteria, result.criteria, strict=True) if c.id in result.reasons]
        reason_text = None
        if result.reason:
            params = dict(result.reason.params)
            if "field" in params:
                params["field"] = self.label(kind, params["field"])
            reason_text = t(NOT_IN_FORCE[result.reason.code], lang, **params)
            if result.reason.text:
                reason_text = sentences(reason_text, result.reason.text[lang], lang)
        if result.window is None:
            raise ValueError(f"{result.id}: a result without its window state")
        return {
            "id": result.id, "family": str(program.family), "family_name": static["family_name"],
            "name": static["name"], "applies_to": str(spec.applies_to), "subject": str(kind),
            "person": person, "person_ref": subject.ref if kind == Subject.PERSON else None,
            "status": str(result.status), "status_text": self._status[result.status],
            "certainty": str(spec.certainty), "certainty_text": static["certainty_text"],
            "money_kind": str(result.money_kind), "money_kind_text": gettext(MONEY_KINDS[result.money_kind], lang),
            "confidence": str(result.confidence),
            "estimate": estimate_doc(result.estimate, lang) if benefit is None or benefit.kind == Outcome.MONEY
            else None,
            "amount": self.amount_text(result),
            "later_years": self.side_doc(result.side(SideKind.LATER_YEARS)),
            "if_certified": self.side_doc(result.side(SideKind.IF_CERTIFIED)),
            "benefit": benefit_doc,
            "flags": [self.flag_doc(kind, f) for f in result.flags],
            "criteria": criteria,
            "reasons": reasons,
            "not_in_force_reason": reason_text,
            "missing": [{"field": name, "label": self.label(kind, name)} for name in result.missing],
            "gaps": [self.gap(kind, g, program) for g in result.gaps],
            "self_check": None if result.self_check is None else self.self_check(kind, result.self_check, program),
            "excluded_by": None if result.excluded_by is None else {
                "group": result.excluded_by.group, "kind": str(result.excluded_by.kind),
                "chosen": result.excluded_by.chosen, "text": result.excluded_by.text[lang]},
            "window": self.window(result.window),
            "summary": static["summary"], "issuer": static["issuer"], "instrument": spec.instrument,
            "effective": static["effective"],
            "official_text": spec.official_text,
            "advisories": [text for advisory, text in static["advisories"]
                           if result.day is None or advisory.covers(result.day)],
            "documents": static["documents"],
            "sources": static["sources"],
            "checked": spec.checked.isoformat(), "checked_text": static["checked_text"],
        }

    def amount_text(self, result: ProgramResult) -> str:
        lang = self.lang
        if result.status in (Status.NOT_ELIGIBLE, Status.NOT_IN_FORCE):
            return "—"
        if result.benefit is None or result.benefit.kind == Outcome.UNKNOWN:
            return formatting.money(None, lang)
        if result.benefit.kind == Outcome.NON_MONETARY:
            return gettext(AMOUNT["not_monetary"], lang)
        if result.benefit.estimate is None:
            return gettext(AMOUNT["needs_info"], lang)
        est = result.benefit.estimate
        text = formatting.money_range(est.low, est.high, lang)
        if result.program.competitive:
            text = t(AMOUNT["up_to"], lang, amount=text)
        return text

    def reason(self, criterion: dict[str, Any]) -> str:
        """A failed condition as a reason: its sentence, and its note when it has one (e.g. when a certificate
        lapsed)."""
        note = criterion.get("note")
        return sentences(criterion["text"], note, self.lang) if note else str(criterion["text"])

    def side_doc(self, side: SideFigure | None) -> dict[str, Any] | None:
        """A figure beside a result (never in its amount or any total): the range, how it reads, and why."""
        if side is None:
            return None
        lang, est = self.lang, side.estimate
        if side.kind == SideKind.LATER_YEARS:
            amount = formatting.money(est.high, lang)
            text = t(TOTAL_WORDS["later_years"], lang, amount=amount)
        else:
            amount = formatting.money_range(est.low, est.high, lang)
            text = t(TOTAL_WORDS["if_certified"], lang, amount=amount)
        return {"low": cents(est.low), "high": cents(est.high), "currency": "CNY", "text": text,
                "note": t(SIDE[side.code], lang, amount=amount, **side.params)}

    def self_check(self, kind: str, check: SelfCheckResult, program: Program) -> dict[str, Any]:
        """The forward-looking self-check beside a program: outcome, conditions, what to change, if certified."""
        lang, spec = self.lang, program.spec.self_check
        if spec is None:
            raise ValueError(f"{program.id}: a self-check result without its table")
        criteria = [self.criterion(kind, c) for c in check.criteria]
        if_certified = None
        if check.if_certified is not None:
            if_certified = self.side_doc(SideFigure(SideKind.IF_CERTIFIED, check.if_certified, "if_certified"))
        return {"id": spec.id, "title": spec.text[lang], "outcome": str(check.outcome),
                "outcome_text": gettext(SELF_CHECK_OUTCOMES[check.outcome], lang),
                "text": getattr(spec.outcome_text, check.outcome)[lang], "confidence": str(check.confidence),
                "criteria": criteria,
                "reasons": [self.reason(d) for d, c in zip(criteria, check.criteria, strict=True)
                            if c.id in check.reasons],
                "missing": [{"field": name, "label": self.label(kind, name)} for name in check.missing],
                "gaps": [self.gap(kind, g, program, if_certified=True) for g in check.gaps],
                "if_certified": if_certified}

    # --- whole document ---------------------------------------------------------------------------
    def document(self, assessment: Assessment, questions: bool = True) -> dict[str, Any]:
        """The whole document; ``questions=False`` leaves the next questions out (empty) for callers that never
        show them, as ranking them re-evaluates programs (see :mod:`calculator.engine.questions`)."""
        asked = rank_assessment(self.catalogue, assessment) if questions else AssessmentQuestions(None, [])
        subjects: list[SubjectResult] = []
        programs: list[dict[str, Any]] = []
        if assessment.company is not None:
            subjects.append(assessment.company)
            programs += [self.program(assessment.company, r, None) for r in assessment.company.results]
        people = []
        for index, person in enumerate(assessment.people):
            subjects.append(person)
            programs += [self.program(person, r, index) for r in person.results]
            people.append({"index": index, "ref": person.ref, "department": person.department,
                           "inherited_from_company": [
                               {"field": name, "label": self.label(Subject.PERSON, name)}
                               for name in person.inherited],
                           "totals": self.totals([person]),
                           **questions_doc(self, asked.people[index] if asked.people else None)})
        return {
            "as_of": assessment.as_of.isoformat(),
            "tables_version": assessment.tables_version,
            "reference_revision": plain(self.catalogue.reference_revision),
            "engine_version": __version__,
            "lang": self.lang,
            "company": None if assessment.company is None else {
                "name": assessment.company.ref, "totals": self.totals([assessment.company]),
                "size_class": size_class_doc(self.catalogue, assessment.inputs.get("company") or {},
                                             assessment.as_of, self.lang),
                **questions_doc(self, asked.company)},
            "people": people,
            "programs": programs,
            "totals": self.totals(subjects),
            "disclaimer": gettext(DISCLAIMER, self.lang),
        }


def to_document(catalogue: Catalogue, assessment: Assessment, lang: str = "en",
                questions: bool = True) -> dict[str, Any]:
    """The assessment as the documented JSON-ready dictionary, in ``lang`` (``zh`` or ``en``); ``questions=False``
    leaves the next questions out."""
    return Reporter(catalogue, lang).document(assessment, questions)


__all__ = ["AMOUNT", "CERTAINTY", "CHECKED", "DISCLAIMER", "FAMILIES", "FAMILY_NAMES", "FIELDS", "RESULT_CODES",
           "SENTENCE", "TOTAL_WORDS", "Reporter", "cents", "estimate_doc", "sentence_pattern", "to_document"]
