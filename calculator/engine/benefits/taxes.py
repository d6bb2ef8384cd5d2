"""Benefit kinds that price a tax relief: a lower CIT rate, the R&D super-deduction, the GBA IIT subsidy and the
Qianhai / Hetao IIT exemption. Each kind: its class, its parameter schema and its registry entry, side by side."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import fields

from calculator.engine import tax
from calculator.engine.benefits.base import ZERO, Benefit, Context, KindEntry, ProgramChecks, merge
from calculator.engine.enums import BenefitKind, Outcome, Regime, Status
from calculator.engine.model import BenefitOutcome, Estimate
from calculator.engine.shape_fields import Choice, Strict, figure_field, input_field
from calculator.engine.specs import (
    CitRateDifferentialParams,
    IitExcessOverShareParams,
    NoParams,
    RdSuperDeductionParams,
)
from calculator.engine.texts import flag

IIT_INPUTS = ("annual_gross_income", "special_deductions", "taxable_income", "iit_paid")
IIT_TABLES = ("iit_brackets", "iit_deductions")


# --- a lower CIT rate ----------------------------------------------------------------------------------------
class CitRateDifferential(Benefit[CitRateDifferentialParams]):
    """Saving from a lower CIT rate: ``max(0, taxable income) × (from_rate − to_rate)``."""

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind=Outcome.MONEY)
        base = self.read(self.params.base, subject, ctx, out)
        high = self.product(self.params.from_rate, ctx.day, out)
        low = self.product(self.params.to_rate, ctx.day, out)
        if high is None or low is None:
            return self.unknown_amount(out)
        if base is None:
            return out
        saving = max(ZERO, base) * (high - low)
        out.estimate = Estimate(saving, saving)
        out.details = {"taxable_income": base, "from_rate": high, "to_rate": low}
        return out


class CitRateDifferentialSchema(Strict):
    spec = CitRateDifferentialParams
    base = input_field(required=True)
    from_rate = figure_field(required=True)
    to_rate = figure_field(required=True)


# --- the R&D super-deduction ---------------------------------------------------------------------------------
class RdSuperDeduction(Benefit[RdSuperDeductionParams]):
    """Extra R&D deduction priced at the CIT rate in effect after the rate reliefs are chosen.

    The saving realised this year is limited by taxable income before the deduction (low end); the full
    saving including what carries forward is the high end.
    """

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        params = self.params
        out = BenefitOutcome(kind=Outcome.MONEY)
        expensed = self.read(params.expensed, subject, ctx, out)
        amortised = subject.get(params.amortised)
        if amortised is None:
            amortised = ZERO
            out.flags.append(flag("assumed_no_amortisation"))
        extra_rate = self.product(params.extra_rate, ctx.day, out)
        limit = self.read(params.limit, subject, ctx, out)
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
        chosen: list[Regime] = []
        possible = [Regime.STANDARD]
        for regime, program_id in self.params.regime_programs.items():
            result = ctx.resolved.get(program_id)
            if result is None:
                continue
            if result.status == Status.ELIGIBLE and result.excluded_by is None:
                chosen.append(regime)
            elif result.status == Status.NEEDS_INFO:
                possible.append(regime)
        regimes = chosen[:1] if chosen else possible
        rates = [self.product(self.params.rates[r], ctx.day, out) for r in regimes]
        known = [r for r in rates if r is not None]
        return known if len(known) == len(rates) else None


class RdSuperDeductionSchema(Strict):
    spec = RdSuperDeductionParams
    expensed = input_field(required=True)
    amortised = input_field(required=True)
    extra_rate = figure_field(required=True)
    limit = input_field(required=True)
    rates = fields.Dict(keys=Choice(Regime), values=figure_field(), required=True)
    regime_programs = fields.Dict(keys=Choice(Regime, (Regime.HNTE, Regime.SMALL_LOW_PROFIT)), values=fields.String(),
                                  required=True)


def check_regimes(checks: ProgramChecks, params: RdSuperDeductionParams) -> None:
    for regime, pid in params.regime_programs.items():
        if pid not in checks.program.depends_on:
            checks.error(f"benefit.regime_programs.{regime}", f"'{pid}' must also be listed in depends_on")


# --- the GBA IIT subsidy -------------------------------------------------------------------------------------
class IitExcessOverShare(Benefit[IitExcessOverShareParams]):
    """GBA subsidy: ``max(0, IIT paid − share × taxable income)``, capped."""

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind=Outcome.MONEY)
        share = self.product(self.params.share, ctx.day, out)
        cap = self.cap_value(self.params.cap, out, ctx)
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


class IitExcessOverShareSchema(Strict):
    spec = IitExcessOverShareParams
    share = figure_field(required=True)
    cap = figure_field(required=True)


# --- the Qianhai / Hetao IIT exemption -----------------------------------------------------------------------
class IitExcessOverHkBurden(Benefit[NoParams]):
    """Qianhai / Hetao: mainland IIT above the (estimated) Hong Kong tax burden is exempt."""

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(kind=Outcome.MONEY)
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


class NoParamsSchema(Strict):
    spec = NoParams


ENTRIES = (
    KindEntry(BenefitKind.CIT_RATE_DIFFERENTIAL, CitRateDifferentialSchema, CitRateDifferential,
              "`base`, `from_rate`, `to_rate`", "max(0, base) × (from − to)", figures=("from_rate", "to_rate"),
              values=("base",)),
    KindEntry(BenefitKind.RD_SUPER_DEDUCTION, RdSuperDeductionSchema, RdSuperDeduction,
              "`expensed`, `amortised`, `extra_rate`, `limit`, `rates = { standard, hnte, small_low_profit }`, "
              "`regime_programs = { hnte, small_low_profit }` (see `cn-rd-super-deduction.toml`)",
              "deduction × the CIT rate of the regime chosen by stacking", figures=("extra_rate", "rates.*"),
              values=("expensed", "amortised", "limit"), check=check_regimes),
    KindEntry(BenefitKind.IIT_EXCESS_OVER_SHARE, IitExcessOverShareSchema, IitExcessOverShare, "`share`, `cap`",
              "max(0, IIT − share × taxable income), capped", figures=("share", "cap"), tables=IIT_TABLES,
              inputs=IIT_INPUTS),
    KindEntry(BenefitKind.IIT_EXCESS_OVER_HK_BURDEN, NoParamsSchema, IitExcessOverHkBurden, "—",
              "max(0, mainland IIT − estimated Hong Kong salaries tax)",
              tables=(*IIT_TABLES, "hk_basic_allowance", "hk_progressive_bands", "hk_standard_rate"),
              inputs=(*IIT_INPUTS, "fx_cny_per_hkd")),
)
