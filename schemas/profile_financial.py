"""Company inputs used only by the wider financial-support catalogue (vouchers, awards, labels).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema

from schemas.fields import Code, Money, TriState, info


class FinancialSupportFields(Schema):
    """Company inputs used only by the wider financial-support catalogue (vouchers, awards, labels)."""

    # --- corpus voucher (语料券) -----------------------------------------------------------------
    corpus_purchase_amount = Money(metadata=info(
        "CNY", "Corpus purchase contract amount, this year", "本年度语料采购合同金额",
        "The corpus voucher (purchase track) pays 30% of it, up to CNY 2 million.",
        "语料券（购买）按该金额的 30% 补贴，最高 200 万元。", "ai"))
    corpus_from_non_affiliated = TriState(metadata=info(
        "yes/no/unknown", "Was the corpus bought from a non-affiliated party?", "语料是否向非关联方采购？",
        "The corpus voucher only covers purchases from non-affiliated parties.", "语料券仅支持向非关联方采购。",
        "ai"))
    corpus_via_data_exchange = TriState(metadata=info(
        "yes/no/unknown", "Was the corpus bought through a data-trading platform or exchange?",
        "语料是否通过数据交易平台（交易所）采购？",
        "The corpus voucher only covers purchases made through a data-trading platform.",
        "语料券仅支持通过数据交易平台进行的采购。", "ai"))
    corpus_for_large_models = TriState(metadata=info(
        "yes/no/unknown", "Is the corpus used for large-model R&D or applications?", "语料是否用于大模型研发或应用？",
        "A corpus voucher condition.", "语料券申请条件。", "ai"))
    corpus_purchase_compliant = TriState(metadata=info(
        "yes/no/unknown", "Was the corpus purchase made in compliance with the law?", "语料采购是否合法合规？",
        "The 2025 corpus voucher guide requires a compliant purchase.", "2025 年语料券指南要求采购行为合规。", "ai"))
    corpus_opened_on_public_platform = TriState(metadata=info(
        "yes/no/unknown", "Have you opened corpora on the Shenzhen public-data open platform?",
        "是否已在深圳市公共数据开放平台开放语料？",
        "The corpus voucher rewards data-source units that open corpora on the platform.",
        "语料券对在平台开放语料的数据源单位给予奖励。", "ai"))
    opened_corpus_meets_guide_criteria = TriState(metadata=info(
        "yes/no/unknown", "Do the opened corpora meet the guide's scale, quality, update and usage criteria?",
        "开放的语料是否达到指南规定的规模、质量、更新频率和使用情况要求？",
        "The criteria are set in the annual guide and not quantified in the sources; answer from the guide.",
        "相关标准由年度指南规定，来源未量化；请对照指南回答。", "ai"))

    # --- model voucher (模型券) ------------------------------------------------------------------
    model_purchase_cost = Money(metadata=info(
        "CNY", "Spending on model services this year (demand side)", "本年度模型服务采购金额（需求方）",
        "The model voucher pays 30% of it, normally up to CNY 1 million per firm per year.",
        "模型券按该金额的 30% 补贴，一般每家每年最高 100 万元。", "ai"))
    model_on_cac_filed_model = TriState(metadata=info(
        "yes/no/unknown", "Are the model services built on a generative-AI model filed with the CAC?",
        "所购模型服务是否基于已在国家网信办备案的生成式人工智能模型？",
        "The model voucher only covers services on CAC-filed models.", "模型券仅支持基于已备案模型的服务。", "ai"))
    model_for_services_or_agents = TriState(metadata=info(
        "yes/no/unknown", "Are the model purchases for model services or agent development?",
        "采购是否用于模型服务或智能体开发？", "A model voucher condition.", "模型券申请条件。", "ai"))
    model_use_at_scale = TriState(metadata=info(
        "yes/no/unknown", "Has your use of the models reached a certain scale with good results?",
        "模型应用是否达到一定规模且成效良好？",
        "A model voucher condition; the operating rules do not quantify it.", "模型券申请条件；操作规程未量化。",
        "ai"))

    # --- industry AI applications (示范 / 标杆) ---------------------------------------------------
    ai_application_sector = Code(table="fin_ai_application_sectors", metadata=info(
        "code", "Sector of your AI application project", "人工智能应用项目所属领域",
        "City demonstration and benchmark projects are in advanced manufacturing, modern services or research.",
        "市级示范、标杆项目限于先进制造业、现代服务业和科学研究领域。", "ai"))
    ai_application_tier = Code(table="fin_ai_application_tiers", metadata=info(
        "code", "Has the project been selected as a demonstration or a benchmark project?",
        "项目是否入选示范项目或标杆项目？",
        "A project is supported in one tier only; leave blank while selection is pending.",
        "同一项目只能按一个层级支持；尚未评选的请留空。", "ai"))
    ai_application_investment = Money(metadata=info(
        "CNY", "Builder's actual investment in the AI application project", "项目建设单位实际投资额",
        "A demonstration project receives 30% of it, up to CNY 2 million.",
        "示范项目按该金额的 30% 支持，最高 200 万元。", "ai"))

    # --- research, awards and parks --------------------------------------------------------------
    basic_research_call_open = TriState(metadata=info(
        "yes/no/unknown", "Is a city project call matching your AI research open now?",
        "目前是否有与您的人工智能研究方向相符的市级项目申报通知？",
        "Basic-research and core-technology funding goes through project calls; without an open call "
        "the result stays 'needs information'.",
        "基础研究与技术攻关资金通过项目申报通知下达；没有开放的申报通知时结果为“需补充信息”。", "ai"))
    released_industry_large_model = TriState(metadata=info(
        "yes/no/unknown", "Have you publicly released a self-developed industry large model?",
        "是否已公开发布自主研发的行业大模型？",
        "The Qianhai large-model award supports this.", "前海行业大模型奖励支持此类模型。", "ai"))
    qianhai_ai_demonstration_recognised = TriState(metadata=info(
        "yes/no/unknown", "Has your project been recognised as a Qianhai AI demonstration project?",
        "项目是否已被认定为前海人工智能示范项目？",
        "The Qianhai demonstration-project support requires recognition.", "前海示范项目支持须经认定。", "ai"))
    builds_compute_platform = TriState(metadata=info(
        "yes/no/unknown", "Do you build a compute centre or a compute scheduling platform?",
        "是否建设算力中心或算力调度平台？",
        "Qianhai supports builders of compute centres and scheduling platforms (not compute buyers).",
        "前海支持算力中心、算力调度平台的建设方（不含算力购买方）。", "ai"))
    has_best_selling_ai_product = TriState(metadata=info(
        "yes/no/unknown", "Do you sell a best-selling AI hardware or software product?",
        "是否有热销的人工智能硬件或软件产品？",
        "The city AI product application reward supports best-selling products (robots, AI PCs, wearables…).",
        "市级人工智能产品应用奖励支持热销产品（机器人、AI PC、可穿戴设备等）。", "ai"))
    operates_accredited_ai_park = TriState(metadata=info(
        "yes/no/unknown", "Do you operate a park accredited as an AI industrial park?",
        "是否为经认定的人工智能产业园区的运营方？",
        "Accredited AI park operators receive a city reward.", "经认定的人工智能产业园区运营方可获市级奖励。", "ai"))
    located_in_accredited_ai_park = TriState(metadata=info(
        "yes/no/unknown", "Are you located in an accredited AI industrial park?", "是否入驻经认定的人工智能产业园区？",
        "AI SMEs and start-ups in accredited parks may get rent exemptions.",
        "入驻经认定园区的人工智能中小企业和初创企业可享受租金减免。", "ai"))
