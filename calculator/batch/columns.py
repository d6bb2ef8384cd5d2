"""Which column is which field: a header cell matches the field name or its Chinese or English label.

A template writes each header as the question in its language with the unit (``Revenue, latest year [CNY]``),
then the field name on its own line; any one line is enough, so a hand-made sheet with only Chinese, only English or
only field-name headers works too, whichever template it started from.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from calculator.i18n import bilingual, pt
from calculator.i18n.words import field_label, unit_word
from schemas.profile import field_catalogue

FIELDS = field_catalogue()
KINDS = {"companies": "company", "people": "person"}
UNIT_SUFFIX = re.compile(r"\s*[\[（(【][^\]）)】]*[\]）)】]\s*$")
TEXT_TYPES = frozenset({"Text", "USCC", "Code", "CodeList", "MoneyByYear"})
# Units a header does not repeat: the dropdown or the question already says what to write.
UNSAID_UNITS = frozenset({"text", "code", "codes", "yes/no/unknown"})


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip().lower()


def lookup(kind: str) -> dict[str, str]:
    """Normalised header text → field name, for one kind (``companies`` or ``people``)."""
    out: dict[str, str] = {}
    for name, meta in FIELDS[KINDS[kind]].items():
        labels = bilingual(meta["label"])  # a header matches in either language, whatever the reader's
        for candidate in (name, labels["en"], labels["zh"]):
            out.setdefault(normalise(candidate), name)
    return out


def header_question(meta: dict[str, Any], lang: str) -> str:
    """A template header's first line: the question in ``lang``, with its unit when the unit says something."""
    label = field_label(meta, lang)
    if meta["unit"] in UNSAID_UNITS:
        return label
    return pt("template header", "{label} [{unit}]", lang, label=label, unit=unit_word(meta["unit"], lang))


def header_text(name: str, meta: dict[str, Any], lang: str) -> str:
    """A template's header in ``lang``: the question (with the unit), then the field name on its own line."""
    return f"{header_question(meta, lang)}\n{name}"



def match_header(cell: Any, table: dict[str, str]) -> str | None:
    if cell is None:
        return None
    text = str(cell)
    candidates = [text, *text.splitlines()]
    for candidate in candidates:
        for form in (candidate, UNIT_SUFFIX.sub("", candidate)):
            found = table.get(normalise(form))
            if found:
                return found
    return None


@dataclass
class Mapping:
    kind: str                                              # companies | people
    columns: dict[int, str] = field(default_factory=dict)  # 0-based column index → field name
    headers: dict[int, str] = field(default_factory=dict)  # 0-based column index → header text as given
    unknown: list[str] = field(default_factory=list)       # headers that match no field
    width: int = 0

    def types(self) -> dict[int, str]:
        subject = FIELDS[KINDS[self.kind]]
        return {i: subject[name]["type"] for i, name in self.columns.items()}


def score(cells: list[Any], kind: str) -> int:
    table = lookup(kind)
    return sum(1 for c in cells if match_header(c, table))


def detect_kind(cells: list[Any]) -> str | None:
    companies, people = score(cells, "companies"), score(cells, "people")
    if companies == people:
        return None
    return "companies" if companies > people else "people"


def map_header(cells: list[Any], kind: str) -> tuple[Mapping, list[tuple[str, list[str]]]]:
    """The mapping of a header row, and any duplicate fields (field, headers)."""
    table = lookup(kind)
    mapping = Mapping(kind=kind)
    seen: dict[str, list[str]] = {}
    for index, cell in enumerate(cells):
        if cell is None or str(cell).strip() == "":
            continue
        mapping.width = index + 1
        name = match_header(cell, table)
        shown = " / ".join(str(cell).splitlines())
        if name is None:
            mapping.unknown.append(shown)
            continue
        seen.setdefault(name, []).append(shown)
        mapping.columns.setdefault(index, name)
        mapping.headers[index] = shown
    duplicates = [(name, shown) for name, shown in seen.items() if len(shown) > 1]
    return mapping, duplicates
