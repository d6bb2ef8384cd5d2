"""Company inputs used by the procurement family (size class, tenders, first-version software).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section). Programs that apply to a product are evaluated on the company profile, so the
product's answers are asked here too (one product or project per assessment). The SME size class used by
the government-procurement programs is derived from ``industry_sector``, ``employees`` and ``revenue_latest``
(see ``incentive_tables/derived.toml``), so it is not asked again here.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, validates_schema

from calculator.i18n import N_
from schemas.fields import Code, Count, Money, Percent, TriState, info
from schemas.messages import Msg
from schemas.projects import ProjectValues


class ProcurementFields(Schema):
    """Company inputs used by the procurement family (size class, tenders, first-version software)."""

    # --- government AI open-scenario fund (政务人工智能开放场景应用) --------------------------------
    works_in_corpus_or_ai_development = TriState(metadata=info(
        "yes/no/unknown", N_("Do you work in corpus governance or in AI algorithm or application development?"),
        N_("A condition of the government AI open-scenario fund."), "procurement"))
    built_for_published_gov_ai_scenario = TriState(metadata=info(
        "yes/no/unknown", N_("Did you build a product for a government AI scenario published by the Government "
                             "Services and Data Administration?"),
        N_("The government AI open-scenario fund supports products built for its published scenarios."), "procurement"))
    gov_scenario_product_in_use = TriState(metadata=info(
        "yes/no/unknown", N_("Has that product been proven feasible and put into actual use?"),
        N_("A condition of the government AI open-scenario fund."), "procurement"))
    gov_scenario_project_tiers = ProjectValues(Code(table="proc_gov_scenario_tiers"), metadata=info(
        "codes", N_("Several projects this year: the tier of each (government AI scenario fund)"),
        N_("One tier per project (in a single text cell, separated by semicolons: max_5m; max_3m; unknown for a "
           "project not yet scored). Each project is priced and the CNY 10 million per-applicant annual cap applies "
           "across them; when given, it replaces the single tier below."), "procurement"))
    gov_scenario_tier = Code(table="proc_gov_scenario_tiers", metadata=info(
        "code", N_("Tier the project was scored into (government AI scenario fund)"),
        N_("Tiers pay up to CNY 5 million, 3 million or 1 million per project; the cut scores are not confirmed, "
           "so leave it blank until the assessment is out (shown as up to 5 million)."), "procurement"))

    # --- first-version software (首版次软件) ----------------------------------------------------
    in_miit_software_statistics = TriState(metadata=info(
        "yes/no/unknown",
        N_("Are you a software and IT-services firm included in MIIT's software industry statistics?"),
        N_("A condition of the first-version software subsidy (developer side)."), "procurement"))
    software_revenue_percent = Percent(metadata=info(
        "%", N_("Software revenue as a share of main business revenue, latest year"),
        N_("The first-version software subsidy's general revenue test needs at least 30% (with revenue of at "
           "least CNY 20 million)."), "procurement"))
    software_product_category = Code(table="proc_software_categories", metadata=info(
        "code", N_("Category of the first-version software product"),
        N_("Basic, industrial or security software, industrial-internet platforms and data services qualify "
           "with revenue of CNY 5 million or more."), "procurement"))
    product_in_first_version_catalogue = TriState(metadata=info(
        "yes/no/unknown", N_("Is the product listed in the Shenzhen first-version software guidance catalogue?"),
        N_("Required for the first-version software subsidy (developer side)."), "procurement"))
    software_copyright_registered = TriState(metadata=info(
        "yes/no/unknown", N_("Is the product's software copyright registered?"),
        N_("Required for the first-version software subsidy (developer side)."), "procurement"))
    development_within_guide_cutoff = TriState(metadata=info(
        "yes/no/unknown", N_("Was development completed within the current guide's cut-off?"),
        N_("The 2023 guide required completion after 2021-01-01; later guides, within the two calendar years "
           "before the guide. Answer from the current guide."), "procurement"))
    implemented_in_shenzhen = TriState(metadata=info(
        "yes/no/unknown", N_("Has the first-version software been implemented (deployed) in Shenzhen?"),
        N_("Required for the first-version software subsidy (developer side)."), "procurement"))
    government_funded_project = TriState(metadata=info(
        "yes/no/unknown", N_("Is it a government-invested project or a government-purchased service?"),
        N_("Such projects are excluded from the first-version software subsidy."), "procurement"))
    first_version_sales_receipts = Money(metadata=info(
        "CNY", N_("Audited sales receipts of the first-version software (first sales contract plus all sales "
                  "contracts within one year)"), N_("The developer side receives 30% of it, up to CNY 10 million."),
        "procurement"))
    buys_catalogued_first_version_software = TriState(metadata=info(
        "yes/no/unknown", N_("Did you buy a catalogued first-version software product under its first sales contract?"),
        N_("The user side of the first-version software subsidy."), "procurement"))
    first_version_purchase_amount = Money(metadata=info(
        "CNY", N_("Audited purchase amount of that first-version software"),
        N_("The user side receives 10% of it, up to CNY 1 million."), "procurement"))

    # --- first set of major technical equipment insurance (首台(套)保险补偿) ---------------------------
    product_in_first_set_catalogue = TriState(metadata=info(
        "yes/no/unknown", N_("Is the insured product an item of the first-set promotion catalogue (2024 edition)?"),
        N_("First-set insurance compensation covers catalogue items only (AI software only as part of one)."),
        "procurement"))
    first_set_unit_within_first_three = TriState(metadata=info(
        "yes/no/unknown", N_("Is the insured unit one of the first three units (sets) used by users?"),
        N_("The 2019 rule defines the first set as the first three units used by users."), "procurement"))
    first_set_policy_year = Count(maximum=100, metadata=info(
        "number", N_("Year of cover being claimed (1 for the first policy year)"),
        N_("The 2019 rule compensates premiums for up to three years."), "procurement"))
    first_set_annual_premium = Money(metadata=info(
        "CNY", N_("Annual premium paid for the first-set insurance"),
        N_("Compensation is 80% of the premium, counting the premium only up to 3% of the insured amount."),
        "procurement"))
    first_set_insured_amount = Money(metadata=info(
        "CNY", N_("Insured amount of the first-set insurance policy"),
        N_("Caps the premium counted for compensation (3% of it)."), "procurement"))

    # --- government procurement: SME preferences (政府采购促进中小企业) -----------------------------
    bids_with_small_micro_partner = TriState(metadata=info(
        "yes/no/unknown", N_("Do you bid in a consortium with, or subcontract to, small or micro enterprises?"),
        N_("Large and medium bidders doing so get a smaller price deduction (goods and services)."), "procurement"))
    supplies_goods_made_by_medium_firm = TriState(metadata=info(
        "yes/no/unknown", N_("In your bids, do you supply goods manufactured by a medium-sized enterprise?"),
        N_("A small or micro bidder supplying such goods counts as medium and loses the small/micro price deduction."),
        "procurement"))
    bid_price = Money(metadata=info(
        "CNY", N_("Your bid price in a government tender"),
        N_("With the tender's deduction rate, the result shows the price your bid is evaluated at."), "procurement"))
    tender_deduction_band = Code(table="proc_price_deduction_bands", metadata=info(
        "code", N_("Which price deduction the tender applies to your bid"),
        N_("Goods or services or works, as a small or micro bidder or in a consortium: each has its own band."),
        "procurement"))
    tender_deduction_percent = Percent(metadata=info(
        "%", N_("Price deduction rate set in the tender"),
        N_("Must lie inside the band of the deduction the tender applies (for example 10%–20% for goods or services "
           "from a small or micro bidder)."), "procurement"))

    @validates_schema(skip_on_field_errors=True)
    def _deduction_has_its_band(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A deduction rate is checked against the band of the deduction the tender applies: it needs that answer."""
        if data.get("tender_deduction_percent") is not None and data.get("tender_deduction_band") is None:
            raise ValidationError({"tender_deduction_band": [Msg("deduction_band_needed")]})
    supplies_ai_products_or_services = TriState(metadata=info(
        "yes/no/unknown", N_("Do you supply AI products or services that public bodies could use?"),
        N_("The AI Regulation requires public bodies to take the lead in using AI products and services."),
        "procurement"))
