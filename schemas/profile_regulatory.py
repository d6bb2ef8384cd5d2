"""Company / product inputs used by the regulatory family (risk tier, trials, data, medical AI, ethics).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section). Programs that apply to a product are evaluated on the company profile, so the
product's answers are asked here too (one product per assessment).
"""

from __future__ import annotations

from marshmallow import Schema

from schemas.fields import Code, TriState, info


class RegulatoryFields(Schema):
    """Company / product inputs used by the regulatory family (risk tier, trials, data, medical AI, ethics)."""

    # --- the AI product or service ---------------------------------------------------------------
    self_declared_risk_tier = Code(table="reg_risk_tiers", metadata=info(
        "code", "Risk tier of the AI product or service (self-declared)", "人工智能产品或服务的风险等级（自报）",
        "AI Regulation Art. 66 supervises high-risk AI by ex-ante assessment and risk early-warning, medium- and "
        "low-risk AI by ex-ante disclosure and ex-post tracking; only low-risk products may be trialled first "
        "(Art. 44). The city's classification rules have not been found, so give your own assessment; leave it "
        "blank if you cannot tell.",
        "《人工智能产业促进条例》第六十六条：高风险应用采用事前评估和风险预警，中低风险应用采用事前披露和事后跟踪；"
        "第四十四条的先行先试限于低风险产品。市级分级分类监管办法尚未找到，请按自行评估填写；无法判断的请留空。",
        "regulatory"))
    product_in_security_or_safety_domain = TriState(metadata=info(
        "yes/no/unknown", "Does the product or service involve national security, the public interest or "
        "citizens' personal safety?", "产品或服务是否涉及国家安全、公共利益或公民人身安全领域？",
        "Trials under Art. 44 are excluded in these fields.", "第四十四条的先行先试不适用于上述领域。", "regulatory"))
    product_has_national_or_local_standard = TriState(metadata=info(
        "yes/no/unknown", "Has a national or local standard already been made for the product or service?",
        "国家或地方是否已对该产品或服务制定标准？",
        "Art. 44 trials are for products with no national or local standard yet.",
        "第四十四条的先行先试适用于国家、地方尚未制定标准的产品和服务。", "regulatory"))
    product_meets_international_standard = TriState(metadata=info(
        "yes/no/unknown", "Does the product or service meet international advanced product standards or "
        "specifications?", "产品或服务是否符合国际先进产品标准或者规范？",
        "An Art. 44 trial condition.", "第四十四条先行先试的条件。", "regulatory"))
    is_medical_device = TriState(metadata=info(
        "yes/no/unknown", "Is the product an AI medical device?", "产品是否为人工智能医疗器械？",
        "Art. 46 provisions on medical-device clinical trials and registration test reports.",
        "用于第四十六条关于医疗器械临床试验和注册检验报告的规定。", "regulatory"))

    # --- AI activities and algorithms -----------------------------------------------------------
    engages_in_ai_research_or_application = TriState(metadata=info(
        "yes/no/unknown", "Do you carry out AI research or application (develop, provide or apply AI products "
        "and services)?", "是否从事人工智能研究和应用（研发、提供或应用人工智能产品和服务）？",
        "Art. 72's ethics-safety review, risk assessment and prohibitions bind organisations doing AI research "
        "and application.", "第七十二条的伦理安全审查、风险评估及禁止性规定适用于从事人工智能研究和应用的组织。",
        "regulatory"))
    algorithm_affects_public_interest = TriState(metadata=info(
        "yes/no/unknown", "Are your algorithms used in public decision-making, or in a commercial field involving "
        "the public interest?", "算法是否用于公共决策领域或涉及公共利益的商业领域？",
        "Such algorithms must be explained in a way the public can understand (Art. 71).",
        "此类算法须以利于公众理解的方式进行算法说明（第七十一条）。", "regulatory"))

    # --- data ---------------------------------------------------------------------------------------
    pi_counterparty_location = Code(table="reg_pi_counterparty_locations", metadata=info(
        "code", "Where is the other party to your personal-information transfer?",
        "个人信息跨境传输的对方（接收方或提供方）位于何处？",
        "The GBA standard contract covers flows between the nine mainland GBA cities (incl. Shenzhen) and "
        "Hong Kong only; Macao is not covered.",
        "大湾区标准合同仅适用于大湾区内地九市（含深圳）与香港之间的个人信息流动，不含澳门。", "regulatory"))
    pi_is_important_data = TriState(metadata=info(
        "yes/no/unknown", "Has the personal information been designated important data?",
        "所涉个人信息是否已被认定为重要数据？",
        "Important data cannot go through the GBA standard contract.", "重要数据不适用大湾区标准合同。",
        "regulatory"))
    requested_public_data_class = Code(table="reg_public_data_classes", metadata=info(
        "code", "Opening class of the public data you want (per the public-data opening catalogue)",
        "所需公共数据的开放类别（以公共数据开放目录为准）",
        "Data Regulations Art. 48: unconditionally open, conditionally open (under the catalogue's access "
        "method, usage requirements and safeguards) or not opened.",
        "《数据条例》第四十八条：无条件开放、有条件开放（按目录载明的开放方式、使用要求和安全保障措施）或不予开放。",
        "regulatory"))
