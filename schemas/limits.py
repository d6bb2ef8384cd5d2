"""Bounds the rule tables set on profile inputs (``[[input_limits]]``), carried to every profile schema with the
allowed codes: a value outside a bound is refused with a message naming the bound and why.

The engine builds :class:`Choices` from the loaded catalogue (``catalogue.choices``); surfaces pass it to the
profile schemas as they already pass the codes, so every surface refuses the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from schemas.messages import Msg


@dataclass(frozen=True)
class InputLimit:
    """One bound on a field: ``min`` / ``max`` (either may be None) and the reason in both languages; ``percent``:
    the bounds are percentages (of a percent field); ``when_field`` / ``when_codes``: the bound holds only while
    that code answer is one of these codes (a band per case)."""

    field: str
    text: dict[str, str]
    max: Decimal | None = None
    min: Decimal | None = None
    percent: bool = False
    when_field: str | None = None
    when_codes: frozenset[str] | None = None

    def applies(self, data: dict[str, Any]) -> bool:
        return self.when_field is None or (self.when_codes is not None and data.get(self.when_field) in self.when_codes)

    def refusal(self, value: Decimal) -> Msg | None:
        """The message for ``value`` (a :class:`schemas.messages.Msg`), or None when it lies inside the bound."""
        if self.percent and self.min is not None and self.max is not None:
            if self.min <= value <= self.max:
                return None
            return Msg("outside_percent_band", min=f"{self.min.normalize():f}", max=f"{self.max.normalize():f}",
                       reason=self.text)
        if self.max is not None and value > self.max:
            return Msg("above_limit", max_amount=self.max, reason=self.text)
        if self.min is not None and value < self.min:
            return Msg("below_limit", min_amount=self.min, reason=self.text)
        return None


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
