"""Company inputs used by the procurement family (size class, tenders, first-version software).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section). Programs that apply to a product are evaluated on the company profile, so the
product's answers are asked here too (one product or project per assessment). The SME size class used by
the government-procurement programs is derived from ``industry_sector``, ``employees`` and ``revenue_latest``
(see ``incentive_tables/derived.toml``), so it is not asked again here.
"""

from __future__ import annotations

from marshmallow import Schema

from schemas.fields import Code, Count, Money, Percent, TriState, info


class ProcurementFields(Schema):
    """Company inputs used by the procurement family (size class, tenders, first-version software)."""

    # --- government AI open-scenario fund (政务人工智能开放场景应用) --------------------------------
    works_in_corpus_or_ai_development = TriState(metadata=info(
        "yes/no/unknown", "Do you work in corpus governance or in AI algorithm or application development?",
        "是否从事语料治理或人工智能算法、应用开发？",
        "A condition of the government AI open-scenario fund.", "政务人工智能开放场景应用专项资金申请条件。",
        "procurement"))
    built_for_published_gov_ai_scenario = TriState(metadata=info(
        "yes/no/unknown", "Did you build a product for a government AI scenario published by the Government "
        "Services and Data Administration?", "是否针对市政务服务和数据管理局发布的政务人工智能场景开发了产品？",
        "The government AI open-scenario fund supports products built for its published scenarios.",
        "政务人工智能开放场景应用专项资金支持针对其发布场景开发的产品。", "procurement"))
    gov_scenario_product_in_use = TriState(metadata=info(
        "yes/no/unknown", "Has that product been proven feasible and put into actual use?",
        "该产品是否已验证可行并投入实际使用？",
        "A condition of the government AI open-scenario fund.", "政务人工智能开放场景应用专项资金申请条件。",
        "procurement"))
    gov_scenario_tier = Code(table="proc_gov_scenario_tiers", metadata=info(
        "code", "Tier the project was scored into (government AI scenario fund)", "项目评审所入档次（政务场景资金）",
        "Tiers pay up to CNY 5 million, 3 million or 1 million per project; the cut scores are not confirmed, "
        "so leave it blank until the assessment is out (shown as up to 5 million).",
        "各档每个项目最高分别为 500 万、300 万、100 万元；分档分数线未经确认，"
        "评审结果出来前请留空（按最高 500 万元显示）。",
        "procurement"))

    # --- first-version software (首版次软件) ----------------------------------------------------
    in_miit_software_statistics = TriState(metadata=info(
        "yes/no/unknown", "Are you a software and IT-services firm included in MIIT's software industry statistics?",
        "是否为纳入工业和信息化部软件业统计的软件和信息技术服务企业？",
        "A condition of the first-version software subsidy (developer side).", "首版次软件（开发方）申报条件。",
        "procurement"))
    software_revenue_percent = Percent(metadata=info(
        "%", "Software revenue as a share of main business revenue, latest year",
        "最近一年软件业务收入占主营业务收入比例",
        "The first-version software subsidy's general revenue test needs at least 30% (with revenue of at "
        "least CNY 20 million).", "首版次软件一般收入条件要求不低于 30%（且主营业务收入不低于 2,000 万元）。",
        "procurement"))
    software_product_category = Code(table="proc_software_categories", metadata=info(
        "code", "Category of the first-version software product", "首版次软件产品类别",
        "Basic, industrial or security software, industrial-internet platforms and data services qualify "
        "with revenue of CNY 5 million or more.",
        "基础软件、工业软件、安全软件、工业互联网平台和数据服务类，营业收入 500 万元以上即可申报。", "procurement"))
    product_in_first_version_catalogue = TriState(metadata=info(
        "yes/no/unknown", "Is the product listed in the Shenzhen first-version software guidance catalogue?",
        "产品是否列入深圳市首版次软件推广应用指导目录？",
        "Required for the first-version software subsidy (developer side).", "首版次软件（开发方）申报条件。",
        "procurement"))
    software_copyright_registered = TriState(metadata=info(
        "yes/no/unknown", "Is the product's software copyright registered?", "产品是否已取得软件著作权登记？",
        "Required for the first-version software subsidy (developer side).", "首版次软件（开发方）申报条件。",
        "procurement"))
    development_within_guide_cutoff = TriState(metadata=info(
        "yes/no/unknown", "Was development completed within the current guide's cut-off?",
        "产品是否在当年指南规定的时间范围内完成开发？",
        "The 2023 guide required completion after 2021-01-01; later guides, within the two calendar years "
        "before the guide. Answer from the current guide.",
        "2023 年指南要求 2021 年 1 月 1 日后完成开发；此后的指南要求在指南发布前两个自然年度内完成。"
        "请对照当年指南回答。",
        "procurement"))
    implemented_in_shenzhen = TriState(metadata=info(
        "yes/no/unknown", "Has the first-version software been implemented (deployed) in Shenzhen?",
        "首版次软件是否在深圳实施应用？",
        "Required for the first-version software subsidy (developer side).", "首版次软件（开发方）申报条件。",
        "procurement"))
    government_funded_project = TriState(metadata=info(
        "yes/no/unknown", "Is it a government-invested project or a government-purchased service?",
        "是否属于政府投资项目或政府购买服务项目？",
        "Such projects are excluded from the first-version software subsidy.", "此类项目不得申报首版次软件资助。",
        "procurement"))
    first_version_sales_receipts = Money(metadata=info(
        "CNY", "Audited sales receipts of the first-version software (first sales contract plus all sales "
        "contracts within one year)", "首版次软件经审计的销售收入（首个销售合同及一年内全部销售合同）",
        "The developer side receives 30% of it, up to CNY 10 million.", "开发方按该金额的 30% 资助，最高 1,000 万元。",
        "procurement"))
    buys_catalogued_first_version_software = TriState(metadata=info(
        "yes/no/unknown", "Did you buy a catalogued first-version software product under its first sales contract?",
        "是否通过首个销售合同购买了列入目录的首版次软件产品？",
        "The user side of the first-version software subsidy.", "首版次软件用户方资助条件。", "procurement"))
    first_version_purchase_amount = Money(metadata=info(
        "CNY", "Audited purchase amount of that first-version software", "经审计的首版次软件采购金额",
        "The user side receives 10% of it, up to CNY 1 million.", "用户方按该金额的 10% 资助，最高 100 万元。",
        "procurement"))

    # --- first set of major technical equipment insurance (首台(套)保险补偿) ---------------------------
    product_in_first_set_catalogue = TriState(metadata=info(
        "yes/no/unknown", "Is the insured product an item of the first-set promotion catalogue (2024 edition)?",
        "投保产品是否属于《首台（套）重大技术装备推广应用指导目录（2024 年版）》所列产品？",
        "First-set insurance compensation covers catalogue items only (AI software only as part of one).",
        "首台（套）保险补偿仅限目录内产品（人工智能软件仅作为目录产品的组成部分）。", "procurement"))
    first_set_unit_within_first_three = TriState(metadata=info(
        "yes/no/unknown", "Is the insured unit one of the first three units (sets) used by users?",
        "投保设备是否为用户首次使用的前三台（套）之一？",
        "The 2019 rule defines the first set as the first three units used by users.",
        "2019 年规定将首台（套）界定为用户首次使用的前三台（套）。", "procurement"))
    first_set_policy_year = Count(maximum=100, metadata=info(
        "number", "Year of cover being claimed (1 for the first policy year)", "本次申请的投保年度（首个保险年度填 1）",
        "The 2019 rule compensates premiums for up to three years.", "2019 年规定保费补偿期限最长 3 年。",
        "procurement"))
    first_set_annual_premium = Money(metadata=info(
        "CNY", "Annual premium paid for the first-set insurance", "首台（套）保险年度保费",
        "Compensation is 80% of the premium, counting the premium only up to 3% of the insured amount.",
        "补偿额为保费的 80%，保费最多按保险金额的 3% 计算。", "procurement"))
    first_set_insured_amount = Money(metadata=info(
        "CNY", "Insured amount of the first-set insurance policy", "首台（套）保险金额",
        "Caps the premium counted for compensation (3% of it).", "用于限定计入补偿的保费（不超过其 3%）。",
        "procurement"))

    # --- government procurement: SME preferences (政府采购促进中小企业) -----------------------------
    bids_with_small_micro_partner = TriState(metadata=info(
        "yes/no/unknown", "Do you bid in a consortium with, or subcontract to, small or micro enterprises?",
        "是否与小微企业组成联合体投标，或向小微企业分包？",
        "Large and medium bidders doing so get a smaller price deduction (goods and services).",
        "大中型企业如此投标可享受较小幅度的价格扣除（货物和服务）。", "procurement"))
    supplies_goods_made_by_medium_firm = TriState(metadata=info(
        "yes/no/unknown", "In your bids, do you supply goods manufactured by a medium-sized enterprise?",
        "投标时是否提供中型企业制造的货物？",
        "A small or micro bidder supplying such goods counts as medium and loses the small/micro price deduction.",
        "小微企业提供中型企业制造的货物的，视同中型企业，不享受小微企业价格扣除。", "procurement"))
    supplies_ai_products_or_services = TriState(metadata=info(
        "yes/no/unknown", "Do you supply AI products or services that public bodies could use?",
        "是否提供可供公共部门使用的人工智能产品或服务？",
        "The AI Regulation requires public bodies to take the lead in using AI products and services.",
        "《人工智能产业促进条例》要求公共部门率先使用人工智能产品和服务。", "procurement"))
