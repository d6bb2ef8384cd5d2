"""The assessment date, the same on every surface (web forms, batch upload, API, CLI).

YYYY-MM-DD, from 1990-01-01 to 2100-12-31: the span the rule tables and the tax computations can be applied on.
A date outside it, or one that is not a date, is an error on the ``as_of`` field, never silently today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from calculator.i18n import N_, gettext, t
from schemas.messages import MESSAGES, Msg

AS_OF_MIN, AS_OF_MAX = dt.date(1990, 1, 1), dt.date(2100, 12, 31)
AS_OF_RANGE = N_("The assessment date must be between {min} and {max}.")


def parse_as_of(text: str | None, lang: str = "en") -> tuple[dt.date | None, str | None]:
    """(date, or None for today when ``text`` is empty; error message in ``lang``, or None)."""
    if not text:
        return None, None
    try:
        day = dt.date.fromisoformat(text.strip())
    except ValueError:
        return None, gettext(MESSAGES["not_date"], lang)
    if not AS_OF_MIN <= day <= AS_OF_MAX:
        return None, t(AS_OF_RANGE, lang, min=AS_OF_MIN.isoformat(), max=AS_OF_MAX.isoformat())
    return day, None


def before_founding(as_of: dt.date | None, loaded: dict[str, Any]) -> Msg | None:
    """The error on ``as_of`` when it falls before the company's founding date (a company is not assessed on a
    day it did not exist); None when there is no date to compare."""
    founded = (loaded.get("company") or {}).get("founding_date")
    if as_of is None or founded is None or as_of >= founded:
        return None
    return Msg("before_founding", as_of=as_of.isoformat(), founded=founded.isoformat())
