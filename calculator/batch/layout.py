"""How much room a text needs in a spreadsheet cell: column widths and wrapped row heights, fitted to the words.

Excel measures a column in widths of the digit 0 of the default font (Calibri 11) and a row in points. A wide
(CJK) character takes about two digit widths, a Latin letter about one; bold text a little more. The figures here
err on the generous side, so that a header wraps without being cut off in Excel, WPS or LibreOffice (LibreOffice's
own optimal height for the same cells is checked against them in ``tests/test_batch_template.py``).
"""

from __future__ import annotations

import math
import unicodedata

WIDE = 2.2          # digit widths of one CJK character (bold, with the fallback fonts Excel and LibreOffice use)
NARROW = 1.15       # digit widths of one Latin character, bold (capitals and w, m are wider than 0)
LINE_POINTS = 17.0  # height of one line of 11 pt text, CJK fonts included (their line spacing is taller)
PADDING_POINTS = 6.0


def text_width(text: str) -> float:
    """The width of ``text`` on one line, in digit widths."""
    return sum(WIDE if unicodedata.east_asian_width(ch) in ("W", "F") else NARROW for ch in text)


def _pieces(line: str) -> list[str]:
    """Where a line may break: after a space (Latin words) or between any two wide characters."""
    pieces: list[str] = []
    word = ""
    for ch in line:
        if unicodedata.east_asian_width(ch) in ("W", "F"):
            if word:
                pieces.append(word)
                word = ""
            pieces.append(ch)
        elif ch == " ":
            pieces.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        pieces.append(word)
    return pieces


def wrapped_lines(text: str, width: float) -> int:
    """How many lines ``text`` takes in a wrapping cell ``width`` digit widths wide (explicit line breaks kept;
    a word longer than the line is broken, as spreadsheets do)."""
    room = max(width - 1.5, 1.0)  # the cell's inner margins
    total = 0
    for line in text.split("\n"):
        lines, used = 1, 0.0
        for piece in _pieces(line):
            size = text_width(piece.rstrip())
            if used and used + size > room:
                lines, used = lines + 1, 0.0
            if size > room:  # broken inside the word
                extra = math.ceil(size / room) - 1
                lines, used = lines + extra, size - extra * room
            else:
                used += text_width(piece)
        total += lines
    return total


def fitted_width(texts: list[str], least: float = 14, most: float = 36) -> float:
    """A column width for these header lines: room for the longest word, and for the longest line in at most four
    lines, between ``least`` and ``most``."""
    longest_word = max((text_width(p.rstrip()) for t in texts for line in t.split("\n") for p in _pieces(line)),
                       default=0.0)
    longest_line = max((text_width(line) for t in texts for line in t.split("\n")), default=0.0)
    return round(min(most, max(least, longest_word + 2, longest_line / 4 + 2)), 1)


def row_height(cells: list[tuple[str, float]]) -> float:
    """The height in points of a row of wrapping cells (``(text, column width)``), fitted to the tallest."""
    lines = max((wrapped_lines(text, width) for text, width in cells), default=1)
    return lines * LINE_POINTS + PADDING_POINTS
