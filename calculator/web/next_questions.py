"""The next questions beside the results, and the short first step: question widgets for the page to render.

The engine ranks the questions (``questions`` and ``questions_summary`` of each subject in the assessment
document, :mod:`calculator.engine.question_report`); this module only pairs each ranked question with the form
widget that answers it (the same widget, label and hint as on the page of all questions) and says which answers
the page carries as hidden fields (every answer but the questions it asks again).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from calculator.web import forms
from schemas.profile import FIRST_STEP

OPEN = 2  # questions answered on the results page per subject; all of them are on the page of questions
TOP = "next-questions-title"  # where an item to find out that names no question opens the page of questions
# An item to find out on a card names its question by number (its place among the subject's questions), the person's
# index first on a talent page ("2.14"): a results page lists dozens of them, so each stays a few bytes.
NUMBERS = {subject: {name: str(number) for number, name in enumerate(fields)}
           for subject, fields in forms.FIELDS.items()}


@dataclass(slots=True)
class Asked:
    """One ranked question: the engine's entry (what it settles) and the widget that answers it (None for a question
    the page only counts: the document names it, by ``field`` and ``rank``, without writing it)."""

    doc: dict[str, Any]
    html_id: str
    widget: forms.Question | None

    @property
    def anchor(self) -> str:
        return f"q-{self.html_id}"


@dataclass
class Panel:
    """One subject's next questions: the company, or one person (``person`` is the index)."""

    person: int | None
    ref: str | None
    summary: str
    asked: list[Asked]

    @property
    def anchor(self) -> str:
        return "questions-company" if self.person is None else f"questions-person-{self.person}"

    @property
    def first(self) -> list[Asked]:
        return self.asked[:OPEN]

    @property
    def more(self) -> list[Asked]:
        return self.asked[OPEN:]


def widgets(subject: str, lang: str, catalogue: Any, usage: dict[str, dict[str, list[str]]], raw: dict[str, Any],
            index: int | None = None, names: frozenset[str] | None = None) -> dict[str, forms.Question]:
    """Every question of a subject (or those of ``names``) as a widget by field name, with the raw answer filled in.
    Questions asked on their own show no "Used by" list (the page says what each settles) and are never hidden by
    another answer; a list of codes is answered by its own "Answer" button, not by any button of the form that holds
    it."""
    sections = forms.build_sections(subject, lang, catalogue, usage, raw, {}, index, names)
    return {q.name: dataclasses.replace(q, programs=[], show_when=None, marker=False)
            for s in sections for q in s.questions if names is None or q.name in names}


def panels(doc: dict[str, Any], raw: dict[str, Any], lang: str, catalogue: Any,
           usage: dict[str, dict[str, list[str]]]) -> list[Panel]:
    """Per subject with questions left, the ranked questions paired with their widgets."""
    subjects: list[tuple[str, int | None, dict[str, Any], dict[str, Any]]] = []
    if doc.get("company"):
        subjects.append(("company", None, doc["company"], raw.get("company", {})))
    people_raw = raw.get("people") or []
    for person in doc.get("people") or []:
        index = person["index"]
        subjects.append(("person", index, person, people_raw[index] if index < len(people_raw) else {}))
    out = []
    for subject, index, part, answers in subjects:
        if not part.get("questions"):
            continue
        written = frozenset(q["field"] for q in part["questions"] if "text" in q)
        found = widgets(subject, lang, catalogue, usage, answers, index, written)
        head, fields = forms.prefix(subject, index), forms.FIELDS[subject]
        asked = [Asked(q, head + q["field"], found.get(q["field"])) for q in part["questions"] if q["field"] in fields]
        out.append(Panel(index, part.get("ref") if index is not None else None,
                         part["questions_summary"]["text"], asked))
    return out


def question_anchor(kind: str, number: str) -> str:
    """The anchor on the page of questions of the question an item to find out names (see ``NUMBERS``)."""
    person, _, place = number.rpartition(".")
    subject = "company" if kind == "company" else "person"
    names = list(forms.FIELDS[subject])
    if not place.isdigit() or int(place) >= len(names) or (subject == "person") != person.isdigit():
        return TOP
    return f"q-{forms.prefix(subject, int(person) if person else None)}{names[int(place)]}"


def asked_again(found: list[Panel]) -> frozenset[str]:
    """The form names of the questions the page asks (their answers travel in their widgets, not hidden)."""
    return frozenset(a.html_id for panel in found for a in panel.asked)


def first_step(sections: list[forms.Section], subject: str) -> list[forms.Section]:
    """Only the first-step questions (schemas.profile.FIRST_STEP), in their sections, without "Used by" lists."""
    out = []
    for section in sections:
        kept = [dataclasses.replace(q, programs=[]) for q in section.questions if q.name in FIRST_STEP[subject]]
        if kept:
            out.append(forms.Section(section.key, section.title, kept))
    return out
