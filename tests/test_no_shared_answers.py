"""No answer leaks into another: documents built for different profiles, dates, languages and views in one process,
interleaved, each equal the document first built for the same request, and building later ones changes no earlier
one. The engine and the report share read-only objects between requests (a criterion's result on an unanswered
input, items, missing-input entries, advisories, table texts) and keep catalogue facts per program, day and
language; this catches one of them being changed after it is handed out (the same request gives another answer
later), or kept under too coarse a key (a second catalogue, loaded in this process and asked in another order,
fills its caches from other requests first, and answers otherwise)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from benchmarks.profiles import generate
from calculator.engine import Catalogue, assess, load_catalogue
from calculator.service import service_for
from tests.conftest import AS_OF, EXAMPLES

DATES = (AS_OF, dt.date(2024, 12, 1), dt.date(2023, 3, 1))
VIEWS = ("full", "card", "figures")
Request = tuple[int, dt.date, str, str]


def dumped(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, default=str)


def documents(catalogue: Catalogue, profiles: list[dict[str, Any]], order: list[Request]) -> dict[Request, str]:
    """Each request's document, written as built; a request asked again must give the same, and every document
    handed out must read the same once all are built."""
    service = service_for(catalogue)
    first: dict[Request, str] = {}
    handed = []
    for request in order:
        index, day, lang, view = request
        doc = service.document(assess(catalogue, profiles[index], day), lang, view, questions=view == "full")
        text = dumped(doc)
        assert first.setdefault(request, text) == text, request
        handed.append((request, doc, text))
    for request, doc, text in handed:
        assert dumped(doc) == text, request
    return first


def test_interleaved_requests_give_each_the_answer_it_had_alone(catalogue):
    service = service_for(catalogue)
    profiles = [service.schema().load(json.loads(path.read_text(encoding="utf-8")))
                for path in sorted(EXAMPLES.glob("*.json"))]
    profiles += generate(6, catalogue.choices, seed=4242, people=2)
    requests = [(index, day, lang, view) for index in range(len(profiles)) for day in DATES
                for lang in ("en", "zh") for view in VIEWS]
    # in order, then backwards: each request comes again after all the others
    asked = documents(catalogue, profiles, requests + requests[::-1])
    # another catalogue (both live in this process), asked first what the first was asked last: dates, languages
    # and profiles in the opposite order
    other = sorted(requests, key=lambda r: (r[1], r[2] != "zh", -r[0], -VIEWS.index(r[3])))
    assert documents(load_catalogue(), profiles, other) == asked
