"""Person inputs used only by the wider talent catalogue (housing, awards, visas).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section). The Hetao exemption reuses the zone and tax inputs of :class:`schemas.profile.PersonSchema`
(``employer_zone_flags``, ``works_in_zone``, ``pays_iit_in_zone``, ``on_hetao_whitelist`` …).
"""

from __future__ import annotations

from marshmallow import Schema

from schemas.fields import Code, TriState, info


class TalentFields(Schema):
    """Person inputs used only by the wider talent catalogue (housing, awards, visas)."""

    newly_arrived_youth_talent = TriState(metadata=info(
        "yes/no/unknown", "Newly arrived in Shenzhen for the first time as young talent?",
        "是否为首次来深的新引进青年人才？",
        "The youth talent housing support is reported for first-time young arrivals; its terms are not confirmed.",
        "据报道，青年人才住房支持面向首次来深的青年人才；具体条件尚未确认。", "arrival"))
    talent_category = Code(table="talent_categories", metadata=info(
        "code", "High-level talent category recognised (legacy scheme)", "已认定的高层次人才类别（原有政策）",
        "The legacy high-level talent award is by category; whether it is still paid is not confirmed.",
        "原高层次人才奖励补贴按类别发放；目前是否仍发放尚未确认。", "arrival"))
    holds_foreign_high_end_talent_letter = TriState(metadata=info(
        "yes/no/unknown", "Do you hold a Foreign High-end Talent Confirmation Letter?",
        "是否持有《外国高端人才确认函》？",
        "Foreign high-end talent holding the letter can get an R visa (up to 10 years).",
        "持确认函的外国高端人才可申请 R 字签证（最长 10 年）。", "arrival"))
    independent_work_in_hetao = TriState(metadata=info(
        "yes/no/unknown", "Do you provide independent personal services or run a business in the Hetao Shenzhen "
        "Park (rather than as an employee)?", "是否在河套深圳园区提供独立个人劳务或从事生产经营（而非受雇）？",
        "The Hetao exemption also covers independent service providers and business operators in the Park.",
        "河套个税优惠同样适用于在园区提供独立个人劳务或从事生产经营的香港居民。", "tax"))
