"""Conditions (``when``) compiled for a subject: one test or several combined by ``any`` / ``all`` in three-valued
(Kleene) logic; they decide whether an item, a flag, a case or a rate applies, never a program's status."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from calculator.engine.enums import Confidence
from calculator.engine.specs import ConditionSpec, CriterionSpec, Text

if TYPE_CHECKING:
    from calculator.engine.criteria import Compiled

Subject = Mapping[str, Any]  # a validated profile: answers by field name


def combine_all(results: list[bool | None]) -> bool | None:
    """Kleene AND of True / False / None results: False wins, then unknown."""
    return False if False in results else None if None in results else True


def combine_any(results: list[bool | None]) -> bool | None:
    """Kleene OR of True / False / None results: True wins, then unknown."""
    return True if True in results else None if None in results else False


@dataclass(frozen=True, slots=True)
class WhenResult:
    """A ``when`` decided for a subject: True / False / None (unknown), and the inputs an unknown waits for."""

    result: bool | None
    missing: tuple[str, ...] = ()


class CompiledWhen:
    """A ``when`` ready to run: one test, or several combined by ``any`` / ``all`` (Kleene logic).

    ``holds(subject, as_of)``: only the result of :meth:`evaluate` (no missing inputs collected), what shows an item
    or a flag; for one test, that test's own ``decide``."""

    __slots__ = ("holds", "leaves", "mode")

    def __init__(self, mode: str, leaves: list[Compiled]) -> None:
        self.mode, self.leaves = mode, leaves
        self.holds: Callable[[Subject, dt.date], bool | None] = (
            leaves[0].decide if len(leaves) == 1 else self.combined)

    def evaluate(self, subject: Subject, as_of: dt.date) -> WhenResult:
        results = [leaf.fast(subject, as_of, None) for leaf in self.leaves]
        values = [r.result for r in results]
        combined = combine_any(values) if self.mode == "any" else combine_all(values)
        missing = tuple(name for r in results if r.result is None for name in r.missing) if combined is None else ()
        return WhenResult(combined, missing)

    def combined(self, subject: Subject, as_of: dt.date) -> bool | None:
        """:attr:`holds` for several tests."""
        values = [leaf.decide(subject, as_of, None) for leaf in self.leaves]
        return combine_any(values) if self.mode == "any" else combine_all(values)


def condition_criterion(cond: ConditionSpec, cid: str, text: Text) -> CriterionSpec:
    """A flag's or an item's ``when`` as a criterion (it only decides whether something shows)."""
    return CriterionSpec(id=cid, text=text, field=cond.field, op=cond.op, value=cond.value,
                         confidence=Confidence.CONFIRMED, source=())
