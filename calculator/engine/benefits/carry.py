"""A longer loss carry-forward (e.g. 10 years instead of 5 for qualified firms): no amount this year, a few items
that quote the years concerned, and the value of the longer period beside them as a ``later_years`` side figure
("up to" the window's unrelieved losses × this year's CIT rate) that no total includes."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import fields

from calculator.engine.benefits.base import ZERO, Built, Context, KindEntry, ProgramChecks
from calculator.engine.benefits.other import Items, ItemSchema, check_items, item_conditions
from calculator.engine.benefits.taxes import RegimeRates, check_regimes
from calculator.engine.enums import BenefitKind, MoneyKind, Regime, SideKind
from calculator.engine.members import NON_MONETARY
from calculator.engine.model import BenefitOutcome, Estimate, SideFigure
from calculator.engine.shape_fields import Choice, Strict, figure_field, input_field
from calculator.engine.specs import BenefitSpec, LossCarryForwardParams

PLACEHOLDERS = ("tax_year", "window_first_year", "window_last_year", "general_years", "extended_years")


class LossCarryForward(RegimeRates):
    outcome = NON_MONETARY
    params: LossCarryForwardParams

    def __init__(self, spec: BenefitSpec, built: Built) -> None:
        super().__init__(spec, built)
        self.conditions = item_conditions(self.params.items, built)
        self.items = Items(self.params.items, self.conditions)

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        params = self.params
        out = BenefitOutcome(NON_MONETARY)
        window = self.product(params.window_years, ctx.day, out)
        general = self.product(params.general_years, ctx.day, out)
        extended = self.product(params.extended_years, ctx.day, out)
        values: dict[str, Any] = {"tax_year": ctx.tax_year}
        if window is not None and general is not None and extended is not None:
            values |= {"window_first_year": ctx.tax_year - int(window), "window_last_year": ctx.tax_year - 1,
                       "general_years": int(general), "extended_years": int(extended)}
        out.items, out.confidence = self.items.show(subject, ctx, out.confidence, values)
        losses = subject.get(params.losses)
        if losses and "window_first_year" in values:
            first, last = values["window_first_year"], values["window_last_year"]
            total = sum((Decimal(amount) for year, amount in losses if first <= year <= last), ZERO)
            rates = self.regime_rates(subject, None, ctx, out)
            if total > 0 and rates:
                out.side.append(SideFigure(SideKind.LATER_YEARS, Estimate(ZERO, total * max(rates)), "loss_extension",
                                           {"loss_amount": total, "rate_ratio": max(rates), **values}))
        return out


class LossCarryForwardSchema(Strict):
    spec = LossCarryForwardParams
    items = fields.List(fields.Nested(ItemSchema), required=True)
    losses = input_field(required=True)
    window_years = figure_field(required=True)
    general_years = figure_field(required=True)
    extended_years = figure_field(required=True)
    rates = fields.Dict(keys=Choice(Regime), values=figure_field(), required=True)
    regime_programs = fields.Dict(keys=Choice(Regime, (Regime.HNTE, Regime.SMALL_LOW_PROFIT, Regime.QIANHAI)),
                                  values=fields.String(), required=True)


def check_losses(checks: ProgramChecks, params: LossCarryForwardParams) -> None:
    check_items(checks, params)
    check_regimes(checks, params)
    if checks.input_type(params.losses) != "MoneyByYear":
        checks.error("benefit.losses", f"'{params.losses}' is not a money-by-year input")
    for index, item in enumerate(params.items):
        for lang, text in item.text.items():
            for name in _placeholders(text):
                if name not in PLACEHOLDERS:
                    checks.error(f"benefit.items[{index}].text.{lang}",
                                 f"'{{{name}}}' is not one of {', '.join(PLACEHOLDERS)}")


def _placeholders(text: str) -> list[str]:
    import string

    return [name for _, name, _, _ in string.Formatter().parse(text) if name]


ENTRIES = (
    KindEntry(BenefitKind.LOSS_CARRY_FORWARD, LossCarryForwardSchema, LossCarryForward,
              "`items` (as `non_monetary`; texts may quote `{tax_year}`, `{window_first_year}`, `{window_last_year}`, "
              "`{general_years}`, `{extended_years}`), `losses` (a money-by-year input), `window_years`, "
              "`general_years`, `extended_years`, `rates`, `regime_programs` (as `rd_super_deduction`)",
              "no amount; beside it \"up to\" the window's unrelieved losses × this year's CIT rate over later years "
              "(never in a total)",
              figures=("window_years", "general_years", "extended_years", "rates.*"), values=("losses",),
              check=check_losses, conditions=("items.*.when",), money_kinds=(MoneyKind.NON_CASH,)),
)
