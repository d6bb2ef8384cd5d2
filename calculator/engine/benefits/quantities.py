"""Benefit kinds that price quantities and bands: a rate times several inputs (``rate_times_quantities``, e.g.
CNY per m² per month × m² × months) and a value looked up by band (``band_lookup``). Each kind: its class, its
parameter schema and its registry entry, side by side."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from calculator.engine.benefits.base import ZERO, Benefit, Context, KindEntry, ProgramChecks, clamp
from calculator.engine.enums import BenefitKind, ReferenceKind, weakest
from calculator.engine.members import MONEY, UNKNOWN
from calculator.engine.model import BenefitOutcome, Estimate
from calculator.engine.shape_fields import Strict, figure_field, input_field
from calculator.engine.specs import (
    BandLookupParams,
    BandRow,
    ByCategoryFigures,
    QuantityLimit,
    RateTimesQuantitiesParams,
)
from calculator.engine.texts import flag


# --- a rate times quantities -----------------------------------------------------------------------------------
class RateTimesQuantities(Benefit[RateTimesQuantitiesParams]):
    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        params = self.params
        out = BenefitOutcome(MONEY)
        rate = self.product(params.rate, ctx.day, out)
        cap = self.cap_value(params.cap, out, ctx)
        limit = params.quantity_limit
        total = self.product(limit.total, ctx.day, out) if limit else None
        if rate is None or (params.cap and cap is None) or (limit and total is None):
            return self.unknown_amount(out)
        quantities = {name: self.read(name, subject, ctx, out) for name in params.quantities}
        less = None
        if limit is not None:
            less = subject.get(limit.less)
            if less is None:
                out.missing.append(limit.less)
        if any(q is None for q in quantities.values()) or (limit is not None and less is None):
            return out
        counted = dict(quantities)
        if limit is not None and total is not None and less is not None:
            counted[limit.quantity] = min(quantities[limit.quantity] or ZERO, max(ZERO, total - Decimal(less)))
        amount = rate
        for value in counted.values():
            amount *= value or ZERO
        amount = clamp(amount, None, cap)
        out.estimate = Estimate(amount, amount)
        out.details = {"rate": rate, "quantities": quantities, "counted": counted}
        return out


class QuantityLimitSchema(Strict):
    spec = QuantityLimit
    quantity = input_field(required=True)
    total = figure_field(required=True)
    less = input_field(required=True)


class RateTimesQuantitiesSchema(Strict):
    spec = RateTimesQuantitiesParams
    quantities = fields.List(input_field(), required=True, validate=validate.Length(min=1))
    rate = figure_field(required=True)
    cap = figure_field()
    quantity_limit = fields.Nested(QuantityLimitSchema)


NUMBERS = ("Money", "Count", "Area", "Percent", "Ratio")


def check_quantities(checks: ProgramChecks, params: RateTimesQuantitiesParams) -> None:
    for index, name in enumerate(params.quantities):
        if checks.input_type(name) not in NUMBERS:
            checks.error(f"benefit.quantities[{index}]", f"'{name}' is not a numeric input")
    limit = params.quantity_limit
    if limit is not None and limit.quantity not in params.quantities:
        checks.error("benefit.quantity_limit.quantity", f"'{limit.quantity}' is not one of the quantities")


# --- a value looked up by band ---------------------------------------------------------------------------------
class BandLookup(Benefit[BandLookupParams]):
    """``min(multiplier × the band value of key, cap)``; multiplier and cap may be chosen by a code input."""

    def category_inputs(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for choice in (self.params.multiplier, self.params.cap):
            if isinstance(choice, ByCategoryFigures):
                out.setdefault(choice.category, set()).update(choice.values)
        return out

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(MONEY)
        open_inputs = [name for name in self.category_inputs() if subject.get(name) is None]
        if open_inputs:  # an unanswered category: the range across its codes
            codes = sorted(self.category_inputs()[open_inputs[0]])
            found = [self.compute({**subject, open_inputs[0]: code}, ctx) for code in codes]
            for item in found:
                out.missing += [m for m in item.missing if m not in out.missing]
                out.figures += item.figures
                out.confidence = weakest(out.confidence, item.confidence)
            if any(item.kind == UNKNOWN for item in found):
                return self.unknown_amount(out)
            known = [item.estimate for item in found if item.estimate is not None]
            if len(known) == len(found):
                out.estimate = Estimate(min(e.low for e in known), max(e.high for e in known))
            out.flags.append(flag("range_unanswered", question=open_inputs[0]))
            return out
        return self.one(subject, ctx, out)

    def one(self, subject: Mapping[str, Any], ctx: Context, out: BenefitOutcome) -> BenefitOutcome:
        params = self.params
        table = self.reference[params.table]
        version = table.version(ctx.day)
        multiplier = self.by_category(params.multiplier, subject, ctx, out, default=Decimal(1))
        cap = self.by_category(params.cap, subject, ctx, out, default=None)
        if version is None or multiplier is UNKNOWN_CHOICE or cap is UNKNOWN_CHOICE:
            if version is None:
                out.flags.append(flag("no_figure_in_force", name=params.table))
            return self.unknown_amount(out)
        out.confidence = weakest(out.confidence, version.confidence)
        out.figures.append(params.table)
        if multiplier is None:  # the category's code names no figure: this part gives nothing
            out.estimate = Estimate(ZERO, ZERO)
            return out
        assert isinstance(multiplier, Decimal) and (cap is None or isinstance(cap, Decimal))
        key = self.read(params.key, subject, ctx, out)
        values = [row.value for row in version.rows if isinstance(row, BandRow)]
        if key is None:
            high = clamp(multiplier * max(values, default=ZERO), None, cap)
            out.estimate = Estimate(ZERO, high)
            return out
        found = band_values(version.rows, key, params.edge == "lower_value")
        if len(found) > 1:
            out.flags.append(flag("band_edge_lower_band_used", key_amount=key))
        base = min(found) if found else ZERO
        amount = clamp(multiplier * base, None, cap)
        out.estimate = Estimate(amount, amount)
        out.details = {"band_value": base, "multiplier": multiplier}
        return out

    def by_category(self, choice: str | ByCategoryFigures | None, subject: Mapping[str, Any], ctx: Context,
                    out: BenefitOutcome, default: Decimal | None) -> Decimal | object | None:
        """A figure, or the figure the category's code names (None: the code names none); a figure not in force
        gives :data:`UNKNOWN_CHOICE`."""
        if choice is None:
            return default
        ref = choice if isinstance(choice, str) else choice.values.get(str(subject.get(choice.category)))
        if ref is None:
            return None
        value = self.product(ref, ctx.day, out)
        return UNKNOWN_CHOICE if value is None else value


UNKNOWN_CHOICE = object()


def band_values(rows: tuple[Any, ...], key: Decimal, lower_at_edge: bool) -> list[Decimal]:
    """The value of the band holding ``key`` (``above`` exclusive, ``upto`` inclusive); exactly on an edge with
    ``lower_at_edge``, the values of both neighbouring bands (the caller takes the smaller)."""
    bands = [row for row in rows if isinstance(row, BandRow)]
    if lower_at_edge:
        edge = [row.value for row in bands if key in (row.upto, row.above)]
        if len(edge) > 1:
            return edge
    return [row.value for row in bands
            if (row.above is None or key > row.above) and (row.upto is None or key <= row.upto)][:1]


class FiguresByCategory(fields.Field[str | ByCategoryFigures]):
    """A figure name, or ``{ category = code input, values = { code = figure } }``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | ByCategoryFigures:
        if isinstance(value, str):
            return value
        if (isinstance(value, dict) and set(value) == {"category", "values"} and isinstance(value["category"], str)
                and isinstance(value["values"], dict) and all(isinstance(v, str) for v in value["values"].values())):
            return ByCategoryFigures(category=value["category"], values=dict(value["values"]))
        raise ValidationError("Expected a figure name or { category = \"input\", values = { code = \"figure\" } }.")


class BandLookupSchema(Strict):
    spec = BandLookupParams
    table = fields.String(required=True)
    key = input_field(required=True)
    edge = fields.String(validate=validate.OneOf(("band", "lower_value")))
    multiplier = FiguresByCategory()
    cap = FiguresByCategory()


def check_bands(checks: ProgramChecks, params: BandLookupParams) -> None:
    table = checks.table(params.table)
    if table is None or table.kind != ReferenceKind.BANDS:
        checks.error("benefit.table", f"'{params.table}' is not a bands reference table")
        return
    for name, choice in (("multiplier", params.multiplier), ("cap", params.cap)):
        if not isinstance(choice, ByCategoryFigures):
            continue
        codes = checks.code_table(choice.category)
        if codes is None:
            checks.error(f"benefit.{name}.category", f"'{choice.category}' is not a code input")
            continue
        for code in choice.values:
            if code not in {row.code for row in codes.enum_rows}:
                checks.error(f"benefit.{name}.values.{code}", f"'{code}' is not a code of table '{codes.name}'")
    if params.edge == "lower_value":
        for version in table.versions:
            values = [row.value for row in sorted((r for r in version.rows if isinstance(r, BandRow)),
                                                  key=lambda r: r.above if r.above is not None else Decimal("-1"))]
            if values != sorted(values):
                checks.error("benefit.edge", "edge = \"lower_value\" needs band values that never fall as the key "
                             "rises (else the lower band and the lower value differ: say which the policy means)")


ENTRIES = (
    KindEntry(BenefitKind.RATE_TIMES_QUANTITIES, RateTimesQuantitiesSchema, RateTimesQuantities,
              "`quantities` (numeric inputs), `rate`, optional `cap`, `quantity_limit = { quantity, total, less }`",
              "rate × the quantities (one limited to `total − less`), capped", figures=("rate", "cap",
                                                                                        "quantity_limit.total"),
              values=("quantities.*", "quantity_limit.less"), check=check_quantities),
    KindEntry(BenefitKind.BAND_LOOKUP, BandLookupSchema, BandLookup,
              "`table` (bands), `key` (input), `edge` = band / lower_value, optional `multiplier` and `cap` (a figure, "
              "or `{ category = code input, values = { code = figure } }`)",
              "multiplier × the band's value, capped; exactly on a band edge with `lower_value`: the lower of the two "
              "neighbouring bands, flagged", figures=("multiplier", "multiplier.values.*", "cap", "cap.values.*"),
              values=("key", "multiplier.category", "cap.category"), check=check_bands),
)
