"""The Sources sheet: each cited source once, numbered in order of first citation, with who cites it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from calculator.i18n.words import joined, readable_source
from calculator.workbook.cells import Column, Link, Sheet
from calculator.workbook.context import BookContext


def columns(b: BookContext) -> list[Column]:
    return [Column(b.w("source_number"), 8, "int"), Column(b.w("title_col"), 50, "wrap"),
            Column(b.w("source_quality"), 24, "wrap"), Column(b.w("address"), 40, "link"),
            Column(b.w("other_addresses"), 50, "wrap"), Column(b.w("cited_by"), 50, "wrap")]


def write(b: BookContext, sheet: Sheet) -> None:
    lang = b.lang
    found: dict[str, dict[str, Any]] = {}
    cited: dict[str, dict[str, None]] = {}
    for entry in b.entries:
        for source in entry.doc["sources"]:
            found.setdefault(source["key"], source)
            cited.setdefault(source["key"], {})[entry.doc["name"]] = None
    numbers = b.source_numbers()
    for key, source in found.items():
        addresses = list(source["urls"]) + [github_url(g) for g in source.get("github", [])]
        sheet.row([numbers[key], source["title"], readable_source(source, lang)["quality"],
                   Link(addresses[0]) if addresses else None, "\n".join(addresses[1:]) or None,
                   joined(cited[key], lang)])
    sheet.finish()


def github_url(entry: dict[str, Any]) -> str:
    commit = entry.get("commit") or "HEAD"
    return f"https://github.com/{entry['repository']}/blob/{commit}/{quote(entry['path'])}"
