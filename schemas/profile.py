"""Company and person profiles: what the rules need, and nothing else.

Every field documents its unit and, in both languages, a label and a hint saying why it is asked. Codes
(districts, identities…) are checked against the loaded reference tables, which the schema receives at
construction (``CompanySchema(choices=catalogue.choices)``), so the dropdowns and the checks share one source.
Unknown is a legitimate answer everywhere: leave a field out (or answer ``unknown``) and the engine
reports ``needs_info`` for programs that need it.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validates_schema

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
from schemas.messages import Msg
from schemas.profile_financial import FinancialSupportFields
from schemas.profile_procurement import ProcurementFields
from schemas.profile_regulatory import RegulatoryFields
from schemas.profile_talent import TalentFields
from schemas.profile_tax import TaxAndLabelFields

MAX_PEOPLE = 500


class ProfileSchema(Schema):
    """Base: codes are checked against reference-table choices given at construction."""

    class Meta:
        unknown = RAISE

    def __init__(self, *args: Any, choices: dict[str, set[str]] | None = None, **kwargs: Any) -> None:
        self.choices = choices or {}
        super().__init__(*args, **kwargs)

    @validates_schema(skip_on_field_errors=False)
    def _check_codes(self, data: dict[str, Any], **kwargs: Any) -> None:
        errors: dict[str, list[str]] = {}
        for name, field in self.fields.items():
            value = data.get(name)
            if value is None or not isinstance(field, Code | CodeList):
                continue
            allowed = self.choices.get(field.table)
            if allowed is None:
                continue
            values = value if isinstance(value, list) else [value]
            bad = [v for v in values if v not in allowed]
            if bad:
                errors[field.data_key or name] = [Msg("not_choice", choices=", ".join(sorted(allowed)))]
        if errors:
            raise ValidationError(errors)


class CompanySchema(ProfileSchema, FinancialSupportFields, TaxAndLabelFields, ProcurementFields, RegulatoryFields):
    """A company (or university / research institute) applying for support."""

    # --- identity and location ---------------------------------------------------------------
    name = Text(max_length=200, metadata=info("text", "Company name", "公司名称", section="identity"))
    uscc = USCC(metadata=info(
        "text", "Unified social credit code", "统一社会信用代码",
        "Optional; checked against GB 32100-2015 so typos are caught early.",
        "选填；按 GB 32100-2015 校验，便于及早发现录入错误。", "identity"))
    entity_type = Code(table="entity_types", metadata=info(
        "code", "Type of applicant", "申请主体类型",
        "Some vouchers are open to universities and research institutes as well as enterprises.",
        "部分券类政策同时面向企业、高校和科研机构。", "identity"))
    founding_date = Day(past_only=True, metadata=info(
        "date", "Date of establishment", "成立日期",
        "High-tech enterprise recognition needs more than one year of registration.",
        "高新技术企业认定要求注册成立一年以上。", "identity"))
    registration_district = Code(table="districts", metadata=info(
        "code", "District of registration", "注册所在区",
        "City programs need a Shenzhen entity.", "市级政策要求为深圳主体。", "identity"))
    operating_district = Code(table="districts", metadata=info(
        "code", "District of actual operating address", "实际经营地址所在区",
        "District vouchers (e.g. Longhua) look at where you actually operate, not only where you registered.",
        "区级政策（如龙华区）看实际经营地址，而不仅是注册地。", "identity"))
    zone_flags = CodeList(table="zones", metadata=info(
        "codes", "Special zones you are registered in", "注册所在的特别合作区",
        "Qianhai and Hetao have their own programs and tax rules.", "前海、河套有专门的政策和税收规定。",
        "identity"))
    independent_legal_person = TriState(metadata=info(
        "yes/no/unknown", "Independent legal person?", "是否具有独立法人资格？",
        "Required by the Longhua compute voucher.", "龙华区算力券要求独立法人。", "identity"))
    industry_sector = Code(table="sme_sectors", metadata=info(
        "code", "Industry sector (for the SME size class)", "所属行业（用于中小企业划型）",
        "The size class thresholds differ by sector.", "中小企业划型标准因行业而异。", "identity"))
    in_ai_or_robotics_industry = TriState(metadata=info(
        "yes/no/unknown", "Are you in the AI or robotics industry?", "是否属于人工智能或机器人产业？",
        "District AI measures are limited to these industries.", "区级人工智能政策限于上述产业。", "identity"))

    # --- size and finances ----------------------------------------------------------------------
    tax_year = Year(metadata=info(
        "year", "Tax year the financial figures are for", "财务数据所属纳税年度",
        "Defaults to the last complete year before the as-of date.", "默认为测算日期前最近一个完整年度。",
        "finances"))
    employees = Count(metadata=info(
        "people", "Total employees", "职工总数",
        "Used for the S&T staff share (high-tech enterprise).", "用于计算科技人员占比（高新技术企业）。",
        "finances"))
    st_staff = Count(metadata=info(
        "people", "S&T staff (research and technical staff)", "科技人员数",
        "High-tech enterprises need at least 10% S&T staff.", "高新技术企业要求科技人员占比不低于 10%。",
        "finances"))
    revenue_latest = Money(metadata=info(
        "CNY", "Sales revenue, latest fiscal year", "最近一个会计年度销售收入",
        "Sets the high-tech enterprise R&D-intensity band.", "决定高新技术企业研发费用占比门槛档次。",
        "finances"))
    revenue_3y = Money(metadata=info(
        "CNY", "Sales revenue, last three fiscal years combined", "近三个会计年度销售收入合计",
        "Denominator of R&D intensity.", "研发费用占比的分母。", "finances"))
    rd_expense_3y = Money(metadata=info(
        "CNY", "R&D expenses, last three fiscal years combined", "近三个会计年度研发费用合计",
        "Numerator of R&D intensity.", "研发费用占比的分子。", "finances"))
    rd_in_china_percent = Percent(metadata=info(
        "%", "Share of R&D spent in China", "境内研发费用占比",
        "High-tech enterprises need at least 60%.", "高新技术企业要求不低于 60%。", "finances"))
    high_tech_revenue_percent = Percent(metadata=info(
        "%", "High-tech products and services as a share of revenue, latest year",
        "高新技术产品（服务）收入占总收入比例（最近一年）",
        "High-tech enterprises need at least 60%.", "高新技术企业要求不低于 60%。", "finances"))
    taxable_income = Money(allow_negative=True, metadata=info(
        "CNY", "Taxable income before the R&D extra deduction (negative for a loss)",
        "应纳税所得额（研发费用加计扣除前；亏损填负数）",
        "Prices the corporate income tax reliefs.", "用于测算企业所得税优惠金额。", "finances"))
    rd_expensed = Money(metadata=info(
        "CNY", "R&D expensed in the tax year", "本年度费用化研发支出",
        "Base of the 100% R&D extra deduction.", "研发费用加计扣除的基数。", "finances"))
    rd_intangible_amortisation = Money(metadata=info(
        "CNY", "Amortisation of R&D intangible assets in the tax year (at cost)",
        "本年度研发形成无形资产的摊销额（按成本）",
        "R&D intangibles are amortised at 200% of cost.", "研发形成的无形资产按成本的 200% 摊销。", "finances"))

    # --- certifications ---------------------------------------------------------------------------
    hnte_certified = TriState(metadata=info(
        "yes/no/unknown", "Certified high and new technology enterprise?", "是否已认定为高新技术企业？",
        "The 15% rate needs a valid certificate.", "15% 优惠税率需持有效证书。", "certifications"))
    hnte_cert_date = Day(past_only=True, metadata=info(
        "date", "Date on the high-tech enterprise certificate", "高新技术企业证书发证日期",
        "A certificate is valid for three years.", "证书有效期三年。", "certifications"))
    owns_core_ip = TriState(metadata=info(
        "yes/no/unknown", "Do you own the IP behind your main products?", "是否拥有主要产品（服务）核心技术的知识产权？",
        "A high-tech enterprise recognition condition.", "高新技术企业认定条件。", "certifications"))
    in_supported_high_tech_fields = TriState(metadata=info(
        "yes/no/unknown", "Is your core technology in the State-supported high-tech fields?",
        "核心技术是否属于《国家重点支持的高新技术领域》？",
        "A high-tech enterprise recognition condition.", "高新技术企业认定条件。", "certifications"))
    no_major_violation = TriState(metadata=info(
        "yes/no/unknown", "Free of major safety, quality or environmental violations in the past year?",
        "申请前一年内是否未发生重大安全、重大质量事故或严重环境违法行为？",
        "A high-tech enterprise recognition condition.", "高新技术企业认定条件。", "certifications"))
    rd_excluded_industry = TriState(metadata=info(
        "yes/no/unknown", "Is your main business in an industry excluded from the R&D extra deduction?",
        "主营业务是否属于不适用研发费用加计扣除的行业？",
        "Excluded industries cannot take the R&D extra deduction.", "负面清单行业不得享受加计扣除。",
        "certifications"))

    # --- AI activities ------------------------------------------------------------------------------
    rents_compute_for_model_training = TriState(metadata=info(
        "yes/no/unknown", "Do you rent intelligent compute to train large models?", "是否租用智能算力训练大模型？",
        "The city training-compute voucher (训力券) supports this.", "市级训力券支持此类支出。", "ai"))
    compute_service_contract_amount = Money(metadata=info(
        "CNY", "Compute service contract amount (model training), this year", "本年度算力服务合同金额（模型训练）",
        "The training-compute voucher pays a share of it.", "训力券按该金额的一定比例补贴。", "ai"))
    is_startup_per_guide = TriState(metadata=info(
        "yes/no/unknown", "Are you a start-up (初创企业) under this year's application guide?",
        "按当年申报指南是否属于初创企业？",
        "Start-ups get 60% instead of 50%; the definition is set by each year's guide.",
        "初创企业补贴比例为 60%（一般为 50%），定义以当年指南为准。", "ai"))
    compute_purchase_amount = Money(metadata=info(
        "CNY", "Compute purchased this year (any provider)", "本年度算力采购金额",
        "District compute vouchers pay a share of it.", "区级算力券按该金额的一定比例补贴。", "ai"))

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
        if errors:
            raise ValidationError(errors)


class PersonSchema(ProfileSchema, TalentFields):
    """One person (employee or individual) assessed for talent and personal-tax programs."""

    ref = Text(max_length=100, metadata=info(
        "text", "Reference (name or staff number)", "标识（姓名或工号）",
        "Only used to label results.", "仅用于标注结果。", "person"))
    department = Text(max_length=100, metadata=info(
        "text", "Department", "部门", "Used for HR totals by department.", "用于按部门汇总。", "person"))
    degree = Code(table="degrees", metadata=info(
        "code", "Highest degree", "最高学历", "Talent programs distinguish degrees.", "人才政策区分学历。",
        "education"))
    identity = Code(table="identities", metadata=info(
        "code", "Identity (residence status)", "身份类型",
        "Hong Kong, Macao, Taiwan and overseas identities unlock the GBA tax subsidy and the Qianhai/Hetao exemptions.",
        "港澳台及境外身份适用大湾区个税补贴和前海/河套个税优惠。", "identity"))
    introduction_date = Day(past_only=True, metadata=info(
        "date", "Date introduced to Shenzhen as talent (引进日期)", "人才引进日期",
        "The new-talent living subsidy closed to talent introduced on or after 2021-09-01.",
        "新引进人才租房和生活补贴已对 2021-09-01 及以后引进的人才停止受理。", "arrival"))
    tax_year = Year(metadata=info(
        "year", "Tax year the income figures are for", "收入数据所属纳税年度",
        "Defaults to the company's tax year, else the last complete year.", "默认为公司纳税年度，否则为最近完整年度。",
        "tax"))
    annual_gross_income = Money(metadata=info(
        "CNY", "Annual gross income from employment", "年度工资薪金收入总额",
        "Used to estimate mainland and Hong Kong tax when the exact figures are not given.",
        "未提供具体税额时，用于估算内地及香港税负。", "tax"))
    special_deductions = Money(metadata=info(
        "CNY", "Annual deductions besides the 60,000 basic deduction (social insurance, housing fund, special additional)",
        "除 6 万元基本减除费用外的年度扣除（社保、公积金、专项附加扣除等）",
        "Lowers taxable income in the estimate.", "用于估算应纳税所得额。", "tax"))
    taxable_income = Money(metadata=info(
        "CNY", "Annual taxable comprehensive income (after deductions), if known", "年度综合所得应纳税所得额（如已知）",
        "The GBA subsidy is IIT paid minus 15% of this.", "大湾区补贴 = 已缴个税 − 应纳税所得额 × 15%。", "tax"))
    iit_paid = Money(metadata=info(
        "CNY", "Individual income tax paid in Shenzhen for the year, if known", "当年在深圳缴纳的个人所得税（如已知）",
        "If left blank it is estimated from the bracket table.", "如不填，按税率表估算。", "tax"))
    pays_iit_in_shenzhen = TriState(metadata=info(
        "yes/no/unknown", "Works for a Shenzhen employer and pays IIT in Shenzhen?", "是否在深圳工作并在深圳缴纳个人所得税？",
        "A GBA IIT subsidy condition.", "大湾区个税补贴条件。", "tax"))
    recognised_high_end_or_shortage_talent = TriState(metadata=info(
        "yes/no/unknown", "Recognised as high-end or shortage talent under this year's Shenzhen guide?",
        "是否符合当年深圳境外高端人才或紧缺人才认定标准？",
        "A GBA IIT subsidy condition; the lists are set each year.", "大湾区个税补贴条件，目录每年公布。", "tax"))
    employer_zone_flags = CodeList(table="zones", metadata=info(
        "codes", "Special zones the employer is registered in", "用人单位注册所在的特别合作区",
        "Defaults to the company's zones when assessed with a company.", "随公司测算时默认取公司所在区域。",
        "tax"))
    works_in_zone = TriState(metadata=info(
        "yes/no/unknown", "Actually works in that zone (Qianhai or Hetao)?", "是否实际在该合作区（前海或河套）工作？",
        "The Qianhai and Hetao exemptions need work in the zone.", "前海、河套个税优惠要求在区内工作。", "tax"))
    employer_substantive_operation = TriState(metadata=info(
        "yes/no/unknown", "Is the employer substantively operating in the zone?", "用人单位是否在区内实质性运营？",
        "A Qianhai and Hetao condition.", "前海、河套个税优惠条件。", "tax"))
    pays_iit_in_zone = TriState(metadata=info(
        "yes/no/unknown", "Pays IIT in the zone (Hetao)?", "是否在合作区（河套）缴纳个人所得税？",
        "A Hetao exemption condition.", "河套个税优惠条件。", "tax"))
    compliance_lookback_ok = TriState(metadata=info(
        "yes/no/unknown", "No tax or legal violations in the look-back period?", "回溯期内是否无税务及其他违法记录？",
        "The Qianhai and Hetao measures require a clean record.", "前海、河套个税优惠要求守法记录。", "tax"))
    on_hetao_whitelist = TriState(metadata=info(
        "yes/no/unknown", "On the Hetao Hong Kong-resident white list?", "是否在河套港人名单内？",
        "The e-tax system applies the Hetao exemption from this list.", "电子税务局据此名单适用河套优惠。", "tax"))
    fx_cny_per_hkd = Ratio(metadata=info(
        "CNY per HKD", "Exchange rate to use (CNY per 1 HKD)", "换算汇率（1 港元兑人民币）",
        "Needed to estimate the Hong Kong tax burden; no official conversion rule was found.",
        "用于估算香港税负；未查到官方换算规则。", "tax"))


_NESTED: dict[int, tuple[Any, CompanySchema, PersonSchema]] = {}


def nested_schemas(choices: dict[str, set[str]]) -> tuple[CompanySchema, PersonSchema]:
    """Company and person schemas for these choices, built once (building one deep-copies ~100 fields)."""
    found = _NESTED.get(id(choices))
    if found is None or found[0] is not choices:
        if len(_NESTED) > 8:
            _NESTED.clear()
        found = _NESTED[id(choices)] = (choices, CompanySchema(choices=choices), PersonSchema(choices=choices))
    return found[1], found[2]


class AssessmentInputSchema(Schema):
    """One assessment: a company, its people, or both."""

    class Meta:
        unknown = RAISE

    company = fields.Dict(load_default=None, allow_none=True)
    people = BoundedList(fields.Dict(), max_items=MAX_PEOPLE, too_many="too_many_people", load_default=None,
                         allow_none=True)

    def __init__(self, *args: Any, choices: dict[str, set[str]] | None = None, **kwargs: Any) -> None:
        self.choices = choices or {}
        super().__init__(*args, **kwargs)

    @post_load
    def _load_parts(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        errors: dict[str, Any] = {}
        company = None
        company_schema, person_schema = nested_schemas(self.choices)
        if data.get("company") is not None:
            try:
                company = company_schema.load(data["company"])
            except ValidationError as exc:
                errors["company"] = exc.messages
        people: list[dict[str, Any]] = []
        raw_people = data.get("people") or []
        if len(raw_people) > MAX_PEOPLE:
            errors["people"] = [Msg("too_many_people", max=MAX_PEOPLE)]
            raw_people = []
        person_errors: dict[int, Any] = {}
        for index, raw in enumerate(raw_people):
            try:
                people.append(person_schema.load(raw))
            except ValidationError as exc:
                person_errors[index] = exc.messages
        if person_errors:
            errors["people"] = person_errors
        if company is None and not raw_people and not errors:
            errors["_schema"] = [Msg("empty_assessment")]
        if errors:
            raise ValidationError(errors)
        return {"company": company, "people": people}


# The order in which a person meets the questions (form sections, template columns): who first, details after.
SECTION_ORDER = {
    "company": ("identity", "finances", "certifications", "ai", "procurement", "regulatory"),
    "person": ("person", "identity", "education", "arrival", "tax"),
}


def field_catalogue() -> dict[str, dict[str, Any]]:
    """Every profile input by subject (``company`` / ``person``): type, unit, labels, hints, code table; in
    :data:`SECTION_ORDER` (declaration order within a section)."""
    out: dict[str, dict[str, Any]] = {}
    for subject, schema in (("company", CompanySchema), ("person", PersonSchema)):
        metas = {}
        for name, field in schema._declared_fields.items():
            meta = dict(field.metadata)
            meta["type"] = type(field).__name__
            meta["table"] = getattr(field, "table", None)
            metas[name] = meta
        order = SECTION_ORDER[subject]
        out[subject] = dict(sorted(metas.items(), key=lambda item: (order.index(item[1]["section"]),
                                                                    item[0] not in ("name", "ref"))))
    return out
