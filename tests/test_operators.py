"""Each criterion operator and derived quantity, with three-valued logic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from calculator.engine.criteria import combine_all, combine_any, compile_criterion
from calculator.engine.derived import INFINITY, add_years, completed_months, completed_years, derived_value, input_value

D = Decimal
AS_OF = dt.date(2026, 11, 21)


def run(op, actual, value=None, unknown_values=None):
    spec = {"id": "c", "text": {"zh": "条件", "en": "condition"}, "field": "x", "op": op, "confidence": "CONFIRMED",
            "source": []}
    if value is not None:
        spec["value"] = value
    if unknown_values:
        spec["unknown_values"] = unknown_values
    return compile_criterion(spec, input_value("x", ""), None).evaluate({"x": actual}, AS_OF)


@pytest.mark.parametrize(("op", "actual", "value", "expected"), [
    ("eq", "longhua", "longhua", True), ("eq", "nanshan", "longhua", False),
    ("ne", "nanshan", "longhua", True), ("ne", "longhua", "longhua", False),
    ("gt", D(1), D(0), True), ("gt", D(0), D(0), False),
    ("ge", D(5), D(5), True), ("ge", D("4.99"), D(5), False),
    ("lt", D(2), D(3), True), ("lt", D(3), D(3), False),
    ("le", D(3), D(3), True), ("le", D("3.01"), D(3), False),
    ("between", D(5), [D(1), D(5)], True), ("between", D(6), [D(1), D(5)], False),
    ("in", "a", ["a", "b"], True), ("in", "c", ["a", "b"], False),
    ("not_in", "c", ["a", "b"], True), ("not_in", "a", ["a", "b"], False),
    ("is_true", True, None, True), ("is_true", False, None, False),
    ("is_false", False, None, True), ("is_false", True, None, False),
    ("contains", ["qianhai"], "qianhai", True), ("contains", [], "qianhai", False),
    ("not_contains", [], "hetao", True), ("not_contains", ["hetao"], "hetao", False),
    ("is_known", "x", None, True),
    ("ge", dt.date(2024, 1, 1), dt.date(2024, 1, 1), True),
])
def test_operator(op, actual, value, expected):
    result = run(op, actual, value)
    assert result.result is expected


@pytest.mark.parametrize("op", ["eq", "ge", "in", "is_true", "contains", "is_known", "between"])
def test_a_missing_input_is_unknown_not_failed(op):
    value = {"eq": "a", "ge": D(1), "in": ["a"], "contains": "a", "between": [D(1), D(2)]}.get(op)
    result = run(op, None, value)
    assert result.result is None
    assert result.missing == ("x",)


def test_unknown_values_give_unknown_with_a_note():
    result = run("in", "hk_entry_scheme_resident", ["hk_permanent_resident", "hk_entry_scheme_resident"],
                 unknown_values=["hk_entry_scheme_resident"])
    assert result.result is None and result.missing == ()
    assert run("in", "hk_permanent_resident", ["hk_permanent_resident"], ["hk_entry_scheme_resident"]).result is True


def test_kleene_logic():
    assert combine_all([True, None]) is None and combine_all([False, None]) is False and combine_all([]) is True
    assert combine_any([False, None]) is None and combine_any([True, None]) is True and combine_any([False]) is False


def ratio(**subject):
    spec = {"kind": "ratio", "numerator": "a", "denominator": "b"}
    return derived_value("r", spec, {}).get(subject, AS_OF)


def test_ratio_and_its_edge_cases():
    assert ratio(a=D(31), b=D(1000)) == D("0.031")
    assert ratio(a=D(0), b=D(0)) == 0
    assert ratio(a=D(5), b=D(0)) == INFINITY
    assert ratio(a=None, b=D(3)) is None


def test_time_since_dates():
    days = derived_value("d", {"kind": "days_since", "input": "f"}, {})
    assert days.get({"f": dt.date(2025, 11, 21)}, AS_OF) == 365
    years = derived_value("y", {"kind": "years_since", "input": "f"}, {})
    assert years.get({"f": dt.date(2023, 11, 21)}, AS_OF) == 3
    assert years.get({"f": dt.date(2023, 11, 22)}, AS_OF) == 2
    assert completed_years(dt.date(2000, 2, 29), dt.date(2026, 2, 28)) == 25
    assert completed_months(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 0
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_percent_inputs_become_ratios():
    pct = derived_value("p", {"kind": "percent", "input": "x"}, {})
    assert pct.get({"x": D(60)}, AS_OF) == D("0.6")


@pytest.mark.parametrize(("sector", "staff", "revenue", "size"), [
    ("software_it", 300, 50_000_000, "medium"),       # staff not < 300 but revenue < 100M: SME; >= 100 & >= 10M
    ("software_it", 300, 100_000_000, "large"),       # neither below the SME line
    ("software_it", 100, 10_000_000, "medium"),       # medium needs both at or above 100 / 10M
    ("software_it", 99, 10_000_000, "small"),
    ("software_it", 10, 500_000, "small"),
    ("software_it", 9, 5_000_000, "micro"),           # micro: staff < 10 OR revenue < 500k
    ("software_it", 50, 499_999, "micro"),
    ("industry", 1000, 399_999_999, "medium"),
    ("industry", 20, 3_000_000, "small"),
    ("information_transmission", 2000, 999_999_999, "medium"),
    ("other", 50, 1_000_000, None),
])
def test_sme_size_class_follows_the_2011_standard(catalogue, sector, staff, revenue, size):
    value = derived_value("s", catalogue.derived["sme_size_class"], catalogue.reference)
    subject = {"industry_sector": sector, "employees": staff, "revenue_latest": D(revenue)}
    assert value.get(subject, AS_OF) == size
