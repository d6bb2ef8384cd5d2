"""Sources on pages, as people read them: numbered per program, each with its title, link, site and a plain note on
its quality; criteria and figures refer to them by number. The internal keys stay in the API and the tables."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from calculator.i18n.words import readable_source


def cited_keys(entry: Mapping[str, Any]) -> list[str]:
    """Every source key a catalogue entry cites, in order: the program's list, then any other that a date, a
    criterion or a figure cites."""
    keys = list(entry["sources"])
    more = [*entry["effective"]["source"], *(k for c in entry["criteria"] for k in c["source"]),
            *(k for f in entry["figures"] for k in f["source"])]
    for key in more:
        if key not in keys:
            keys.append(key)
    return keys


def numbered(entry: Mapping[str, Any], sources: Mapping[str, Any], lang: str) -> dict[str, Any]:
    """``{"list": [readable source with its number], "number": {key: number}}`` for one catalogue entry."""
    keys = cited_keys(entry)
    shown = []
    for number, key in enumerate(keys, 1):
        source = sources[key]
        shown.append({"number": number, **readable_source({"title": source.title, "quality": source.quality,
                                                          "urls": source.urls}, lang)})
    return {"list": shown, "number": {key: number for number, key in enumerate(keys, 1)}}
