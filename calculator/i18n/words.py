"""Words every surface shares: units, field labels and hints, yes/no, and how lists and labels are joined.

    from calculator.i18n.words import field_label, joined, labelled, unit_word

    field_label(meta, "zh")                  # a profile field's label (English in the schema, Chinese in the .po)
    unit_word("people", "zh")                # "人"
    labelled("Status", "Likely eligible", "en")  # "Status: Likely eligible" (full-width colon in Chinese)
    joined(["A", "B"], "zh")                 # "A、B"
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any
from urllib.parse import urlsplit

from calculator.i18n import N_, NC_, gettext, pgettext, pt, t

# Units of profile fields, criteria and figures, by code (the codes stay in data and the API).
UNITS: dict[str, str] = {
    "CNY": NC_("unit", "CNY"),
    "CNY per HKD": NC_("unit", "CNY per HKD"),
    "CNY by year": NC_("unit", "CNY by year"),
    "%": NC_("unit", "%"),
    "percent": NC_("unit", "%"),
    "ratio": NC_("unit", "ratio"),
    "people": NC_("unit", "people"),
    "year": NC_("unit", "year"),
    "years": NC_("unit", "years"),
    "months": NC_("unit", "months"),
    "days": NC_("unit", "days"),
    "points": NC_("unit", "points"),
    "m2": NC_("unit", "m²"),
    "CNY_per_m2_month": NC_("unit", "CNY per m² per month"),
    "number": NC_("unit", "number"),
    "text": NC_("unit", "text"),
    "date": NC_("unit", "date"),
    "code": NC_("unit", "code"),
    "codes": NC_("unit", "codes"),
    "yes/no/unknown": NC_("unit", "yes/no/unknown"),
}
# Units a count is shown with ("3 people" / "3人"); the others are formatted by kind (money, percent, date).
COUNTED = frozenset({"days", "months", "years", "people", "points", "m2"})

# A yes / no / unknown answer (what the schema reads back: yes, no, unknown, 是, 否, 不确定).
ANSWERS: dict[bool | None, str] = {True: NC_("answer", "yes"), False: NC_("answer", "no"),
                                   None: NC_("answer", "unknown")}


def unit_word(unit: str, lang: str) -> str:
    """A unit as a word in ``lang``: ``people`` is "人" in Chinese; an unknown code is shown as given."""
    msgid = UNITS.get(unit)
    return unit if msgid is None else pgettext("unit", msgid, lang)


@cache
def _around_number(unit: str, lang: str) -> tuple[str, str]:
    """What comes before and after a number of ``unit`` (made once per unit and language: counts are shown often)."""
    before, _, after = pt("quantity", "{number} {unit}", lang, number="\0", unit=unit_word(unit, lang)).partition("\0")
    return before, after


def quantity(number: str, unit: str, lang: str) -> str:
    """A formatted number with its unit: "3 days" / "3天"."""
    before, after = _around_number(unit, lang)
    return f"{before}{number}{after}"


def unit_suffix(unit: str | None, lang: str) -> str | None:
    """What follows a number of a counted unit (" days" / "天"), for spreadsheet number formats; None for others."""
    if unit not in COUNTED:
        return None
    return _around_number(unit, lang)[1]


@cache
def _answers(lang: str) -> dict[bool | None, str]:
    return {value: pgettext("answer", msgid, lang) for value, msgid in ANSWERS.items()}


def answer(value: bool | None, lang: str) -> str:
    """A yes / no / unknown answer in ``lang``."""
    return _answers(lang)[value]


def field_label(meta: Mapping[str, Any], lang: str) -> str:
    """A profile field's label (``meta`` is its schema metadata, :func:`schemas.fields.info`)."""
    return gettext(meta["label"], lang)


def field_hint(meta: Mapping[str, Any], lang: str, alone: bool = False) -> str:
    """Why a profile field is asked, in ``lang`` ("" when the field has no hint). ``alone``: for a person assessed
    without a company (the talent form, the people template), whose hint must not speak of "the company's" year or
    zones (the field's ``alone_hint`` when it has one)."""
    hint = (meta.get("alone_hint") if alone else None) or meta.get("hint")
    return gettext(hint, lang) if hint else ""


def joined(items: Iterable[str], lang: str) -> str:
    """Items of a list: "A, B" / "A、B"."""
    return pgettext("list separator", ", ", lang).join(items)


def clauses(items: Iterable[str], lang: str) -> str:
    """Clauses or conditions: "A; B" / "A；B"."""
    return pgettext("clause separator", "; ", lang).join(items)


def labelled(label: str, value: str, lang: str) -> str:
    """A label and its value: "Status: eligible" / "状态：符合"."""
    return t(N_("{label}: {value}"), lang, label=label, value=value)


def sentences(first: str, second: str, lang: str) -> str:
    """Two sentences one after the other (a space between them in English, none in Chinese)."""
    return pt("two sentences", "{first} {second}", lang, first=first, second=second)


# How much weight a cited source bears, in plain words (codes: ``quality`` in incentive_tables/sources.toml).
SOURCE_QUALITY: dict[str, str] = {
    "official_text": N_("official text"),
    "official_press": N_("official release or press report, not the text itself"),
    "secondary": N_("secondary summary, not an official source"),
}


def site_of(url: str) -> str:
    """The site a link leads to, as people read it: ``gxj.sz.gov.cn`` (no scheme, no ``www.``)."""
    host = urlsplit(url).hostname or url
    return host.removeprefix("www.")


def readable_source(source: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """A cited source as people read it (no internal key): its title, first link and the site it is on, and a plain
    note on its quality. ``source`` holds ``title``, ``quality`` and ``urls`` (a rule-table source or its JSON)."""
    urls = list(source.get("urls") or ())
    return {"title": source["title"], "url": urls[0] if urls else None, "site": site_of(urls[0]) if urls else None,
            "quality": gettext(SOURCE_QUALITY[str(source["quality"])], lang)}


def source_text(source: Mapping[str, Any], lang: str) -> str:
    """A cited source on one line, for a cell: "title (site; quality) link"."""
    shown = readable_source(source, lang)
    where = "; ".join(part for part in (shown["site"], shown["quality"]) if part)
    return " ".join(part for part in (shown["title"], f"({where})", shown["url"]) if part)
