"""The assessment date, the same on every surface (web forms, batch upload, API, CLI), read by the application
service (:mod:`calculator.service`).

A date as people write it (:func:`schemas.fields.read_day`: 2026-11-21, 20261121, 2026/11/21, 2026年11月21日),
from 1990-01-01 to 2100-12-31: the span the rule tables and the tax computations can be applied on. A date
outside it, or one that is not a date, is an error on the ``as_of`` field, never silently today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from marshmallow import ValidationError, fields

from schemas.messages import Msg, render_message
from schemas.reading import read_day

AS_OF_MIN, AS_OF_MAX = dt.date(1990, 1, 1), dt.date(2100, 12, 31)


def read_as_of(value: str | dt.date | None) -> dt.date | None:
    """The assessment date given as typed (or already a date); None when nothing was given (today). Raises
    ``ValidationError`` with a :class:`~schemas.messages.Msg` when it is not a date or outside the span."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        value = value.date()
    day = value if isinstance(value, dt.date) else read_day(value) if isinstance(value, str) else None
    if day is None:
        raise ValidationError(Msg("not_date"))
    if not AS_OF_MIN <= day <= AS_OF_MAX:
        raise ValidationError(Msg("as_of_range", min=AS_OF_MIN.isoformat(), max=AS_OF_MAX.isoformat()))
    return day


def parse_as_of(text: str | None, lang: str = "en") -> tuple[dt.date | None, str | None]:
    """(date, or None for today when ``text`` is empty; error message in ``lang``, or None)."""
    try:
        return read_as_of(text), None
    except ValidationError as exc:
        return None, render_message(exc.messages[0], lang)


class AsOf(fields.Date):
    """The assessment date as a query parameter or form field: :func:`read_as_of`'s rules (documented as a
    date)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        day = read_as_of(value if isinstance(value, str | dt.date) else str(value))
        if day is None:
            raise ValidationError(Msg("not_date"))
        return day


def before_founding(as_of: dt.date | None, loaded: dict[str, Any]) -> Msg | None:
    """The error on ``as_of`` when it falls before the company's founding date (a company is not assessed on a
    day it did not exist); None when there is no date to compare."""
    founded = (loaded.get("company") or {}).get("founding_date")
    if as_of is None or founded is None or as_of >= founded:
        return None
    return Msg("before_founding", as_of=as_of.isoformat(), founded=founded.isoformat())
