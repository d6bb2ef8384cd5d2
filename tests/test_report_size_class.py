"""The figures view's size class (the code alone, from the standard found once per day) is the full document's."""

from __future__ import annotations

import datetime as dt
import json

from benchmarks.profiles import generate
from calculator.engine.size_class import size_class_code, size_class_doc, size_standard
from calculator.service import service_for
from tests.conftest import AS_OF, EXAMPLES


def test_the_code_alone_is_the_entrys_code(catalogue):
    service = service_for(catalogue)
    companies = [service.schema().load(json.loads(path.read_text(encoding="utf-8"))).get("company") or {}
                 for path in sorted(EXAMPLES.glob("*.json"))]
    companies += [profile["company"] for profile in generate(60, catalogue.choices, seed=1616)]
    companies += [{**companies[0], "industry_sector": None}, {**companies[0], "employees": None}, {}]
    classes = set()
    for day in (AS_OF, dt.date(2024, 12, 1), dt.date(2010, 1, 1)):
        standard = size_standard(catalogue, day)
        for company in companies:
            full = size_class_doc(catalogue, company, day, "zh")
            assert size_class_code(catalogue, standard, company, day) == (None if full is None else full["code"])
            classes.add(None if full is None else full["code"])
    assert len(classes) > 2  # classified and not
