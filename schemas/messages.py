"""Bilingual validation messages.

Every message a schema raises is a :class:`Msg`: a ``str`` holding the English text (so marshmallow and
logs work unchanged) that also remembers its key and parameters, so any surface can render it in Chinese.
marshmallow's own built-in messages are mapped by their English text.
"""

from __future__ import annotations

from typing import Any

MESSAGES: dict[str, dict[str, str]] = {
    "required": {"en": "This field is required.", "zh": "此项为必填项。"},
    "null": {"en": "This field may not be empty.", "zh": "此项不能为空。"},
    "unknown_field": {"en": "Unknown field: it is not part of this form.", "zh": "未知字段：不属于本表单。"},
    "not_object": {"en": "Expected an object with named fields.", "zh": "应为包含命名字段的对象。"},
    "not_list": {"en": "Expected a list.", "zh": "应为列表。"},
    "not_text": {"en": "Expected text.", "zh": "应为文本。"},
    "too_long": {"en": "Too long: at most {max} characters.", "zh": "过长：最多 {max} 个字符。"},
    "not_integer": {"en": "Not a whole number.", "zh": "不是整数。"},
    "not_number": {
        "en": "Not a number: use digits such as 1,234,567 or 1234567 (万 and 亿 suffixes are accepted).",
        "zh": "不是有效数字：请使用 1,234,567 或 1234567 这样的数字（可带“万”“亿”单位）。",
    },
    "not_finite": {"en": "Not a finite number.", "zh": "不是有限数值。"},
    "negative": {"en": "Cannot be negative.", "zh": "不能为负数。"},
    "too_large": {"en": "Too large: at most {max}.", "zh": "数值过大：最大为 {max}。"},
    "too_small": {"en": "Too small: at least {min}.", "zh": "数值过小：最小为 {min}。"},
    "percent_range": {"en": "A percentage must be between 0 and 100.", "zh": "百分比必须在 0 到 100 之间。"},
    "not_date": {"en": "Not a valid date: use YYYY-MM-DD.", "zh": "日期无效：请使用 YYYY-MM-DD 格式。"},
    "before_founding": {"en": "The assessment date {as_of} is before the company was founded ({founded}).",
                        "zh": "测算日期 {as_of} 早于企业成立日期（{founded}）。"},
    "date_future": {"en": "Cannot be in the future (after {today}).", "zh": "不能晚于今天（{today}）。"},
    "date_too_old": {"en": "Too far in the past (before {min}).", "zh": "日期过早（早于 {min}）。"},
    "not_tristate": {"en": "Answer yes, no or unknown.", "zh": "请回答“是”“否”或“不确定”。"},
    "not_choice": {"en": "Not one of the allowed choices: {choices}.", "zh": "不在可选范围内：{choices}。"},
    "duplicate_choice": {"en": "The same choice is listed twice: {value}.", "zh": "同一选项重复出现：{value}。"},
    "too_many_choices": {"en": "Too many choices: at most {max}, each listed once.",
                         "zh": "选项过多：最多 {max} 项，每项只能列出一次。"},
    "uscc_format": {
        "en": "A unified social credit code has 18 characters: digits and capital letters except I, O, S, V, Z.",
        "zh": "统一社会信用代码应为 18 位，由数字和大写字母组成（不含 I、O、S、V、Z）。",
    },
    "uscc_check": {
        "en": "The check character (18th) is wrong: expected {expected} under GB 32100-2015. Please re-check the code.",
        "zh": "校验码（第 18 位）有误：按 GB 32100-2015 应为 {expected}，请核对代码。",
    },
    "st_staff_exceeds": {
        "en": "S&T staff ({st}) cannot exceed total employees ({total}).",
        "zh": "科技人员数（{st}）不能超过职工总数（{total}）。",
    },
    "rd_exceeds_revenue_3y": {
        "en": "Three-year R&D ({rd}) is more than ten times three-year revenue ({rev}); please check the units.",
        "zh": "近三年研发费用（{rd}）超过近三年收入（{rev}）的十倍，请核对单位。",
    },
    "cert_before_founding": {
        "en": "The certificate date is before the founding date.",
        "zh": "证书日期早于成立日期。",
    },
    "empty_assessment": {
        "en": "Give a company, at least one person, or both.",
        "zh": "请至少填写公司信息或一名人员。",
    },
    "too_many_people": {"en": "At most {max} people in one assessment.", "zh": "一次测算最多 {max} 人。"},
    "not_json": {"en": "The file is not valid JSON: {detail}", "zh": "文件不是有效的 JSON：{detail}"},
}

# marshmallow's built-in English messages, mapped to keys above.
_BUILTIN = {
    "Missing data for required field.": "required",
    "Field may not be null.": "null",
    "Unknown field.": "unknown_field",
    "Invalid input type.": "not_object",
    "Not a valid mapping type.": "not_object",
    "Not a valid list.": "not_list",
    "Not a valid string.": "not_text",
    "Not a valid integer.": "not_integer",
    "Not a valid date.": "not_date",
    "Not a valid number.": "not_number",
}


class Msg(str):
    """An English message string that can also be rendered in Chinese."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Msg:
        obj = super().__new__(cls, MESSAGES[key]["en"].format(**params))
        obj.key = key
        obj.params = params
        return obj

    def render(self, lang: str) -> str:
        return MESSAGES[self.key]["zh" if lang == "zh" else "en"].format(**self.params)


def render_message(message: str, lang: str) -> str:
    """Render one validation message (a Msg, or a marshmallow built-in) in ``lang``."""
    if isinstance(message, Msg):
        return message.render(lang)
    key = _BUILTIN.get(message)
    if key is not None:
        return MESSAGES[key]["zh" if lang == "zh" else "en"]
    return message


def flatten_errors(errors: Any, lang: str, prefix: str = "") -> list[dict[str, str]]:
    """Turn marshmallow's nested error dict into ``[{"field": "company.revenue_latest", "message": ...}]``."""
    out: list[dict[str, str]] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == "":  # an unknown empty-named key: name it visibly rather than by an empty path
                key = '""'
            path = f"{prefix}.{key}" if prefix and key != "_schema" else (prefix or str(key))
            if key == "_schema":
                path = prefix or "_schema"
            elif isinstance(key, int):
                path = f"{prefix}[{key}]"
            out.extend(flatten_errors(value, lang, path))
    elif isinstance(errors, list | tuple):
        for item in errors:
            out.extend(flatten_errors(item, lang, prefix))
    else:
        out.append({"field": prefix, "message": render_message(errors, lang)})
    return out
