"""Every sentence the engine writes itself, as English message ids (policy texts live in the rule tables).

The Chinese is in the catalogue of :mod:`calculator.i18n`; codes (flags, statuses, operators) stay the keys.
Templates take parameters by name; names ending in ``amount`` are money, ``date`` dates, ``ratio``
percentages; they are formatted for the reader's language when rendered (:func:`calculator.i18n.fill`).
"""

from __future__ import annotations

from typing import Any

from calculator.engine.model import Flag
from calculator.i18n import N_, fill, t

FLAGS: dict[str, str] = {
    "secondary_source": N_("Not yet checked against the official text."),
    "unconfirmed_basis": N_("This result rests on a fact no citable source confirms (used only to withhold, never to grant). Check the official text."),
    "amount_unknown": N_("Amount unknown: the figure is not confirmed in any citable source. Check the official text."),
    "may_have_expired": N_("These measures were valid for {years} years from {start_date}; they may have expired or been replaced after {end_date}."),
    "competitive_up_to": N_("Competitive or budget-limited: the amount is a ceiling (\"up to\"), not a promise."),
    "range_unanswered": N_("Shown as a range because \"{question}\" was not answered."),
    "projects_priced": N_("{count} projects priced one by one, together up to {total_amount}, within the "
                          "per-applicant annual cap of {cap_amount}."),
    "project_cap_binds": N_("{count} projects priced one by one come to up to {total_amount}: the per-applicant "
                            "annual cap of {cap_amount} binds, so at most {cap_amount} is counted."),
    "no_figure_in_force": N_("No confirmed figure {name} is in force for this date: amount unknown."),
    "assumed_no_special_deductions": N_("Assumes no deductions besides the 60,000 basic deduction; give them for a closer estimate."),
    "taxable_income_estimated": N_("Taxable income estimated from gross income."),
    "iit_estimated": N_("IIT estimated from the bracket table (not the tax actually paid)."),
    "hk_tables_missing": N_("Hong Kong tax tables for year of assessment {year} are not confirmed: amount unknown."),
    "hk_burden_estimate": N_("Estimate: Hong Kong salaries tax for {year} on the same income at your exchange rate, basic allowance only, lower of progressive and standard rate. The official method is not confirmed."),
    "hk_one_off_reductions_excluded": N_("Hong Kong one-off tax reductions are left out (gives the smaller, safer exemption)."),
    "carry_forward": N_("Taxable income covers only part of the extra deduction this year: {deduction_amount} of deduction carries forward as a loss. Its value is shown separately, for later years, and is not part of this year's saving."),
    "assumed_no_amortisation": N_("Assumes no amortisation of R&D intangible assets this year."),
    "rate_depends_on_regime": N_("The tax rate the deduction saves at depends on programs still needing information (high-tech or small low-profit status): shown as a range."),
    "priced_at_rate": N_("Priced at the {rate_ratio} corporate income tax rate that applies with the reliefs chosen."),
    "exclusive_pending": N_("If eligible, only one of these may be taken in the same period: {others}."),
    "stacking_tie": N_("Worth the same as {kept}: only one of them applies, and {kept} is the one counted."),
    "combined_support_limited": N_("Combined support with {others} may be limited; the total counts no more than {limit_amount}."),
    "evaluation_failed": N_("This program could not be evaluated ({error}); other results are unaffected. Please report it."),
    "regime_covers_part_of_income": N_("The reduced rate applies only to the part of taxable income in \"{question}\": the deduction is priced between that rate and the standard rate."),
    "combined_support_unknown": N_("Combined support with {others} may be limited; this amount is unknown, so the limit cannot be applied to it."),
    "combined_limit_floor": N_("The combined limit ({limit_amount}) is below a single program's own amount: the combined line keeps the largest single amount and cuts the others (which amount the limit binds is not stated)."),
    "band_edge_lower_band_used": N_("Exactly on a band edge ({key_amount}): the source does not say which band applies; the lower one is used."),
    "no_case_applies": N_("None of the cases of this benefit applies to the answers given: amount unknown."),
    "cap_not_confirmed_above": N_("The cap for this tax year was not read: the formula gives more than {limit_amount}, so the amount is shown as unknown."),
    # Certificate coverage by tax year (a criterion's note; also a flag while it leaves the result open).
    "certificate_covers": N_("The certificate issued on {issue_date} covers tax years {cert_year}–{last_year}, so tax year {tax_year}."),
    "certificate_expiry_year_pending": N_("Tax year {tax_year} is the expiry year of the certificate issued on {issue_date} (it lapses on {lapse_date}): covered only if re-certified by 31 December {tax_year}. The reduced rate may be prepaid meanwhile; without re-certification the difference is repaid."),
    "certificate_expired": N_("Re-certification needed: the certificate issued on {issue_date} lapsed on {lapse_date}. It covers tax years {cert_year}–{last_year} (and its expiry year {expiry_year} only if renewed within it); no certificate covers tax year {tax_year}."),
    "certificate_earlier_unknown": N_("The most recent certificate was issued in {cert_year}, after tax year {tax_year}: an earlier certificate may cover that year. Give its issue date, or say there was none."),
    "certificate_none_earlier": N_("The certificate issued in {cert_year} starts after tax year {tax_year}, and there was no earlier certificate."),
    "certificate_older_not_modelled": N_("Both certificates given start after tax year {tax_year}: an older one may cover it (this calculator looks at two certificates at most)."),
}

# Figures beside a result that no amount and no total includes (model.SideFigure codes).
SIDE: dict[str, str] = {
    "rd_carried_forward": N_("Up to {amount} over later years (loss carried forward): {deduction_amount} of the extra deduction is more than this year's taxable income and can be offset against profits of the next {years} years. Priced at this year's {rate_ratio} rate; later years' rate may differ. Not in any total."),
    "rd_carried_forward_pending": N_("Up to {amount} over later years (loss carried forward): {deduction_amount} of the extra deduction is more than this year's taxable income and can be offset against profits of the next {years} years ({years_qualified} if the company is a high-tech or technology-based SME this year). Priced at this year's {rate_ratio} rate; later years' rate may differ. Not in any total."),
    "rd_carried_forward_no_period": N_("Up to {amount} over later years (loss carried forward): {deduction_amount} of the extra deduction is more than this year's taxable income. Priced at this year's {rate_ratio} rate; later years' rate may differ. Not in any total."),
    "loss_extension": N_("Up to {amount} over later years: unrelieved losses of {window_first_year}–{window_last_year} ({loss_amount}) can be offset for {extended_years} years instead of {general_years}, if later profits allow. Priced at this year's {rate_ratio} rate; later years' rate may differ. Not in any total."),
    "if_certified": N_("If certified: about {amount} a year (conditional; not in any amount or total)."),
}
SIDE_KINDS = {
    "later_years": N_("Later years (not added)"),
    "if_certified": N_("If certified (not added)"),
}
SELF_CHECK_OUTCOMES = {
    "likely_to_qualify": N_("Likely to qualify for recognition"),
    "not_yet": N_("Not yet"),
    "needs_info": N_("Needs information"),
}
MONEY_KINDS = {
    "cash": N_("Cash"),
    "tax_this_year": N_("Tax saved this year"),
    "tax_later_years": N_("Tax value in later years"),
    "non_cash": N_("Non-cash"),
    "obligation": N_("Obligation"),
}

ITEM_TYPES = {
    "permission": N_("Permission"),
    "obligation": N_("Obligation"),
    "label": N_("Recognition"),
    "information": N_("Information"),
    "advisory": N_("Advisory"),
}

CONFIDENCE = {
    "CONFIRMED": N_("Confirmed"),
    "SECONDARY": N_("Secondary source"),
    "UNCONFIRMED": N_("Unconfirmed"),
}

STATUS = {
    "eligible": N_("Likely eligible"),
    "needs_info": N_("Needs information"),
    "not_eligible": N_("Not eligible on the answers given"),
    "not_in_force": N_("Not in force"),
}

RESULT: dict[bool | None, str] = {
    True: N_("met"),
    False: N_("not met"),
    None: N_("unknown"),
}

OPS = {
    "eq": N_("is {value}"),
    "ne": N_("is not {value}"),
    "gt": N_("more than {value}"),
    "ge": N_("at least {value}"),
    "lt": N_("less than {value}"),
    "le": N_("at most {value}"),
    "between": N_("between {value}"),
    "in": N_("one of: {value}"),
    "not_in": N_("not one of: {value}"),
    "is_true": N_("yes"),
    "is_false": N_("no"),
    "contains": N_("includes {value}"),
    "not_contains": N_("does not include {value}"),
    "is_known": N_("answered"),
}

NOT_IN_FORCE = {
    "before_start": N_("Not yet in force on {as_of_date}: applies from {start_date}."),
    "after_end": N_("No longer in force on {as_of_date}: ended {end_date}. Check whether it has been extended beyond {end_date}."),
    "tax_year_before": N_("Tax year {tax_year} is before this rule applies (from {start_date})."),
    "tax_year_after": N_("Tax year {tax_year} is after this rule ends ({end_date}). Check whether it has been extended beyond {end_date}."),
    "cohort_closed": N_("{text} ({field}: {value_date}; closed from {start_date}.)"),
}

# A near miss as a sentence; ``unlocks``, ``unlocks_range`` and ``also_needs`` extend a sentence ``{text}``.
GAP = {
    "increase": N_("{label}: {current}, needs {required}: {change} more."),
    "decrease": N_("{label}: {current}, needs {required}: {change} less."),
    "wait": N_("{label}: {current}, needs {required}: met from {on_date}."),
    "expired": N_("{label}: {current}, needs {required}: lapsed on {on_date}; renewal would restore it."),
    "ratio_increase": N_("{label}: {current}, needs {required}: about {change} more {input} at the current {other} of {other_value}."),
    "ratio_decrease": N_("{label}: {current}, needs {required}: about {change} less {input} at the current {other} of {other_value}."),
    "unlocks": N_("{text} Unlocks about {amount} a year."),
    "unlocks_range": N_("{text} Unlocks about {amount}."),
    "also_needs": N_("{text} Also needs: {others}."),
    "if_certified": N_("{text} Recognition would then look likely; if certified, about {amount} a year (not in any total)."),
}

WINDOW = {
    "open": N_("Open now: {opens_date} to {closes_date}."),
    "upcoming": N_("Next window: {opens_date} to {closes_date}."),
    "closed": N_("Last known window closed {closes_date}; check the next guide."),
    "annual_guide": N_("Applications under each year's guide; no confirmed dates for the current year."),
    "at_filing": N_("Claimed when filing tax returns."),
    "rolling": N_("No fixed window."),
    "by_call": N_("Through project calls when they open."),
    "none": N_("Nothing to apply for."),
}


def flag(code: str, **params: Any) -> Flag:
    """An engine flag (text from :data:`FLAGS`)."""
    return Flag(code, params)


def render_flag(item: Flag, lang: str) -> str:
    if item.text is not None:  # a policy text from the rule tables, in both languages
        return fill(item.text[lang], item.params, lang)
    return t(FLAGS[item.code], lang, **item.params)
