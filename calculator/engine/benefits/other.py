"""Benefit kinds without a priced amount: an unconfirmed amount (``unknown``) and permissions, obligations,
labels and information (``non_monetary``). Each kind: its class, its parameter schema and its registry entry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from marshmallow import ValidationError, fields, validates_schema

from calculator.engine.benefits.base import Benefit, Built, Context, KindEntry, ProgramChecks
from calculator.engine.enums import BenefitKind, Confidence, ItemType, MoneyKind, Outcome
from calculator.engine.model import AppliedItem, BenefitOutcome
from calculator.engine.shape_fields import (
    Choice,
    Strict,
    TableDate,
    WhenField,
    bilingual_field,
    confidence_field,
    figure_field,
    sources_field,
)
from calculator.engine.specs import BenefitSpec, ItemSpec, NonMonetaryParams, UnknownParams
from calculator.engine.texts import flag

if TYPE_CHECKING:
    from calculator.engine.criteria import CompiledWhen


class Unknown(Benefit[UnknownParams]):
    outcome = Outcome.UNKNOWN

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind=Outcome.UNKNOWN, flags=[flag("amount_unknown")])
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


def show_items(items: Sequence[ItemSpec], conditions: Sequence[CompiledWhen | None], subject: Mapping[str, Any],
               ctx: Context, confidence: Confidence,
               params: Mapping[str, Any] | None = None) -> tuple[list[AppliedItem], Confidence]:
    """The items in force on the day whose condition is not false, and the weakest confidence they add."""
    shown = []
    for item, condition in zip(items, conditions, strict=True):
        start, end = item.effective_from, item.effective_to
        if (start is not None and ctx.day < start) or (end is not None and ctx.day > end):
            continue
        applies: bool | None = True
        if condition is not None:
            applies = condition.evaluate(subject, ctx.as_of).result
        if applies is not False:
            shown.append(AppliedItem(item, applies, params))
            advisory = item.type == ItemType.ADVISORY  # its confidence is shown on it, never on the result
            if item.confidence and item.confidence != Confidence.UNCONFIRMED and not advisory:
                confidence = Confidence.weakest(confidence, item.confidence)
    return shown, confidence


class NonMonetary(Benefit[NonMonetaryParams]):
    outcome = Outcome.NON_MONETARY

    def __init__(self, spec: BenefitSpec, built: Built) -> None:
        super().__init__(spec, built)
        self.conditions = item_conditions(self.params.items, built)

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        items, confidence = show_items(self.params.items, self.conditions, subject, ctx, Confidence.CONFIRMED)
        return BenefitOutcome(kind=Outcome.NON_MONETARY, items=items, confidence=confidence)


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
        if data.get("confidence") == Confidence.SECONDARY and not data.get("source"):
            raise ValidationError("A SECONDARY item needs its source.", "source")


class NonMonetarySchema(Strict):
    spec = NonMonetaryParams
    items = fields.List(fields.Nested(ItemSchema), required=True)


def check_items(checks: ProgramChecks, params: NonMonetaryParams | Any) -> None:
    for index, item in enumerate(params.items):
        checks.sources(item.source, f"benefit.items[{index}].source")


ENTRIES = (
    KindEntry(BenefitKind.UNKNOWN, UnknownSchema, Unknown, "optional `context` (figures with `role = \"context\"`)",
              "amount unknown (the figure is unconfirmed); context figures are shown beside it, never computed",
              check=check_context),
    KindEntry(BenefitKind.NON_MONETARY, NonMonetarySchema, NonMonetary,
              "`items = [{ type = permission / obligation / label / information / advisory, text, article, when, "
              "confidence, source, effective_from, effective_to }]`",
              "permissions and obligations; an item's own dates limit when it shows, and a SECONDARY item flags the "
              "result (an `advisory` item shows its confidence on itself instead)", check=check_items,
              conditions=("items.*.when",), money_kinds=(MoneyKind.NON_CASH, MoneyKind.OBLIGATION)),
)
