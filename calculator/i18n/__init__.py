"""The one language layer: every word a person reads outside the rule tables, in Chinese and English.

Words are written in the code as English gettext message ids and translated in one catalogue,
``calculator/i18n/translations/zh_Hans_CN/LC_MESSAGES/messages.po`` (Babel's tools extract and update it;
see ``babel.cfg``). The catalogue is read with Babel when a word is first looked up, so there is no compile
step and nothing to forget in a wheel. Policy texts (program names, conditions) stay bilingual in the rule
tables.

    from calculator.i18n import N_, NC_, gettext, pgettext, t

    STATUS = {"eligible": N_("Likely eligible")}       # marked for extraction, looked up later
    gettext(STATUS["eligible"], "zh")                 # "可能符合条件"
    t(N_("Ended {end_date}."), "zh", end_date=day)     # parameters formatted for the reader (see fill)

A message id that means different things in different places takes a context: ``pgettext("unit", "year",
lang)``, declared with ``NC_("unit", "year")``. Where the languages differ in punctuation or word order the
whole pattern is the message id (``t(N_("{label}: {value}"), lang, …)`` is ``"{label}：{value}"`` in Chinese);
code never chooses words by comparing a language. Shared words (units, list separators, field labels) are
in :mod:`calculator.i18n.words`; numbers, money and dates in :mod:`calculator.i18n.formatting`.

Words to translate in both languages at once: :func:`bilingual`. A new or changed word: run
``python tools/zh_translations.py`` (extracts with the keywords in ``babel.cfg``: ``N_``, ``NC_``, ``gettext``,
``pgettext``, ``t``, ``pt``, ``_``; merges into the catalogue; lists what has no Chinese yet), then write its Chinese
in the ``.po``.
"""

from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any, Literal

from babel.messages.pofile import read_po

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")
LOCALES: dict[Lang, str] = {"zh": "zh_Hans_CN", "en": "en"}
LANGUAGE_TAGS: dict[Lang, str] = {"zh": "zh-CN", "en": "en"}  # for documents that name their language
CATALOGUE = Path(__file__).resolve().parent / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
_LOCK = threading.Lock()


def lang_of(value: Any) -> Lang:
    """``zh`` for anything naming Chinese (``zh``, ``zh_Hans_CN``…), else ``en``: the one place a language is picked."""
    if value == "en" or value == "zh":  # (most calls: a language already picked; no slice)
        return "en" if value == "en" else "zh"
    return "zh" if isinstance(value, str) and value[:2].lower() == "zh" else "en"


def other_lang(lang: str) -> Lang:
    """The language a reader of ``lang`` is offered to switch to."""
    return "en" if lang_of(lang) == "zh" else "zh"


def N_(msgid: str) -> str:
    """Mark a word for the catalogue without translating it now (it is looked up when shown)."""
    return msgid


def NC_(context: str, msgid: str) -> str:
    """Mark a word with its context without translating it now (look it up with ``pgettext(context, msgid, …)``)."""
    return msgid


@cache
def _table() -> dict[tuple[str | None, str], str]:
    """(context, English) → Chinese, read once from the catalogue; untranslated and fuzzy entries are left out
    (they show in English, and a test fails on them)."""
    with _LOCK, CATALOGUE.open("rb") as handle:
        catalog = read_po(handle, locale=LOCALES["zh"])
    table: dict[tuple[str | None, str], str] = {}
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if isinstance(message.id, tuple):  # plural: key by the singular, keep the first form
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if strings and strings[0]:
                table[(message.context, message.id[0])] = strings[0]
            continue
        if message.string:
            table[(message.context, message.id)] = message.string
    return table


@cache
def _plain() -> dict[str, str]:
    """English → Chinese for the words without a context (most of them): one dictionary look-up per word."""
    return {msgid: text for (context, msgid), text in _table().items() if context is None}


def gettext(msgid: str, lang: str) -> str:
    """``msgid`` in ``lang`` (English is the message id itself)."""
    if lang == "en" or (lang != "zh" and lang_of(lang) == "en"):  # the common spellings first: this is hot
        return msgid
    return _plain().get(msgid, msgid)


def pgettext(context: str | None, msgid: str, lang: str) -> str:
    """``msgid`` in ``lang``, for the meaning ``context`` gives it (``None``: no context, as :func:`gettext`)."""
    if lang == "en" or (lang != "zh" and lang_of(lang) == "en"):
        return msgid
    return _table().get((context, msgid), msgid)


def ngettext(singular: str, plural: str, n: int, lang: str) -> str:
    """Singular or plural English; Chinese has one form."""
    if lang_of(lang) == "en":
        return singular if n == 1 else plural
    return _table().get((None, singular), singular if n == 1 else plural)


def bilingual(msgid: str, context: str | None = None) -> dict[Lang, str]:
    """``msgid`` in every language, ``{"zh": …, "en": …}``: for what must read in both (bilingual templates,
    headers matched in either language, a parameter rendered later in the reader's language)."""
    if context is None:
        return {lang: gettext(msgid, lang) for lang in LANGS}
    return {lang: pgettext(context, msgid, lang) for lang in LANGS}


def t(msgid: str, lang: str, /, **params: Any) -> str:
    """``msgid`` translated, then its ``{parameters}`` filled in for the reader (see :func:`fill`)."""
    return fill(gettext(msgid, lang), params, lang)


def pt(context: str, msgid: str, lang: str, /, **params: Any) -> str:
    """:func:`t` for a message id with a context."""
    return fill(pgettext(context, msgid, lang), params, lang)


def fill(template: str, params: dict[str, Any], lang: str) -> str:
    """Format a template's parameters for ``lang`` by their names: ``…amount`` is money, ``…date`` a date,
    ``…ratio`` a percentage; a ``{"zh": …, "en": …}`` pair (policy text) gives its ``lang`` half."""
    lang = lang_of(lang)
    if not params:
        return template.format()
    rendered: dict[str, str] = {}
    for key, raw in params.items():
        if type(raw) is str:  # text as it is (what the last branch below would make of it)
            rendered[key] = raw
        elif isinstance(raw, dict) and set(raw) == {"zh", "en"}:
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


class Translations:
    """The gettext callables of one language, in the shape Jinja's i18n extension expects."""

    def __init__(self, lang: str) -> None:
        self.lang = lang_of(lang)

    def gettext(self, message: str) -> str:
        return gettext(message, self.lang)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n, self.lang)

    def pgettext(self, context: str, message: str) -> str:
        return pgettext(context, message, self.lang)

    def npgettext(self, context: str, singular: str, plural: str, n: int) -> str:
        return ngettext(singular, plural, n, self.lang) if self.lang == "en" else pgettext(context, singular,
                                                                                           self.lang)


TRANSLATIONS: dict[Lang, Translations] = {lang: Translations(lang) for lang in LANGS}


# Last: formatting and the shared words are written with the functions above.
from calculator.i18n import formatting  # noqa: E402
