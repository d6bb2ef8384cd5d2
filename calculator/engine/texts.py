"""Every sentence the engine writes itself, in zh and en (policy texts live in the rule tables).

Templates take parameters by name; names ending in ``amount`` are money, ``date`` dates, ``ratio``
percentages; they are formatted for the reader's language when rendered.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from calculator.engine.model import Flag
from calculator.i18n import formatting

FLAGS: dict[str, dict[str, str]] = {
    "secondary_source": {
        "en": "Not yet checked against the official text.",
        "zh": "尚未与官方原文核对。",
    },
    "unconfirmed_basis": {
        "en": "This result rests on a fact no citable source confirms (used only to withhold, never to grant). Check the official text.",
        "zh": "该结果所依据的事实尚无可引用来源确认（仅用于暂不给予，从不用于给予）。请查阅官方原文。",
    },
    "amount_unknown": {
        "en": "Amount unknown: the figure is not confirmed in any citable source. Check the official text.",
        "zh": "金额未知：该数字尚无可引用的来源确认，请查阅官方原文。",
    },
    "may_have_expired": {
        "en": "These measures were valid for {years} years from {start_date}; they may have expired or been replaced after {end_date}.",
        "zh": "该措施自 {start_date} 起有效期 {years} 年，{end_date} 之后可能已失效或被替代。",
    },
    "competitive_up_to": {
        "en": "Competitive or budget-limited: the amount is a ceiling (\"up to\"), not a promise.",
        "zh": "竞争性或总量控制项目：金额为上限（“最高”），并非承诺。",
    },
    "range_unanswered": {
        "en": "Shown as a range because \"{question}\" was not answered.",
        "zh": "由于未回答“{question}”，按区间显示。",
    },
    "no_figure_in_force": {
        "en": "No confirmed figure {name} is in force for this date: amount unknown.",
        "zh": "该日期没有已确认的数字 {name}：金额未知。",
    },
    "assumed_no_special_deductions": {
        "en": "Assumes no deductions besides the 60,000 basic deduction; give them for a closer estimate.",
        "zh": "假设除 6 万元基本减除费用外无其他扣除；填写扣除额可提高估算精度。",
    },
    "taxable_income_estimated": {
        "en": "Taxable income estimated from gross income.",
        "zh": "应纳税所得额按收入总额估算。",
    },
    "iit_estimated": {
        "en": "IIT estimated from the bracket table (not the tax actually paid).",
        "zh": "个人所得税按税率表估算（非实际缴纳税额）。",
    },
    "hk_tables_missing": {
        "en": "Hong Kong tax tables for year of assessment {year} are not confirmed: amount unknown.",
        "zh": "{year} 课税年度的香港税率表尚未确认：金额未知。",
    },
    "hk_burden_estimate": {
        "en": "Estimate: Hong Kong salaries tax for {year} on the same income at your exchange rate, basic allowance only, lower of progressive and standard rate. The official method is not confirmed.",
        "zh": "估算：按您提供的汇率，对同一收入按 {year} 课税年度香港薪俸税计算（仅基本免税额，取累进税率与标准税率中较低者）。官方计算方法尚未确认。",
    },
    "hk_one_off_reductions_excluded": {
        "en": "Hong Kong one-off tax reductions are left out (gives the smaller, safer exemption).",
        "zh": "未计入香港一次性税款宽减（得出较小、较稳妥的免税额）。",
    },
    "carry_forward": {
        "en": "Taxable income covers only part of the extra deduction this year: {deduction_amount} of deduction carries forward (saving realised in later years).",
        "zh": "本年度应纳税所得额不足以抵扣全部加计扣除额：{deduction_amount} 的扣除额可结转以后年度（节税在以后年度实现）。",
    },
    "assumed_no_amortisation": {
        "en": "Assumes no amortisation of R&D intangible assets this year.",
        "zh": "假设本年度无研发形成无形资产的摊销。",
    },
    "rate_depends_on_regime": {
        "en": "The tax rate the deduction saves at depends on programs still needing information (high-tech or small low-profit status): shown as a range.",
        "zh": "加计扣除的节税税率取决于尚待确认的高新技术企业或小型微利企业身份：按区间显示。",
    },
    "priced_at_rate": {
        "en": "Priced at the {rate_ratio} corporate income tax rate that applies with the reliefs chosen.",
        "zh": "按所选税收优惠下适用的 {rate_ratio} 企业所得税税率测算。",
    },
    "exclusive_pending": {
        "en": "If eligible, only one of these may be taken in the same period: {others}.",
        "zh": "如符合条件，同一期间只能在以下项目中择一享受：{others}。",
    },
    "combined_support_limited": {
        "en": "Combined support with {others} may be limited; the total counts no more than {limit_amount}.",
        "zh": "与{others}合并享受可能受限；合计不超过 {limit_amount}。",
    },
    "evaluation_failed": {
        "en": "This program could not be evaluated ({error}); other results are unaffected. Please report it.",
        "zh": "该项目测算出错（{error}）；其他结果不受影响。请反馈此问题。",
    },
}

ITEM_TYPES = {
    "permission": {"en": "Permission", "zh": "许可"},
    "obligation": {"en": "Obligation", "zh": "义务"},
    "label": {"en": "Recognition", "zh": "认定"},
    "information": {"en": "Information", "zh": "信息"},
}

CONFIDENCE = {
    "CONFIRMED": {"en": "Confirmed", "zh": "已确认"},
    "SECONDARY": {"en": "Secondary source", "zh": "二手来源"},
    "UNCONFIRMED": {"en": "Unconfirmed", "zh": "未经确认"},
}

STATUS = {
    "eligible": {"en": "Likely eligible", "zh": "可能符合条件"},
    "needs_info": {"en": "Needs information", "zh": "需补充信息"},
    "not_eligible": {"en": "Not eligible on the answers given", "zh": "按所填信息暂不符合"},
    "not_in_force": {"en": "Not in force", "zh": "不在有效期内"},
}

RESULT = {
    True: {"en": "met", "zh": "满足"},
    False: {"en": "not met", "zh": "不满足"},
    None: {"en": "unknown", "zh": "未知"},
}

OPS = {
    "eq": {"en": "is {value}", "zh": "为 {value}"},
    "ne": {"en": "is not {value}", "zh": "不为 {value}"},
    "gt": {"en": "more than {value}", "zh": "大于 {value}"},
    "ge": {"en": "at least {value}", "zh": "不低于 {value}"},
    "lt": {"en": "less than {value}", "zh": "小于 {value}"},
    "le": {"en": "at most {value}", "zh": "不超过 {value}"},
    "between": {"en": "between {value}", "zh": "介于 {value}"},
    "in": {"en": "one of: {value}", "zh": "属于：{value}"},
    "not_in": {"en": "not one of: {value}", "zh": "不属于：{value}"},
    "is_true": {"en": "yes", "zh": "是"},
    "is_false": {"en": "no", "zh": "否"},
    "contains": {"en": "includes {value}", "zh": "包含 {value}"},
    "not_contains": {"en": "does not include {value}", "zh": "不包含 {value}"},
    "is_known": {"en": "answered", "zh": "已填写"},
}

NOT_IN_FORCE = {
    "before_start": {"en": "Not yet in force on {as_of_date}: applies from {start_date}.",
                     "zh": "{as_of_date} 尚未生效：自 {start_date} 起施行。"},
    "after_end": {"en": "No longer in force on {as_of_date}: ended {end_date}.",
                  "zh": "{as_of_date} 已失效：{end_date} 终止。"},
    "tax_year_before": {"en": "Tax year {tax_year} is before this rule applies (from {start_date}).",
                        "zh": "{tax_year} 纳税年度早于该规定适用期间（自 {start_date} 起）。"},
    "tax_year_after": {"en": "Tax year {tax_year} is after this rule ends ({end_date}).",
                       "zh": "{tax_year} 纳税年度晚于该规定适用期间（至 {end_date}）。"},
    "cohort_closed": {"en": "{text} ({field}: {value_date}; closed from {start_date}.)",
                      "zh": "{text}（{field}：{value_date}；自 {start_date} 起停止。）"},
}

GAP = {
    "increase": {"en": "{label}: {current}, needs {required}: {change} more.",
                 "zh": "{label}：当前 {current}，需要 {required}：还需增加 {change}。"},
    "decrease": {"en": "{label}: {current}, needs {required}: {change} less.",
                 "zh": "{label}：当前 {current}，需要 {required}：需减少 {change}。"},
    "wait": {"en": "{label}: {current}, needs {required}: met from {on_date}.",
             "zh": "{label}：当前 {current}，需要 {required}：自 {on_date} 起满足。"},
    "expired": {"en": "{label}: {current}, needs {required}: lapsed on {on_date}; renewal would restore it.",
                "zh": "{label}：当前 {current}，需要 {required}：已于 {on_date} 到期，重新认定后可恢复。"},
    "unlocks": {"en": " Unlocks about {amount} a year.", "zh": "可解锁约每年 {amount}。"},
    "unlocks_range": {"en": " Unlocks about {amount}.", "zh": "可解锁约 {amount}。"},
    "also_needs": {"en": " Also needs: {others}.", "zh": "此外还需满足：{others}。"},
    "ratio": {"en": "{label}: {current}, needs {required}: about {change} {more_less} {input} at the current {other} of {other_value}.",
              "zh": "{label}：当前 {current}，需要 {required}：按当前{other} {other_value} 计，{input}需{more_less} {change}。"},
    "more": {"en": "more", "zh": "增加"},
    "less": {"en": "less", "zh": "减少"},
}

WINDOW = {
    "open": {"en": "Open now: {opens_date} to {closes_date}.", "zh": "正在受理：{opens_date} 至 {closes_date}。"},
    "upcoming": {"en": "Next window: {opens_date} to {closes_date}.", "zh": "下一申报期：{opens_date} 至 {closes_date}。"},
    "closed": {"en": "Last known window closed {closes_date}; check the next guide.",
               "zh": "已知最近一期申报已于 {closes_date} 截止，请关注下一年度指南。"},
    "annual_guide": {"en": "Applications under each year's guide; no confirmed dates for the current year.",
                     "zh": "按年度申报指南受理；当年日期尚未确认。"},
    "at_filing": {"en": "Claimed when filing tax returns.", "zh": "在纳税申报时享受。"},
    "rolling": {"en": "No fixed window.", "zh": "无固定申报期。"},
    "by_call": {"en": "Through project calls when they open.", "zh": "通过项目申报通知申请。"},
    "none": {"en": "Nothing to apply for.", "zh": "无需申请。"},
}


def flag(code: str, **params: Any) -> Flag:
    """An engine flag (text from :data:`FLAGS`)."""
    return Flag(code=code, params=params)


def fill(template: str, params: dict[str, Any], lang: str) -> str:
    """Format a template's parameters for ``lang`` by their name suffix."""
    rendered: dict[str, str] = {}
    for key, raw in params.items():
        if isinstance(raw, dict) and set(raw) == {"zh", "en"}:
            rendered[key] = raw[lang]
        elif key.endswith("amount") and raw is not None and not isinstance(raw, str):
            rendered[key] = formatting.money(Decimal(raw), lang)
        elif key.endswith("date") and isinstance(raw, dt.date):
            rendered[key] = formatting.date(raw, lang)
        elif key.endswith("ratio") and raw is not None and not isinstance(raw, str):
            rendered[key] = formatting.percent(Decimal(raw), lang)
        else:
            rendered[key] = str(raw)
    return template.format(**rendered)


def render_flag(item: Flag, lang: str) -> str:
    if item.text is not None:
        return fill(item.text[lang], item.params, lang)
    return fill(FLAGS[item.code][lang], item.params, lang)
