"""The language of an API answer: ``?lang=zh|en``, else Accept-Language (any ``zh-*`` is Chinese), else English.

werkzeug's ``accept_languages.best_match(["zh_Hans_CN", "en"])`` answers ``en`` for ``zh-CN,zh;q=0.9``, so each
entry is parsed on its own (with babel, falling back to the primary subtag) and the first ``zh`` or ``en``
with a non-zero quality wins. No cookie is read: the API is stateless.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import g, request

LANGS = ("en", "zh")
CONTENT_LANGUAGE = {"zh": "zh-CN", "en": "en"}


def language_of(tag: str | None) -> str | None:
    """``zh`` or ``en`` for a language tag such as ``zh-CN``, ``zh_Hans``, ``en-GB``; ``None`` for anything else."""
    if not tag or tag == "*":
        return None
    tag = tag.strip().replace("_", "-")
    try:
        language = Locale.parse(tag, sep="-").language
    except (ValueError, TypeError, UnknownLocaleError):
        language = tag.split("-", 1)[0].lower()
    return language if language in LANGS else None


def negotiate(query: str | None, accept_language: list[tuple[str, float]]) -> str:
    """``?lang=`` when it names a supported language, else the first supported Accept-Language entry."""
    if query in LANGS:
        return query
    for tag, quality in accept_language:
        if quality <= 0:
            continue
        found = language_of(tag)
        if found:
            return found
    return "en"


def api_lang() -> str:
    """The language for this request (computed once per request)."""
    lang = g.get("api_lang")
    if lang is None:
        query = request.args.get("lang")  # when it names a language, Accept-Language is not read
        lang = g.api_lang = query if query in LANGS else negotiate(query, list(request.accept_languages))
    return lang
