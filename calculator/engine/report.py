"""The assessment as a JSON-ready document in one language: the contract every surface shares.

See ``docs/contract.md`` for the keys. Money is given as numbers rounded half-up to 2 decimals
(``low``/``high``) plus a display string for the chosen language.
"""

from __future__ import annotations

import datetime as dt
import string
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from calculator import __version__
from calculator.engine.criteria import Compiled
from calculator.engine.enums import Family, GapDirection, Outcome, SideKind, Status, Subject, WindowState
from calculator.engine.model import (
    Assessment,
    Catalogue,
    CriterionResult,
    Estimate,
    Flag,
    Gap,
    Period,
    Program,
    ProgramResult,
    SelfCheckResult,
    SideFigure,
    SubjectResult,
    WindowStatus,
)
from calculator.engine.question_report import questions_doc
from calculator.engine.questions import AssessmentQuestions, rank_assessment
from calculator.engine.size_class import size_class_doc
from calculator.engine.texts import (
    GAP,
    ITEM_TYPES,
    MONEY_KINDS,
    NOT_IN_FORCE,
    OPS,
    RESULT,
    SELF_CHECK_OUTCOMES,
    SIDE,
    STATUS,
    WINDOW,
    render_flag,
)
from calculator.engine.totals import KindSum, MoneyTotals, Sum, compute_totals
from calculator.i18n import N_, fill, formatting, gettext, lang_of, t
from calculator.i18n.words import SOURCE_QUALITY, clauses, field_label, sentences
from schemas.profile import field_catalogue

FAMILIES = tuple(Family)
FAMILY_NAMES = {
    "financial_support": N_("Financial support"),
    "talent": N_("Talent housing and subsidies"),
    "procurement": N_("Government procurement and early adoption"),
    "regulatory": N_("Regulatory permissions and obligations"),
}
CERTAINTY = {
    "determined": N_("Determined (follows from a formula)"),
    "competitive": N_("Competitive (\"up to\")"),
    "not_monetary": N_("Not monetary"),
}
AMOUNT = {"not_monetary": N_("not monetary"), "needs_info": N_("needs information"), "up_to": N_("up to {amount}")}
# How the totals of one kind of money read: determined and "up to" apart, unknown amounts counted.
TOTAL_WORDS = {
    "determined": N_("{amount} determined"),
    "competitive": N_("up to {amount} competitive"),
    "unknown": N_("{count} with amount unknown"),
    "later_years": N_("up to {amount} over later years"),
    "if_certified": N_("about {amount} a year"),
}
SENTENCE = N_("{condition}: {value} → {result}")  # one criterion: the condition, the answer, the result
DISCLAIMER = N_("An estimate, not a decision: eligibility and amounts are decided by the issuing authorities. "
                "Competitive programs are \"up to\" amounts. Figures marked as not yet checked against the official "
                "text rest on secondary sources.")
CHECKED = N_("Sources checked {checked_date}")  # the reference revision is stated once per page and document
FIELDS = field_catalogue()
RESULT_CODES = {True: "met", False: "not_met", None: "unknown"}


def sentence_pattern(template: str) -> tuple[str, tuple[int, ...] | None]:
    """A translated criterion sentence as a %-pattern, and where its fields come from in (condition, value,
    result) when a translation orders them differently (None: in that order). It is filled for every criterion
    of every document: ``%`` with a tuple is several times faster than ``str.format`` with names."""
    parts = list(string.Formatter().parse(template))
    pattern = "".join(literal.replace("%", "%%") + ("%s" if name is not None else "") for literal, name, _, _ in parts)
    names = ("condition", "value", "result")
    picks = tuple(names.index(name) for _, name, _, _ in parts if name is not None)
    return pattern, None if picks == (0, 1, 2) else picks


def cents(amount: Decimal) -> float:
    return float(Decimal(amount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def estimate_doc(estimate: Estimate | None, lang: str) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {"low": cents(estimate.low), "high": cents(estimate.high), "currency": "CNY",
            "text": formatting.money_range(estimate.low, estimate.high, lang)}


class Reporter:
    """Renders results for one catalogue in one language."""

    def __init__(self, catalogue: Catalogue, lang: str) -> None:
        self.catalogue = catalogue
        self.lang = lang_of(lang)
        self._sentences: dict[tuple[Any, Any, Any], str] = {}
        self._texts = catalogue.texts[self.lang]  # catalogue-only texts, shared by every reporter in this language
        self._sentence = sentence_pattern(gettext(SENTENCE, self.lang))
        self._results = {key: gettext(msgid, self.lang) for key, msgid in RESULT.items()}
        self._status = {key: gettext(msgid, self.lang) for key, msgid in STATUS.items()}

    # --- labels -----------------------------------------------------------------------------------
    def label(self, subject: str, name: str) -> str:
        """An input's label (a profile field's, or a derived figure's from the tables), made once per language."""
        key = ("label", subject, name)
        found = self._texts.get(key)
        if found is None:
            meta = FIELDS[subject].get(name)
            derived = self.catalogue.derived.get(name)
            found = field_label(meta, self.lang) if meta is not None else \
                derived.label[self.lang] if derived else name
            self._texts[key] = found
        return str(found)

    def names(self, subject: str, name: str) -> dict[str, dict[str, str]] | None:
        derived = self.catalogue.derived.get(name)
        table = FIELDS[subject].get(name, {}).get("table") or (derived.names_table if derived else None)
        return self.catalogue.reference[table].names if table in self.catalogue.reference else None

    # --- pieces -----------------------------------------------------------------------------------
    def sentence(self, subject: str, crit: CriterionResult) -> str:
        """One criterion as a sentence: the condition, the value given, and the result.

        Sentences for answers that recur (codes, yes/no, lists of codes) are remembered per reporter, so a
        batch of thousands of rows renders each distinct one once.
        """
        condition, _label, names = self.criterion_texts(subject, crit.criterion)
        key = None
        value = crit.actual
        if isinstance(value, list):
            value = tuple(value)
        if value is None or isinstance(value, str | bool | tuple):
            key = (crit.criterion, value, crit.result)
            found = self._sentences.get(key)
            if found is not None:
                return found
        text = self.sentence_text(condition, formatting.value(crit.actual, crit.criterion.unit, self.lang, names),
                                  crit.result)
        if key is not None and len(self._sentences) < 50_000:
            self._sentences[key] = text
        return text

    def sentence_text(self, condition: str, actual: str, result: bool | None) -> str:
        """"condition: value → met" in this language (the one place the sentence is put together)."""
        pattern, picks = self._sentence
        args = (condition, actual, self._results[result])
        return pattern % (args if picks is None else tuple(args[i] for i in picks))

    def criterion_texts(self, subject: str, compiled: Compiled) -> tuple[str, str, dict[str, dict[str, str]] | None]:
        """A criterion's condition, its input's label and the names of its codes: catalogue texts, made once."""
        key = ("criterion", subject, compiled)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = (compiled.text[self.lang], self.label(subject, compiled.field),
                                        self.names(subject, compiled.field))
        return found

    def required_text(self, subject: str, crit: CriterionResult, names: dict[str, dict[str, str]] | None) -> str:
        """"at least CNY 5,000,000" and the like. The required value always comes from the tables (a literal, a
        band or a dated figure), so the text is remembered per criterion and value."""
        try:
            key = ("required", crit.criterion, crit.required)
            found = self._texts.get(key)
        except TypeError:  # an unhashable value: format it every time
            key, found = None, None
        if found is None:
            shown = formatting.value(crit.required, crit.criterion.unit, self.lang, names)
            found = gettext(OPS[crit.criterion.op], self.lang).format(value=shown)
            if key is not None:
                self._texts[key] = found
        return found

    def criterion(self, subject: str, crit: CriterionResult) -> dict[str, Any]:
        lang, compiled = self.lang, crit.criterion
        condition, input_label, names = self.criterion_texts(subject, compiled)
        actual = formatting.value(crit.actual, compiled.unit, lang, names)
        doc: dict[str, Any] = {
            "id": crit.id, "result": RESULT_CODES[crit.result], "required": self.required_text(subject, crit, names),
               "actual": actual, "text": self.sentence_text(condition, actual, crit.result), "condition": condition,
               "input": compiled.field,
               "input_label": input_label, "branch": compiled.branch, "confidence": str(crit.confidence)}
        if crit.note:
            doc["note"] = render_flag(crit.note, lang) if isinstance(crit.note, Flag) else crit.note[lang]
        see_also = compiled.spec.see_also
        if see_also is not None:
            doc["see_also"] = {"program": see_also.program,
                               "name": self.catalogue.programs[see_also.program].spec.name[lang],
                               "text": see_also.text[lang]}
        return doc

    def conditions(self, program: Program) -> dict[str, str]:
        """A program's condition texts by criterion id (for "also needs: …")."""
        key = ("conditions", program.id)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = {c.id: c.text[self.lang] for c in [*program.criteria, *program.self_check]}
        return found

    def flag_text(self, subject: str, item: Flag) -> str:
        """A flag in this language; a question named by its field (``question``, ``*_field``) is named by its label,
        as on the form."""
        named = {key: self.label(subject, value) for key, value in item.params.items()
                 if (key == "question" or key.endswith("_field")) and isinstance(value, str)}
        if named:
            item = replace(item, params={**item.params, **named})
        return render_flag(item, self.lang)

    def flag_doc(self, subject: str, item: Flag) -> dict[str, Any]:
        doc: dict[str, Any] = {"code": item.code, "text": self.flag_text(subject, item)}
        if item.confidence is not None:
            doc["confidence"] = str(item.confidence)
        if "program_id" in item.params:
            doc["program"] = item.params["program_id"]
        return doc

    def gap(self, subject: str, gap: Gap, program: Program, if_certified: bool = False) -> dict[str, Any]:
        """A near miss as a sentence; ``if_certified``: a self-check's, whose unlock is the if-certified figure."""
        lang = self.lang
        unit = gap.unit if gap.unit != "%" else "percent"

        def fmt(value: Any) -> str:
            if value is None:
                return ""
            if gap.unit == "%":
                return f"{formatting.number(value, lang)}%"
            return formatting.value(value, unit, lang)

        label = self.label(subject, gap.input)
        params: dict[str, Any] = {}
        template = ""
        if gap.direction == GapDirection.CONDITION:
            pass  # the table's own sentence says what to do
        elif gap.ratio is not None:
            ratio = gap.ratio
            spec = self.catalogue.derived[ratio.name]
            params = {"label": self.label(subject, ratio.name),
                      "current": formatting.percent(ratio.current, lang),
                      "required": formatting.percent(ratio.required, lang), "change": fmt(gap.change),
                      "input": (spec.numerator_label or {}).get(lang, label),
                      "other": (spec.denominator_label or {}).get(lang, self.label(subject, ratio.other)),
                      "other_value": formatting.value(ratio.other_value, ratio.other_unit, lang)}
            template = GAP["ratio_increase" if gap.direction == GapDirection.INCREASE else "ratio_decrease"]
        elif gap.direction in (GapDirection.WAIT, GapDirection.EXPIRED):
            params = {"label": gap.criterion_text[lang], "current": formatting.value(gap.current, gap.unit, lang),
                      "required": formatting.value(gap.required, gap.unit, lang), "on_date": gap.on_date}
            template = GAP[gap.direction]
        else:
            params = {"label": label, "current": fmt(gap.current), "required": fmt(gap.required),
                      "change": fmt(gap.change)}
            template = GAP[gap.direction]
        text = t(template, lang, **params) if template else gap.text[lang]
        if gap.unlocks is not None and gap.unlocks_status == Status.ELIGIBLE and if_certified:
            text = t(GAP["if_certified"], lang, text=text,
                     amount=formatting.money_range(gap.unlocks.low, gap.unlocks.high, lang))
        elif gap.unlocks is not None and gap.unlocks_status == Status.ELIGIBLE:
            key = "unlocks" if gap.unlocks.low == gap.unlocks.high else "unlocks_range"
            text = t(GAP[key], lang, text=text,
                     amount=formatting.money_range(gap.unlocks.low, gap.unlocks.high, lang))
        if gap.also_needs:
            names = self.conditions(program)
            others = clauses((names.get(c, c) for c in gap.also_needs), lang)
            text = t(GAP["also_needs"], lang, text=text, others=others)
        return {"criterion": gap.criterion, "input": gap.input, "input_label": label, "unit": gap.unit,
                "current": _plain(gap.current), "required": _plain(gap.required), "change": _plain(gap.change),
                "direction": str(gap.direction), "on_date": gap.on_date.isoformat() if gap.on_date else None,
                "unlocks": estimate_doc(gap.unlocks, lang) if gap.unlocks_status == Status.ELIGIBLE else None,
                "unlocks_status": str(gap.unlocks_status) if gap.unlocks_status else None,
                "also_needs": gap.also_needs, "text": text}

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

    # --- totals -----------------------------------------------------------------------------------
    def totals(self, subjects: list[SubjectResult]) -> dict[str, Any]:
        """Totals after stacking by kind of money and certainty (computed in :mod:`.totals`), as the document
        gives them: see ``docs/contract.md``."""
        lang = self.lang
        found = compute_totals(subjects)
        by_family = {family.value: {"name": gettext(FAMILY_NAMES[family], lang), **self.money_doc(values)}
                     for family, values in found.by_family.items()}
        adjustments = [{"group": adj.group, "family": str(adj.family), "kind": str(adj.kind),
                        "certainty": str(adj.certainty), "low": cents(adj.amount.low), "high": cents(adj.amount.high),
                        "text": adj.text[lang]} for adj in found.adjustments]
        return {"currency": "CNY", **self.money_doc(found.overall), "by_family": by_family,
                "adjustments": adjustments}

    def money_doc(self, values: MoneyTotals) -> dict[str, Any]:
        later, certified = values.later_years, values.if_certified
        return {"cash": self.kind_doc(values.cash), "tax_this_year": self.kind_doc(values.tax_this_year),
                "later_years": {**self.sum_doc(later, formatting.money(later.high, self.lang)),
                                "text": t(TOTAL_WORDS["later_years"], self.lang,
                                          amount=formatting.money(later.high, self.lang))},
                "if_certified": {**self.sum_doc(certified, None),
                                 "text": t(TOTAL_WORDS["if_certified"], self.lang,
                                           amount=formatting.money_range(certified.low, certified.high, self.lang))},
                "non_cash": {"programs": values.non_cash}, "obligations": {"programs": values.obligations},
                "needs_info": values.needs_info}

    def sum_doc(self, values: Sum, text: str | None) -> dict[str, Any]:
        return {"low": cents(values.low), "high": cents(values.high),
                "text": text if text is not None else formatting.money_range(values.low, values.high, self.lang),
                "programs": values.programs}

    def kind_doc(self, values: KindSum) -> dict[str, Any]:
        """One kind of money: determined and competitive ("up to") apart, and a sentence saying both."""
        lang = self.lang
        determined = self.sum_doc(values.determined, None)
        competitive = self.sum_doc(values.competitive, t(AMOUNT["up_to"], lang,
                                                         amount=formatting.money(values.competitive.high, lang)))
        parts = []
        if values.determined.programs or values.determined.high:
            parts.append(t(TOTAL_WORDS["determined"], lang, amount=determined["text"]))
        if values.competitive.programs or values.competitive.high:
            parts.append(t(TOTAL_WORDS["competitive"], lang, amount=formatting.money(values.competitive.high, lang)))
        if values.unknown_amounts:
            parts.append(t(TOTAL_WORDS["unknown"], lang, count=values.unknown_amounts))
        return {"determined": determined, "competitive": competitive, "unknown_amounts": values.unknown_amounts,
                "text": clauses(parts, lang) if parts else formatting.money(Decimal(0), lang)}

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
            "reference_revision": _plain(self.catalogue.reference_revision),
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



def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value) if value.is_finite() else None
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def to_document(catalogue: Catalogue, assessment: Assessment, lang: str = "en",
                questions: bool = True) -> dict[str, Any]:
    """The assessment as the documented JSON-ready dictionary, in ``lang`` (``zh`` or ``en``); ``questions=False``
    leaves the next questions out."""
    return Reporter(catalogue, lang).document(assessment, questions)
