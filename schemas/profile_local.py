"""Company inputs of the district and zone programs added in the 2026-12-03 revision (Qianhai AI office rent,
Guangming compute and corpus, Guangming compute platforms) and of the 2026 operating-rules categories (national
揭榜挂帅 matching, open-source award) and the smart-terminal support.

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema

from calculator.i18n import N_
from schemas.fields import Area, Code, Count, Day, Money, TriState, info


class LocalProgramFields(Schema):
    """Company inputs of the Qianhai, Guangming and 2026 operating-rules programs."""

    # --- Qianhai AI office rent -----------------------------------------------------------------------
    in_qianhai_ai_agglomeration_area = TriState(metadata=info(
        "yes/no/unknown",
        N_("Do you operate in the Qianhai AI agglomeration area (Qianwan, Guiwan, Mawan, Baozhong or Dachanwan)?"),
        N_("The Qianhai AI office-rent subsidy is for AI firms operating in these five areas of the Qianhai zone."),
        "identity"))
    qianhai_operation_start_date = Day(past_only=True, metadata=info(
        "date", N_("Date you started actual operation in the Qianhai AI agglomeration area"),
        N_("The Qianhai rent subsidy needs a start after 1 January 2023 (a start on that very day cannot be "
           "decided)."), "identity"))
    registered_capital = Money(metadata=info(
        "CNY", N_("Registered capital"),
        N_("The Qianhai AI rent subsidy needs registered capital over CNY 20 million (exactly 20 million is not "
           "enough)."), "finances"))
    self_used_leased_office_m2_prior_year = Area(metadata=info(
        "m2", N_("Office space leased for your own use last year"),
        N_("The Qianhai rent subsidy pays CNY 60 per m² per month on last year's self-used leased area."),
        "finances"))
    months_leased_prior_year = Count(maximum=12, metadata=info(
        "months", N_("Months that space was leased last year"),
        N_("Months counted for the Qianhai rent subsidy (at most 12 in a year, and no more than the months left of "
           "the 36)."), "finances"))
    qianhai_rent_subsidy_months_received = Count(maximum=36, metadata=info(
        "months", N_("Months of Qianhai AI rent subsidy already received"),
        N_("The subsidy runs for 36 consecutive months in total; answer 0 if none yet."), "finances"))

    # --- Guangming compute voucher and platform support ----------------------------------------------
    guangming_compute_voucher_years_received = Count(maximum=3, metadata=info(
        "years", N_("Years in which you have already received the Guangming compute voucher"),
        N_("The Guangming voucher supports up to three consecutive years; answer 0 if none yet."), "ai"))
    guangming_platform_approved = TriState(metadata=info(
        "yes/no/unknown",
        N_("Has the Guangming district government approved support for your intelligent-compute platform?"),
        N_("Guangming platform support (5% of approved investment) is only for platforms the district has "
           "approved."), "ai"))
    approved_total_investment = Money(metadata=info(
        "CNY", N_("Approved total investment in the compute platform"),
        N_("Guangming pays 5% of it, up to CNY 10 million per award."), "ai"))
    guangming_platform_support_received = Money(metadata=info(
        "CNY", N_("Guangming platform support already received for this platform (incl. earlier expansion)"),
        N_("Support is capped at CNY 20 million per platform in total; answer 0 if none yet."), "ai"))

    # --- 2026 operating rules: national 揭榜挂帅 matching, open-source award -----------------------------
    national_ai_challenge_role = Code(table="national_ai_challenge_roles", metadata=info(
        "code", N_("Your role in a national ministry's AI 揭榜挂帅 (open-competition) task"),
        N_("Shenzhen matches national 揭榜挂帅 tasks carried by Shenzhen units (winners or shortlisted)."), "ai"))
    national_challenge_funding = Money(metadata=info(
        "CNY", N_("Funding the ministry gives the task (0 if none)"),
        N_("With ministry funding Shenzhen matches 1:1 up to CNY 10 million; without it the amount is not known."),
        "ai"))
    released_open_source_ai_software = TriState(metadata=info(
        "yes/no/unknown", N_("Have you released AI software as open source?"),
        N_("The 2026 operating rules have an AI software open-source award; its conditions and amount are not yet "
           "known."), "ai"))

    # --- smart-terminal support ------------------------------------------------------------------------
    in_smart_terminal_industry = TriState(metadata=info(
        "yes/no/unknown",
        N_("Are you in the smart-terminal industry (terminal brand, contract manufacturer or component supplier)?"),
        N_("Shenzhen's smart-terminal support (incl. AI PCs, AI phones and wearables) covers these firms: phones, "
           "PCs, wearables, VR/AR/MR devices, whole-home smart products."), "identity"))
