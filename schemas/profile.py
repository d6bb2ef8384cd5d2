"""Company and person profiles: what the rules need, and nothing else.

Every field documents its unit and, in both languages, a label and a hint saying why it is asked. Codes
(districts, identities…) are checked against the loaded reference tables, which the schema receives at
construction (``CompanySchema(choices=catalogue.choices)``), so the dropdowns and the checks share one source.
Unknown is a legitimate answer everywhere: leave a field out (or answer ``unknown``) and the engine
reports ``needs_info`` for programs that need it.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, ValidationError, fields, post_load, validates_schema

from calculator.i18n import N_
from schemas.absent import AbsentDefaults
from schemas.fields import (
    USCC,
    BoundedList,
    Code,
    CodeList,
    Count,
    Day,
    Money,
    Percent,
    Ratio,
    Text,
    TriState,
    Year,
    info,
)
from schemas.limits import limits_of
from schemas.messages import Msg
from schemas.profile_financial import FinancialSupportFields
from schemas.profile_local import LocalProgramFields
from schemas.profile_procurement import ProcurementFields
from schemas.profile_regulatory import RegulatoryFields
from schemas.profile_talent import TalentFields
from schemas.profile_tax import TaxAndLabelFields
from schemas.reading import CodeNames

MAX_PEOPLE = 500
NO_CHOICES: dict[str, set[str]] = {}  # a schema given no tables: codes are not checked (one object, so caches hold)


_CODE_NAMES: dict[tuple[int, int], tuple[Any, Any, dict[str, CodeNames]]] = {}


def code_names(choices: dict[str, set[str]], names: dict[str, dict[str, dict[str, str]]] | None
               ) -> dict[str, CodeNames]:
    """How the codes of each table may be named (built once per set of tables)."""
    key = (id(choices), id(names))
    found = _CODE_NAMES.get(key)
    if found is None or found[0] is not choices or found[1] is not names:
        if len(_CODE_NAMES) > 16:
            _CODE_NAMES.clear()
        built = {table: CodeNames(codes, (names or {}).get(table)) for table, codes in choices.items()}
        found = _CODE_NAMES[key] = (choices, names, built)
    return found[2]


class ProfileSchema(AbsentDefaults):
    """Base: codes are checked against reference-table choices given at construction, and answers against the
    bounds the rule tables set (:mod:`schemas.limits`)."""

    subject = "company"

    class Meta:
        unknown = RAISE

    def __init__(self, *args: Any, choices: dict[str, set[str]] | None = None,
                 names: dict[str, dict[str, dict[str, str]]] | None = None, **kwargs: Any) -> None:
        """``choices``: the codes of each enum table; ``names``: their names (table → code → language → name), so
        that a code may also be given by its name (:class:`schemas.fields.CodeNames`)."""
        self.choices = choices or NO_CHOICES
        self.names = names
        self.code_names = code_names(self.choices, names)
        super().__init__(*args, **kwargs)

    @validates_schema(skip_on_field_errors=False)
    def _check_codes(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        coded = self.__dict__.get("_coded")
        if coded is None:  # the fields with codes of a table with choices, with those codes: found once
            coded = self._coded = [(name, field, self.choices[field.table]) for name, field in self.fields.items()
                                   if isinstance(field, Code | CodeList) and self.choices.get(field.table) is not None]
        for name, field, allowed in coded:
            value = data.get(name)
            if value is None:
                continue
            values = value if isinstance(value, list) else [value]
            bad = [v for v in values if v not in allowed]
            if bad:
                errors[field.data_key or name] = [Msg("not_choice", choices=", ".join(sorted(allowed)))]
        if errors:
            raise ValidationError(errors)

    @validates_schema(skip_on_field_errors=False)
    def _check_limits(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        for name, limits in limits_of(self.choices, self.subject).items():
            value = data.get(name)
            if value is None:
                continue
            for limit in limits:
                refused = limit.refusal(value) if limit.applies(data) else None
                if refused is not None:
                    errors.setdefault(name, []).append(refused)
        if errors:
            raise ValidationError(errors)


class CompanySchema(ProfileSchema, FinancialSupportFields, LocalProgramFields, TaxAndLabelFields, ProcurementFields,
                    RegulatoryFields):
    """A company (or university / research institute) applying for support."""

    # --- identity and location ---------------------------------------------------------------
    name = Text(max_length=200, metadata=info("text", N_("Company name"), section="identity"))
    uscc = USCC(metadata=info(
        "text", N_("Unified social credit code"),
        N_("Optional; checked against GB 32100-2015 so typos are caught early."), "identity"))
    entity_type = Code(table="entity_types", metadata=info(
        "code", N_("Type of applicant"),
        N_("Some vouchers are open to universities and research institutes as well as enterprises."), "identity"))
    founding_date = Day(past_only=True, metadata=info(
        "date", N_("Date of establishment"),
        N_("High-tech enterprise recognition needs more than one year of registration."), "identity"))
    application_date = Day(metadata=info(
        "date", N_("Planned or actual application date"),
        N_("Start-up status (training-compute voucher: established less than one year) is judged at the "
           "application date; left blank, the assessment date is used."), "identity"))
    registration_district = Code(table="districts", metadata=info(
        "code", N_("District of registration"), N_("City programs need a Shenzhen entity."), "identity"))
    operating_district = Code(table="districts", metadata=info(
        "code", N_("District of actual operating address"),
        N_("District vouchers (e.g. Longhua) look at where you actually operate, not only where you registered."),
        "identity"))
    zone_flags = CodeList(table="zones", metadata=info(
        "codes", N_("Special zones you are registered in"),
        N_("Qianhai and Hetao have their own programs and tax rules."), "identity"))
    independent_legal_person = TriState(metadata=info(
        "yes/no/unknown", N_("Independent legal person?"), N_("Required by the Longhua compute voucher."), "identity"))
    industry_sector = Code(table="sme_sectors", metadata=info(
        "code", N_("Industry sector (for the SME size class)"), N_("The size class thresholds differ by sector."),
        "identity"))
    in_ai_or_robotics_industry = TriState(metadata=info(
        "yes/no/unknown", N_("Are you in the AI or robotics industry?"),
        N_("District AI measures are limited to these industries."), "identity"))

    # --- size and finances ----------------------------------------------------------------------
    tax_year = Year(metadata=info(
        "year", N_("Tax year the financial figures are for"),
        N_("Defaults to the last complete year before the as-of date."), "finances"))
    employees = Count(metadata=info(
        "people", N_("Total employees"), N_("Used for the S&T staff share (high-tech enterprise)."), "finances"))
    st_staff = Count(metadata=info(
        "people", N_("S&T staff (research and technical staff)"),
        N_("High-tech enterprises need at least 10% S&T staff."), "finances"))
    revenue_latest = Money(metadata=info(
        "CNY", N_("Sales revenue, latest fiscal year"), N_("Sets the high-tech enterprise R&D-intensity band."),
        "finances"))
    revenue_3y = Money(metadata=info(
        "CNY", N_("Sales revenue, last three fiscal years combined"), N_("Denominator of R&D intensity."), "finances"))
    rd_expense_3y = Money(metadata=info(
        "CNY", N_("R&D expenses, last three fiscal years combined"), N_("Numerator of R&D intensity."), "finances"))
    rd_in_china_percent = Percent(metadata=info(
        "%", N_("Share of R&D spent in China"), N_("High-tech enterprises need at least 60%."), "finances"))
    high_tech_revenue_percent = Percent(metadata=info(
        "%", N_("High-tech products and services as a share of revenue, latest year"),
        N_("High-tech enterprises need at least 60%."), "finances"))
    taxable_income = Money(allow_negative=True, metadata=info(
        "CNY", N_("Taxable income before the R&D extra deduction (negative for a loss)"),
        N_("Prices the corporate income tax reliefs."), "finances"))
    rd_expensed = Money(metadata=info(
        "CNY", N_("R&D expensed in the tax year"), N_("Base of the 100% R&D extra deduction."), "finances"))
    rd_intangible_amortisation = Money(metadata=info(
        "CNY", N_("Amortisation of R&D intangible assets in the tax year (at cost)"),
        N_("R&D intangibles are amortised at 200% of cost."), "finances"))

    # --- certifications ---------------------------------------------------------------------------
    hnte_certified = TriState(metadata=info(
        "yes/no/unknown", N_("Certified high and new technology enterprise?"),
        N_("The 15% rate needs a certificate that covers the tax year; without one, the recognition self-check "
           "says whether you are likely to qualify."), "certifications"))
    hnte_cert_date = Day(past_only=True, metadata=info(
        "date", N_("Date on the most recent high-tech enterprise certificate"),
        N_("A certificate covers its issue year and the next two tax years; in the year after that only if you are "
           "re-certified within it."), "certifications"))
    owns_core_ip = TriState(metadata=info(
        "yes/no/unknown", N_("Do you own the IP behind your main products?"),
        N_("A high-tech enterprise recognition condition."), "certifications"))
    in_supported_high_tech_fields = TriState(metadata=info(
        "yes/no/unknown", N_("Is your core technology in the State-supported high-tech fields?"),
        N_("A high-tech enterprise recognition condition."), "certifications"))
    no_major_violation = TriState(metadata=info(
        "yes/no/unknown", N_("Free of major safety, quality or environmental violations in the past year?"),
        N_("A high-tech enterprise recognition condition."), "certifications"))
    rd_excluded_industry = TriState(metadata=info(
        "yes/no/unknown", N_("Is your main business in an industry excluded from the R&D extra deduction?"),
        N_("Excluded industries cannot take the R&D extra deduction."), "certifications"))

    # --- AI activities ------------------------------------------------------------------------------
    rents_compute_for_model_training = TriState(metadata=info(
        "yes/no/unknown", N_("Do you rent intelligent compute to train large models?"),
        N_("The city training-compute voucher (训力券) supports this."), "ai"))
    compute_service_contract_amount = Money(metadata=info(
        "CNY", N_("Compute service contract amount (model training), this year"),
        N_("The training-compute voucher pays a share of it."), "ai"))
    is_startup_per_guide = TriState(metadata=info(
        "yes/no/unknown", N_("Are you a start-up (初创企业) under this year's application guide?"),
        N_("Start-ups get 60% instead of 50%; the definition is set by each year's guide."), "ai"))
    compute_same_contract = TriState(metadata=info(
        "yes/no/unknown", N_("Are the city training-compute voucher and the district compute support for the same "
                             "compute contract?"),
        N_("Yes: enter the compute service contract amount once; the district vouchers read it, and all support on "
           "that contract is limited together. No: give the district compute purchases separately; no combined "
           "limit."),
        "ai"))
    compute_purchase_amount = Money(metadata=info(
        "CNY", N_("Compute purchased this year (any provider)"),
        N_("District compute vouchers pay a share of it. Not needed when it is the same contract as the city "
           "voucher's."), "ai"))

    @validates_schema(skip_on_field_errors=False)
    def _check_consistency(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        st, total = data.get("st_staff"), data.get("employees")
        if st is not None and total is not None and st > total:
            errors["st_staff"] = [Msg("st_staff_exceeds", st=st, total=total)]
        rd, rev = data.get("rd_expense_3y"), data.get("revenue_3y")
        if rd is not None and rev is not None and rev > 0 and rd > rev * 10:
            errors["rd_expense_3y"] = [Msg("rd_exceeds_revenue_3y", rd=rd, rev=rev)]
        founded, cert = data.get("founding_date"), data.get("hnte_cert_date")
        if founded and cert and cert < founded:
            errors["hnte_cert_date"] = [Msg("cert_before_founding")]
        previous = data.get("hnte_previous_cert_date")
        if previous and cert and previous >= cert:
            errors["hnte_previous_cert_date"] = [Msg("previous_cert_not_earlier")]
        elif previous and data.get("hnte_had_previous_cert") is False:
            errors["hnte_previous_cert_date"] = [Msg("previous_cert_but_none")]
        part, total = data.get("taxable_income_qianhai"), data.get("taxable_income")
        if part is not None and total is not None and total >= 0 and part > total:
            errors["taxable_income_qianhai"] = [Msg("qianhai_income_exceeds", part=part, total=total)]
        applied = data.get("application_date")
        if founded and applied and applied < founded:
            errors["application_date"] = [Msg("application_before_founding")]
        if errors:
            raise ValidationError(errors)


class PersonSchema(ProfileSchema, TalentFields):
    """One person (employee or individual) assessed for talent and personal-tax programs."""

    subject = "person"

    ref = Text(max_length=100, metadata=info(
        "text", N_("Reference (name or staff number)"), N_("Only used to label results."), "person"))
    department = Text(max_length=100, metadata=info(
        "text", N_("Department"), N_("Used for HR totals by department."), "person"))
    degree = Code(table="degrees", metadata=info(
        "code", N_("Highest degree"), N_("Talent programs distinguish degrees."), "education"))
    identity = Code(table="identities", metadata=info(
        "code", N_("Identity (residence status)"),
        N_("Hong Kong, Macao, Taiwan and overseas identities unlock the GBA tax subsidy and the Qianhai/Hetao exemptions."),
        "identity"))
    introduction_date = Day(past_only=True, metadata=info(
        "date", N_("Date introduced to Shenzhen as talent (引进日期)"),
        N_("The new-talent living subsidy closed to talent introduced on or after 2021-09-01."), "arrival"))
    tax_year = Year(metadata=info(
        "year", N_("Tax year the income figures are for"),
        N_("Defaults to the company's tax year, else the last complete year."), "tax",
        alone_hint=N_("Leave blank for the last complete calendar year.")))
    annual_gross_income = Money(metadata=info(
        "CNY", N_("Annual gross income from employment"),
        N_("Used to estimate mainland and Hong Kong tax when the exact figures are not given."), "tax"))
    special_deductions = Money(metadata=info(
        "CNY",
        N_("Annual deductions besides the 60,000 basic deduction (social insurance, housing fund, special additional)"),
        N_("Lowers taxable income in the estimate."), "tax"))
    taxable_income = Money(metadata=info(
        "CNY", N_("Annual taxable comprehensive income (after deductions), if known"),
        N_("The GBA subsidy is IIT paid minus 15% of this."), "tax"))
    iit_paid = Money(metadata=info(
        "CNY", N_("Individual income tax paid in Shenzhen for the year, if known"),
        N_("If left blank it is estimated from the bracket table."), "tax"))
    pays_iit_in_shenzhen = TriState(metadata=info(
        "yes/no/unknown", N_("Works for a Shenzhen employer and pays IIT in Shenzhen?"),
        N_("A GBA IIT subsidy condition."), "tax"))
    recognised_high_end_or_shortage_talent = TriState(metadata=info(
        "yes/no/unknown", N_("Recognised as high-end or shortage talent under this year's Shenzhen guide?"),
        N_("A GBA IIT subsidy condition; the lists are set each year."), "tax"))
    employer_zone_flags = CodeList(table="zones", metadata=info(
        "codes", N_("Special zones the employer is registered in"),
        N_("Defaults to the company's zones when assessed with a company."), "tax",
        alone_hint=N_("Where the employer is registered decides whether the Qianhai or Hetao exemption can apply.")))
    works_in_zone = TriState(metadata=info(
        "yes/no/unknown", N_("Actually works in that zone (Qianhai or Hetao)?"),
        N_("The Qianhai and Hetao exemptions need work in the zone."), "tax"))
    employer_substantive_operation = TriState(metadata=info(
        "yes/no/unknown", N_("Is the employer substantively operating in the zone?"),
        N_("A Qianhai and Hetao condition."), "tax"))
    pays_iit_in_zone = TriState(metadata=info(
        "yes/no/unknown", N_("Pays IIT in the zone (Hetao)?"), N_("A Hetao exemption condition."), "tax"))
    compliance_lookback_ok = TriState(metadata=info(
        "yes/no/unknown", N_("No tax or legal violations in the look-back period?"),
        N_("The Qianhai and Hetao measures require a clean record."), "tax"))
    on_hetao_whitelist = TriState(metadata=info(
        "yes/no/unknown", N_("On the Hetao Hong Kong-resident white list?"),
        N_("The e-tax system applies the Hetao exemption from this list."), "tax"))
    fx_cny_per_hkd = Ratio(metadata=info(
        "CNY per HKD", N_("Exchange rate to use (CNY per 1 HKD)"),
        N_("Needed to estimate the Hong Kong tax burden; no official conversion rule was found."), "tax"))


Choices = dict[str, set[str]]
Names = dict[str, dict[str, dict[str, str]]]
_PARTS: dict[tuple[type, int, int], tuple[Any, Any, ProfileSchema]] = {}


def part_schema(kind: type[ProfileSchema], choices: Choices | None, names: Names | None) -> ProfileSchema:
    """A company or person schema for these tables, built once (building one deep-copies ~100 fields)."""
    key = (kind, id(choices), id(names))
    found = _PARTS.get(key)
    if found is None or found[0] is not choices or found[1] is not names:
        if len(_PARTS) > 16:
            _PARTS.clear()
        found = _PARTS[key] = (choices, names, kind(choices=choices, names=names))
    return found[2]


class Part(fields.Nested):
    """A company or a person inside an assessment, read with the reference tables (codes and their names) of the
    schema that holds it."""

    @property
    def schema(self) -> Any:
        if self._schema is None:
            kind, root = self.nested, self.root
            assert isinstance(kind, type) and issubclass(kind, ProfileSchema)
            self._schema = part_schema(kind, getattr(root, "choices", None), getattr(root, "names", None))
        return self._schema


class AssessmentInputSchema(AbsentDefaults):
    """One assessment: a company, its people, or both. Unknown is always allowed: leave a field out, send null, or
    answer "unknown"."""

    class Meta:
        unknown = RAISE

    company = Part(CompanySchema, load_default=None, allow_none=True)
    people = BoundedList(Part(PersonSchema), max_items=MAX_PEOPLE, too_many="too_many_people", load_default=None,
                         allow_none=True, metadata={
                             "maxItems": MAX_PEOPLE,
                             "description": "People assessed for talent and personal-tax programs; a person takes "
                                            "the company's zones and tax year unless given."})

    def __init__(self, *args: Any, choices: Choices | None = None, names: Names | None = None,
                 **kwargs: Any) -> None:
        self.choices, self.names = choices or NO_CHOICES, names
        super().__init__(*args, **kwargs)

    @validates_schema(skip_on_field_errors=True)
    def _not_empty(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("company") is None and not data.get("people"):
            raise ValidationError([Msg("empty_assessment")])

    @post_load
    def _parts(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return {"company": data.get("company"), "people": data.get("people") or []}


# The short first step (issue #14): the few answers that decide which programs are in play at all, in the order
# they are asked. Company: what it is, where it is registered and operates, when it was founded, its size, its AI
# activities (compute, corpora, models, products and selling to government, cross-border data), the certificate
# it holds. Person: residence status, arrival, talent recognitions, where they pay tax and work. Everything else
# is asked next, ranked by the money it settles (calculator.engine.questions). tests/test_first_step.py checks
# that every one is used by a program and that what the first step leaves open, the ranked questions settle.
FIRST_STEP = {
    "company": ("entity_type", "registration_district", "operating_district", "zone_flags", "founding_date",
                "employees", "compute_from_non_affiliated", "corpus_purchase_amount", "model_purchase_cost",
                "supplies_ai_products_or_services", "pi_counterparty_location", "hnte_certified"),
    "person": ("identity", "introduction_date", "newly_arrived_youth_talent", "talent_category",
               "holds_foreign_high_end_talent_letter", "pays_iit_in_shenzhen", "employer_zone_flags",
               "works_in_zone"),
}

# The order in which a person meets the questions (form sections, template columns): who first, details after.
SECTION_ORDER = {
    "company": ("identity", "finances", "certifications", "ai", "procurement", "regulatory"),
    "person": ("person", "identity", "education", "arrival", "tax"),
}


def field_catalogue() -> dict[str, dict[str, Any]]:
    """Every profile input by subject (``company`` / ``person``): type, unit, labels, hints, code table, whether it
    belongs to the short first step (``first_step``, :data:`FIRST_STEP`); in :data:`SECTION_ORDER` (declaration
    order within a section)."""
    out: dict[str, dict[str, Any]] = {}
    for subject, schema in (("company", CompanySchema), ("person", PersonSchema)):
        metas = {}
        for name, field in schema._declared_fields.items():
            meta = dict(field.metadata)
            meta["type"] = type(field).__name__
            meta["table"] = getattr(field, "table", None)
            meta["first_step"] = name in FIRST_STEP[subject]
            metas[name] = meta
        order = SECTION_ORDER[subject]
        out[subject] = dict(sorted(metas.items(), key=lambda item: (order.index(item[1]["section"]),
                                                                    item[0] not in ("name", "ref"))))
    return out
