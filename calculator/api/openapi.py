"""How the profile's own field types (money, yes/no/unknown, codes…) appear in the OpenAPI document.

The request schemas are the profile schemas themselves (``schemas.profile.CompanySchema`` / ``PersonSchema``); this
module teaches apispec what each custom field accepts, so the document says so and schemathesis generates bodies
that reach the engine: money as a number or text such as "1,234,567" / "120万", codes from the loaded reference
tables, dates within the accepted years. The server accepts a little more than the patterns say (full-width digits,
¥ prefixes, surrounding spaces, synonyms such as 是/否, codes by their names, dates as people write them): lenient
parsing for people typing figures, the same on every surface, and said in each field's description.
"""

from __future__ import annotations

from typing import Any

from calculator.i18n import bilingual
from calculator.i18n.words import field_hint
from schemas.fields import (
    MAX_AREA,
    MAX_MONEY,
    USCC,
    USCC_CHARSET,
    Area,
    Code,
    CodeList,
    Count,
    Day,
    Money,
    MoneyByYear,
    Percent,
    Ratio,
    Text,
    TriState,
    Year,
)
from schemas.limits import limits_of
from schemas.projects import ProjectValues

_FRACTION = r"(?:\.[0-9]+)?"
_DAY = r"^(?:19[0-9]{2}|20[0-9]{2})-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])$"
_TRISTATE_ORDER = ("yes", "no", "unknown", "true", "false", "y", "n", "1", "0", "是", "否", "有", "无", "不确定",
                   "不知道", "未知", "")


_TYPE_WORDS = {"text", "date", "code", "codes", "yes/no/unknown", "year", "number"}


def _digits(n: int) -> str:
    """Up to ``n`` integer digits, plain (1234567) or grouped by thousands (1,234,567)."""
    groups = (n - 1) // 3
    head = n - 3 * groups
    grouped = f"[0-9]{{1,{head}}}(?:,[0-9]{{3}}){{1,{groups}}}" if groups else None
    plain = f"[0-9]{{1,{n}}}"
    return f"(?:{plain}|{grouped})" if grouped else plain


def money_pattern(negative: bool) -> str:
    """Money as text, limited to amounts the server accepts (at most 1e15): plain or grouped digits with an
    optional 元, or with a 万 (×10⁴) or 亿 (×10⁸) unit."""
    sign = "-?" if negative else ""
    limit = len(str(int(MAX_MONEY))) - 1  # 15 digits stay below 1e15
    yuan = f"{_digits(limit)}{_FRACTION}元?"
    wan = f"{_digits(limit - 4)}{_FRACTION}万元?"
    yi = f"{_digits(limit - 8)}{_FRACTION}亿元?"
    return f"^{sign}(?:{yuan}|{wan}|{yi})$"


def _describe(field: Any) -> dict[str, Any]:
    meta = field.metadata or {}
    if not meta.get("label"):
        return {}
    unit = meta.get("unit")
    shown = unit and unit not in _TYPE_WORDS
    labels = bilingual(meta["label"])
    label = labels["en"] + (f" ({unit})" if shown else "")
    parts = [label if label.endswith(("?", ".", "？", "。")) else label + "."]
    if meta.get("hint"):
        parts.append(meta["hint"])
    out: dict[str, Any] = {"description": " ".join(parts), "x-label": {"en": labels["en"], "zh": labels["zh"]}}
    if meta.get("hint"):
        out["x-hint-zh"] = field_hint(meta, "zh")
    if meta.get("section"):
        out["x-section"] = meta["section"]
    return out


def project_values_schema(field: ProjectValues, choices: dict[str, set[str]]) -> dict[str, Any]:
    """One answer per project: a list of the inner field's answers (codes, or amounts as numbers or as text the
    way the single field reads them), each possibly unknown; or text separated by ';'."""
    codes = sorted(choices.get(field.table or "", ()))
    item: dict[str, Any] = {"type": ["string", "null"]}
    if codes:
        item["enum"] = [*codes, "unknown", None]
    else:
        inner = field_schema(field.inner, choices)
        if "anyOf" in inner:  # an amount: a number, or text as the single field reads it (120万), or unknown
            item = {"anyOf": [*inner["anyOf"], {"type": "string", "enum": ["unknown"]}]}
    answers = {"type": "array", "maxItems": field.max_items, "items": item}
    example = "max_5m; unknown" if codes else "8000000; 300万; unknown"
    text = {"type": "string", "description": f"one answer per project separated by ';', e.g. \"{example}\""}
    return {"anyOf": [answers, text, {"type": "null"}]}


def field_schema(field: Any, choices: dict[str, set[str]]) -> dict[str, Any]:
    """The JSON Schema of one profile field (empty for fields that are not profile types)."""
    null = {"type": "null"}
    if isinstance(field, Percent):
        number = {"type": "number", "minimum": 0, "maximum": 100}
        text = {"type": "string", "pattern": r"^(?:100(?:\.0+)?|[0-9]{1,2}" + _FRACTION + ")%?$"}
        return {"anyOf": [number, text, null]}
    if isinstance(field, Ratio):
        number = {"type": "number", "exclusiveMinimum": 0, "maximum": 1000}
        text = {"type": "string",
                "pattern": r"^(?:[1-9][0-9]{0,2}" + _FRACTION + r"|0\.[0-9]*[1-9][0-9]*|1000(?:\.0+)?)$"}
        return {"anyOf": [number, text, null]}
    if isinstance(field, Area):
        number = {"type": "number", "minimum": 0, "maximum": float(MAX_AREA)}
        text = {"type": "string", "pattern": f"^{_digits(7)}{_FRACTION}(?:m²|m2|㎡|平方米|平米)?$"}  # below 1e7 m²
        return {"anyOf": [number, text, null]}
    if isinstance(field, Money):
        limit = float(MAX_MONEY)
        number = {"type": "number", "minimum": -limit if field.allow_negative else 0, "maximum": limit}
        text = {"type": "string", "pattern": money_pattern(field.allow_negative)}
        return {"anyOf": [number, text, null]}
    if isinstance(field, Year):
        return {"anyOf": [{"type": "integer", "minimum": 1980, "maximum": 2100},
                          {"type": "string", "pattern": r"^(?:19[89][0-9]|20[0-9]{2}|2100)$"}, null]}
    if isinstance(field, Count):
        digits = len(str(field.maximum)) - 1
        return {"anyOf": [{"type": "integer", "minimum": 0, "maximum": field.maximum},
                          {"type": "string", "pattern": f"^[0-9]{{1,{digits}}}$"}, null]}
    if isinstance(field, TriState):
        return {"enum": [True, False, *_TRISTATE_ORDER, None]}
    if isinstance(field, Code):
        codes = sorted(choices.get(field.table, ()))
        return {"type": ["string", "null"], "enum": [*codes, "unknown", None]} if codes else {
            "type": ["string", "null"]}
    if isinstance(field, CodeList):
        codes = sorted(choices.get(field.table, ()))
        items = {"type": "string", "enum": codes} if codes else {"type": "string"}
        return {"type": ["array", "null"], "items": items, "uniqueItems": True}
    if isinstance(field, ProjectValues):
        return project_values_schema(field, choices)
    if isinstance(field, MoneyByYear):
        amount = {"anyOf": [{"type": "number", "minimum": 0, "maximum": float(MAX_MONEY)},
                            {"type": "string", "pattern": money_pattern(False)}]}
        year = {"type": "integer", "minimum": 1980, "maximum": 2100}
        rows = {"type": "array", "maxItems": field.max_rows, "items": {
            "type": "object", "required": ["year", "amount"], "additionalProperties": False,
            "properties": {"year": year, "amount": amount}}}
        text = {"type": "string", "description": "e.g. \"2021: 800000; 2023: 40万\""}
        return {"anyOf": [rows, text, null]}
    if isinstance(field, USCC):
        return {"pattern": f"^(?:[{USCC_CHARSET}]{{18}})?$"}
    if isinstance(field, Text):
        return {"maxLength": field.max_length}
    if isinstance(field, Day):
        return {"pattern": _DAY}
    return {}


def table_limits(field: Any, choices: Any, schema: dict[str, Any]) -> str:
    """The bounds the rule tables set on this field (``[[input_limits]]``, enforced by the profile schemas), put on
    the number ``schema`` allows; returns the sentence saying them, which also covers amounts typed as text."""
    subject = getattr(field.parent, "subject", None)
    found = limits_of(choices, subject).get(field.name, []) if subject else []
    number = next((s for s in schema.get("anyOf", ()) if s.get("type") == "number"), None)
    said = []
    for limit in found:
        always = limit.when_field is None  # a band that holds for one answer of another field is said, not typed
        if always and number is not None and limit.max is not None:
            number["maximum"] = min(number["maximum"], float(limit.max))
        if always and number is not None and limit.min is not None:
            number["minimum"] = max(number["minimum"], float(limit.min))
        unit = "%" if limit.percent else ""
        bounds = ", ".join(f"{word} {value:,}{unit}" for word, value in (("at least", limit.min),
                                                                          ("at most", limit.max)) if value is not None)
        when = "" if always else f" When {limit.when_field} is {' or '.join(sorted(limit.when_codes or ()))}:"
        said.append(f"{when} {bounds[0].upper()}{bounds[1:]}: {limit.text['en']}")
    return "".join(said)


def profile_field_function(choices: dict[str, set[str]]):
    """An apispec attribute function (runs after the built-in ones) for the profile's field types."""

    def profile_field(self: Any, field: Any, **kwargs: Any) -> dict[str, Any]:
        schema = field_schema(field, choices)
        if not schema:
            return {}
        ret = kwargs.get("ret", {})
        if "anyOf" in schema or "enum" in schema:
            ret.pop("type", None)  # the built-ins typed nothing or a bare string; the union says it all
        ret.pop("default", None)  # load_default=None is "unknown", not a value to send
        extras = _describe(field)
        bounded = table_limits(field, choices, schema)
        if bounded:
            extras["description"] = extras.get("description", "") + bounded
        if isinstance(field, Day) and getattr(field, "past_only", False):
            extras["description"] = extras.get("description", "") + " Not after today; not before 1900-01-01."
        if isinstance(field, Money) and field.allow_negative:
            extras["description"] = extras.get("description", "") + " May be negative."
        if isinstance(field, CodeList):
            extras["description"] = extras.get("description", "") + (
                " A comma-separated string is also accepted, and each code may be given by its name in Chinese or "
                "English or by the start of exactly one name (前海, 河套).")
        elif isinstance(field, Code):
            extras["description"] = extras.get("description", "") + (
                " The code may also be given by its name in Chinese or English (南山区, 南山, Nanshan).")
        if isinstance(field, MoneyByYear):
            extras["description"] = extras.get("description", "") + (
                f" A list of {{year, amount}} (at most {field.max_rows}, each year once) or text such as "
                "\"2021: 800000; 2023: 400000\".")
        if isinstance(field, Day):
            extras["description"] = extras.get("description", "") + (
                " Also read: 2020/5/1, 2020.05.01, 2020年5月1日, 20200501, with or without a midnight time.")
        return {**schema, **extras}

    return profile_field
