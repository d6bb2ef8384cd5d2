"""Personal tax arithmetic from the reference tables: mainland IIT and the Hong Kong salaries-tax burden.

No rate, band or allowance lives here: every figure comes from ``incentive_tables/reference``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from calculator.engine.enums import Confidence
from calculator.engine.model import Flag
from calculator.engine.texts import flag

if TYPE_CHECKING:
    from calculator.engine.reference import ReferenceTable

Person = Mapping[str, Any]  # a validated person profile
Tables = Mapping[str, "ReferenceTable"]


@dataclass
class TaxFigures:
    """The outcome of a tax computation with its provenance."""

    value: Decimal | None = None
    missing: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    confidence: Confidence = Confidence.CONFIRMED
    figures: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


def mainland_iit(person: Person, day: dt.date, reference: Tables) -> tuple[TaxFigures, TaxFigures]:
    """(taxable comprehensive income, IIT) for a person in the tax year containing ``day``.

    Uses the figures the person gave; estimates what is missing from gross income, the 60,000 basic
    deduction and the bracket table, and flags every estimate.
    """
    taxable = TaxFigures()
    given = person.get("taxable_income")
    if given is not None:
        taxable.value = max(Decimal(0), Decimal(given))
    else:
        gross = person.get("annual_gross_income")
        if gross is None:
            taxable.missing.append("annual_gross_income")
        else:
            basic = reference["iit_deductions"].figure("basic_annual_deduction", day)
            if basic is None:
                taxable.flags.append(flag("no_figure_in_force", name="iit_deductions.basic_annual_deduction"))
                taxable.confidence = Confidence.UNCONFIRMED
            else:
                special = person.get("special_deductions")
                if special is None:
                    special = Decimal(0)
                    taxable.flags.append(flag("assumed_no_special_deductions"))
                taxable.value = max(Decimal(0), Decimal(gross) - basic.value - Decimal(special))
                taxable.confidence = Confidence.weakest(taxable.confidence, basic.confidence)
                taxable.figures.append(basic.name)
                taxable.flags.append(flag("taxable_income_estimated"))
    iit = TaxFigures()
    paid = person.get("iit_paid")
    if paid is not None:
        iit.value = Decimal(paid)
    elif taxable.value is None:
        iit.missing = list(taxable.missing)
    else:
        found = reference["iit_brackets"].tax(taxable.value, day)
        if found is None:
            iit.flags.append(flag("no_figure_in_force", name="iit_brackets"))
            iit.confidence = Confidence.UNCONFIRMED
        else:
            iit.value, version = found
            iit.confidence = version.confidence
            iit.figures.append("iit_brackets")
            iit.flags.append(flag("iit_estimated"))
    return taxable, iit


def hk_salaries_tax_burden(person: Person, tax_year: int, reference: Tables) -> TaxFigures:
    """Estimated Hong Kong salaries tax on the same income, in CNY (default method, flagged).

    Income converted at the user's rate; year of assessment starting in the calendar tax year; basic
    allowance only; the lower of progressive and standard-rate tax; one-off reductions excluded.
    """
    out = TaxFigures()
    gross, fx = person.get("annual_gross_income"), person.get("fx_cny_per_hkd")
    if gross is None:
        out.missing.append("annual_gross_income")
    if fx is None:
        out.missing.append("fx_cny_per_hkd")
    if gross is None or fx is None:
        return out
    ya_start = dt.date(tax_year, 4, 1)
    income_hkd = Decimal(gross) / Decimal(fx)
    allowance = reference["hk_basic_allowance"].figure("basic_allowance", ya_start)
    progressive = reference["hk_progressive_bands"].tax(income_hkd - (allowance.value if allowance else 0), ya_start)
    standard = reference["hk_standard_rate"].tax(income_hkd, ya_start)
    label = f"{tax_year}/{(tax_year + 1) % 100:02d}"
    if allowance is None or progressive is None or standard is None:
        out.flags.append(flag("hk_tables_missing", year=label))
        out.confidence = Confidence.UNCONFIRMED
        return out
    hk_tax = min(progressive[0], standard[0])
    out.value = hk_tax * Decimal(fx)
    out.confidence = Confidence.weakest(allowance.confidence, progressive[1].confidence, standard[1].confidence)
    out.figures += [allowance.name, "hk_progressive_bands", "hk_standard_rate"]
    out.flags += [flag("hk_burden_estimate", year=label), flag("hk_one_off_reductions_excluded")]
    if allowance.carried is not None:
        out.flags.append(allowance.carried)
    out.details = {"year_of_assessment": label, "income_hkd": income_hkd, "progressive_hkd": progressive[0],
                   "standard_hkd": standard[0], "hk_tax_hkd": hk_tax}
    return out
