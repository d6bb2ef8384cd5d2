"""Benefit kinds without a priced amount: an unconfirmed amount (``unknown``) and permissions, obligations,
labels and information (``non_monetary``). Each kind: its class, its parameter schema and its registry entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from marshmallow import ValidationError, fields, validates_schema

from calculator.engine.benefits.base import Benefit, Built, Context, KindEntry, ProgramChecks
from calculator.engine.enums import BenefitKind, Confidence, ItemType, MoneyKind, weakest
from calculator.engine.members import CONFIRMED, NON_MONETARY, SECONDARY, UNKNOWN
from calculator.engine.model import AppliedItem, BenefitOutcome
from calculator.engine.shape_fields import (
    Choice,
    Strict,
    TableDate,
    WhenField,
    bilingual_field,
    confidence_field,
    figure_field,
    input_field,
    sources_field,
)
from calculator.engine.specs import BenefitSpec, EvaluatedPrice, ItemSpec, NonMonetaryParams, UnknownParams
from calculator.engine.texts import flag

if TYPE_CHECKING:
    from calculator.engine.criteria import CompiledWhen


class Unknown(Benefit[UnknownParams]):
    outcome = UNKNOWN

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(UNKNOWN, flags=[flag("amount_unknown")])
        out.context = [row for name in self.params.context if (row := self.figure(name, ctx.day)) is not None]
        return out


class UnknownSchema(Strict):
    spec = UnknownParams
    context = fields.List(figure_field())


def check_context(checks: ProgramChecks, params: UnknownParams) -> None:
    roles = {row.name: row.role for row in checks.program.figures}
    for index, name in enumerate(params.context):
        if roles.get(name, "missing") != "context":
            checks.error(f"benefit.context[{index}]", f"'{name}' is not a figure of this program with role = "
                         "\"context\"")


def item_conditions(items: Sequence[ItemSpec], built: Built) -> list[CompiledWhen | None]:
    """Each item's ``when``, compiled (None: always shown)."""
    return [None if item.when is None else built.condition(item.when, f"item_{index}", item.text)
            for index, item in enumerate(items)]


class ItemRow(NamedTuple):
    """One item of a benefit, worked out once from the catalogue."""

    start: dt.date | None             # in force from (None: always)
    end: dt.date | None               # in force until (None: no end)
    condition: CompiledWhen | None    # its ``when`` (None: always shown)
    weakens: bool                     # a SECONDARY item that is not advisory weakens the result's confidence
    item: ItemSpec
    met: AppliedItem                  # shown, its ``when`` met
    unknown: AppliedItem              # shown, its ``when`` unknown


class Items:
    """A benefit's items ready to show: per item its dates, its compiled ``when`` (None: always shown), whether its
    confidence weakens the result's (a SECONDARY item that is not advisory: an advisory item shows its confidence on
    itself instead) and its shown forms without quoted values (catalogue facts only), worked out once; per day, the
    items in force (and, when none has a ``when``, the list shown)."""

    __slots__ = ("days", "rows")

    def __init__(self, items: Sequence[ItemSpec], conditions: Sequence[CompiledWhen | None]) -> None:
        self.rows = [ItemRow(item.effective_from, item.effective_to, condition,
                             item.confidence == SECONDARY and item.type != ItemType.ADVISORY,
                             item, AppliedItem(item, True), AppliedItem(item, None))
                     for item, condition in zip(items, conditions, strict=True)]
        self.days: dict[dt.date, tuple[list[ItemRow], list[AppliedItem] | None, bool]] = {}

    def on(self, day: dt.date) -> tuple[list[ItemRow], list[AppliedItem] | None, bool]:
        """(the items in force on ``day``, the items shown when none has a ``when`` (else None), whether one of
        them weakens the result's confidence)."""
        found = self.days.get(day)
        if found is None:
            rows = [row for row in self.rows
                    if (row.start is None or row.start <= day) and (row.end is None or day <= row.end)]
            static = None if any(row.condition is not None for row in rows) else [row.met for row in rows]
            if len(self.days) > 512:
                self.days.clear()
            found = self.days[day] = (rows, static, any(row.weakens for row in rows))
        return found

    def show(self, subject: Mapping[str, Any], ctx: Context, confidence: Confidence,
             params: Mapping[str, Any] | None = None) -> tuple[list[AppliedItem], Confidence]:
        """The items in force on the day whose condition is not false, and the weakest confidence they add."""
        rows, static, weakens = self.days.get(ctx.day) or self.on(ctx.day)
        if static is not None and params is None:
            return list(static), weakest(confidence, SECONDARY) if weakens else confidence
        shown = []
        for _, _, condition, weak, item, met, unknown in rows:
            applies = True if condition is None else condition.holds(subject, ctx.as_of)
            if applies is False:
                continue
            if params is not None:
                shown.append(AppliedItem(item, applies, params))
            else:
                shown.append(met if applies else unknown)
            if weak:
                confidence = weakest(confidence, SECONDARY)
        return shown, confidence


class NonMonetary(Benefit[NonMonetaryParams]):
    outcome = NON_MONETARY

    def __init__(self, spec: BenefitSpec, built: Built) -> None:
        super().__init__(spec, built)
        self.conditions = item_conditions(self.params.items, built)
        self.items = Items(self.params.items, self.conditions)
        kept = [i for i, item in enumerate(self.params.items) if not quotes_price(item)]
        # without a price to quote, not the items that quote it
        self.unpriced = Items([self.params.items[i] for i in kept], [self.conditions[i] for i in kept])

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        price = self.params.evaluated_price
        values = None if price is None else evaluated_price(price, subject)
        shown = self.unpriced if values is None and price is not None else self.items
        items, confidence = shown.show(subject, ctx, CONFIRMED, values)
        return BenefitOutcome(NON_MONETARY, items=items, confidence=confidence)


class ItemSchema(Strict):
    spec = ItemSpec
    type = Choice(ItemType, required=True)
    text = bilingual_field(required=True)
    article = fields.String()
    when = WhenField()
    confidence = confidence_field()          # default: the program's; SECONDARY flags the result
    source = sources_field()
    effective_from = TableDate()             # an item that applies later (or earlier) than the program
    effective_to = TableDate()

    @validates_schema
    def _sourced(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("confidence") == SECONDARY and not data.get("source"):
            raise ValidationError("A SECONDARY item needs its source.", "source")


class EvaluatedPriceSchema(Strict):
    spec = EvaluatedPrice
    price = input_field(required=True)
    deduction = input_field(required=True)


class NonMonetarySchema(Strict):
    spec = NonMonetaryParams
    items = fields.List(fields.Nested(ItemSchema), required=True)
    evaluated_price = fields.Nested(EvaluatedPriceSchema)


def check_items(checks: ProgramChecks, params: NonMonetaryParams | Any) -> None:
    for index, item in enumerate(params.items):
        checks.sources(item.source, f"benefit.items[{index}].source")
    price = getattr(params, "evaluated_price", None)
    if price is not None:
        for key, wanted in (("price", "Money"), ("deduction", "Percent")):
            name = getattr(price, key)
            if checks.input_type(name) != wanted:
                checks.error(f"benefit.evaluated_price.{key}", f"'{name}' is not a {wanted} profile field")


PRICE_PLACEHOLDERS = ("{price_amount}", "{deduction_percent}", "{evaluated_amount}")


def quotes_price(item: ItemSpec) -> bool:
    return any(p in text for text in item.text.values() for p in PRICE_PLACEHOLDERS)


def evaluated_price(price: EvaluatedPrice | None, subject: Mapping[str, Any]) -> dict[str, Any] | None:
    """What the items quote about a price evaluated after a deduction, when both inputs are answered."""
    if price is None:
        return None
    amount, percent = subject.get(price.price), subject.get(price.deduction)
    if amount is None or percent is None:
        return None
    rate = Decimal(percent)
    evaluated = (Decimal(amount) * (1 - rate / 100)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    # the rate as given (10, 4.5), not rounded to a display precision: the same in every language
    return {"price_amount": Decimal(amount), "deduction_percent": f"{rate.normalize():f}",
            "evaluated_amount": evaluated}


ENTRIES = (
    KindEntry(BenefitKind.UNKNOWN, UnknownSchema, Unknown, "optional `context` (figures with `role = \"context\"`)",
              "amount unknown (the figure is unconfirmed); context figures are shown beside it, never computed",
              check=check_context),
    KindEntry(BenefitKind.NON_MONETARY, NonMonetarySchema, NonMonetary,
              "`items = [{ type = permission / obligation / label / information / advisory, text, article, when, "
              "confidence, source, effective_from, effective_to }]`, optional `evaluated_price = { price, "
              "deduction }` (a money and a percent input)",
              "permissions and obligations; an item's own dates limit when it shows, and a SECONDARY item flags the "
              "result (an `advisory` item shows its confidence on itself instead); with `evaluated_price`, items may "
              "quote `{price_amount}`, `{deduction_percent}` and `{evaluated_amount}` = price × (1 − deduction), no "
              "amount of the result", check=check_items,
              conditions=("items.*.when",), values=("evaluated_price.price", "evaluated_price.deduction"),
              quoted=("evaluated_price.price", "evaluated_price.deduction"),
              money_kinds=(MoneyKind.NON_CASH, MoneyKind.OBLIGATION)),
)
