"""How criteria, flags and near misses read in the assessment document: labels, sentences, requirement texts,
gaps. A part of :class:`calculator.engine.report.Reporter` (which sets the attributes declared here)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any, NamedTuple

from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.criteria import Compiled
from calculator.engine.enums import GapDirection, Status
from calculator.engine.model import CriterionResult, Flag, Gap
from calculator.engine.report_words import FIELDS, RESULT_CODES, estimate_doc, plain
from calculator.engine.texts import GAP, OPS, render_flag
from calculator.i18n import formatting, gettext, t
from calculator.i18n.words import clauses, field_label

MISSING_KEPT = 4096  # lists of missing-input entries kept per language and subject kind (a bound: the tables give few)


class CriterionHead(NamedTuple):
    """What a criterion's entry in the document takes from the tables alone, in one language."""

    condition: str
    label: str
    names: dict[str, dict[str, str]] | None
    input: str
    branch: str | None
    see_also: dict[str, str] | None


class CriteriaTexts:
    """Criterion sentences, flags and gaps in one language, made once per catalogue where they recur."""

    catalogue: Catalogue
    lang: str
    _sentences: dict[tuple[Any, Any, Any], str]
    _texts: dict[tuple[Any, ...], Any]
    _sentence: tuple[str, tuple[int, ...] | None]
    _results: dict[bool | None, str]

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

    def missing_entries(self, subject: str, names: list[str] | tuple[str, ...]) -> list[dict[str, str]]:
        """The entries of the inputs a result still needs (``{"field", "label"}``): the list for each set of names made
        once per language and shared by every document (read-only, as a program's advisories; input names are the
        profile's fields and the tables' figures, never an answer)."""
        if not names:
            return []
        lists = self._texts.get(("missing lists", subject))
        if lists is None:
            lists = self._texts[("missing lists", subject)] = {}
        key = tuple(names)
        found: list[dict[str, str]] | None = lists.get(key)
        if found is None:
            if len(lists) >= MISSING_KEPT:
                lists.clear()
            entries = self._texts.get(("missing", subject))
            if entries is None:
                entries = self._texts[("missing", subject)] = {}
            made: list[dict[str, str]] = []
            for name in names:
                entry = entries.get(name)
                if entry is None:
                    entry = entries[name] = {"field": name, "label": self.label(subject, name)}
                made.append(entry)
            found = lists[key] = made
        return found

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

    def criterion_head(self, subject: str, compiled: Compiled) -> CriterionHead:
        """What a criterion's entry takes from the tables alone (condition, input and its label, the names of its codes,
        branch, pointer to another program), made once per language."""
        key = ("head", subject, compiled)
        found = self._texts.get(key)
        if found is None:
            condition, label, names = self.criterion_texts(subject, compiled)
            see_also = compiled.spec.see_also
            pointer = None if see_also is None else {
                "program": see_also.program, "name": self.catalogue.programs[see_also.program].spec.name[self.lang],
                "text": see_also.text[self.lang]}
            found = self._texts[key] = CriterionHead(condition, label, names, compiled.field, compiled.branch, pointer)
        return found

    def criterion(self, subject: str, crit: CriterionResult) -> dict[str, Any]:
        """One criterion's entry. An entry whose answer is none, yes/no or a code of the tables (and without a note) is
        made once per language and shared by every document, like the program's table texts (read-only: no surface
        changes a document): its key holds table objects and values from the tables' own closed sets only, never an
        amount, date or text a person typed."""
        head = self._texts.get(("head", subject, crit.criterion)) or self.criterion_head(subject, crit.criterion)
        return self.criterion_doc(subject, head, crit)

    def criterion_doc(self, subject: str, head: CriterionHead, crit: CriterionResult) -> dict[str, Any]:
        """:meth:`criterion`, given the criterion's head."""
        value = crit.actual
        closed = crit.note is None and (value is None or value is True or value is False or (
            type(value) is str and head.names is not None and value in head.names))
        if closed:
            key = ("entry", subject, crit.criterion, crit.id, value, crit.result, crit.confidence, crit.required)
            try:
                found = self._texts.get(key)
                if found is None:
                    found = self._texts[key] = self.criterion_entry(subject, head, crit)
            except TypeError:  # a required value that cannot be a key (a list): made every time
                found = self.criterion_entry(subject, head, crit)
            return found if head.see_also is None else {**found, "see_also": dict(head.see_also)}
        doc = self.criterion_entry(subject, head, crit)
        if crit.note:
            doc["note"] = render_flag(crit.note, self.lang) if isinstance(crit.note, Flag) else crit.note[self.lang]
        if head.see_also is not None:
            doc["see_also"] = dict(head.see_also)
        return doc

    def criteria(self, subject: str, results: list[CriterionResult]) -> list[dict[str, Any]]:
        """:meth:`criterion` of each of a program's criteria, in order, in one call."""
        texts = self._texts
        return [self.criterion_doc(subject, texts.get(("head", subject, crit.criterion))
                                   or self.criterion_head(subject, crit.criterion), crit) for crit in results]

    def criterion_entry(self, subject: str, head: CriterionHead, crit: CriterionResult) -> dict[str, Any]:
        """A criterion's entry without its note and pointer."""
        actual = formatting.value(crit.actual, crit.criterion.unit, self.lang, head.names)
        return {"id": crit.id, "result": RESULT_CODES[crit.result],
                "required": self.required_text(subject, crit, head.names), "actual": actual,
                "text": self.sentence_text(head.condition, actual, crit.result), "condition": head.condition,
                "input": head.input, "input_label": head.label, "branch": head.branch,
                "confidence": str(crit.confidence)}

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
        """A flag's entry. An engine flag without parameters (most of them: secondary source, "up to", amount
        unknown) reads the same everywhere: made once per language and shared by every document (read-only)."""
        if item.params or item.text is not None:
            return self.flag_entry(subject, item)
        key = ("flag", item.code, item.confidence)
        found = self._texts.get(key)
        if found is None:
            found = self._texts[key] = self.flag_entry(subject, item)
        return found

    def flag_entry(self, subject: str, item: Flag) -> dict[str, Any]:
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
                "current": plain(gap.current), "required": plain(gap.required), "change": plain(gap.change),
                "direction": str(gap.direction), "on_date": gap.on_date.isoformat() if gap.on_date else None,
                "unlocks": estimate_doc(gap.unlocks, lang) if gap.unlocks_status == Status.ELIGIBLE else None,
                "unlocks_status": str(gap.unlocks_status) if gap.unlocks_status else None,
                "also_needs": gap.also_needs, "text": text}
