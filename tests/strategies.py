"""Hypothesis strategies for valid profiles, built from the profile schemas' own field catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import strategies as st

from schemas.fields import YearAmounts
from schemas.profile import field_catalogue
from schemas.projects import ProjectAnswers

FIELDS = field_catalogue()
SKIP = {"uscc", "name", "ref", "department"}


def money(allow_negative: bool = False) -> st.SearchStrategy[Decimal]:
    low = -50_000_000 if allow_negative else 0
    return st.one_of(st.integers(low, 60_000_000), st.sampled_from([0, 1, 300_000, 3_000_000, 50_000_000,
                                                                    200_000_000, 5_000_000_000])).map(Decimal)


def value_for(name: str, meta: dict[str, Any], choices: dict[str, set[str]]) -> st.SearchStrategy[Any]:
    kind = meta["type"]
    if kind == "Money":
        return money(allow_negative=meta.get("allow_negative", False))
    if kind == "Percent":
        return st.integers(0, 100).map(Decimal)
    if kind == "Area":
        return st.decimals(min_value=Decimal(0), max_value=Decimal(100_000), places=1)
    if kind == "Ratio":
        return st.decimals(min_value=Decimal("0.5"), max_value=Decimal("1.5"), places=2)
    if kind == "Count":
        return st.integers(0, 2_000)
    if kind == "Year":
        return st.integers(2018, 2029)
    if kind == "TriState":
        return st.sampled_from([True, False])
    if kind == "Day":
        return st.dates(dt.date(1990, 1, 1), dt.date(2026, 11, 1))
    if kind == "Code":
        return st.sampled_from(sorted(choices[meta["table"]]))
    if kind == "CodeList":
        return st.lists(st.sampled_from(sorted(choices[meta["table"]])), unique=True, max_size=3)
    if kind == "ProjectValues":  # one tier or amount (or unknown) per project
        one = money() if meta["table"] is None else st.sampled_from(sorted(choices[meta["table"]]))
        return st.lists(st.one_of(st.none(), one), max_size=4).map(ProjectAnswers)
    if kind == "MoneyByYear":
        rows = st.dictionaries(st.integers(2012, 2029), money(), max_size=4)
        return rows.map(lambda found: YearAmounts(sorted(found.items())))
    if kind in ("Text", "USCC"):
        return st.text(max_size=10)
    raise AssertionError(f"no strategy for a {kind} field ({name}): add one")


@st.composite
def subject(draw: st.DrawFn, kind: str, choices: dict[str, set[str]]) -> dict[str, Any]:
    """A loaded (already validated) company or person: every field present, some of them unknown (None)."""
    out: dict[str, Any] = {}
    for name, meta in FIELDS[kind].items():
        if name in SKIP:
            out[name] = None
            continue
        out[name] = draw(st.one_of(st.none(), value_for(name, meta, choices)))
    if kind == "company":
        if out.get("st_staff") is not None and out.get("employees") is not None:
            out["st_staff"] = min(out["st_staff"], out["employees"])
        if out.get("hnte_cert_date") and out.get("founding_date") and out["hnte_cert_date"] < out["founding_date"]:
            out["hnte_cert_date"] = out["founding_date"]
        previous = out.get("hnte_previous_cert_date")  # what the schema refuses: an earlier date not earlier, or
        if previous and ((out.get("hnte_cert_date") and previous >= out["hnte_cert_date"])  # given with "none"
                         or out.get("hnte_had_previous_cert") is False):
            out["hnte_previous_cert_date"] = None
        part, total = out.get("taxable_income_qianhai"), out.get("taxable_income")
        if part is not None and total is not None and total >= 0 and part > total:
            out["taxable_income_qianhai"] = total
    return out


@st.composite
def assessment_input(draw: st.DrawFn, choices: dict[str, set[str]]) -> dict[str, Any]:
    company = draw(st.one_of(st.none(), subject("company", choices)))
    people = draw(st.lists(subject("person", choices), min_size=0 if company else 1, max_size=3))
    return {"company": company, "people": people}
