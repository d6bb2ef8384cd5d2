"""Benefit formulas, one class per kind, compiled once per program; the registry of kinds.

Adding a kind: write its class, its parameter schema and its :class:`KindEntry` side by side in one of the
modules here (add it to that module's ``ENTRIES``), and name it in :class:`~calculator.engine.enums.BenefitKind`.
The table schemas, the validator, the compiler, ``describe`` and ``docs/tables.md`` all read the entry.
"""

from __future__ import annotations

from calculator.engine.benefits import amounts, carry, composite, other, quantities, taxes
from calculator.engine.benefits.base import Benefit, Built, Context, KindEntry, ProgramChecks, resolve
from calculator.engine.benefits.composite import build_rows
from calculator.engine.enums import BenefitKind
from calculator.engine.specs import BenefitSpec

REGISTRY: dict[BenefitKind, KindEntry] = {entry.kind: entry for entry in (
    *amounts.ENTRIES, *quantities.ENTRIES, *taxes.ENTRIES, *composite.ENTRIES, *other.ENTRIES, *carry.ENTRIES)}


def build(spec: BenefitSpec, built: Built) -> Benefit:  # type: ignore[type-arg]  # any kind's parameters
    """The formula object for a program's benefit."""
    return REGISTRY[spec.kind].benefit(spec, built)


def kinds_table() -> str:
    """The table of benefit kinds in ``docs/tables.md`` (a test keeps the document equal to it)."""
    lines = ["| kind | parameters | amount |", "|---|---|---|"]
    lines += [f"| `{e.kind}` | {e.parameters} | {e.amount} |" for e in REGISTRY.values()]
    return "\n".join(lines)


__all__ = ["REGISTRY", "Benefit", "Built", "Context", "KindEntry", "ProgramChecks", "build", "build_rows",
           "kinds_table", "resolve"]
