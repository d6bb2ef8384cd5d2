"""Markup helpers for pages that must stay light (the results page: issue #16, at most 60 kB)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup
from markupsafe import escape as markup_escape

# MarkupSafe 3's escaping without making a Markup: a private name, so looked for (MarkupSafe 2.1, which Flask 3.1
# accepts, has neither); without it, the public escape made a plain string (tests/test_markup.py runs each way).
try:
    from markupsafe._speedups import _escape_inner
except ImportError:  # MarkupSafe without its C speedups, or before 3
    try:
        from markupsafe._native import _escape_inner
    except ImportError:
        def _escape_inner(s: str, /) -> str:
            return str(markup_escape(s))

BETWEEN_TAGS = re.compile(r">[ \t]*\n\s*<")
# Block-level elements: whitespace between two of their tags (opening or closing) never renders.
BLOCKS = ("p|div|ul|ol|li|h[1-6]|header|footer|section|article|nav|dl|dt|dd|details|summary|figure|figcaption|form|"
          "fieldset|legend|table|caption|thead|tbody|tr|th|td")
# A block tag followed by whitespace (the lookahead at the ``<`` only rejects at once, without trying every name, a
# tag not followed by whitespace), the whitespace, and the block tag after it.
BETWEEN_BLOCKS = re.compile(rf"(<(?=[^>]*>\s)/?(?:{BLOCKS})\b[^>]*>)\s+(?=</?(?:{BLOCKS})\b)")


# Around markup written as squeeze leaves it, beginning and ending with a block-level tag, that squeeze need not read
# (a results page's cards, most of the page): squeeze reads these tags as that markup's first and last tags and
# drops them. Escaped text cannot hold them (nor any ``<``).
SPLICED, SPLICED_END = "<article data-squeezed>", "</article data-squeezed>"


def squeeze(html: str) -> Markup:
    """The same markup without the whitespace templates leave between tags that a browser renders alike: none
    between two block-level tags, one line break for a run that holds a line break between other tags (no ``pre``
    or ``textarea`` content is ever between two tags). Markup between :data:`SPLICED` and :data:`SPLICED_END` is
    kept as it is, the marks dropped; the whitespace around it goes as around its first and last tags."""
    text = str(html)
    if SPLICED not in text:
        return Markup(_squeezed(text))
    head, *pieces = text.split(SPLICED)
    out = [_squeezed(head + SPLICED)[:-len(SPLICED)]]
    last = len(pieces) - 1
    for index, piece in enumerate(pieces):
        kept, after = piece.split(SPLICED_END, 1)
        out.append(kept)
        after = _squeezed(SPLICED_END + after + SPLICED) if index < last else _squeezed(SPLICED_END + after)
        out.append(after[len(SPLICED_END):-len(SPLICED)] if index < last else after[len(SPLICED_END):])
    return Markup("".join(out))


def _squeezed(text: str) -> str:
    """The whitespace rules over ``text``. The block rule splits on the whitespace and joins the rest (the tag before
    it is the pattern's one group, kept): what ``sub`` with the tag as replacement gives, without a call per match."""
    return "".join(BETWEEN_BLOCKS.split(BETWEEN_TAGS.sub(">\n<", text)))


def escape(value: Any) -> str:
    """``markupsafe.escape(value)`` as a plain string: markup (``__html__``) as it is, anything else escaped."""
    if type(value) is str:
        return _escape_inner(value)
    if hasattr(value, "__html__"):
        return value.__html__()  # type: ignore[no-any-return]
    return _escape_inner(str(value))


def hidden_inputs(pairs: Iterable[tuple[Any, Any]]) -> Markup:
    """A hidden input per (name, value), as a template's loop over them wrote them (the answers a page carries)."""
    return Markup("".join([f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'
                           for name, value in pairs]))
