"""Each criterion operator and derived quantity, with three-valued logic."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from calculator.engine.criteria import (
    EXPRESSIONS,
    FigureThreshold,
    Threshold,
    combine_all,
    combine_any,
    compile_criterion,
)
from calculator.engine.derived import INFINITY, add_years, completed_months, completed_years, derived_value, input_value
from calculator.engine.enums import Confidence, DerivedKind, Operator, Subject
from calculator.engine.specs import CriterionSpec, DerivedSpec

D = Decimal
AS_OF = dt.date(2026, 11, 21)


def spec(op, value=None, unknown_values=()):
    return CriterionSpec(id="c", text={"zh": "条件", "en": "condition"}, field="x", op=Operator(op),
                         confidence=Confidence.CONFIRMED, source=(), value=value, unknown_values=tuple(unknown_values))


def production(op, value=None, unknown_values=(), derived=False):
    """The check as production runs it: compiled once, then ``fast`` (the code ``specialise`` generated)."""
    source = input_value("x", "")
    if derived:
        source = derived_value(DerivedSpec(name="x", subject=Subject.COMPANY, kind=DerivedKind.PERCENT,
                                           label={"zh": "x", "en": "x"}, input="p"), {})
    return compile_criterion(spec(op, value, unknown_values), source, None)


def run(op, actual, value=None, unknown_values=()):
    compiled = production(op, value, unknown_values)
    return compiled.fast({"x": actual}, AS_OF, None)


# Every operator at and around its boundary: (operator, required value, [(answer, expected result)]).
TRUTH_TABLES = [
    ("gt", D(5), [(D("4.99"), False), (D(5), False), (D("5.01"), True)]),
    ("ge", D(5), [(D("4.99"), False), (D(5), True), (D("5.01"), True)]),
    ("lt", D(5), [(D("4.99"), True), (D(5), False), (D("5.01"), False)]),
    ("le", D(5), [(D("4.99"), True), (D(5), True), (D("5.01"), False)]),
    ("ge", dt.date(2024, 1, 1), [(dt.date(2023, 12, 31), False), (dt.date(2024, 1, 1), True),
                                 (dt.date(2024, 1, 2), True)]),
    ("lt", dt.date(2024, 1, 1), [(dt.date(2023, 12, 31), True), (dt.date(2024, 1, 1), False)]),
    ("between", (D(1), D(5)), [(D("0.99"), False), (D(1), True), (D(3), True), (D(5), True), (D("5.01"), False)]),
    ("eq", "longhua", [("longhua", True), ("nanshan", False)]),
    ("ne", "longhua", [("longhua", False), ("nanshan", True)]),
    ("in", ("a", "b"), [("a", True), ("b", True), ("c", False)]),
    ("not_in", ("a", "b"), [("a", False), ("c", True)]),
    ("is_true", None, [(True, True), (False, False)]),
    ("is_false", None, [(True, False), (False, True)]),
    ("contains", "qianhai", [(["qianhai", "hetao"], True), (["hetao"], False), ([], False)]),
    ("not_contains", "hetao", [(["qianhai"], True), (["hetao"], False), ([], True)]),
    ("is_known", None, [("x", True), (D(0), True), (False, True)]),
]


def truth_table_mismatches(op, value, rows, derived=False):
    """Rows where the production check disagrees with the table (empty when it is right)."""
    compiled = production(op, value, derived=derived)
    assert compiled.fast != compiled.evaluate, "the production path is the generated code, not the generic one"
    wrong = []
    for answer, expected in rows:
        subject = {"p": answer * 100} if derived else {"x": answer}
        got = compiled.fast(subject, AS_OF, None).result
        if got is not expected:
            wrong.append((op, value, answer, got, expected))
    return wrong


@pytest.mark.parametrize(("op", "value", "rows"), TRUTH_TABLES, ids=[f"{t[0]}-{t[1]}" for t in TRUTH_TABLES])
def test_every_operator_in_the_generated_code_meets_its_truth_table(op, value, rows):
    assert truth_table_mismatches(op, value, rows) == []
    compiled = production(op, value)
    for answer, expected in rows:  # the generic path (thresholds from tables use it) agrees
        assert compiled.evaluate({"x": answer}, AS_OF).result is expected, (op, answer)


@pytest.mark.parametrize("op", ["gt", "ge", "lt", "le"])
def test_comparisons_on_a_derived_value_meet_their_truth_table(op):
    """Derived values (here a percentage read as a ratio) take the other generated template."""
    rows = next(r for o, v, r in TRUTH_TABLES if o == op and isinstance(v, Decimal))
    assert truth_table_mismatches(op, D(5), rows, derived=True) == []


@pytest.mark.parametrize(("op", "wrong"), [("ge", "a > R"), ("le", "a < R"), ("gt", "a >= R"), ("lt", "a <= R"),
                                           ("between", "R[0] < a < R[1]")])
def test_the_truth_tables_catch_an_off_by_one_in_the_generated_code(monkeypatch, op, wrong):
    """The check above bites: with the template's comparison loosened or tightened, it reports the boundary."""
    monkeypatch.setitem(EXPRESSIONS, Operator(op), wrong)
    value, rows = next((v, r) for o, v, r in TRUTH_TABLES if o == op)
    assert truth_table_mismatches(op, value, rows) != []


def test_the_loaded_catalogue_runs_generated_code_for_literal_thresholds(catalogue):
    """Production criteria with a literal threshold use the generated code; table thresholds the generic path."""
    compiled = [c for p in catalogue.programs.values() for c in p.criteria]
    literal = [c for c in compiled if not isinstance(c.required, Threshold | FigureThreshold) and not c.unknown_values
               and not c.spec.boundary and c.value.explain is None  # open edges, coverage: the generic path
               and c.value.needs is None]  # ... and a value that says what it needs (switched)
    assert literal and all(c.fast != c.evaluate for c in literal)
    assert {c.op for c in literal} >= {Operator.GE, Operator.EQ, Operator.IN, Operator.IS_TRUE}


@pytest.mark.parametrize("op", ["eq", "ge", "in", "is_true", "contains", "is_known", "between"])
def test_a_missing_input_is_unknown_not_failed(op):
    value = {"eq": "a", "ge": D(1), "in": ("a",), "contains": "a", "between": (D(1), D(2))}.get(op)
    result = run(op, None, value)
    assert result.result is None
    assert result.missing == ("x",)


def test_unknown_values_give_unknown_with_a_note():
    result = run("in", "hk_entry_scheme_resident", ("hk_permanent_resident", "hk_entry_scheme_resident"),
                 unknown_values=["hk_entry_scheme_resident"])
    assert result.result is None and result.missing == ()
    assert run("in", "hk_permanent_resident", ("hk_permanent_resident",), ["hk_entry_scheme_resident"]).result is True


def test_kleene_logic():
    assert combine_all([True, None]) is None and combine_all([False, None]) is False and combine_all([]) is True
    assert combine_any([False, None]) is None and combine_any([True, None]) is True and combine_any([False]) is False


def derived(kind, **params):
    return derived_value(DerivedSpec(name="d", subject=Subject.COMPANY, kind=DerivedKind(kind),
                                     label={"zh": "d", "en": "d"}, **params), {})


def ratio(**subject):
    return derived("ratio", numerator="a", denominator="b").get(subject, AS_OF)


def test_ratio_and_its_edge_cases():
    assert ratio(a=D(31), b=D(1000)) == D("0.031")
    assert ratio(a=D(0), b=D(0)) == 0
    assert ratio(a=D(5), b=D(0)) == INFINITY
    assert ratio(a=None, b=D(3)) is None


def test_time_since_dates():
    days = derived("days_since", input="f")
    assert days.get({"f": dt.date(2025, 11, 21)}, AS_OF) == 365
    years = derived("years_since", input="f")
    assert years.get({"f": dt.date(2023, 11, 21)}, AS_OF) == 3
    assert years.get({"f": dt.date(2023, 11, 22)}, AS_OF) == 2
    assert completed_years(dt.date(2000, 2, 29), dt.date(2026, 2, 28)) == 25
    assert completed_months(dt.date(2026, 1, 31), dt.date(2026, 2, 28)) == 0
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_percent_inputs_become_ratios():
    pct = derived("percent", input="x")
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
    value = derived_value(catalogue.derived["sme_size_class"], catalogue.reference)
    subject = {"industry_sector": sector, "employees": staff, "revenue_latest": D(revenue)}
    assert value.get(subject, AS_OF) == size
