"""Which language a page is in: ``?lang=``, then the ``lang`` cookie, then Accept-Language (any zh-* is Chinese).

Forms post to ``…?lang=xx`` so the language always travels in the query string.
"""

from __future__ import annotations

from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask, g, request
from flask_babel import get_translations

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
    """The reader's language for this request (``zh`` or ``en``), worked out once per request."""
    found = g.get("_incentives_lang")
    if found is None:
        found = g._incentives_lang = choose_lang()
    return found


def choose_lang() -> str:
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


def request_translations() -> Any:
    """This request's Flask-Babel translations, looked up once per request (a results page asks ~100 times)."""
    found = g.get("_incentives_translations")
    if found is None:
        found = g._incentives_translations = get_translations()
    return found


def install_template_gettext(app: Flask) -> None:
    """Templates' ``_()`` and ``gettext()`` read the request's translations once, not once per string
    (Flask-Babel's own callables redo the locale and domain look-ups on every call)."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().ugettext(s),
        ngettext=lambda s, p, n: request_translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().unpgettext(c, s, p, n),
    )
