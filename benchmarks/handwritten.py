"""A hand-written evaluator for the seven seed programs: the baseline the engine is measured against.

It computes what the engine computes for those programs (status, amount range, per-criterion results with
actual and required values, missing inputs, reasons, priced near-miss gaps, stacking) the way a developer
would write it directly, with the figures typed in. It is not product code: policy figures belong in the
rule tables; here they are deliberately inlined, because that is what "hand-written" means.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, Decimal
from typing import Any

D = Decimal
ZERO = D(0)
IIT = [(D(36000), D("0.03"), D(0)), (D(144000), D("0.10"), D(2520)), (D(300000), D("0.20"), D(16920)),
       (D(420000), D("0.25"), D(31920)), (D(660000), D("0.30"), D(52920)), (D(960000), D("0.35"), D(85920)),
       (None, D("0.45"), D(181920))]
HK_BANDS = [(D(50000), D("0.02")), (D(100000), D("0.06")), (D(150000), D("0.10")), (D(200000), D("0.14")),
            (None, D("0.17"))]
OVERSEAS = {"hk_permanent_resident", "macao_permanent_resident", "hk_entry_scheme_resident", "taiwan_resident",
            "foreign_national", "overseas_chinese_foreign_pr"}


def all3(values: list[bool | None]) -> bool | None:
    if False in values:
        return False
    return None if None in values else True


def any3(values: list[bool | None]) -> bool | None:
    if True in values:
        return True
    return None if None in values else False


def years_between(start: dt.date, end: dt.date) -> int:
    return end.year - start.year - ((end.month, end.day) < (start.month, start.day))


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class Crit:
    __slots__ = ("actual", "field", "id", "required", "result")

    def __init__(self, cid: str, result: bool | None, actual: Any, required: Any, field: str) -> None:
        self.id, self.result, self.actual, self.required, self.field = cid, result, actual, required, field


def check(cid: str, field: str, actual: Any, required: Any, test) -> Crit:
    return Crit(cid, None if actual is None else test(actual), actual, required, field)


def outcome(status: str, crits: list[Crit] | None = None, low: Decimal | None = None, high: Decimal | None = None,
            missing: list[str] | None = None, reasons: list[str] | None = None, flags: list[str] | None = None,
            confidence: str = "CONFIRMED", window: str = "unknown") -> dict[str, Any]:
    return {"status": status, "criteria": crits or [], "low": low, "high": high, "missing": missing or [],
            "reasons": reasons or [], "gaps": [], "excluded_by": None, "flags": flags or [],
            "confidence": confidence, "window": window}


def secondary(result: dict[str, Any]) -> dict[str, Any]:
    """Mark a result resting on a secondary-source figure (the flag goes first, as the engine puts it)."""
    result["confidence"] = "SECONDARY"
    result["flags"].insert(0, "secondary_source")
    return result


def missing_of(crits: list[Crit]) -> list[str]:
    return [c.field for c in crits if c.result is None]


def training(c: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    if as_of < dt.date(2024, 12, 18):
        return outcome("not_in_force")
    if as_of >= dt.date(2026, 5, 6):
        return training_2026(c, as_of)
    flags = ["may_have_expired"] if as_of > dt.date(2026, 12, 17) else []
    if c["registration_district"] == "shenshan":
        flags.append("shenshan_inclusion_unconfirmed")
    crits = [
        check("applicant_type", "entity_type", c["entity_type"], ("enterprise", "university", "research_institute"),
              lambda v: v in ("enterprise", "university", "research_institute")),
        check("rents_compute_for_training", "rents_compute_for_model_training", c["rents_compute_for_model_training"],
              True, lambda v: v is True),
        check("shenzhen_entity", "registration_district", c["registration_district"], "outside_shenzhen",
              lambda v: v != "outside_shenzhen"),
    ]
    overall = all3([x.result for x in crits])
    if overall is False:
        reasons = [x.id for x in crits if x.result is False]
        result = outcome("not_eligible", crits, reasons=reasons, flags=flags, window="unknown")
        return secondary(result) if reasons == ["shenzhen_entity"] else result
    missing = missing_of(crits)
    base = c["compute_service_contract_amount"]
    low = high = None
    startup = c["is_startup_per_guide"]
    if startup is None:
        flags.append("range_unanswered")
    if base is None:
        missing.append("compute_service_contract_amount")
    else:
        rates = [D("0.60")] if startup else [D("0.50")] if startup is False else [D("0.50"), D("0.60")]
        amounts = [min(base * r, D(10_000_000)) for r in rates]
        low, high = min(amounts), max(amounts)
    flags.append("competitive_up_to")
    status = "eligible" if overall and not missing else "needs_info"
    result = outcome(status, crits, low, high, missing, flags=flags)
    return secondary(result) if crits[2].result is not None else result


def training_2026(c: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """The 2026 guide (from 2026-05-06): Shenzhen by registration or operation, four more conditions, start-up =
    under one year at the application date, the annual cap less this year's voucher."""
    flags = ["may_have_expired"] if as_of > dt.date(2026, 12, 17) else []
    common = [
        check("applicant_type", "entity_type", c["entity_type"], ("enterprise", "university", "research_institute"),
              lambda v: v in ("enterprise", "university", "research_institute")),
        check("independent_legal_person", "independent_legal_person", c["independent_legal_person"], True,
              lambda v: v is True),
        check("non_affiliated_compute", "compute_from_non_affiliated", c["compute_from_non_affiliated"], True,
              lambda v: v is True),
        check("non_affiliated_spend_at_least_500000", "annual_non_affiliated_compute_spend",
              c["annual_non_affiliated_compute_spend"], D(500_000), lambda v: v >= D(500_000)),
        check("provider_admitted", "compute_provider_admitted", c["compute_provider_admitted"], True,
              lambda v: v is True),
        check("applicant_not_a_provider", "is_admitted_compute_provider", c["is_admitted_compute_provider"], False,
              lambda v: v is False),
    ]
    branches = [check("registered_in_shenzhen", "registration_district", c["registration_district"],
                      "outside_shenzhen", lambda v: v != "outside_shenzhen"),
                check("operating_in_shenzhen", "operating_district", c["operating_district"], "outside_shenzhen",
                      lambda v: v != "outside_shenzhen")]
    in_shenzhen = any3([b.result for b in branches])
    overall = all3([x.result for x in common] + [in_shenzhen])
    decided = [x for x in (*common, *branches) if x.result is not None]
    if overall is False:
        reasons = [x.id for x in common if x.result is False]
        if in_shenzhen is False:
            reasons += [b.id for b in branches]
        confirmed = "applicant_type" in reasons
        result = outcome("not_eligible", [*common, *branches], reasons=reasons, flags=flags)
        return result if confirmed else secondary(result)
    relevant = common + (branches if in_shenzhen is None else [])
    missing = missing_of(relevant)
    founded, applied = c["founding_date"], c["application_date"] or as_of
    startup = c["is_startup_per_guide"] if founded is None else years_between(founded, applied) < 1
    if startup is None:
        flags.append("range_unanswered")
    received = c["training_voucher_received_this_year"]
    if received is None:
        flags.append("assumed_no_voucher_received_this_year")
    left = max(ZERO, D(10_000_000) - (received or ZERO))
    base = c["compute_service_contract_amount"]
    low = high = None
    if base is None:
        missing.append("compute_service_contract_amount")
    else:
        rates = [D("0.60")] if startup else [D("0.50")] if startup is False else [D("0.50"), D("0.60")]
        amounts = [min(base * r, left) for r in rates]
        low, high = min(amounts), max(amounts)
    flags.append("competitive_up_to")
    status = "eligible" if overall and not missing else "needs_info"
    result = outcome(status, [*common, *branches], low, high, missing, flags=flags)
    row_b = {"independent_legal_person", "non_affiliated_compute", "non_affiliated_spend_at_least_500000",
             "provider_admitted", "applicant_not_a_provider", "registered_in_shenzhen", "operating_in_shenzhen"}
    return secondary(result) if any(x.id in row_b for x in decided) or flags[:1] == ["may_have_expired"] \
        else result


def district_amount(c: dict[str, Any]) -> tuple[Decimal | None, list[str]]:
    """The compute a district voucher reads and, when unknown, what to ask: the contract when it is the same contract
    as the city voucher's (else the purchases), and the same-contract question while it could settle it."""
    same, contract, purchases = c.get("compute_same_contract"), c["compute_service_contract_amount"], \
        c["compute_purchase_amount"]
    if same is True and contract is not None:
        return contract, []
    if purchases is not None:
        return purchases, []
    if same is True:
        return None, ["compute_service_contract_amount"]
    return None, ["compute_same_contract", "compute_purchase_amount"] if same is None and contract is not None \
        else ["compute_purchase_amount"]


def longhua(c: dict[str, Any], as_of: dt.date, gaps: bool = True) -> dict[str, Any]:
    if as_of < dt.date(2024, 11, 27):
        return outcome("not_in_force")
    buys, asks = district_amount(c)
    crits = [
        check("independent_legal_person", "independent_legal_person", c["independent_legal_person"], True,
              lambda v: v is True),
        check("operates_in_longhua", "operating_district", c["operating_district"], "longhua",
              lambda v: v == "longhua"),
        check("ai_or_robotics_industry", "in_ai_or_robotics_industry", c["in_ai_or_robotics_industry"], True,
              lambda v: v is True),
        check("buys_compute", "compute_purchase_amount", buys, ZERO, lambda v: v > 0),
    ]
    overall = all3([x.result for x in crits])
    if overall is False:
        reasons = [x.id for x in crits if x.result is False]
        result = outcome("not_eligible", crits, reasons=reasons)
        if gaps and "buys_compute" in reasons:
            after = longhua({**c, "compute_purchase_amount": D(1)}, as_of, gaps=False)
            result["gaps"].append(("buys_compute", D(1), after["low"] if after["status"] == "eligible" else None,
                                   after["status"]))
        return result
    missing = [n for name in missing_of(crits) for n in (asks if name == "compute_purchase_amount" else [name])]
    low = high = None
    if buys is not None:
        low = high = min(buys * D("0.30"), D(3_000_000))
    return outcome("eligible" if overall and not missing else "needs_info", crits, low, high, missing,
                   flags=["competitive_up_to"])


def hnte_band(revenue: Decimal) -> Decimal:
    return D("0.05") if revenue <= 50_000_000 else D("0.04") if revenue <= 200_000_000 else D("0.03")


def covers(c: dict[str, Any], as_of: dt.date, tax_year: int) -> tuple[bool | None, list[str], str | None]:
    """Certificate coverage by tax year, written out: (covered, inputs still needed, the note's code).

    Issued in year C: tax years C..C+2; C+3 only if renewed within it (pending until 31 December); earlier tax
    years on the previous certificate. The three-year span is recorded from 2016 (a certificate before: unknown).
    """
    cert, previous, had = c["hnte_cert_date"], c["hnte_previous_cert_date"], c["hnte_had_previous_cert"]
    if cert is None:
        return None, ["hnte_cert_date"], None
    if tax_year >= cert.year:
        return one_certificate(cert, tax_year, as_of, renewed_later=False)
    if had is False and previous is None:
        return False, [], "certificate_none_earlier"
    if previous is None:
        return None, (["hnte_had_previous_cert"] if had is None else []) + ["hnte_previous_cert_date"], \
            "certificate_earlier_unknown"
    if tax_year < previous.year:
        return None, [], "certificate_older_not_modelled"
    return one_certificate(previous, tax_year, as_of, renewed_later=True)


def one_certificate(issued: dt.date, tax_year: int, as_of: dt.date,
                    renewed_later: bool) -> tuple[bool | None, list[str], str | None]:
    if issued < dt.date(2016, 1, 1):
        return None, [], "no_figure_in_force"
    if tax_year <= issued.year + 2:
        return True, [], "certificate_covers"
    if tax_year == issued.year + 3 and not renewed_later and as_of <= dt.date(tax_year, 12, 31):
        return None, [], "certificate_expiry_year_pending"
    return False, [], "certificate_expired"


def hnte(c: dict[str, Any], as_of: dt.date, tax_year: int, gaps: bool = True) -> dict[str, Any]:
    """The relief: a held certificate covering the tax year; the recognition self-check beside it (no amount)."""
    if tax_year < 2008:
        return outcome("not_in_force")
    covered, needed, note = covers(c, as_of, tax_year)
    crits = [check("certified", "hnte_certified", c["hnte_certified"], True, lambda v: v is True),
             Crit("certificate_covers_tax_year", covered, covered, True, "hnte_covers_tax_year")]
    flags = [note] if covered is None and note else []
    taxable = c["taxable_income"]
    if False in (crits[0].result, covered):
        failed = [x.id for x in crits if x.result is False]
        result = outcome("not_eligible", crits, reasons=failed, flags=flags, window="continuous")
        if failed == ["certificate_covers_tax_year"]:
            secondary(result)
    else:
        missing = (["hnte_certified"] if crits[0].result is None else []) + needed
        low = high = None
        if taxable is None:
            missing.append("taxable_income")
        else:
            low = high = max(ZERO, taxable) * D("0.10")
        status = "eligible" if crits[0].result and covered and not missing else "needs_info"
        result = outcome(status, crits, low, high, missing, flags=flags, window="continuous")
        if covered is not None:
            secondary(result)
    if result["status"] in ("not_eligible", "needs_info"):
        result["self_check"] = self_check(c, as_of, gaps)
    return result


def self_check(c: dict[str, Any], as_of: dt.date, gaps: bool = True) -> dict[str, Any]:
    """High-tech recognition, checked against its criteria: likely / not yet / needs information, and the saving
    a certificate would unlock (10% of taxable income), never an amount of the program."""
    founded = c["founding_date"]
    st, staff = c["st_staff"], c["employees"]
    rd_3y, rev3, rev = c["rd_expense_3y"], c["revenue_3y"], c["revenue_latest"]
    share = None if st is None or staff is None else (D(st) / D(staff) if staff else (ZERO if st == 0 else D("Inf")))
    intensity = None if rd_3y is None or rev3 is None else (
        rd_3y / rev3 if rev3 else (ZERO if rd_3y == 0 else D("Inf")))
    band = None if rev is None else hnte_band(rev)
    crits = [
        check("registered_over_one_year", "founding_date", None if founded is None else (as_of - founded).days, 365,
              lambda v: v >= 365),
        check("owns_core_ip", "owns_core_ip", c["owns_core_ip"], True, lambda v: v is True),
        check("supported_fields", "in_supported_high_tech_fields", c["in_supported_high_tech_fields"], True,
              lambda v: v is True),
        check("st_staff_share", "st_staff", share, D("0.10"), lambda v: v >= D("0.10")),
        Crit("rd_intensity", None if intensity is None or band is None else intensity >= band, intensity, band,
             "rd_expense_3y"),
        check("rd_in_china", "rd_in_china_percent", c["rd_in_china_percent"], 60, lambda v: v / 100 >= D("0.60")),
        check("high_tech_revenue", "high_tech_revenue_percent", c["high_tech_revenue_percent"], 60,
              lambda v: v / 100 >= D("0.60")),
        check("no_major_violation", "no_major_violation", c["no_major_violation"], True, lambda v: v is True),
    ]
    results = [x.result for x in crits]
    outcome_code = "not_yet" if False in results else "needs_info" if None in results else "likely_to_qualify"
    taxable = c["taxable_income"]
    found = {"outcome": outcome_code, "if_certified": None if taxable is None else max(ZERO, taxable) * D("0.10"),
             "gaps": []}
    if gaps and outcome_code == "not_yet":
        found["gaps"] = self_check_gaps(c, as_of, crits, band)
    return found


def self_check_gaps(c: dict[str, Any], as_of: dt.date, crits: list[Crit], band: Decimal | None) -> list:
    out = []
    for x in crits:
        if x.result is not False:
            continue
        changed = None
        if x.id == "st_staff_share":
            target = (D("0.10") * c["employees"]).to_integral_value(rounding=ROUND_CEILING)
            changed = {"st_staff": int(target)}
            change = target - c["st_staff"]
        elif x.id == "rd_intensity":
            target = (band * c["revenue_3y"]).to_integral_value(rounding=ROUND_CEILING)
            changed, change = {"rd_expense_3y": target}, target - c["rd_expense_3y"]
        elif x.id in ("rd_in_china", "high_tech_revenue"):
            key = x.field
            changed, change = {key: D(60)}, D(60) - c[key]
        elif x.id == "registered_over_one_year":
            out.append((x.id, None, c["founding_date"] + dt.timedelta(days=365), None))
            continue
        else:
            continue
        after = self_check({**c, **changed}, as_of, gaps=False)
        likely = after["outcome"] == "likely_to_qualify"
        out.append((x.id, change, after["if_certified"] if likely else None, after["outcome"]))
    return out


def rd(c: dict[str, Any], tax_year: int, hnte_result: dict[str, Any]) -> dict[str, Any]:
    if tax_year < 2023:
        return outcome("not_in_force")
    expensed, amortised = c["rd_expensed"], c["rd_intangible_amortisation"]
    branch = [check("has_expensed_rd", "rd_expensed", expensed, ZERO, lambda v: v > 0),
              check("has_rd_amortisation", "rd_intangible_amortisation", amortised, ZERO, lambda v: v > 0)]
    common = [check("not_excluded_industry", "rd_excluded_industry", c["rd_excluded_industry"], False,
                    lambda v: v is False)]
    any_branch = any3([x.result for x in branch])
    overall = all3([common[0].result, any_branch])
    crits = branch + common
    if overall is False:
        reasons = [x.id for x in common if x.result is False]
        if any_branch is False:
            reasons += [x.id for x in branch if x.result is False]
        result = outcome("not_eligible", crits, reasons=reasons, window="continuous")
        if reasons == ["not_excluded_industry"]:
            result["confidence"] = "UNCONFIRMED"
            result["flags"].insert(0, "unconfirmed_basis")
        return result
    missing = missing_of(common) + (missing_of(branch) if any_branch is None else [])
    if hnte_result["status"] == "eligible":
        rates = [D("0.15")]
    elif hnte_result["status"] == "needs_info":
        rates = [D("0.25"), D("0.15")]
    else:
        rates = [D("0.25")]
    low = high = None
    flags = [] if amortised is not None else ["assumed_no_amortisation"]
    taxable = c["taxable_income"]
    if expensed is None:
        missing.append("rd_expensed")
        if taxable is None:
            missing.append("taxable_income")
    else:
        deduction = expensed + (amortised or ZERO)
        if taxable is None:
            missing.append("taxable_income")
            low, high = ZERO, deduction * max(rates)
        else:
            usable = min(deduction, max(ZERO, taxable))  # this year's saving only; the rest is a later-years figure
            low, high = usable * min(rates), usable * max(rates)
            if usable < deduction:
                flags.append("carry_forward")
            flags.append("rate_depends_on_regime" if len(rates) > 1 else "priced_at_rate")
    return outcome("eligible" if overall and not missing else "needs_info", crits, low, high, missing, flags=flags,
                   window="continuous")


def iit_of(p: dict[str, Any], flags: list[str] | None = None) -> tuple[Decimal | None, Decimal | None]:
    flags = [] if flags is None else flags
    taxable = None if p["taxable_income"] is None else max(ZERO, p["taxable_income"])
    if taxable is None and p["annual_gross_income"] is not None:
        if p["special_deductions"] is None:
            flags.append("assumed_no_special_deductions")
        taxable = max(ZERO, p["annual_gross_income"] - 60000 - (p["special_deductions"] or ZERO))
        flags.append("taxable_income_estimated")
    iit = p["iit_paid"]
    if iit is None and taxable is not None:
        for upper, rate, quick in IIT:
            if upper is None or taxable <= upper:
                iit = taxable * rate - quick
                break
        flags.append("iit_estimated")
    return taxable, iit


def gba(p: dict[str, Any], tax_year: int) -> dict[str, Any]:
    """Row A tax years 2019-2022 (the cap not read: above 5,000,000 withheld as unknown), Row B 2023-2027."""
    if not 2019 <= tax_year <= 2027:
        return outcome("not_in_force")
    row_a = tax_year <= 2022
    crits = [check("overseas_identity", "identity", p["identity"], OVERSEAS, lambda v: v in OVERSEAS),
             check("works_and_pays_iit_in_shenzhen", "pays_iit_in_shenzhen", p["pays_iit_in_shenzhen"], True,
                   lambda v: v is True),
             check("recognised_talent", "recognised_high_end_or_shortage_talent",
                   p["recognised_high_end_or_shortage_talent"], True, lambda v: v is True)]
    listed = ["gba_2019_identity_list_not_read"] if p["tax_year"] is not None and p["tax_year"] <= 2022 else []
    overall = all3([x.result for x in crits])
    if overall is False:
        return outcome("not_eligible", crits, reasons=[x.id for x in crits if x.result is False], flags=listed)
    missing = missing_of(crits)
    flags: list[str] = list(listed)
    taxable, iit = iit_of(p, flags)
    low = high = None
    unknown = False
    if taxable is None or iit is None:
        missing.append("annual_gross_income")
    else:
        subsidy = max(ZERO, iit - D("0.15") * taxable)
        if row_a and subsidy > 5_000_000:
            unknown = True
            flags.append("cap_not_confirmed_above")
        else:
            low = high = subsidy if row_a else min(subsidy, D(5_000_000))
    result = outcome("eligible" if overall and not missing else "needs_info", crits, low, high, missing, flags=flags)
    if unknown:
        result["unknown_amount"] = True
    return secondary(result) if "iit_estimated" in flags or row_a else result


def hk_tax(gross: Decimal, fx: Decimal, tax_year: int) -> Decimal | None:
    """Years of assessment 2023/24 to 2026/27 (2026/27 with the 2025/26 allowance carried forward)."""
    if not 2023 <= tax_year <= 2026:
        return None
    income = gross / fx
    net = max(ZERO, income - 132000)
    progressive, lower = ZERO, ZERO
    for upper, rate in HK_BANDS:
        if upper is None or net <= upper:
            progressive += (net - lower) * rate
            break
        progressive += (upper - lower) * rate
        lower = upper
    if tax_year == 2023:
        standard = income * D("0.15")
    else:
        standard = min(income, D(5_000_000)) * D("0.15") + max(ZERO, income - 5_000_000) * D("0.16")
    return min(progressive, standard) * fx


def qianhai(p: dict[str, Any], tax_year: int) -> dict[str, Any]:
    if not 2023 <= tax_year <= 2027:
        return outcome("not_in_force")
    identity = p["identity"]
    zones = p["employer_zone_flags"]
    crits = [
        Crit("hong_kong_resident", None if identity in (None, "hk_entry_scheme_resident")
             else identity == "hk_permanent_resident", identity, "hk", "identity"),
        check("employer_in_qianhai", "employer_zone_flags", zones, "qianhai", lambda v: "qianhai" in v),
        check("works_in_qianhai", "works_in_zone", p["works_in_zone"], True, lambda v: v is True),
        check("employer_substantive_operation", "employer_substantive_operation", p["employer_substantive_operation"],
              True, lambda v: v is True),
        check("compliance_lookback", "compliance_lookback_ok", p["compliance_lookback_ok"], True, lambda v: v is True),
    ]
    overall = all3([x.result for x in crits])
    if overall is False:
        reasons = [x.id for x in crits if x.result is False]
        result = outcome("not_eligible", crits, reasons=reasons, window="continuous")
        if reasons == ["compliance_lookback"]:
            result["confidence"] = "UNCONFIRMED"
            result["flags"].insert(0, "unconfirmed_basis")
        return result
    missing = [x.field for x in crits if x.result is None and x.actual is None]
    flags: list[str] = []
    _, iit = iit_of(p, flags)
    low = high = None
    priced = True
    for name in ("annual_gross_income", "fx_cny_per_hkd"):
        if p[name] is None:
            missing.append(name)
            priced = False
    status = "eligible" if overall and not missing else "needs_info"
    result = outcome(status, crits, None, None, missing, flags=flags, window="continuous")
    if iit is not None and priced:
        burden = hk_tax(p["annual_gross_income"], p["fx_cny_per_hkd"], tax_year)
        if burden is None:
            result["unknown_amount"] = True
            result["flags"].append("hk_tables_missing")
            result["confidence"] = "UNCONFIRMED"
            result["flags"].insert(0, "unconfirmed_basis")
        else:
            low = high = max(ZERO, iit - burden)
            result["flags"] += ["hk_burden_estimate", "hk_one_off_reductions_excluded"]
            if tax_year == 2026:
                result["flags"].append("hk_allowance_2026_27_proposed")
            if "iit_estimated" in flags:
                secondary(result)
    elif not priced:
        result["flags"] = [f for f in flags if f != "iit_estimated"] if False else flags
        if "iit_estimated" in flags:
            secondary(result)
    result["low"], result["high"] = low, high
    return result


def new_talent(p: dict[str, Any]) -> dict[str, Any]:
    intro = p["introduction_date"]
    if intro is None:
        return outcome("needs_info", missing=["introduction_date"], flags=["amount_unknown"], window="not_applicable")
    if intro >= dt.date(2021, 9, 1):
        return outcome("not_in_force", flags=["unconfirmed_basis"], confidence="UNCONFIRMED", window="not_applicable")
    return outcome("needs_info", flags=["amount_unknown", "legacy_intake"], window="not_applicable")


def choose_one(a: dict[str, Any], b: dict[str, Any], names: tuple[str, str]) -> None:
    if a["status"] == "eligible" and b["status"] == "eligible":
        def worth(r):
            if r["low"] is None:
                return (ZERO, ZERO, 0)
            return ((r["low"] + r["high"]) / 2, r["low"], 1)
        loser, winner = (a, names[1]) if worth(b) > worth(a) else (b, names[0])
        loser["excluded_by"] = winner
    else:
        for one, other, name in ((a, b, names[1]), (b, a, names[0])):
            if one["status"] == "needs_info" and other["status"] in ("eligible", "needs_info"):
                one["flags"].append("exclusive_pending")
                del name


def assess(profile: dict[str, Any], as_of: dt.date) -> dict[str, Any]:
    """The seven seed programs for a company and its people, with stacking."""
    out: dict[str, Any] = {}
    company = profile.get("company")
    if company is not None:
        tax_year = company["tax_year"] or as_of.year - 1
        h = hnte(company, as_of, tax_year)
        t, lh = training(company, as_of), longhua(company, as_of)
        same_contract = company.get("compute_same_contract") is not False  # "no": separate contracts, no limit
        if same_contract and t["status"] == lh["status"] == "eligible" and t["low"] is not None \
                and lh["low"] is not None:
            limits = [v for v in (company["compute_service_contract_amount"], company["compute_purchase_amount"])
                      if v is not None]
            if limits:
                t["flags"].append("combined_support_limited")
                lh["flags"].append("combined_support_limited")
                # from 2026-05-06: at most 50% of the contract, never below the larger member
                if as_of >= dt.date(2026, 5, 6) and max(t["high"], lh["high"]) > max(limits) * D("0.5"):
                    t["flags"].append("combined_limit_floor")
                    lh["flags"].append("combined_limit_floor")
        out["company"] = {"sz-training-compute-voucher": t, "longhua-compute-voucher": lh,
                          "cn-hnte-cit-rate": h, "cn-rd-super-deduction": rd(company, tax_year, h)}
    people = []
    for person in profile.get("people") or []:
        p = dict(person)
        if company is not None:
            if p["employer_zone_flags"] is None:
                p["employer_zone_flags"] = company["zone_flags"]
            if p["tax_year"] is None:
                p["tax_year"] = company["tax_year"]
        tax_year = p["tax_year"] or as_of.year - 1
        g, q = gba(p, tax_year), qianhai(p, tax_year)
        choose_one(g, q, ("gba-iit-subsidy", "qianhai-hk-resident-iit-exemption"))
        people.append({"gba-iit-subsidy": g, "qianhai-hk-resident-iit-exemption": q,
                       "sz-new-talent-living-subsidy": new_talent(p)})
    out["people"] = people
    return out
