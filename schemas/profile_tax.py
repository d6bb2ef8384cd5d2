"""Company inputs used by the tax reliefs and labels beyond the seed programs (small low-profit relief,
technology-based SME, 专精特新 levels).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema

from calculator.i18n import N_
from schemas.fields import Code, Count, Day, Money, MoneyByYear, Percent, TriState, info


class TaxAndLabelFields(Schema):
    """Company inputs used by the tax reliefs and labels beyond the seed programs."""

    # --- size and finances ----------------------------------------------------------------------
    total_assets = Money(metadata=info(
        "CNY", N_("Total assets (annual average of the quarterly averages)"),
        N_("Small low-profit enterprises need at most CNY 50M; technology-based SMEs at most CNY 200M."), "finances"))

    unrelieved_losses_by_year = MoneyByYear(metadata=info(
        "CNY by year", N_("Tax losses not yet offset, by the year they arose (e.g. 2021: 800000; 2023: 400000)"),
        N_("Optional. A high-tech or technology-based SME may offset losses of the five years before a qualified year "
           "for 10 years instead of 5; the losses you give price that longer period (shown apart, never in a total)."),
        "finances"))
    taxable_income_qianhai = Money(allow_negative=True, metadata=info(
        "CNY", N_("Taxable income of the Qianhai entity and its Qianhai branches (before the R&D extra deduction)"),
        N_("Only Qianhai income is taxed at the Qianhai 15% rate. Leave blank when every establishment is in "
           "Qianhai: all taxable income is then used."), "finances"))
    qianhai_main_business_income_percent = Percent(metadata=info(
        "%", N_("Main-business income as a share of total income (Qianhai catalogue business)"),
        N_("The Qianhai 15% rate needs main-business income of more than 60% of total income."), "finances"))

    # --- Qianhai corporate income tax -----------------------------------------------------------------
    main_business_in_qianhai_catalogue = TriState(metadata=info(
        "yes/no/unknown", N_("Is your main business in the Qianhai corporate income tax preferential catalogue?"),
        N_("The Qianhai 15% rate covers catalogue industries: modern logistics, information services, technology "
           "services, culture and creative, business services."), "finances"))
    qianhai_substantive_operation = TriState(metadata=info(
        "yes/no/unknown", N_("Do you operate substantively in Qianhai (staff, premises, accounts there)?"),
        N_("Optional. Commonly required for the Qianhai 15% rate but not read in the sources: 'no' withholds the "
           "rate, an unanswered question only adds a note."), "finances"))

    # --- restrictions and record ------------------------------------------------------------------
    in_restricted_or_prohibited_industry = TriState(metadata=info(
        "yes/no/unknown", N_("Is your business in an industry the State restricts or prohibits?"),
        N_("Small low-profit enterprises must not be in a restricted or prohibited industry."), "identity"))
    products_in_restricted_categories = TriState(metadata=info(
        "yes/no/unknown",
        N_("Are any of your products or services in a prohibited, restricted or eliminated category?"),
        N_("Technology-based SMEs must not provide prohibited, restricted or eliminated products or services."),
        "identity"))
    techsme_clean_record = TriState(metadata=info(
        "yes/no/unknown",
        N_("Free of major safety or quality accidents, serious environmental violations and serious research "
           "misconduct in the previous and current year, and not on the abnormal-operation or serious-dishonesty "
           "lists?"),
        N_("A technology-based SME condition."), "certifications"))

    # --- high-tech certificate history and labels in the tax year --------------------------------------------
    hnte_had_previous_cert = TriState(metadata=info(
        "yes/no/unknown", N_("Did you hold a high-tech enterprise certificate before the most recent one?"),
        N_("Asked only when the tax year is before the most recent certificate: an earlier certificate may cover "
           "it."), "certifications"))
    hnte_previous_cert_date = Day(past_only=True, metadata=info(
        "date", N_("Date on the earlier high-tech enterprise certificate"),
        N_("A certificate covers its issue year and the next two tax years; for a tax year before the most recent "
           "certificate, the earlier one decides."), "certifications"))
    tech_sme_registered_in_tax_year = TriState(metadata=info(
        "yes/no/unknown", N_("Did you hold a technology-based SME registration number for the tax year?"),
        N_("A technology-based SME (like a high-tech enterprise) may carry losses forward for 10 years instead of "
           "5."), "certifications"))

    # --- labels ----------------------------------------------------------------------------------
    techsme_evaluation_score = Count(maximum=100, metadata=info(
        "points", N_("Technology-based SME evaluation score (total)"), N_("Registration needs at least 60 points."),
        "certifications"))
    techsme_st_staff_score = Count(maximum=100, metadata=info(
        "points", N_("Technology-based SME evaluation: score of the S&T staff indicator"),
        N_("Registration needs a score above zero on this indicator."), "certifications"))
    specialized_sme_level = Code(table="sme_levels", metadata=info(
        "code", N_("专精特新 recognition level held"),
        N_("Declared by you (the recognition thresholds are not encoded). Longgang rewards firms newly recognised at "
           "each level."), "certifications"))
    specialized_sme_newly_recognised = TriState(metadata=info(
        "yes/no/unknown", N_("Were you newly recognised at that 专精特新 level?"),
        N_("The Longgang reward is for firms newly recognised at that level."), "certifications"))
    rd_spend_for_longgang_reward = Money(metadata=info(
        "CNY", N_("Annual R&D spending (prior year) for the Longgang 专精特新 R&D reward"),
        N_("Sets the Longgang R&D reward band (from CNY 3 million up); the source does not say which year counts, so "
           "the prior year is assumed."), "certifications"))
