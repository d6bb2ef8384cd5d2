"""Company inputs used by the tax reliefs and labels beyond the seed programs (small low-profit relief,
technology-based SME, 专精特新 levels).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema

from schemas.fields import Code, Count, Money, TriState, info


class TaxAndLabelFields(Schema):
    """Company inputs used by the tax reliefs and labels beyond the seed programs."""

    # --- size and finances ----------------------------------------------------------------------
    total_assets = Money(metadata=info(
        "CNY", "Total assets (annual average of the quarterly averages)", "资产总额（全年季度平均值）",
        "Small low-profit enterprises need at most CNY 50M; technology-based SMEs at most CNY 200M.",
        "小型微利企业要求不超过 5,000 万元；科技型中小企业要求不超过 2 亿元。", "finances"))

    # --- restrictions and record ------------------------------------------------------------------
    in_restricted_or_prohibited_industry = TriState(metadata=info(
        "yes/no/unknown", "Is your business in an industry the State restricts or prohibits?",
        "是否从事国家限制或禁止的行业？",
        "Small low-profit enterprises must not be in a restricted or prohibited industry.",
        "小型微利企业须从事国家非限制和禁止行业。", "identity"))
    products_in_restricted_categories = TriState(metadata=info(
        "yes/no/unknown", "Are any of your products or services in a prohibited, restricted or eliminated category?",
        "提供的产品和服务是否属于国家规定的禁止、限制或淘汰类？",
        "Technology-based SMEs must not provide prohibited, restricted or eliminated products or services.",
        "科技型中小企业提供的产品和服务不得属于禁止、限制和淘汰类。", "identity"))
    techsme_clean_record = TriState(metadata=info(
        "yes/no/unknown",
        "Free of major safety or quality accidents, serious environmental violations and serious research misconduct "
        "in the previous and current year, and not on the abnormal-operation or serious-dishonesty lists?",
        "上一年度至今是否未发生重大安全、重大质量事故、严重环境违法或严重科研失信行为，且未列入经营异常名录和严重违法失信名单？",
        "A technology-based SME condition.", "科技型中小企业评价条件。", "certifications"))

    # --- labels ----------------------------------------------------------------------------------
    techsme_evaluation_score = Count(maximum=100, metadata=info(
        "points", "Technology-based SME evaluation score (total)", "科技型中小企业评价综合得分",
        "Registration needs at least 60 points.", "入库需综合得分不低于 60 分。", "certifications"))
    techsme_st_staff_score = Count(maximum=100, metadata=info(
        "points", "Technology-based SME evaluation: score of the S&T staff indicator",
        "科技型中小企业评价：科技人员指标得分",
        "Registration needs a score above zero on this indicator.", "入库要求该项指标得分大于 0。", "certifications"))
    specialized_sme_level = Code(table="sme_levels", metadata=info(
        "code", "专精特新 recognition level held", "已获专精特新认定层级",
        "Declared by you (the recognition thresholds are not encoded). Longgang rewards firms newly recognised at "
        "each level.",
        "由企业自行填报（认定标准未纳入测算）。龙岗区对新认定的各层级企业给予奖励。", "certifications"))
    specialized_sme_newly_recognised = TriState(metadata=info(
        "yes/no/unknown", "Were you newly recognised at that 专精特新 level?", "是否为新获认定的该层级专精特新企业？",
        "The Longgang reward is for firms newly recognised at that level.", "龙岗区奖励面向新认定为该层级的企业。",
        "certifications"))
