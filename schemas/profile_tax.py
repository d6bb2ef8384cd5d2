"""Company inputs used by the tax reliefs and labels beyond the seed programs (small low-profit relief,
technology-based SME, 专精特新 levels).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema

from calculator.i18n import N_
from schemas.fields import Code, Count, Money, TriState, info


class TaxAndLabelFields(Schema):
    """Company inputs used by the tax reliefs and labels beyond the seed programs."""

    # --- size and finances ----------------------------------------------------------------------
    total_assets = Money(metadata=info(
        "CNY", N_("Total assets (annual average of the quarterly averages)"),
        N_("Small low-profit enterprises need at most CNY 50M; technology-based SMEs at most CNY 200M."), "finances"))

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
