"""Person inputs used only by the wider talent catalogue (housing, awards, visas).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section). The Hetao exemption reuses the zone and tax inputs of :class:`schemas.profile.PersonSchema`
(``employer_zone_flags``, ``works_in_zone``, ``pays_iit_in_zone``, ``on_hetao_whitelist`` …).
"""

from __future__ import annotations

from marshmallow import Schema

from calculator.i18n import N_
from schemas.fields import Code, TriState, info


class TalentFields(Schema):
    """Person inputs used only by the wider talent catalogue (housing, awards, visas)."""

    newly_arrived_youth_talent = TriState(metadata=info(
        "yes/no/unknown", N_("Newly arrived in Shenzhen for the first time as young talent?"),
        N_("The youth talent housing support is reported for first-time young arrivals; its terms are not confirmed."),
        "arrival"))
    talent_category = Code(table="talent_categories", metadata=info(
        "code", N_("High-level talent category recognised (legacy scheme)"),
        N_("The legacy high-level talent award is by category; whether it is still paid is not confirmed."), "arrival"))
    holds_foreign_high_end_talent_letter = TriState(metadata=info(
        "yes/no/unknown", N_("Do you hold a Foreign High-end Talent Confirmation Letter?"),
        N_("Foreign high-end talent holding the letter can get an R visa (up to 10 years)."), "arrival"))
    independent_work_in_hetao = TriState(metadata=info(
        "yes/no/unknown", N_("Do you provide independent personal services or run a business in the Hetao Shenzhen "
                             "Park (rather than as an employee)?"),
        N_("The Hetao exemption also covers independent service providers and business operators in the Park."), "tax"))

    # --- K visa (from 2025-10-01) ------------------------------------------------------------------------
    stem_field = TriState(metadata=info(
        "yes/no/unknown", N_("Is your degree in science, technology, engineering or mathematics (STEM)?"),
        N_("The K visa needs a bachelor's or higher in a STEM field."), "education"))
    degree_institution_well_known = TriState(metadata=info(
        "yes/no/unknown",
        N_("Is the institution that awarded it a well-known university or research institution (in China or "
           "abroad)?"),
        N_("A K-visa condition; \"well-known\" is not defined in the text read: answer from the embassy notice."),
        "education"))
    overseas_degree_at_least_bachelor = TriState(metadata=info(
        "yes/no/unknown", N_("Is your verified overseas degree a bachelor's or higher?"),
        N_("A verified overseas degree counts for the K visa only when it is a bachelor's or higher."),
        "education"))
    stem_teaching_or_research_at_known_institution = TriState(metadata=info(
        "yes/no/unknown",
        N_("Do you teach or do research in STEM at a well-known university or research institution?"),
        N_("The other route to the K visa, without the degree condition."), "education"))
    within_k_visa_age_limit = TriState(metadata=info(
        "yes/no/unknown", N_("Are you within the K visa's age limit (see the Chinese embassy's notice)?"),
        N_("The K visa has an age limit published by embassies; this calculator does not know it, so check the "
           "embassy notice."), "arrival"))

    # --- talent endorsement for Hong Kong and Macao --------------------------------------------------------
    has_talent_endorsement_certificate = TriState(metadata=info(
        "yes/no/unknown",
        N_("Do you work in Shenzhen and hold a talent certificate from the talent authority or an eligible "
           "employer (for the Hong Kong/Macao talent endorsement)?"),
        N_("Mainland talent with the certificate can get a 1–5-year multiple-entry endorsement to Hong Kong and "
           "Macao."), "arrival"))
    hetao_staff_filed = TriState(metadata=info(
        "yes/no/unknown",
        N_("Are you staff of a research institute or tech firm in the Hetao Shenzhen Park, filed with the park "
           "authority?"),
        N_("From 2025-11-05 filed Hetao staff get a 3-year multiple-entry endorsement without a talent "
           "certificate."), "arrival"))
