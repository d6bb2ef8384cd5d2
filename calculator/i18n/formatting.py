"""Number, money and date formatting for explanations, in zh or en (display only).

Symbols and date formats come from Babel's CLDR data; numbers are grouped with Python's own formatting
(a test pins it to Babel's output).

Money is rounded half-up (四舍五入) to whole yuan for display; the engine keeps full precision.
Chinese readers get large sums in 万元.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol

from calculator.i18n import LOCALES

WAN = Decimal(10_000)
# Grouping and decimal symbols from Babel's CLDR data, read once (formatting is on every rendered figure).
SYMBOLS = {lang: (get_group_symbol(locale), get_decimal_symbol(locale)) for lang, locale in LOCALES.items()}


def grouped(value: Decimal | int, lang: str, max_places: int = 2, min_places: int = 0) -> str:
    """``1,234,567.5`` in the locale's symbols: rounded half-up to ``max_places``, trailing zeros trimmed to
    ``min_places`` (the same as Babel's ``#,##0.##`` patterns, without Babel's per-call pattern parsing)."""
    group, decimal = SYMBOLS[lang]
    quantum = Decimal(1).scaleb(-max_places)
    text = format(Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP), ",f")
    if "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0").ljust(min_places, "0")
        text = f"{whole}.{fraction}" if fraction else whole
    if (group, decimal) != (",", "."):
        text = text.replace(",", "\0").replace(".", decimal).replace("\0", group)
    return text


def round_yuan(amount: Decimal) -> Decimal:
    """Round half-up to whole CNY."""
    return Decimal(amount).quantize(Decimal(1), rounding=ROUND_HALF_UP)


def money(amount: Decimal | None, lang: str) -> str:
    """``CNY 1,234,568`` in English; ``123.46万元`` (or ``8,000元`` below 1万) in Chinese."""
    if amount is None:
        return "金额未知" if lang == "zh" else "amount unknown"
    value = round_yuan(amount)
    if lang == "zh":
        if abs(value) >= WAN:
            return f"{grouped(value / WAN, 'zh')}万元"
        return f"{grouped(value, 'zh', 0)}元"
    return f"CNY {grouped(value, 'en', 0)}"


def money_range(low: Decimal, high: Decimal, lang: str) -> str:
    if round_yuan(low) == round_yuan(high):
        return money(low, lang)
    return f"{money(low, lang)} – {money(high, lang)}"


def percent(ratio: Decimal, lang: str) -> str:
    if not ratio.is_finite():
        return "—"
    value = (Decimal(ratio) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{grouped(value, lang, 3, 1)}%"


def number(value: Decimal | int, lang: str) -> str:
    return grouped(value, lang)


def date(day: dt.date, lang: str) -> str:
    return day.isoformat() if lang == "en" else format_date(day, format="long", locale=LOCALES["zh"])


UNIT_WORDS = {
    "days": {"zh": "天", "en": "days"},
    "months": {"zh": "个月", "en": "months"},
    "years": {"zh": "年", "en": "years"},
    "people": {"zh": "人", "en": "people"},
}


def value(raw: Any, unit: str, lang: str, names: dict[str, dict[str, str]] | None = None) -> str:
    """Format a criterion value for people: money, percentages, dates, yes/no, codes by their names."""
    if raw is None:
        return "未提供" if lang == "zh" else "not given"
    if isinstance(raw, bool):
        return ("是" if raw else "否") if lang == "zh" else ("yes" if raw else "no")
    if isinstance(raw, dt.date):
        return date(raw, lang)
    if isinstance(raw, list | tuple | frozenset | set):
        items = sorted(raw) if isinstance(raw, frozenset | set) else list(raw)
        if not items:
            return "无" if lang == "zh" else "none"
        return ("、" if lang == "zh" else ", ").join(value(item, unit, lang, names) for item in items)
    if isinstance(raw, str):
        if names and raw in names:
            return names[raw][lang]
        return raw
    if unit == "ratio":
        return percent(Decimal(raw), lang)
    if unit == "CNY":
        return money(Decimal(raw), lang)
    if unit in UNIT_WORDS:
        sep = "" if lang == "zh" else " "
        return f"{number(raw, lang)}{sep}{UNIT_WORDS[unit][lang]}"
    return number(raw, lang)
