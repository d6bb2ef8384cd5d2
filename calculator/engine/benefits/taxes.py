"""Benefit kinds that price a tax relief: a lower CIT rate, the R&D super-deduction, the GBA IIT subsidy and the
Qianhai / Hetao IIT exemption. Each kind: its class, its parameter schema and its registry entry, side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from marshmallow import fields

from calculator.engine import tax
from calculator.engine.benefits.base import ZERO, Benefit, Context, KindEntry, ProgramChecks, merge
from calculator.engine.enums import BenefitKind, MoneyKind, Regime, SideKind
from calculator.engine.members import ELIGIBLE, MONEY, NEEDS_INFO
from calculator.engine.model import BenefitOutcome, Estimate, SideFigure
from calculator.engine.shape_fields import Choice, Strict, figure_field, input_field
from calculator.engine.specs import (
    CarryForwardSpec,
    CitRateDifferentialParams,
    IitExcessOverShareParams,
    LossCarryForwardParams,
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
        out = BenefitOutcome(MONEY)
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
class RegimeRates(Benefit[Any]):
    """The CIT rate(s) a company has this tax year, read from the rate-relief programs after stacking."""

    def regime_rates(self, subject: Mapping[str, Any], limit: Decimal | None, ctx: Context,
                     out: BenefitOutcome) -> list[Decimal] | None:
        """The regime stacking chose; while a regime program needs information, that regime's rate and the
        standard rate; a regime covering only part of the income (its ``partial_income`` input below the whole),
        its rate and the standard rate."""
        params = self.params
        chosen: list[Regime] = []
        possible = [Regime.STANDARD]
        for regime, program_id in params.regime_programs.items():
            result = ctx.resolved.get(program_id)
            if result is None:
                continue
            if result.status == ELIGIBLE and result.excluded_by is None:
                chosen.append(regime)
            elif result.status == NEEDS_INFO:
                possible.append(regime)
        regimes = chosen[:1] if chosen else possible
        partial: Mapping[Regime, str] = getattr(params, "partial_income", {})
        if len(regimes) == 1 and regimes[0] in partial:
            part = subject.get(partial[regimes[0]])
            if part is not None and limit is not None and Decimal(part) < limit:
                out.flags.append(flag("regime_covers_part_of_income", question=partial[regimes[0]]))
                regimes = [regimes[0], Regime.STANDARD]
        rates = [self.product(params.rates[r], ctx.day, out) for r in regimes]
        known = [r for r in rates if r is not None]
        return known if len(known) == len(rates) else None


class RdSuperDeduction(RegimeRates):
    """Extra R&D deduction priced at the CIT rate the company has this tax year (the regime chosen by stacking).

    The amount is this year's saving only: the deduction used against this year's taxable income (before the
    deduction). The rest carries forward as a loss: a ``later_years`` side figure, "up to" its value at this year's
    rate, that no total includes. A rate range appears only while a regime program still needs information.
    """

    params: RdSuperDeductionParams

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        params = self.params
        out = BenefitOutcome(MONEY)
        expensed = self.read(params.expensed, subject, ctx, out)
        amortised = subject.get(params.amortised)
        if amortised is None:
            amortised = ZERO
            out.flags.append(flag("assumed_no_amortisation"))
        extra_rate = self.product(params.extra_rate, ctx.day, out)
        limit = self.read(params.limit, subject, ctx, out)
        rates = self.regime_rates(subject, limit, ctx, out)
        if extra_rate is None or rates is None:
            return self.unknown_amount(out)
        if expensed is None:
            return out
        deduction = extra_rate * (expensed + Decimal(amortised))
        if limit is None:  # how much is usable this year is not known: anything from none to all of it
            out.estimate = Estimate(ZERO, deduction * max(rates))
            return out
        usable = min(deduction, max(ZERO, limit))
        if len(rates) > 1:
            out.flags.append(flag("rate_depends_on_regime"))
        else:
            out.flags.append(flag("priced_at_rate", rate_ratio=rates[0]))
        out.estimate = Estimate(usable * min(rates), usable * max(rates))
        carried = deduction - usable
        out.details = {"extra_deduction": deduction, "usable_this_year": usable, "carried_forward": carried,
                       "rates": rates}
        if carried > 0:
            out.flags.append(flag("carry_forward", deduction_amount=carried))
            self.later_years(carried, rates, subject, ctx, out)
        return out

    def later_years(self, carried: Decimal, rates: list[Decimal], subject: Mapping[str, Any], ctx: Context,
                    out: BenefitOutcome) -> None:
        """The carried-forward part as a side figure: up to ``carried × rate`` over the carry-forward period."""
        params: dict[str, Any] = {"deduction_amount": carried, "rate_ratio": max(rates)}
        code = "rd_carried_forward"
        rule = self.params.carry_forward
        if rule is not None:
            general = self.product(rule.years, ctx.day, out)
            longer = self.product(rule.years_qualified, ctx.day, out)
            qualified = qualification(rule.qualified_programs, rule.qualified_inputs, subject, ctx)
            if general is not None and longer is not None:
                if qualified is None:
                    code, params["years"], params["years_qualified"] = "rd_carried_forward_pending", general, longer
                else:
                    params["years"] = longer if qualified else general
        if "years" not in params:
            code = "rd_carried_forward_no_period"
        out.side.append(SideFigure(SideKind.LATER_YEARS, Estimate(ZERO, carried * max(rates)), code, params))


def qualification(programs: Sequence[str], inputs: Sequence[str], subject: Mapping[str, Any],
                  ctx: Context) -> bool | None:
    """Yes when one of the programs is eligible (stacking aside: qualifying is not the rate chosen) or one of the
    yes/no inputs is yes; unknown while any of them is open; else no."""
    states: list[bool | None] = []
    for pid in programs:
        result = ctx.resolved.get(pid)
        if result is not None:
            states.append(True if result.status == ELIGIBLE else
                          None if result.status == NEEDS_INFO else False)
    states += [subject.get(name) for name in inputs]
    return True if True in states else None if None in states else False


class CarryForwardSchema(Strict):
    spec = CarryForwardSpec
    years = figure_field(required=True)
    years_qualified = figure_field(required=True)
    qualified_programs = fields.List(fields.String())
    qualified_inputs = fields.List(input_field())


class RdSuperDeductionSchema(Strict):
    spec = RdSuperDeductionParams
    expensed = input_field(required=True)
    amortised = input_field(required=True)
    extra_rate = figure_field(required=True)
    limit = input_field(required=True)
    rates = fields.Dict(keys=Choice(Regime), values=figure_field(), required=True)
    regime_programs = fields.Dict(keys=Choice(Regime, (Regime.HNTE, Regime.SMALL_LOW_PROFIT, Regime.QIANHAI)),
                                  values=fields.String(), required=True)
    carry_forward = fields.Nested(CarryForwardSchema)
    partial_income = fields.Dict(keys=Choice(Regime), values=input_field())


def check_regimes(checks: ProgramChecks, params: RdSuperDeductionParams | LossCarryForwardParams) -> None:
    for regime, pid in params.regime_programs.items():
        if pid not in checks.program.depends_on:
            checks.error(f"benefit.regime_programs.{regime}", f"'{pid}' must also be listed in depends_on")
        if regime not in params.rates:
            checks.error(f"benefit.rates.{regime}", f"regime '{regime}' needs its rate")
    if Regime.STANDARD not in params.rates:
        checks.error("benefit.rates.standard", "the standard rate is needed (no regime chosen)")
    rule = getattr(params, "carry_forward", None)
    for pid in rule.qualified_programs if rule else ():
        if pid not in checks.program.depends_on:
            checks.error("benefit.carry_forward.qualified_programs", f"'{pid}' must also be listed in depends_on")
    for name in rule.qualified_inputs if rule else ():
        if checks.input_type(name) != "TriState":
            checks.error("benefit.carry_forward.qualified_inputs", f"'{name}' is not a yes/no/unknown input")
    for regime in getattr(params, "partial_income", {}):
        if regime not in params.regime_programs:
            checks.error(f"benefit.partial_income.{regime}", f"'{regime}' is not one of the regime programs")


# --- the GBA IIT subsidy -------------------------------------------------------------------------------------
class IitExcessOverShare(Benefit[IitExcessOverShareParams]):
    """GBA subsidy: ``max(0, IIT paid − share × taxable income)``, capped.

    Where no cap is in force for the year but ``cap_unknown_above`` is (a year whose cap was not read), the amount
    stands up to that line and is withheld (unknown, flagged) above it: the line only withholds, never grants.
    """

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(MONEY)
        share = self.product(self.params.share, ctx.day, out)
        line = None
        if self.params.cap_unknown_above and self.figure(self.params.cap, ctx.day) is None:
            row = self.figure(self.params.cap_unknown_above, ctx.day)
            line = None if row is None else row.value  # withholds only: its confidence is not the result's
        cap = None if line is not None else self.cap_value(self.params.cap, out, ctx)
        if share is None or (cap is None and line is None):
            return self.unknown_amount(out)
        taxable, iit = tax.mainland_iit(subject, ctx.day, self.reference)
        merge(out, taxable, iit)
        if taxable.value is None or iit.value is None:
            if not out.missing:
                return self.unknown_amount(out)
            return out
        subsidy = max(ZERO, iit.value - share * taxable.value)
        out.details = {"taxable_income": taxable.value, "iit": iit.value}
        if line is not None and subsidy > line:
            out.flags.append(flag("cap_not_confirmed_above", limit_amount=line))
            return self.unknown_amount(out)
        subsidy = subsidy if cap is None else min(subsidy, cap)
        out.estimate = Estimate(subsidy, subsidy)
        return out


class IitExcessOverShareSchema(Strict):
    spec = IitExcessOverShareParams
    share = figure_field(required=True)
    cap = figure_field(required=True)
    cap_unknown_above = figure_field()


# --- the Qianhai / Hetao IIT exemption -----------------------------------------------------------------------
class IitExcessOverHkBurden(Benefit[NoParams]):
    """Qianhai / Hetao: mainland IIT above the (estimated) Hong Kong tax burden is exempt."""

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(MONEY)
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


TAX = (MoneyKind.TAX_THIS_YEAR,)
ENTRIES = (
    KindEntry(BenefitKind.CIT_RATE_DIFFERENTIAL, CitRateDifferentialSchema, CitRateDifferential,
              "`base`, `from_rate`, `to_rate`", "max(0, base) × (from − to)", figures=("from_rate", "to_rate"),
              values=("base",), money_kinds=TAX),
    KindEntry(BenefitKind.RD_SUPER_DEDUCTION, RdSuperDeductionSchema, RdSuperDeduction,
              "`expensed`, `amortised`, `extra_rate`, `limit`, `rates = { standard, hnte, small_low_profit, "
              "qianhai }`, `regime_programs = { hnte, small_low_profit, qianhai }`, optional "
              "`partial_income = { regime = input }` (a regime covering only that part of `limit`: its rate and the "
              "standard rate) and "
              "`carry_forward = { years, years_qualified, qualified_programs, qualified_inputs }` "
              "(see `cn-rd-super-deduction.toml`)",
              "this year: min(deduction, max(0, limit)) × the CIT rate of the regime chosen by stacking; the rest "
              "carried forward, shown beside it as \"up to … over later years\" (never in a total)",
              figures=("extra_rate", "rates.*", "carry_forward.years", "carry_forward.years_qualified"),
              values=("expensed", "amortised", "limit", "partial_income.*"), check=check_regimes, money_kinds=TAX),
    KindEntry(BenefitKind.IIT_EXCESS_OVER_SHARE, IitExcessOverShareSchema, IitExcessOverShare,
              "`share`, `cap`, optional `cap_unknown_above`",
              "max(0, IIT − share × taxable income), capped (no cap in force: withheld above `cap_unknown_above`)",
              figures=("share", "cap", "cap_unknown_above"), tables=IIT_TABLES, inputs=IIT_INPUTS,
              money_kinds=(MoneyKind.CASH, MoneyKind.TAX_THIS_YEAR)),
    KindEntry(BenefitKind.IIT_EXCESS_OVER_HK_BURDEN, NoParamsSchema, IitExcessOverHkBurden, "—",
              "max(0, mainland IIT − estimated Hong Kong salaries tax)",
              tables=(*IIT_TABLES, "hk_basic_allowance", "hk_progressive_bands", "hk_standard_rate"),
              inputs=(*IIT_INPUTS, "fx_cny_per_hkd"), money_kinds=TAX),
)
