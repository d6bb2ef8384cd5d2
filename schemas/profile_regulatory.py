"""Company / product inputs used by the regulatory family (risk tier, trials, data, medical AI, ethics).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section). Programs that apply to a product are evaluated on the company profile, so the
product's answers are asked here too (one product per assessment).
"""

from __future__ import annotations

from marshmallow import Schema

from calculator.i18n import N_
from schemas.fields import Code, TriState, info


class RegulatoryFields(Schema):
    """Company / product inputs used by the regulatory family (risk tier, trials, data, medical AI, ethics)."""

    # --- the AI product or service ---------------------------------------------------------------
    self_declared_risk_tier = Code(table="reg_risk_tiers", metadata=info(
        "code", N_("Risk tier of the AI product or service (self-declared)"),
        N_("AI Regulation Art. 66 supervises high-risk AI by ex-ante assessment and risk early-warning, medium- and "
           "low-risk AI by ex-ante disclosure and ex-post tracking; only low-risk products may be trialled first "
           "(Art. 44). The city's classification rules have not been found, so give your own assessment; leave it "
           "blank if you cannot tell."), "regulatory"))
    product_in_security_or_safety_domain = TriState(metadata=info(
        "yes/no/unknown", N_("Does the product or service involve national security, the public interest or "
                             "citizens' personal safety?"),
        N_("Trials under Art. 44 are excluded in these fields."), "regulatory"))
    product_has_national_or_local_standard = TriState(metadata=info(
        "yes/no/unknown", N_("Has a national or local standard already been made for the product or service?"),
        N_("Art. 44 trials are for products with no national or local standard yet."), "regulatory"))
    product_meets_international_standard = TriState(metadata=info(
        "yes/no/unknown", N_("Does the product or service meet international advanced product standards or "
                             "specifications?"), N_("An Art. 44 trial condition."), "regulatory"))
    is_medical_device = TriState(metadata=info(
        "yes/no/unknown", N_("Is the product an AI medical device?"),
        N_("Art. 46 provisions on medical-device clinical trials and registration test reports."), "regulatory"))

    # --- AI activities and algorithms -----------------------------------------------------------
    engages_in_ai_research_or_application = TriState(metadata=info(
        "yes/no/unknown", N_("Do you carry out AI research or application (develop, provide or apply AI products "
                             "and services)?"),
        N_("Art. 72's ethics-safety review, risk assessment and prohibitions bind organisations doing AI research "
           "and application."), "regulatory"))
    algorithm_affects_public_interest = TriState(metadata=info(
        "yes/no/unknown", N_("Are your algorithms used in public decision-making, or in a commercial field involving "
                             "the public interest?"),
        N_("Such algorithms must be explained in a way the public can understand (Art. 71)."), "regulatory"))

    # --- data ---------------------------------------------------------------------------------------
    pi_counterparty_location = Code(table="reg_pi_counterparty_locations", metadata=info(
        "code", N_("Where is the other party to your personal-information transfer?"),
        N_("The GBA standard contract covers flows between the nine mainland GBA cities (incl. Shenzhen) and "
           "Hong Kong only; Macao is not covered."), "regulatory"))
    pi_is_important_data = TriState(metadata=info(
        "yes/no/unknown", N_("Has the personal information been designated important data?"),
        N_("Important data cannot go through the GBA standard contract."), "regulatory"))
    requested_public_data_class = Code(table="reg_public_data_classes", metadata=info(
        "code", N_("Opening class of the public data you want (per the public-data opening catalogue)"),
        N_("Data Regulations Art. 48: unconditionally open, conditionally open (under the catalogue's access "
           "method, usage requirements and safeguards) or not opened."), "regulatory"))
    ai_system_influences_behaviour_or_mobilises = TriState(metadata=info(
        "yes/no/unknown",
        N_("Does your AI system strongly influence people's behaviour, have algorithms able to mobilise the public, "
           "or make automated decisions with safety risks?"),
        N_("The draft national AI ethics measures listed such activities for an expert re-review; the final list was "
           "not read, so this only adds a note."), "regulatory"))

    # --- AI-generated content labelling and generative-AI filing (national) ----------------------------
    generates_content = TriState(metadata=info(
        "yes/no/unknown",
        N_("Do you provide an AI service that generates or synthesises text, audio, images, video or virtual "
           "scenes?"),
        N_("Providers must add explicit and implicit labels to generated content (labelling measures, from "
           "2025-09-01)."), "regulatory"))
    distributes_user_content = TriState(metadata=info(
        "yes/no/unknown", N_("Do you run a platform that distributes online content (e.g. uploads by others)?"),
        N_("Distribution platforms must check for labels and add risk notices to unlabelled or suspected AI "
           "content."), "regulatory"))
    operates_app_store = TriState(metadata=info(
        "yes/no/unknown", N_("Do you run an app store (internet app distribution platform)?"),
        N_("App stores must check, at listing, whether apps provide AI generation and their labelling materials."),
        "regulatory"))
    offers_public_genai_service = TriState(metadata=info(
        "yes/no/unknown", N_("Do you offer a generative-AI service to the public in mainland China?"),
        N_("Such services must be filed or registered with the cyberspace administration; in-house R&D not offered "
           "to the public is outside it."), "regulatory"))
    uses_filed_model_via_api = TriState(metadata=info(
        "yes/no/unknown", N_("Does the service call an already filed model through an API (rather than your own "
                             "model)?"),
        N_("Calling a filed model: local registration (登记); your own model with public-opinion or mobilisation "
           "capacity: filing (备案)."), "regulatory"))
