"""Benefit kinds that price an amount from figures and inputs: fixed, up to, a rate of a base, by category, per
head, tiered. Each kind: its class, its parameter schema and its registry entry, side by side."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validates_schema

from calculator.engine.benefits.base import (
    UNKNOWN_FIGURE,
    ZERO,
    Benefit,
    Built,
    Context,
    KindEntry,
    ProgramChecks,
    clamp,
)
from calculator.engine.enums import BenefitKind, ReferenceKind, WhenUnknown
from calculator.engine.members import MONEY
from calculator.engine.model import BenefitOutcome, Estimate
from calculator.engine.shape_fields import (
    Choice,
    ConditionSchema,
    Strict,
    attached_flag_field,
    figure_field,
    input_field,
)
from calculator.engine.specs import (
    AmountParams,
    BaseLimit,
    BenefitSpec,
    ByCategoryParams,
    CapFromInput,
    CapParams,
    CapRemaining,
    PercentOfBaseParams,
    PerHeadParams,
    RateChoice,
    TieredParams,
)
from calculator.engine.texts import flag


# --- fixed ---------------------------------------------------------------------------------------------------
class Fixed(Benefit[AmountParams]):
    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(MONEY)
        amount = self.product(self.params.amount, ctx.day, out)
        if amount is None:
            return self.unknown_amount(out)
        out.estimate, out.cap = Estimate(amount, amount), amount
        return out


class FixedSchema(Strict):
    spec = AmountParams
    amount = figure_field(required=True)


# --- up to ---------------------------------------------------------------------------------------------------
class UpTo(Benefit[CapParams]):
    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(MONEY)
        cap = self.cap_value(self.params.cap, out, ctx)
        if cap is None:
            return self.unknown_amount(out)
        out.estimate = Estimate(ZERO, cap)
        return out


class UpToSchema(Strict):
    spec = CapParams
    cap = figure_field(required=True)


# --- a rate of a base ----------------------------------------------------------------------------------------
class PercentOfBase(Benefit[PercentOfBaseParams]):
    def __init__(self, spec: BenefitSpec, built: Built) -> None:
        super().__init__(spec, built)
        rate = self.params.rate
        self.rate_condition = None if isinstance(rate, str) or rate.by_condition is None else built.condition(
            rate.by_condition, "rate_condition", spec.text)

    def rate_refs(self, subject: Mapping[str, Any], ctx: Context, out: BenefitOutcome) -> list[str]:
        """The rate figure(s): one, or both ends of a choice nobody could make (a range, flagged)."""
        rate = self.params.rate
        if isinstance(rate, str):
            return [rate]
        answer: bool | None = None
        if self.rate_condition is not None:
            answer = self.rate_condition.holds(subject, ctx.as_of)
        question = rate.by or rate.fallback_by
        if answer is None and question is not None:
            answer = subject.get(question)
        if answer is None:
            out.flags.append(flag("range_unanswered", question=question))
            return [rate.when_false, rate.when_true]
        return [rate.when_true if answer else rate.when_false]

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        params = self.params
        out = BenefitOutcome(MONEY)
        base = self.read(params.base, subject, ctx, out)
        rate = params.rate
        rates = [self.product(rate, ctx.day, out)] if isinstance(rate, str) else [  # one figure: rate_refs' [rate]
            self.product(ref, ctx.day, out) for ref in self.rate_refs(subject, ctx, out)]
        cap = self.cap_value(params.cap, out, ctx, subject)
        floor = self.optional(params.floor, ctx.day, out)
        if None in rates or (params.cap and cap is None):
            return self.unknown_amount(out)
        if params.cap_remaining is not None:
            left = self.remaining(params.cap_remaining, subject, ctx, out)
            if left is UNKNOWN_FIGURE:
                return self.unknown_amount(out)
            if isinstance(left, Decimal):
                cap = left if cap is None else min(cap, left)
                out.cap = cap
            else:
                base = None  # what was already received is still needed
        limit = params.base_limit
        if limit is not None:
            limit_rate = self.product(limit.rate, ctx.day, out)
            limit_of = self.read(limit.of, subject, ctx, out)
            if limit_rate is None:
                return self.unknown_amount(out)
            if base is not None and limit_of is not None:
                base = min(base, limit_rate * limit_of)
            elif base is not None:
                base = None
        if base is None:
            return out
        first = rates[0]
        if len(rates) == 1 and first is not None:  # one rate (never None here: refused above), as the lists below
            amount = clamp(base * first, floor, cap)
            out.estimate = Estimate(amount, amount)
            out.details = {"base": base, "rates": rates}
            return out
        known = [r for r in rates if r is not None]
        amounts = [clamp(base * r, floor, cap) for r in known]
        out.estimate = Estimate(min(amounts), max(amounts))
        out.details = {"base": base, "rates": known}
        return out


class RateChoiceSchema(Strict):
    spec = RateChoice
    by = input_field()
    by_condition = fields.Nested(ConditionSchema)
    fallback_by = input_field()
    when_true = figure_field(required=True)
    when_false = figure_field(required=True)

    @validates_schema
    def _one_way(self, data: dict[str, Any], **kwargs: Any) -> None:
        if bool(data.get("by")) == bool(data.get("by_condition")):
            raise ValidationError("Choose the rate by a yes/no input (by) or by a condition (by_condition).", "by")
        if data.get("fallback_by") and not data.get("by_condition"):
            raise ValidationError("fallback_by goes with by_condition.", "fallback_by")


class RateRef(fields.Field[str | RateChoice]):
    """A figure name, or a choice of figures by a yes/no input or by a condition."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | RateChoice:
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            loaded: RateChoice = RateChoiceSchema().load(value)
            return loaded
        raise ValidationError("Expected a figure name or { by = ..., when_true = ..., when_false = ... }.")


class CapFromInputSchema(Strict):
    spec = CapFromInput
    input = input_field(required=True)
    default = figure_field(required=True)
    max = figure_field(required=True)
    if_unanswered = attached_flag_field()


class CapRef(fields.Field[str | CapFromInput]):
    """A figure name, or ``{ input, default, max, if_unanswered }`` (a cap the user gives, within a figure)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | CapFromInput:
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            loaded: CapFromInput = CapFromInputSchema().load(value)
            return loaded
        raise ValidationError("Expected a figure name or { input = ..., default = ..., max = ... }.")


class CapRemainingSchema(Strict):
    spec = CapRemaining
    total = figure_field(required=True)
    less = input_field(required=True)
    if_unanswered = attached_flag_field()


class BaseLimitSchema(Strict):
    spec = BaseLimit
    rate = figure_field(required=True)
    of = input_field(required=True)


class PercentOfBaseSchema(Strict):
    spec = PercentOfBaseParams
    base = input_field(required=True)
    rate = RateRef(required=True)
    cap = CapRef()
    floor = figure_field()
    base_limit = fields.Nested(BaseLimitSchema)
    cap_remaining = fields.Nested(CapRemainingSchema)


def check_rate_choice(checks: ProgramChecks, params: PercentOfBaseParams) -> None:
    rate = params.rate
    if isinstance(rate, RateChoice):
        for key in ("by", "fallback_by"):
            name = getattr(rate, key)
            if name and checks.input_type(name) != "TriState":
                checks.error(f"benefit.rate.{key}", f"'{name}' is not a yes/no/unknown input")
        if rate.by_condition is not None:
            checks.condition(rate.by_condition, "benefit.rate.by_condition")
    if isinstance(params.cap, CapFromInput) and checks.input_type(params.cap.input) not in ("Money", "Count"):
        checks.error("benefit.cap.input", f"'{params.cap.input}' is not a money or count input")


# --- by category ---------------------------------------------------------------------------------------------
class ByCategory(Benefit[ByCategoryParams]):
    def category_inputs(self) -> dict[str, set[str]]:
        return {self.params.category: set(self.params.amounts)}

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        params = self.params
        out = BenefitOutcome(MONEY)
        category = subject.get(params.category)
        amounts = params.amounts
        if category is None:
            if params.when_unknown == WhenUnknown.NEEDS_INFO:
                out.missing.append(params.category)
                return out
            values = [self.product(ref, ctx.day, out) for ref in amounts.values()]
            known = [v for v in values if v is not None]
            if len(known) < len(values):
                return self.unknown_amount(out)
            out.flags.append(flag("range_unanswered", question=params.category))
            low = ZERO if params.when_unknown == WhenUnknown.UP_TO_MAX else min(known)
            out.estimate = Estimate(low, max(known))
            out.cap = max(known)
            return out
        if category not in amounts:
            out.estimate, out.cap = Estimate(ZERO, ZERO), ZERO
            return out
        amount = self.product(amounts[category], ctx.day, out)
        if amount is None:
            return self.unknown_amount(out)
        out.estimate, out.cap = Estimate(amount, amount), amount
        return out


class ByCategorySchema(Strict):
    spec = ByCategoryParams
    category = input_field(required=True)
    amounts = fields.Dict(keys=fields.String(), values=figure_field(), required=True)
    when_unknown = Choice(WhenUnknown)


def check_categories(checks: ProgramChecks, params: ByCategoryParams) -> None:
    table = checks.code_table(params.category)
    for code in params.amounts:
        if table is not None and code not in {row.code for row in table.enum_rows}:
            checks.error(f"benefit.amounts.{code}", f"'{code}' is not a code of table '{table.name}'")


# --- per head ------------------------------------------------------------------------------------------------
class PerHead(Benefit[PerHeadParams]):
    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        params = self.params
        out = BenefitOutcome(MONEY)
        count = self.read(params.count, subject, ctx, out)
        amount = self.product(params.amount, ctx.day, out)
        cap = self.cap_value(params.cap, out, ctx)
        if amount is None or (params.cap and cap is None):
            return self.unknown_amount(out)
        if count is None:
            return out
        total = clamp(count * amount, None, cap)
        out.estimate = Estimate(total, total)
        return out


class PerHeadSchema(Strict):
    spec = PerHeadParams
    count = input_field(required=True)
    amount = figure_field(required=True)
    cap = figure_field()


# --- tiered --------------------------------------------------------------------------------------------------
class Tiered(Benefit[TieredParams]):
    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        params = self.params
        out = BenefitOutcome(MONEY)
        base = self.read(params.base, subject, ctx, out)
        cap = self.cap_value(params.cap, out, ctx)
        table = self.reference[params.table]
        version = table.version(ctx.day)
        if version is None or (params.cap and cap is None):
            out.flags.append(flag("no_figure_in_force", name=params.table))
            return self.unknown_amount(out)
        out.confidence = out.confidence.weakest(out.confidence, version.confidence)
        out.figures.append(params.table)
        if base is None:
            return out
        found = table.tax(base, ctx.day)
        amount = clamp(found[0] if found else ZERO, None, cap)
        out.estimate = Estimate(amount, amount)
        return out


class TieredSchema(Strict):
    spec = TieredParams
    base = input_field(required=True)
    table = fields.String(required=True)
    cap = figure_field()


def check_brackets(checks: ProgramChecks, params: TieredParams) -> None:
    table = checks.table(params.table)
    if table is None or table.kind != ReferenceKind.BRACKETS:
        checks.error("benefit.table", f"'{params.table}' is not a brackets reference table")


ENTRIES = (
    KindEntry(BenefitKind.FIXED, FixedSchema, Fixed, "`amount`", "the figure", figures=("amount",)),
    KindEntry(BenefitKind.UP_TO, UpToSchema, UpTo, "`cap`", "0 … cap (discretionary amounts)", figures=("cap",)),
    KindEntry(BenefitKind.PERCENT_OF_BASE, PercentOfBaseSchema, PercentOfBase,
              "`base`, `rate` (a figure; `{ by = yes/no input, when_true, when_false }`; or `{ by_condition = { field, "
              "op, value }, fallback_by = yes/no input, when_true, when_false }`), optional `cap` (a figure, or "
              "`{ input, default, max, if_unanswered = { code, text } }`), `cap_remaining = { total, less, "
              "if_unanswered }`, `floor`, `base_limit = { rate, of }`",
              "rate × base (base limited to `rate × of`), floored and capped (cap: the figure, or the input up to "
              "`max`, else `default`, flagged; `cap_remaining`: at most `total − less`, never below 0); a rate nobody "
              "can choose gives the range",
              figures=("rate", "rate.when_true", "rate.when_false", "cap", "cap.default", "cap.max", "floor",
                       "base_limit.rate", "cap_remaining.total"),
              values=("base", "rate.by", "rate.fallback_by", "base_limit.of", "cap.input", "cap_remaining.less"),
              check=check_rate_choice, flags=("cap.if_unanswered", "cap_remaining.if_unanswered"),
              conditions=("rate.by_condition",)),
    KindEntry(BenefitKind.BY_CATEGORY, ByCategorySchema, ByCategory,
              "`category` (a code input), `amounts = { code = figure }`, `when_unknown` = range / up_to_max / "
              "needs_info", "the category's figure", figures=("amounts.*",), values=("category",),
              check=check_categories),
    KindEntry(BenefitKind.PER_HEAD, PerHeadSchema, PerHead, "`count`, `amount`, optional `cap`", "count × amount",
              figures=("amount", "cap"), values=("count",)),
    KindEntry(BenefitKind.TIERED, TieredSchema, Tiered, "`base`, `table` (brackets), optional `cap`",
              "progressive amount", figures=("cap",), values=("base",), check=check_brackets),
)
