"""Number, money and date formatting for explanations, in zh or en (display only).

Symbols and date formats come from Babel's CLDR data; numbers are grouped with Python's own formatting
(a test pins it to Babel's output).

Money is rounded half-up (四舍五入) to whole yuan for display; the engine keeps full precision.
Chinese readers get large sums in 万元.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import get_decimal_symbol, get_group_symbol

from calculator.i18n import LOCALES, N_, gettext, lang_of
from calculator.i18n.words import COUNTED, answer, joined, quantity

WAN = Decimal(10_000)
# Grouping and decimal symbols from Babel's CLDR data, read once (formatting is on every rendered figure).
SYMBOLS = {lang: (get_group_symbol(locale), get_decimal_symbol(locale)) for lang, locale in LOCALES.items()}


# Rounding half-up through a context of its own: ``HALF_UP.quantize(x, q)`` is ``x.quantize(q, rounding=ROUND_HALF_UP)``
# in the default context (the code never changes it) at about half the cost (no per-call context copy).
HALF_UP = Context(rounding=ROUND_HALF_UP)
QUANTA = {places: Decimal(1).scaleb(-places) for places in range(7)}  # 1, 0.1, 0.01…: the rounding steps
ONE = Decimal(1)


def grouped(value: Decimal | int, lang: str, max_places: int = 2, min_places: int = 0) -> str:
    """``1,234,567.5`` in the locale's symbols: rounded half-up to ``max_places``, trailing zeros trimmed to
    ``min_places`` (the same as Babel's ``#,##0.##`` patterns, without Babel's per-call pattern parsing)."""
    group, decimal = SYMBOLS[lang]
    quantum = QUANTA.get(max_places) or Decimal(1).scaleb(-max_places)
    text = format(HALF_UP.quantize(value if type(value) is Decimal else Decimal(value), quantum), ",f")
    if "." in text:
        whole, fraction = text.split(".")
        fraction = fraction.rstrip("0").ljust(min_places, "0")
        text = f"{whole}.{fraction}" if fraction else whole
    if group != "," or decimal != ".":
        text = text.replace(",", "\0").replace(".", decimal).replace("\0", group)
    return text


def round_yuan(amount: Decimal) -> Decimal:
    """Round half-up to whole CNY."""
    return HALF_UP.quantize(amount if type(amount) is Decimal else Decimal(amount), ONE)


AMOUNT_UNKNOWN = N_("amount unknown")


def shows_wan(lang: str) -> bool:
    """Whether readers of ``lang`` read large sums in 万元 (Chinese), so tables give them 万元 columns too."""
    return lang_of(lang) == "zh"


def line_height(lang: str) -> float:
    """The height in points of one line of wrapped text in a spreadsheet cell (Chinese characters are taller)."""
    return 16.0 if lang_of(lang) == "zh" else 15.0


def money(amount: Decimal | None, lang: str) -> str:
    """``CNY 1,234,568`` in English; ``123.46万元`` (or ``8,000元`` below 1万) in Chinese."""
    if amount is None:
        return gettext(AMOUNT_UNKNOWN, lang)
    return whole_yuan(round_yuan(amount), lang)


def whole_yuan(value: Decimal, lang: str) -> str:
    """:func:`money` of an amount already rounded to whole yuan."""
    if lang == "zh":
        if abs(value) >= WAN:
            return f"{grouped(value / WAN, 'zh')}万元"
        return f"{grouped(value, 'zh', 0)}元"
    return f"CNY {grouped(value, 'en', 0)}"


def money_range(low: Decimal, high: Decimal, lang: str) -> str:
    low, high = round_yuan(low), round_yuan(high)
    if low == high:
        return whole_yuan(low, lang)
    return f"{whole_yuan(low, lang)} – {whole_yuan(high, lang)}"


def percent(ratio: Decimal, lang: str) -> str:
    if not ratio.is_finite():
        return "—"
    value = (Decimal(ratio) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{grouped(value, lang, 3, 1)}%"


def number(value: Decimal | int, lang: str) -> str:
    return grouped(value, lang)


def date(day: dt.date, lang: str) -> str:
    return day.isoformat() if lang == "en" else format_date(day, format="long", locale=LOCALES["zh"])


NOT_GIVEN, NONE = N_("not given"), N_("none")
WORDED = COUNTED - {"points"}  # counts shown with their unit word (points are shown as a bare number)


def value(raw: Any, unit: str, lang: str, names: dict[str, dict[str, str]] | None = None) -> str:
    """Format a criterion value for people: money, percentages, dates, yes/no, codes by their names."""
    if raw is None:
        return gettext(NOT_GIVEN, lang)
    if isinstance(raw, bool):
        return answer(raw, lang)
    if isinstance(raw, dt.date):
        return date(raw, lang)
    if isinstance(raw, list | tuple | frozenset | set):
        items = sorted(raw) if isinstance(raw, frozenset | set) else list(raw)
        if not items:
            return gettext(NONE, lang)
        return joined((value(item, unit, lang, names) for item in items), lang)
    if isinstance(raw, str):
        if names and raw in names:
            return names[raw][lang]
        return raw
    if unit == "ratio":
        return percent(Decimal(raw), lang)
    if unit == "CNY":
        return money(Decimal(raw), lang)
    if unit in WORDED:
        return quantity(number(raw, lang), unit, lang)
    return number(raw, lang)
