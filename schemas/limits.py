"""Bounds the rule tables set on profile inputs (``[[input_limits]]``), carried to every profile schema with the
allowed codes: a value outside a bound is refused with a message naming the bound and why.

The engine builds :class:`Choices` from the loaded catalogue (``catalogue.choices``); surfaces pass it to the
profile schemas as they already pass the codes, so every surface refuses the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class InputLimit:
    """One bound on a field: ``min`` / ``max`` (either may be None) and the reason in both languages."""

    field: str
    text: dict[str, str]
    max: Decimal | None = None
    min: Decimal | None = None


class Choices(dict[str, set[str]]):
    """Allowed codes per enum table (a plain mapping), plus ``limits``: per subject (``company`` / ``person``) and
    field, the bounds the rule tables set."""

    def __init__(self, codes: dict[str, set[str]] | None = None, *,
                 limits: dict[str, dict[str, list[InputLimit]]] | None = None) -> None:
        super().__init__(codes or {})
        self.limits = limits or {}


def limits_of(choices: Any, subject: str) -> dict[str, list[InputLimit]]:
    """The bounds for one subject's fields (none when the choices carry no limits)."""
    found: dict[str, list[InputLimit]] = getattr(choices, "limits", {}).get(subject, {})
    return found
