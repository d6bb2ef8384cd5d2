"""Benefit formulas, one class per kind, compiled once per program.

Every figure is read from the program's dated figures or a reference table (``table.key``) for the date
being assessed. A figure that is not in force on that date makes the amount unknown, never guessed.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from calculator.engine import tax
from calculator.engine.derived import Value
from calculator.engine.model import BenefitOutcome, Estimate, Figure, weakest
from calculator.engine.texts import flag

ZERO = Decimal(0)


@dataclass(slots=True)
class Context:
    """What a formula may look at besides the subject: dates, tables, and dependency results."""

    as_of: dt.date
    tax_year: int
    day: dt.date  # the date figures are read for (as-of, or 1 January of the tax year)
    reference: dict[str, Any]
    resolved: dict[str, Any]  # program id -> ProgramResult after stacking (dependencies only)


class Benefit(ABC):
    """Base: figure resolution and bookkeeping shared by all kinds."""

    kind = "money"

    def __init__(self, spec: dict[str, Any], figures: dict[str, list[Figure]], reference: dict[str, Any],
                 values: dict[str, Value]) -> None:
        self.spec = spec
        self.figures = figures
        self.reference = reference
        self.values = values
        self._rows: dict[tuple[str, dt.date], Figure | None] = {}

    def figure(self, ref: str, day: dt.date) -> Figure | None:
        """The row of a figure in force on ``day`` (tables are immutable once loaded, so look-ups are cached)."""
        key = (ref, day)
        try:
            return self._rows[key]
        except KeyError:
            if len(self._rows) > 4096:
                self._rows.clear()
            row = self._rows[key] = self._find(ref, day)
            return row

    def _find(self, ref: str, day: dt.date) -> Figure | None:
        if "." in ref:
            table, key = ref.split(".", 1)
            return self.reference[table].figure(key, day)
        for row in self.figures.get(ref, ()):
            if row.covers(day):
                return row
        return None

    def product(self, ref: str, day: dt.date, out: BenefitOutcome) -> Decimal | None:
        """A figure, or a product of figures written ``a*b``; records use and confidence on ``out``."""
        result = Decimal(1)
        for part in ref.split("*"):
            row = self.figure(part, day)
            if row is None:
                out.flags.append(flag("no_figure_in_force", name=part))
                return None
            self.use(out, row)
            result *= row.value
        return result

    @staticmethod
    def use(out: BenefitOutcome, row: Figure) -> None:
        out.figures.append(row.name)
        out.confidence = weakest(out.confidence, row.confidence)

    def read(self, name: str, subject: dict[str, Any], ctx: Context, out: BenefitOutcome) -> Decimal | None:
        value = self.values[name]
        raw = value.get(subject, ctx.as_of)
        if raw is None:
            out.missing.extend(n for n in value.inputs if subject.get(n) is None)
            return None
        return Decimal(raw)

    def cap_value(self, out: BenefitOutcome, ctx: Context) -> Decimal | None:
        cap_ref = self.spec.get("cap")
        if not cap_ref:
            return None
        cap = self.product(cap_ref, ctx.day, out)
        out.cap = cap
        return cap

    @abstractmethod
    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        """The outcome of this formula for one subject."""

    def unknown_amount(self, out: BenefitOutcome) -> BenefitOutcome:
        out.kind = "unknown"
        out.estimate = None
        return out


def clamp(amount: Decimal, floor: Decimal | None, cap: Decimal | None) -> Decimal:
    if floor is not None and amount > 0:
        amount = max(amount, floor)
    if cap is not None:
        amount = min(amount, cap)
    return amount


class Fixed(Benefit):
    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind="money")
        amount = self.product(self.spec["amount"], ctx.day, out)
        if amount is None:
            return self.unknown_amount(out)
        out.estimate, out.cap = Estimate(amount, amount), amount
        return out


class UpTo(Benefit):
    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind="money")
        cap = self.cap_value(out, ctx)
        if cap is None:
            return self.unknown_amount(out)
        out.estimate = Estimate(ZERO, cap)
        return out


class PercentOfBase(Benefit):
    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind="money")
        base = self.read(self.spec["base"], subject, ctx, out)
        rate = self.spec["rate"]
        if isinstance(rate, str):
            refs = [rate]
        else:
            answer = subject.get(rate["by"])
            if answer is None:
                refs = [rate["when_false"], rate["when_true"]]
                out.flags.append(flag("range_unanswered", question=rate["by"]))
            else:
                refs = [rate["when_true"] if answer else rate["when_false"]]
        rates = [self.product(ref, ctx.day, out) for ref in refs]
        cap = self.cap_value(out, ctx)
        floor = self.product(self.spec["floor"], ctx.day, out) if self.spec.get("floor") else None
        if any(r is None for r in rates) or (self.spec.get("cap") and cap is None):
            return self.unknown_amount(out)
        limit = self.spec.get("base_limit")
        if limit is not None:
            limit_rate = self.product(limit["rate"], ctx.day, out)
            limit_of = self.read(limit["of"], subject, ctx, out)
            if limit_rate is None:
                return self.unknown_amount(out)
            if base is not None and limit_of is not None:
                base = min(base, limit_rate * limit_of)
            elif base is not None:
                base = None
        if base is None:
            return out
        amounts = [clamp(base * r, floor, cap) for r in rates]
        out.estimate = Estimate(min(amounts), max(amounts))
        out.details = {"base": base, "rates": rates}
        return out


class ByCategory(Benefit):
    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind="money")
        category = subject.get(self.spec["category"])
        amounts = self.spec["amounts"]
        if category is None:
            if self.spec.get("when_unknown", "range") == "needs_info":
                out.missing.append(self.spec["category"])
                return out
            values = [self.product(ref, ctx.day, out) for ref in amounts.values()]
            if any(v is None for v in values):
                return self.unknown_amount(out)
            out.flags.append(flag("range_unanswered", question=self.spec["category"]))
            low = ZERO if self.spec.get("when_unknown") == "up_to_max" else min(values)
            out.estimate = Estimate(low, max(values))
            out.cap = max(values)
            return out
        if category not in amounts:
            out.estimate, out.cap = Estimate(ZERO, ZERO), ZERO
            return out
        amount = self.product(amounts[category], ctx.day, out)
        if amount is None:
            return self.unknown_amount(out)
        out.estimate, out.cap = Estimate(amount, amount), amount
        return out


class PerHead(Benefit):
    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind="money")
        count = self.read(self.spec["count"], subject, ctx, out)
        amount = self.product(self.spec["amount"], ctx.day, out)
        cap = self.cap_value(out, ctx)
        if amount is None or (self.spec.get("cap") and cap is None):
            return self.unknown_amount(out)
        if count is None:
            return out
        total = clamp(count * amount, None, cap)
        out.estimate = Estimate(total, total)
        return out


class Tiered(Benefit):
    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind="money")
        base = self.read(self.spec["base"], subject, ctx, out)
        cap = self.cap_value(out, ctx)
        table = self.reference[self.spec["table"]]
        version = table.version(ctx.day)
        if version is None or (self.spec.get("cap") and cap is None):
            out.flags.append(flag("no_figure_in_force", name=self.spec["table"]))
            return self.unknown_amount(out)
        out.confidence = weakest(out.confidence, version.confidence)
        out.figures.append(self.spec["table"])
        if base is None:
            return out
        amount, _ = table.tax(base, ctx.day)
        amount = clamp(amount, None, cap)
        out.estimate = Estimate(amount, amount)
        return out


class CitRateDifferential(Benefit):
    """Saving from a lower CIT rate: ``max(0, taxable income) × (from_rate − to_rate)``."""

    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind="money")
        base = self.read(self.spec["base"], subject, ctx, out)
        high = self.product(self.spec["from_rate"], ctx.day, out)
        low = self.product(self.spec["to_rate"], ctx.day, out)
        if high is None or low is None:
            return self.unknown_amount(out)
        if base is None:
            return out
        saving = max(ZERO, base) * (high - low)
        out.estimate = Estimate(saving, saving)
        out.details = {"taxable_income": base, "from_rate": high, "to_rate": low}
        return out


class RdSuperDeduction(Benefit):
    """Extra R&D deduction priced at the CIT rate in effect after the rate reliefs are chosen.

    The saving realised this year is limited by taxable income before the deduction (low end); the full
    saving including what carries forward is the high end.
    """

    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind="money")
        expensed = self.read(self.spec["expensed"], subject, ctx, out)
        amortised = subject.get(self.spec["amortised"])
        if amortised is None:
            amortised = ZERO
            out.flags.append(flag("assumed_no_amortisation"))
        extra_rate = self.product(self.spec["extra_rate"], ctx.day, out)
        limit = self.read(self.spec["limit"], subject, ctx, out)
        rates = self.regime_rates(ctx, out)
        if extra_rate is None or rates is None:
            return self.unknown_amount(out)
        if expensed is None:
            return out
        deduction = extra_rate * (expensed + Decimal(amortised))
        if limit is None:
            out.estimate = Estimate(ZERO, deduction * max(rates))
            return out
        usable = min(deduction, max(ZERO, limit))
        if usable < deduction:
            out.flags.append(flag("carry_forward", deduction_amount=deduction - usable))
        if len(rates) > 1:
            out.flags.append(flag("rate_depends_on_regime"))
        else:
            out.flags.append(flag("priced_at_rate", rate_ratio=rates[0]))
        out.estimate = Estimate(usable * min(rates), deduction * max(rates))
        out.details = {"extra_deduction": deduction, "usable_this_year": usable, "rates": rates}
        return out

    def regime_rates(self, ctx: Context, out: BenefitOutcome) -> list[Decimal] | None:
        rates_spec, programs = self.spec["rates"], self.spec["regime_programs"]
        chosen: list[str] = []
        possible = ["standard"]
        for regime, program_id in programs.items():
            result = ctx.resolved.get(program_id)
            if result is None:
                continue
            if result.status == "eligible" and result.excluded_by is None:
                chosen.append(regime)
            elif result.status == "needs_info":
                possible.append(regime)
        regimes = chosen[:1] if chosen else possible
        rates = [self.product(rates_spec[r], ctx.day, out) for r in regimes]
        if any(r is None for r in rates):
            return None
        return rates


class IitExcessOverShare(Benefit):
    """GBA subsidy: ``max(0, IIT paid − share × taxable income)``, capped."""

    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind="money")
        share = self.product(self.spec["share"], ctx.day, out)
        cap = self.cap_value(out, ctx)
        if share is None or cap is None:
            return self.unknown_amount(out)
        taxable, iit = tax.mainland_iit(subject, ctx.day, self.reference)
        merge(out, taxable, iit)
        if taxable.value is None or iit.value is None:
            if not out.missing:
                return self.unknown_amount(out)
            return out
        subsidy = min(max(ZERO, iit.value - share * taxable.value), cap)
        out.estimate = Estimate(subsidy, subsidy)
        out.details = {"taxable_income": taxable.value, "iit": iit.value}
        return out


class IitExcessOverHkBurden(Benefit):
    """Qianhai / Hetao: mainland IIT above the (estimated) Hong Kong tax burden is exempt."""

    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind="money")
        taxable, iit = tax.mainland_iit(subject, ctx.day, self.reference)
        burden = tax.hk_salaries_tax_burden(subject, ctx.tax_year, self.reference)
        merge(out, taxable, iit, burden)
        if iit.value is None or burden.value is None:
            if not out.missing:
                return self.unknown_amount(out)
            return out
        exemption = max(ZERO, iit.value - burden.value)
        out.estimate = Estimate(exemption, exemption)
        out.details = {"iit": iit.value, "hk_burden": burden.value, **burden.details}
        return out


class Unknown(Benefit):
    kind = "unknown"

    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        return BenefitOutcome(kind="unknown", flags=[flag("amount_unknown")])


class NonMonetary(Benefit):
    kind = "non_monetary"

    def __init__(self, *args: Any, conditions: list[Any] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.conditions = conditions or [None] * len(self.spec["items"])

    def compute(self, subject: dict[str, Any], ctx: Context) -> BenefitOutcome:
        items = []
        confidence = "CONFIRMED"
        for item, condition in zip(self.spec["items"], self.conditions, strict=True):
            start, end = item.get("effective_from"), item.get("effective_to")
            if (start is not None and ctx.day < start) or (end is not None and ctx.day > end):
                continue
            applies: bool | None = True
            if condition is not None:
                applies = condition.evaluate(subject, ctx.as_of).result
            if applies is not False:
                items.append({**item, "applies": applies})
                if item.get("confidence") and item["confidence"] != "UNCONFIRMED":
                    confidence = weakest(confidence, item["confidence"])
        return BenefitOutcome(kind="non_monetary", items=items, confidence=confidence)


def merge(out: BenefitOutcome, *parts: tax.TaxFigures) -> None:
    for part in parts:
        for name in part.missing:
            if name not in out.missing:
                out.missing.append(name)
        out.flags.extend(part.flags)
        out.figures.extend(part.figures)
        out.confidence = weakest(out.confidence, part.confidence)


KINDS: dict[str, type[Benefit]] = {
    "fixed": Fixed,
    "up_to": UpTo,
    "percent_of_base": PercentOfBase,
    "by_category": ByCategory,
    "per_head": PerHead,
    "tiered": Tiered,
    "cit_rate_differential": CitRateDifferential,
    "rd_super_deduction": RdSuperDeduction,
    "iit_excess_over_share": IitExcessOverShare,
    "iit_excess_over_hk_burden": IitExcessOverHkBurden,
    "unknown": Unknown,
    "non_monetary": NonMonetary,
}
