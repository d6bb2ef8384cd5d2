"""The application service: the one path from what a person gave to the answer they read.

Every surface (CLI, web pages, API, batch rows) calls it; none validates, reads the assessment date or assesses
on its own, so one profile gets one answer everywhere::

    service = service_for(catalogue)                                  # one per loaded catalogue
    checked = service.check(raw, as_of="2026-11-21", lang="zh")       # or raises InputRejected
    assessment = service.assess(checked)
    document = service.document(assessment, "zh")                     # docs/contract.md

Errors name the input at fault (``company.revenue_latest``, ``people[2].degree``, ``as_of``; ``_schema`` for the
input as a whole) with a message in the reader's language. What people may type (codes by their names, dates as
they write them, 120万…) is read by the schema fields (:mod:`schemas.fields`), with the codes and names of the
loaded reference tables; the date rules are :mod:`schemas.as_of`'s. No Flask here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from marshmallow import ValidationError

from calculator.engine import (
    Assessment,
    Catalogue,
    Detail,
    EarlierRun,
    Figure,
    assess,
    figures_of,
    move_doc,
    moves,
    to_document,
)
from calculator.i18n import lang_of
from schemas.as_of import before_founding, read_as_of
from schemas.messages import flatten_errors, render_message
from schemas.profile import AssessmentInputSchema

InputSchema = TypeVar("InputSchema", bound=AssessmentInputSchema)


@dataclass(frozen=True)
class FieldError:
    """One input at fault: its path and what is wrong, in the reader's language."""

    path: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.path, "message": self.message}


class InputRejected(Exception):
    """The input cannot be assessed: every error at once."""

    def __init__(self, errors: list[FieldError]) -> None:
        super().__init__("; ".join(f"{e.path}: {e.message}" for e in errors))
        self.errors = errors


@dataclass(frozen=True)
class Checked:
    """A validated input, ready to assess: the profile as the engine reads it (``{"company": {...} | None,
    "people": [...]}``) and the assessment date (today when none was given)."""

    profile: dict[str, Any]
    as_of: dt.date


def field_errors(messages: Any, lang: str) -> list[FieldError]:
    """marshmallow's nested messages as field errors in ``lang`` (paths such as ``people[1].identity``)."""
    return [FieldError(item["field"], item["message"]) for item in flatten_errors(messages, lang)]


def as_of_date(value: str | dt.date | None, lang: str) -> dt.date:
    """The assessment date as typed (``None`` or blank: today); raises :class:`InputRejected` on ``as_of``."""
    try:
        return read_as_of(value) or dt.date.today()
    except ValidationError as exc:
        raise InputRejected([FieldError("as_of", render_message(exc.messages[0], lang_of(lang)))]) from None


class Service:
    """Validate, date, assess and render against one loaded catalogue."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.choices = catalogue.choices
        self.names = {table: catalogue.reference[table].names for table in self.choices}
        self._schemas: dict[type, AssessmentInputSchema] = {}

    @property
    def tables_version(self) -> str:
        return self.catalogue.tables_version

    def schema(self, kind: type[InputSchema] = AssessmentInputSchema) -> InputSchema:  # type: ignore[assignment]
        """The input schema ``kind`` (the assessment input, or a surface's narrower form of it) built with this
        catalogue's codes and their names; built once and shared (loading keeps no state in the schema)."""
        found = self._schemas.get(kind)
        if found is None:
            found = self._schemas[kind] = kind(choices=self.choices, names=self.names)
        assert isinstance(found, kind)
        return found

    def check(self, data: Any, as_of: str | dt.date | None = None, lang: str = "en", *,
              kind: type[AssessmentInputSchema] = AssessmentInputSchema) -> Checked:
        """Validate raw input (a mapping as the user gave it) and the assessment date as typed. Raises
        :class:`InputRejected` with every error at once: the profile's, then the date's."""
        lang = lang_of(lang)
        errors: list[FieldError] = []
        profile = None
        try:
            profile = self.schema(kind).load(data)
        except ValidationError as exc:
            errors = field_errors(exc.messages, lang)
        try:
            day = as_of_date(as_of, lang)
        except InputRejected as exc:
            raise InputRejected(errors + exc.errors) from None
        if profile is None:
            raise InputRejected(errors)
        return self.confirm(profile, day, lang)

    def confirm(self, profile: dict[str, Any], as_of: str | dt.date | None, lang: str = "en") -> Checked:
        """The checks across the profile and the date, for a profile already loaded by :meth:`schema` (as the API
        does through flask-smorest): the date's rules, and no assessment before the company was founded."""
        lang = lang_of(lang)
        day = as_of_date(as_of, lang)
        too_early = before_founding(day, profile)
        if too_early is not None:
            raise InputRejected([FieldError("as_of", too_early.render(lang))])
        return Checked(profile, day)

    def assess(self, checked: Checked) -> Assessment:
        return assess(self.catalogue, checked.profile, checked.as_of)

    def document(self, assessment: Assessment, lang: str, detail: Detail | str = Detail.FULL,
                 questions: bool = True, written: int | None = None) -> dict[str, Any]:
        """The assessment document in ``lang`` (``docs/contract.md``), written for what the caller shows: ``detail``
        ``full`` (everything), ``card`` (a results page's cards) or ``figures`` (numbers and codes); ``questions``:
        rank the next questions (the costliest part: leave it off where they are not shown); ``written``: write only
        the first ``written`` questions of each subject whole (the others carry their field and rank). Every view
        gives the same statuses, amounts and totals."""
        return to_document(self.catalogue, assessment, lang_of(lang), questions, detail, written)

    def since(self, earlier: EarlierRun, assessment: Assessment, lang: str) -> list[dict[str, Any]]:
        """The company's programs that moved since an earlier run of the same answers (status or amount, new or
        gone), each with its cause, in ``lang`` (:mod:`calculator.engine.since`)."""
        now = figures_of(assessment.company.results) if assessment.company is not None else {}
        return self.moved(earlier, now, assessment.as_of, lang)

    def since_people(self, earlier: EarlierRun, assessment: Assessment, lang: str) -> list[list[dict[str, Any]]]:
        """Per person of the assessment (in its order), the programs that moved since the earlier run's figures of
        the person in the same place (an empty list: nothing moved)."""
        return [self.moved(earlier.person(index), figures_of(person.results), assessment.as_of, lang)
                for index, person in enumerate(assessment.people)]

    def moved(self, earlier: EarlierRun, now: dict[str, Figure], as_of: dt.date, lang: str) -> list[dict[str, Any]]:
        """One subject's programs whose figures ``now`` (assessed on ``as_of``) differ from ``earlier``'s, each with
        its cause, in ``lang`` (a person's, a batch row's: :meth:`since` is the company's)."""
        found = moves(self.catalogue, earlier, now, as_of)
        return [move_doc(self.catalogue, move, earlier, self.tables_version, as_of, lang_of(lang)) for move in found]

    def evaluate(self, data: Any, as_of: str | dt.date | None = None, lang: str = "en") -> dict[str, Any]:
        """check → assess → document in one call."""
        return self.document(self.assess(self.check(data, as_of, lang)), lang)


_SERVICES: dict[int, Service] = {}


def service_for(catalogue: Catalogue) -> Service:
    """The service of a loaded catalogue (one per catalogue: its schemas are built once)."""
    found = _SERVICES.get(id(catalogue))
    if found is None or found.catalogue is not catalogue:
        if len(_SERVICES) > 8:
            _SERVICES.clear()
        found = _SERVICES[id(catalogue)] = Service(catalogue)
    return found
