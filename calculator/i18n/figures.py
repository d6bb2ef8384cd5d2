"""What the figures of the rule tables are called where people read them (the catalogue page, workbooks): by the
figure's name in its table (``compensation_rate``), an English message id whose Chinese is in the catalogue.

A figure new to the tables needs its words here (``tests/test_sources_shown.py`` fails on one without them)."""

from __future__ import annotations

from calculator.i18n import NC_, pgettext

FIGURES: dict[str, str] = {
    "annual_cap": NC_("figure", "Annual cap"),
    "annual_cap_per_applicant": NC_("figure", "Annual cap per applicant"),
    "award": NC_("figure", "Award"),
    "award_cap": NC_("figure", "Award cap"),
    "cap": NC_("figure", "Cap"),
    "chain_leader_cap_per_case": NC_("figure", "Cap per chain-leader case"),
    "chain_leader_cap_per_year": NC_("figure", "Annual cap for chain-leader cases"),
    "compensation_rate": NC_("figure", "Compensation rate"),
    "cumulative_cap": NC_("figure", "Cumulative cap"),
    "extended_years": NC_("figure", "Years a loss carries forward (extended)"),
    "extra_rate": NC_("figure", "Extra deduction rate"),
    "full_reserve_limit_goods_services": NC_("figure", "Full reservation limit for goods and services"),
    "full_reserve_limit_works": NC_("figure", "Full reservation limit for works"),
    "general_years": NC_("figure", "Years a loss carries forward (general)"),
    "matching_cap": NC_("figure", "Matching cap"),
    "matching_ratio": NC_("figure", "Matching ratio"),
    "max_quota": NC_("figure", "Maximum quota"),
    "national_key_little_giant_reward": NC_("figure", "Reward for national key little giants"),
    "national_little_giant_reward": NC_("figure", "Reward for national little giants"),
    "new_supplier_cap": NC_("figure", "Cap for new suppliers"),
    "premium_rate_cap": NC_("figure", "Premium rate cap"),
    "project_reserve_share": NC_("figure", "Share of a project reserved"),
    "provincial_reward": NC_("figure", "Provincial-level reward"),
    "rate": NC_("figure", "Rate"),
    "rd_cap_national": NC_("figure", "R&D top-up cap (national level)"),
    "rd_cap_provincial": NC_("figure", "R&D top-up cap (provincial level)"),
    "rd_multiplier_national": NC_("figure", "R&D top-up multiplier (national level)"),
    "rd_multiplier_provincial": NC_("figure", "R&D top-up multiplier (provincial level)"),
    "rent_rate": NC_("figure", "Rent support rate"),
    "revised_annual_cap": NC_("figure", "Annual cap (revised measures)"),
    "row_a_withhold_above": NC_("figure", "Amount above which the estimate is withheld"),
    "share": NC_("figure", "Share"),
    "small_micro_share_of_reserve": NC_("figure", "Small and micro firms' share of the reservation"),
    "standard_rate": NC_("figure", "Standard rate"),
    "startup_rate": NC_("figure", "Rate for companies under one year old"),
    "supply_chain_cap_per_firm_year": NC_("figure", "Supply-chain reward cap per firm per year"),
    "tier_max_1m": NC_("figure", "Tier maximum (CNY 1 million tier)"),
    "tier_max_3m": NC_("figure", "Tier maximum (CNY 3 million tier)"),
    "tier_max_5m": NC_("figure", "Tier maximum (CNY 5 million tier)"),
    "total_months": NC_("figure", "Months supported"),
    "unfunded_up_to_high": NC_("figure", "Cap without national funding (higher)"),
    "unfunded_up_to_low": NC_("figure", "Cap without national funding (lower)"),
    "window_years": NC_("figure", "Loss years looked back on"),
}


def figure_label(name: str, lang: str) -> str:
    """A figure's name as people read it; one without words yet is shown with spaces for underscores."""
    msgid = FIGURES.get(name)
    return pgettext("figure", msgid, lang) if msgid else name.replace("_", " ")
