"""The results page's whitespace squeeze (calculator.web.markup) against the rule written plainly, and its escaping."""

from __future__ import annotations

import random
import re
import sys

import pytest

from calculator.web.markup import BETWEEN_TAGS, BLOCKS, squeeze

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
