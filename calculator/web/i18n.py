"""Which language a page is in: ``?lang=``, then the ``lang`` cookie, then Accept-Language (any zh-* is Chinese).

Forms post to ``…?lang=xx`` so the language always travels in the query string.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from babel import Locale, UnknownLocaleError
from flask import Flask, g, request
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup

from calculator.i18n import TRANSLATIONS, Translations, formatting
from calculator.i18n.figures import figure_label
from calculator.i18n.words import labelled, site_of

LOCALES = {"zh": "zh_Hans_CN", "en": "en"}  # the languages a request may choose
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


def request_translations() -> Translations:
    """The gettext callables of this request's language (the one language layer, :mod:`calculator.i18n`)."""
    return TRANSLATIONS[current_lang()]  # type: ignore[index]


def _(message: str) -> str:
    """A page word in this request's language."""
    return request_translations().gettext(message)


def install_template_gettext(app: Flask) -> None:
    """Templates' ``_()`` and ``gettext()`` look words up in :mod:`calculator.i18n` for the request's language;
    ``labelled(label, value)`` joins a label and its value, ``value|value_text(unit)`` formats a figure (money,
    percentages, counts with their unit word), both in that language."""
    app.jinja_env.globals["labelled"] = lambda label, value: labelled(label, value, current_lang())
    app.jinja_env.filters["value_text"] = lambda value, unit: formatting.value(value, unit, current_lang())
    app.jinja_env.filters["day_text"] = lambda iso: formatting.date(dt.date.fromisoformat(iso), current_lang())
    app.jinja_env.filters["figure_label"] = lambda name: figure_label(name, current_lang())
    app.jinja_env.filters["site"] = site_of
    app.jinja_env.add_extension("jinja2.ext.i18n")
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: request_translations().gettext(s),
        ngettext=lambda s, p, n: request_translations().ngettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: request_translations().pgettext(c, s),
        npgettext=lambda c, s, p, n: request_translations().npgettext(c, s, p, n),
    )
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"] = page_gettext


_WORDS: dict[tuple[str, str], Markup] = {}  # page words said without variables, by language (templates' literals)


@pass_eval_context
def page_gettext(eval_ctx: EvalContext, message: str, /, **variables: Any) -> str:
    """Templates' ``_()`` and ``gettext()``: what the i18n extension's newstyle ``gettext`` (and its ``_`` alias)
    return (the word in the request's language, markup when the template escapes, always formatted with
    ``variables``), in one call instead of three (a results page says some 50 words); a word without variables
    in an escaping template is made once per language (the templates say only literal words). It reads only the
    evaluation context (whether the template escapes), not the template's context: Jinja derives a new context
    (a copy of every variable) for each call of a ``pass_context`` function inside a loop or a macro."""
    lang = current_lang()
    escapes = eval_ctx.autoescape
    if escapes and not variables:
        found = _WORDS.get((lang, message))
        if found is None:
            if len(_WORDS) > 4096:
                _WORDS.clear()
            found = _WORDS[lang, message] = Markup(request_translations().gettext(message)) % {}
        return found
    said: Any = request_translations().gettext(message)
    if escapes:
        said = Markup(said)
    return said % variables  # type: ignore[no-any-return]
