"""The templates' shortcuts against Jinja's general paths: the template globals' key view
(calculator.web.templating) and the page words ``_()`` (calculator.web.i18n.page_gettext) against the i18n
extension's newstyle ``gettext``, in and out of loops and macros, escaping or not."""

from __future__ import annotations

from collections import ChainMap

import pytest
from jinja2 import Environment, nodes
from jinja2.ext import _make_new_gettext  # the extension's newstyle gettext: the general path

from calculator.i18n import TRANSLATIONS
from calculator.web.i18n import page_gettext
from calculator.web.templating import TemplateGlobals

WORDS = ["Results", "Cash", "Person", "Change my answers", "More questions (%(count)s)", "a < b & \"c\"",
         "Privacy: nothing you enter in the forms is stored on the server; each result is computed from what you "
         "submit and is not kept. A batch upload is the one exception: its file is kept until its assessment ends, "
         "and its results for at most %(minutes)s minutes after the upload or until you delete them."]


def test_template_globals_keys_are_chainmaps(app):
    env = app.jinja_env
    template = env.get_template("results.html")
    assert type(template.globals) is TemplateGlobals
    plain = ChainMap(*template.globals.maps)
    keys = template.globals.keys()  # the view the shortcut gives
    assert set(keys) == set(plain.keys()) and "url_for" in keys
    names = {"url_for", "_", "not a global", "csrf_token", "hidden_inputs", "labelled"}
    assert names - template.globals.keys() == names - plain.keys() == {"not a global"}
    env.globals["added later"] = 1  # live, as ChainMap's view: a global added after loading is seen
    try:
        assert "added later" in keys and {"added later"} - template.globals.keys() == set()
    finally:
        del env.globals["added later"]
    assert "added later" not in keys
    own = TemplateGlobals({"own": 1}, env.globals)  # a template's own globals: ChainMap's view
    own_keys = own.keys()
    assert set(own_keys) == set(ChainMap({"own": 1}, env.globals).keys()) and "own" in own_keys
    assert list(own) == list(ChainMap({"own": 1}, env.globals))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_words_are_the_i18n_extensions(app, lang):
    general = _make_new_gettext(TRANSLATIONS[lang].gettext)
    with app.test_request_context(f"/?lang={lang}"):
        for autoescape in (True, False):
            env = Environment(autoescape=autoescape)
            context = env.from_string("").new_context({})
            for word in WORDS:
                variables = {"count": 3, "minutes": "<b>30</b>"} if "%(" in word else {}
                for _ in range(2):  # made, then kept
                    said = page_gettext(context.eval_ctx, word, **variables)
                    expected = general(context, word, **variables)
                    assert said == expected and type(said) is type(expected), (lang, autoescape, word)
                    assert context.eval_ctx.autoescape is autoescape and isinstance(context.eval_ctx,
                                                                                    nodes.EvalContext)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_words_in_loops_and_macros_are_the_extensions(app, lang):
    """In a loop or a macro (where Jinja derived a context for a context function) the same words come out."""
    source = ("{% macro m(w) %}[{{ _(w) }}|{{ _('More questions (%(count)s)', count=w|length) }}]{% endmacro %}"
              "{% for w in words %}{{ _(w) }}/{{ m(w) }}/{% set x = _(w) %}{{ x }};{% endfor %}"
              "{% autoescape false %}{% for w in words %}{{ _(w) }}{% endfor %}{% endautoescape %}")
    words = ["Results", "Cash", "a < b & \"c\"", "Person"]
    with app.test_request_context(f"/?lang={lang}"):
        ours = app.jinja_env.from_string(source).render(words=words)
        env = Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
        env.install_gettext_callables(TRANSLATIONS[lang].gettext, TRANSLATIONS[lang].ngettext, newstyle=True)
        assert ours == env.from_string(source).render(words=words)
    assert (TRANSLATIONS[lang].gettext("Results") != "Results") is (lang == "zh")  # a stub's words would differ
