"""Which language a page is in: ``?lang=``, then the ``lang`` cookie, then Accept-Language (any zh-* is Chinese).

Forms post to ``…?lang=xx`` so the language always travels in the query string.
"""

from __future__ import annotations

from babel import Locale, UnknownLocaleError
from flask import request

LOCALES = {"zh": "zh_Hans_CN", "en": "en"}
HTML_LANG = {"zh": "zh-Hans-CN", "en": "en"}


def pick(value: str | None) -> str | None:
    """``zh`` or ``en`` for a tag such as ``zh-CN``, ``zh_Hans``, ``en-GB``; ``None`` if neither."""
    if not value:
        return None
    try:
        language = Locale.parse(value.strip().replace("_", "-"), sep="-").language
    except (ValueError, UnknownLocaleError):
        return None
    return language if language in LOCALES else None


def current_lang() -> str:
    """The reader's language for this request (``zh`` or ``en``)."""
    # The query string, never the body: reading a body here would re-read an oversized upload on the 413 page.
    for candidate in (request.args.get("lang"), request.cookies.get("lang")):
        chosen = pick(candidate)
        if chosen:
            return chosen
    for tag, _quality in request.accept_languages:
        chosen = pick(tag)
        if chosen:
            return chosen
    return "en"


def select_locale() -> str:
    """Flask-Babel's locale selector."""
    return LOCALES[current_lang()]
