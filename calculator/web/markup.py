"""Markup helpers for pages that must stay light (the results page: issue #16, at most 60 kB)."""

from __future__ import annotations

import re

from markupsafe import Markup

BETWEEN_TAGS = re.compile(r">[ \t]*\n\s*<")
# Block-level elements: whitespace between two of their tags (opening or closing) never renders.
BLOCKS = ("p|div|ul|ol|li|h[1-6]|header|footer|section|article|nav|dl|dt|dd|details|summary|figure|figcaption|form|"
          "fieldset|legend|table|caption|thead|tbody|tr|th|td")
BETWEEN_BLOCKS = re.compile(rf"(</?(?:{BLOCKS})\b[^>]*>)\s+(?=</?(?:{BLOCKS})\b)")


def squeeze(html: str) -> Markup:
    """The same markup without the whitespace templates leave between tags that a browser renders alike: none
    between two block-level tags, one line break for a run that holds a line break between other tags (no ``pre``
    or ``textarea`` content is ever between two tags)."""
    return Markup(BETWEEN_BLOCKS.sub(_tag, BETWEEN_TAGS.sub(">\n<", str(html))))


def _tag(match: re.Match[str]) -> str:
    """The tag before the whitespace (a function: ``re`` expands a ``\\1`` template in Python for every match)."""
    return match.group(1)
