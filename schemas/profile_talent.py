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
