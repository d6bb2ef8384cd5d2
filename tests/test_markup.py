"""The results page's whitespace squeeze (calculator.web.markup) against the rule written plainly, and its escaping."""

from __future__ import annotations

import random
import re
import sys

import pytest

from calculator.web.markup import BETWEEN_TAGS, BLOCKS, SPLICED, SPLICED_END, squeeze

PLAIN = re.compile(rf"(</?(?:{BLOCKS})\b[^>]*>)\s+(?=</?(?:{BLOCKS})\b)")  # the rule, without the fast path


def plain(html: str) -> str:
    return PLAIN.sub(lambda m: m.group(1), BETWEEN_TAGS.sub(">\n<", html))


def test_squeeze_keeps_what_renders():
    html = '<div class="a">\n  <p>x</p>\n  <span>y</span> \n<b>z</b>\n</div>\n<li> <a href="#">q</a> </li>'
    assert str(squeeze(html)) == '<div class="a"><p>x</p>\n<span>y</span>\n<b>z</b>\n</div><li> <a href="#">q</a> </li>'


def test_squeeze_is_the_rule_written_plainly():
    pieces = ["<p>", "</p>", "<div class='x'>", "</div>", "<span>", "</span>", "<li>", "<td data-x=\"a\">", "<pre>",
              "<p <span>", "<span <p>", "<h2>", "<header>", "<hr>", "text", "a < b", " ", "\n", "  \n\t ", "\t",
              "\r\n", "<br>", "<table>", "</tr>", "<ul\n class=y>"]
    rng = random.Random(16)
    for _ in range(3000):
        html = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
        assert str(squeeze(html)) == plain(html), html


def test_spliced_markup_is_kept_as_squeeze_would_leave_it():
    """Markup marked as already squeezed, between two block-level tags, comes out as the same markup unmarked and
    squeezed whole: the marks stand for its first and last tags."""
    pieces = ["<p>", "</p>", "<div>", "</div>", "<span>", "</span>", "text", " ", "\n", "  \n\t ", "<h3>", "</h3>",
              "<section>", "</section>", "<b>", "\n<li>x</li>\n"]
    spaces = ["", " ", "\n", "\n  ", " \n\n "]
    rng = random.Random(16)
    for _ in range(3000):
        parts = [rng.choice(["</h3>", "<section>", "</div>"]) + rng.choice(spaces)]
        whole = marked = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
        for _ in range(rng.randint(1, 3)):
            inner = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
            card = f"\n<article>{inner}</article>\n"
            after = rng.choice(spaces) + rng.choice(["</section>", "<h3>", "<p>"])
            after += "".join(rng.choice(pieces) for _ in range(rng.randint(0, 6)))
            whole += parts[0] + card + after
            marked += parts[0] + SPLICED + str(squeeze(card)).strip() + SPLICED_END + after
        assert str(squeeze(marked)) == str(squeeze(whole)), whole


@pytest.mark.parametrize("missing", ["markupsafe._speedups", "both"])
def test_escape_is_markupsafes_without_its_private_names(monkeypatch, missing):
    """calculator.web.markup.escape reads MarkupSafe 3's private ``_escape_inner``; MarkupSafe 2.1 (which Flask
    3.1 accepts) has none, and the module must still import and escape as ``markupsafe.escape`` does."""
    import importlib
    import types

    from markupsafe import Markup, escape

    from calculator.web import markup

    monkeypatch.setitem(sys.modules, "markupsafe._speedups", None)  # importing it fails
    if missing == "both":
        monkeypatch.setitem(sys.modules, "markupsafe._native", types.ModuleType("markupsafe._native"))
    try:
        fallback = importlib.reload(markup)
        for value in ['<a href="x">&\'', Markup("<b>kept</b>"), 12, None, "plain"]:
            assert fallback.escape(value) == str(escape(value))
    finally:
        monkeypatch.undo()
        importlib.reload(markup)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_results_cards_are_written_as_squeeze_leaves_them(app, evaluate, lang):
    """A results page's cards, written squeezed (calculator.web.card_html), are the cards as written for a program's
    page, squeezed between block-level tags, on every example."""
    from pathlib import Path

    from calculator.web.card_html import program_card
    from calculator.web.card_view import card_view
    from calculator.web.next_questions import NUMBERS
    from calculator.web.views import translate_card_words
    from tests.conftest import EXAMPLES, example

    with app.test_request_context(f"/?lang={lang}"):
        ui = translate_card_words()
    for path in sorted(Path(EXAMPLES).glob("*.json")):
        for p in evaluate(example(path.name), lang=lang)["programs"]:
            p = {**p, "card": card_view(p, lang)}
            whole = program_card(p, ui, None, f"/company/program/{p['id']}", NUMBERS)
            squeezed = program_card(p, ui, None, f"/company/program/{p['id']}", NUMBERS, squeezed=True)
            assert str(squeezed) == str(squeeze(f"<div>{whole}</div>"))[5:-6], p["id"]
