"""Company inputs used only by the wider financial-support catalogue (vouchers, awards, labels).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema

from calculator.i18n import N_
from schemas.fields import Code, Money, TriState, info


class FinancialSupportFields(Schema):
    """Company inputs used only by the wider financial-support catalogue (vouchers, awards, labels)."""

    # --- corpus voucher (语料券) -----------------------------------------------------------------
    corpus_purchase_amount = Money(metadata=info(
        "CNY", N_("Corpus purchase contract amount, this year"),
        N_("The corpus voucher (purchase track) pays 30% of it, up to CNY 2 million."), "ai"))
    corpus_from_non_affiliated = TriState(metadata=info(
        "yes/no/unknown", N_("Was the corpus bought from a non-affiliated party?"),
        N_("The corpus voucher only covers purchases from non-affiliated parties."), "ai"))
    corpus_via_data_exchange = TriState(metadata=info(
        "yes/no/unknown", N_("Was the corpus bought through a data-trading platform or exchange?"),
        N_("The corpus voucher only covers purchases made through a data-trading platform."), "ai"))
    corpus_for_large_models = TriState(metadata=info(
        "yes/no/unknown", N_("Is the corpus used for large-model R&D or applications?"),
        N_("A corpus voucher condition."), "ai"))
    corpus_purchase_compliant = TriState(metadata=info(
        "yes/no/unknown", N_("Was the corpus purchase made in compliance with the law?"),
        N_("The 2025 corpus voucher guide requires a compliant purchase."), "ai"))
    corpus_opened_on_public_platform = TriState(metadata=info(
        "yes/no/unknown", N_("Have you opened corpora on the Shenzhen public-data open platform?"),
        N_("The corpus voucher rewards data-source units that open corpora on the platform."), "ai"))
    opened_corpus_meets_guide_criteria = TriState(metadata=info(
        "yes/no/unknown", N_("Do the opened corpora meet the guide's scale, quality, update and usage criteria?"),
        N_("The criteria are set in the annual guide and not quantified in the sources; answer from the guide."), "ai"))

    # --- model voucher (模型券) ------------------------------------------------------------------
    model_purchase_cost = Money(metadata=info(
        "CNY", N_("Spending on model services this year (demand side)"),
        N_("The model voucher pays 30% of it, normally up to CNY 1 million per firm per year."), "ai"))
    model_on_cac_filed_model = TriState(metadata=info(
        "yes/no/unknown", N_("Are the model services built on a generative-AI model filed with the CAC?"),
        N_("The model voucher only covers services on CAC-filed models."), "ai"))
    model_for_services_or_agents = TriState(metadata=info(
        "yes/no/unknown", N_("Are the model purchases for model services or agent development?"),
        N_("A model voucher condition."), "ai"))
    model_use_at_scale = TriState(metadata=info(
        "yes/no/unknown", N_("Has your use of the models reached a certain scale with good results?"),
        N_("A model voucher condition; the operating rules do not quantify it."), "ai"))

    # --- industry AI applications (示范 / 标杆) ---------------------------------------------------
    ai_application_sector = Code(table="fin_ai_application_sectors", metadata=info(
        "code", N_("Sector of your AI application project"),
        N_("City demonstration and benchmark projects are in advanced manufacturing, modern services or research."),
        "ai"))
    ai_application_tier = Code(table="fin_ai_application_tiers", metadata=info(
        "code", N_("Has the project been selected as a demonstration or a benchmark project?"),
        N_("A project is supported in one tier only; leave blank while selection is pending."), "ai"))
    ai_application_investment = Money(metadata=info(
        "CNY", N_("Builder's actual investment in the AI application project"),
        N_("A demonstration project receives 30% of it, up to CNY 2 million."), "ai"))

    # --- research, awards and parks --------------------------------------------------------------
    basic_research_call_open = TriState(metadata=info(
        "yes/no/unknown", N_("Is a city project call matching your AI research open now?"),
        N_("Basic-research and core-technology funding goes through project calls; without an open call "
           "the result stays 'needs information'."), "ai"))
    released_industry_large_model = TriState(metadata=info(
        "yes/no/unknown", N_("Have you publicly released a self-developed industry large model?"),
        N_("The Qianhai large-model award supports this."), "ai"))
    qianhai_ai_demonstration_recognised = TriState(metadata=info(
        "yes/no/unknown", N_("Has your project been recognised as a Qianhai AI demonstration project?"),
        N_("The Qianhai demonstration-project support requires recognition."), "ai"))
    builds_compute_platform = TriState(metadata=info(
        "yes/no/unknown", N_("Do you build a compute centre or a compute scheduling platform?"),
        N_("Qianhai supports builders of compute centres and scheduling platforms (not compute buyers)."), "ai"))
    has_best_selling_ai_product = TriState(metadata=info(
        "yes/no/unknown", N_("Do you sell a best-selling AI hardware or software product?"),
        N_("The city AI product application reward supports best-selling products (robots, AI PCs, wearables…)."),
        "ai"))
    operates_accredited_ai_park = TriState(metadata=info(
        "yes/no/unknown", N_("Do you operate a park accredited as an AI industrial park?"),
        N_("Accredited AI park operators receive a city reward."), "ai"))
    located_in_accredited_ai_park = TriState(metadata=info(
        "yes/no/unknown", N_("Are you located in an accredited AI industrial park?"),
        N_("AI SMEs and start-ups in accredited parks may get rent exemptions."), "ai"))
