"""Company inputs used only by the wider financial-support catalogue (vouchers, awards, labels).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema

from calculator.i18n import N_
from schemas.fields import Code, Money, TriState, info
from schemas.projects import ProjectValues


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

    # --- training-compute voucher, 2026 guide (from 2026-05-06) ------------------------------------
    compute_from_non_affiliated = TriState(metadata=info(
        "yes/no/unknown",
        N_("Do you rent intelligent compute from a non-affiliated provider for AI model training or inference?"),
        N_("From 2026-05-06 the training-compute voucher (2026 guide) covers only compute rented from "
           "non-affiliated providers, for training or inference."), "ai"))
    annual_non_affiliated_compute_spend = Money(metadata=info(
        "CNY", N_("Spending on non-affiliated intelligent compute this year"),
        N_("The 2026 training-compute voucher guide requires at least CNY 500,000 a year."), "ai"))
    compute_provider_admitted = TriState(metadata=info(
        "yes/no/unknown",
        N_("Is your compute provider on the Science, Technology and Innovation Bureau's admitted list?"),
        N_("From 2026-05-06 the voucher covers only compute bought from admitted providers."), "ai"))
    is_admitted_compute_provider = TriState(metadata=info(
        "yes/no/unknown", N_("Is your company itself an admitted compute provider?"),
        N_("Admitted providers cannot claim the training-compute voucher as buyers (2026 guide)."), "ai"))
    training_voucher_received_this_year = Money(metadata=info(
        "CNY", N_("Training-compute voucher already received this year"),
        N_("The CNY 10 million cap is cumulative per year: what you already received this year reduces what is "
           "left. Left blank, none is assumed and the result says so."), "ai"))

    # --- model voucher, 2026 operating rules (from 2026-05-01) -------------------------------------
    model_voucher_claimed = TriState(metadata=info(
        "yes/no/unknown", N_("Have you claimed a model-voucher quota in a claim round (申领)?"),
        N_("From 2026-05-01 the model voucher is claimed first and redeemed after the project; only a claimed quota "
           "can be redeemed."), "ai"))
    project_site_in_shenzhen = TriState(metadata=info(
        "yes/no/unknown",
        N_("Is the model-service or agent project carried out in Shenzhen (Shenzhen-Shantou zone included)?"),
        N_("A model-voucher redemption condition of the 2026 operating rules."), "ai"))
    model_project_completed = TriState(metadata=info(
        "yes/no/unknown", N_("Is the model-service or agent project completed?"),
        N_("The model voucher is redeemed only after the project is completed (2026 operating rules)."), "ai"))
    model_purchase_total = Money(metadata=info(
        "CNY", N_("Total purchases of AI model services for the project"),
        N_("Model-voucher redemption needs at least CNY 500,000 of model-service purchases; left blank, your "
           "model-service spending this year is used."), "ai"))
    model_voucher_quota = Money(metadata=info(
        "CNY", N_("Model-voucher quota claimed (if known)"),
        N_("The voucher pays 30% of purchases up to this quota (normally CNY 1 million, at most CNY 2 million). "
           "Left blank, CNY 1 million is used."), "ai"))

    # --- industry AI applications, 2026 operating rules (from 2026-05-01) -----------------------------
    audited_actual_investment = Money(metadata=info(
        "CNY", N_("Builder's actual investment in the project as verified (audited)"),
        N_("From 2026-05-01 demonstration and benchmark projects receive 30% of the verified investment (up to "
           "CNY 2 million or 10 million)."), "ai"))
    ai_application_project_investments = ProjectValues(Money(), metadata=info(
        "CNY", N_("Several AI application projects this year at that tier: the investment of each"),
        N_("One amount per project (verified, from 2026-05-01; in a single text cell, separated by semicolons: "
           "8000000; 3000000; unknown for a project not yet known). Each project is priced at 30% up to its "
           "per-project cap and the projects are added up; no per-applicant annual cap was found. When given, it "
           "replaces the single investment."), "ai"))
    same_content_funded_before = TriState(metadata=info(
        "yes/no/unknown", N_("Has the same construction content already been funded or applied for before?"),
        N_("The 2026 operating rules bar repeat applications for the same construction content; left blank, a "
           "warning is shown."), "ai"))

    # --- Longgang compute support -------------------------------------------------------------------
    compute_for_large_model_or_genai = TriState(metadata=info(
        "yes/no/unknown",
        N_("Is the compute for large-model training or inference, or for generative-AI applications?"),
        N_("Longgang's compute support covers these uses only."), "ai"))

    # --- embodied-robot product award, 2026 operating rules (from 2026-05-01) ------------------------
    product_is_embodied_robot = TriState(metadata=info(
        "yes/no/unknown", N_("Is the product an embodied intelligent robot?"),
        N_("From 2026-05-01 the product application award covers embodied robots only; AI PCs, phones and "
           "wearables are assessed under the smart-terminal support."), "ai"))
    owns_product_ip = TriState(metadata=info(
        "yes/no/unknown", N_("Do you own the IP in the product (with strong R&D capability)?"),
        N_("A condition of the embodied-robot product award (2026 operating rules)."), "ai"))
    robot_product_meets_guide_requirements = TriState(metadata=info(
        "yes/no/unknown",
        N_("Does the product meet the guide's first-sale, sales-scale, designed-or-made-in-Shenzhen and "
           "certification requirements?"),
        N_("The thresholds are set in the guide and not quantified in the sources; answer from the guide."), "ai"))
    prior_year_rd_spend = Money(metadata=info(
        "CNY", N_("R&D spending in the prior year"),
        N_("The embodied-robot product award needs at least CNY 10 million."), "finances"))
    verified_annual_product_sales = Money(metadata=info(
        "CNY", N_("Verified annual actual sales of the declared product"),
        N_("The embodied-robot product award is 5% of it, up to CNY 3 million."), "ai"))
