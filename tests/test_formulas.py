"""Benefit formulas and tax tables, each on figures written out by hand."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from calculator.engine import tax
from calculator.engine.benefits import Built, Context, build
from calculator.engine.derived import input_value
from calculator.engine.enums import Confidence
from calculator.engine.model import Figure
from calculator.engine.shapes import BenefitField

D = Decimal
DAY = dt.date(2026, 1, 1)


def figure(name, value):
    return Figure(name=name, value=D(value), unit="CNY", confidence=Confidence.CONFIRMED, source=("X",),
                  effective_from=None, effective_to=None, instrument="test")


def compute(kind, spec, subject, figures, reference=None, resolved=None):
    """The formula as production builds it: the [benefit] table read by the table schema, then the kind's class."""
    values = {name: input_value(name, "CNY") for name in subject}
    benefit_spec = BenefitField().deserialize({"kind": kind, "text": {"zh": "公式", "en": "formula"}, **spec})
    built = Built(figures={name: [figure(name, v)] for name, v in figures.items()}, reference=reference or {},
                  values=values)
    ctx = Context(as_of=DAY, tax_year=2025, day=DAY, reference=reference or {}, resolved=resolved or {})
    return build(benefit_spec, built).compute(subject, ctx)


def test_fixed():
    assert compute("fixed", {"amount": "a"}, {}, {"a": 1_000_000}).estimate.low == 1_000_000


def test_up_to_is_zero_to_cap():
    est = compute("up_to", {"cap": "c"}, {}, {"c": 2_000_000}).estimate
    assert (est.low, est.high) == (0, 2_000_000)


def test_percent_of_base_with_floor_and_cap():
    spec = {"base": "b", "rate": "r", "cap": "c", "floor": "f"}
    figs = {"r": "0.3", "c": 3_000_000, "f": 50_000}
    assert compute("percent_of_base", spec, {"b": D(2_000_000)}, figs).estimate.low == 600_000
    assert compute("percent_of_base", spec, {"b": D(20_000_000)}, figs).estimate.low == 3_000_000
    assert compute("percent_of_base", spec, {"b": D(100_000)}, figs).estimate.low == 50_000
    assert compute("percent_of_base", spec, {"b": D(0)}, figs).estimate.low == 0
    missing = compute("percent_of_base", spec, {"b": None}, figs)
    assert missing.estimate is None and missing.missing == ["b"]


def test_percent_of_base_with_a_limited_base():
    spec = {"base": "premium", "rate": "r", "base_limit": {"rate": "limit", "of": "insured"}}
    subject = {"premium": D(50_000), "insured": D(1_000_000)}
    out = compute("percent_of_base", spec, subject, {"r": "0.8", "limit": "0.03"})
    assert out.estimate.low == D("24000")  # 80% of min(50,000, 3% of 1,000,000 = 30,000)


def test_by_category_and_unknown_category():
    spec = {"category": "tier", "amounts": {"a": "five", "b": "three"}}
    figs = {"five": 5_000_000, "three": 3_000_000}
    assert compute("by_category", spec, {"tier": "b"}, figs).estimate.high == 3_000_000
    assert (compute("by_category", spec, {"tier": None}, figs).estimate.low) == 3_000_000
    assert compute("by_category", {**spec, "when_unknown": "up_to_max"}, {"tier": None}, figs).estimate.low == 0
    assert compute("by_category", {**spec, "when_unknown": "needs_info"}, {"tier": None}, figs).missing == ["tier"]


def test_per_head_with_cap():
    spec = {"count": "n", "amount": "a", "cap": "c"}
    assert compute("per_head", spec, {"n": D(3)}, {"a": 10_000, "c": 25_000}).estimate.low == 25_000


def test_iit_brackets_are_continuous_at_every_bound(catalogue):
    table = catalogue.reference["iit_brackets"]
    expected = {36_000: 1_080, 144_000: 11_880, 300_000: 43_080, 420_000: 73_080, 660_000: 145_080,
                960_000: 250_080}
    for bound, tax_due in expected.items():
        assert table.tax(D(bound), DAY)[0] == tax_due
        # one yuan more is taxed at the next marginal rate, never a jump
        assert table.tax(D(bound + 1), DAY)[0] - tax_due <= D("0.45")
    assert table.tax(D(-5), DAY)[0] == 0


def test_hong_kong_progressive_and_standard_rates(catalogue):
    bands = catalogue.reference["hk_progressive_bands"]
    ya = dt.date(2025, 4, 1)
    assert bands.tax(D(200_000), ya)[0] == 16_000
    assert bands.tax(D(250_000), ya)[0] == 16_000 + D("8500")
    standard = catalogue.reference["hk_standard_rate"]
    assert standard.tax(D(6_000_000), ya)[0] == D("750000") + D("160000")  # 15% of 5M + 16% of 1M
    assert standard.tax(D(6_000_000), dt.date(2023, 4, 1))[0] == D("900000")  # 2023/24: flat 15%
    assert bands.tax(D(250_000), dt.date(2026, 4, 1))[0] == 16_000 + D("8500")  # 2026/27: "until superseded"
    assert bands.tax(D(100), dt.date(2027, 4, 1)) is None  # 2027/28 not recorded


def test_hong_kong_burden_takes_the_lower_of_the_two_methods(catalogue):
    person = {"annual_gross_income": D(1_800_000), "fx_cny_per_hkd": D("0.92")}
    burden = tax.hk_salaries_tax_burden(person, 2025, catalogue.reference)
    assert round(burden.details["progressive_hkd"], 2) == D("292168.70")
    assert round(burden.details["standard_hkd"], 2) == D("293478.26")
    assert round(burden.value, 2) == D("268795.20")


def test_hnte_bands_boundaries(catalogue):
    bands = catalogue.reference["hnte_rd_bands"]
    assert bands.band_value(D(50_000_000), DAY)[0] == D("0.05")
    assert bands.band_value(D(50_000_001), DAY)[0] == D("0.04")
    assert bands.band_value(D(200_000_000), DAY)[0] == D("0.04")
    assert bands.band_value(D(200_000_001), DAY)[0] == D("0.03")


@pytest.mark.parametrize(("gross", "expected_iit"), [(96_000, 1_080), (1_500_000, 466_080)])
def test_mainland_iit_estimate_from_gross(catalogue, gross, expected_iit):
    taxable, iit = tax.mainland_iit({"annual_gross_income": D(gross), "special_deductions": D(0)}, DAY,
                                    catalogue.reference)
    assert taxable.value == gross - 60_000
    assert iit.value == expected_iit
    assert "iit_estimated" in [f.code for f in iit.flags]


def test_money_is_shown_half_up_and_in_wan_for_chinese_readers():
    from calculator.i18n import formatting

    assert formatting.money(D("2.5"), "en") == "CNY 3"          # half-up, not banker's rounding
    assert formatting.money(D("1234567.5"), "en") == "CNY 1,234,568"
    assert formatting.money(D("950000"), "zh") == "95万元"
    assert formatting.money(D("1234567"), "zh") == "123.46万元"
    assert formatting.money(D("8000"), "zh") == "8,000元"
    assert formatting.money(D("123456789012"), "zh") == "12,345,678.9万元"


@pytest.mark.parametrize("value", ["0", "0.5", "0.005", "1234567.895", "-2500000.125", "999999.999", "12.10", "1e6"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_fast_grouping_agrees_with_babel(value, lang):
    from babel.numbers import format_decimal

    from calculator.i18n.formatting import LOCALES, grouped

    expected = format_decimal(D(value).quantize(D("0.01"), rounding="ROUND_HALF_UP"), format="#,##0.##",
                              locale=LOCALES[lang])
    assert grouped(D(value), lang) == expected


def test_the_lean_batch_paths_say_exactly_what_the_document_says(catalogue):
    """Batch mode renders refusals and totals through shortcuts; they must match the full document."""
    import datetime as dt
    import json

    from calculator.batch.row import money_columns
    from calculator.engine import assess
    from calculator.engine.report import Reporter
    from calculator.engine.totals import compute_totals
    from schemas.profile import AssessmentInputSchema
    from tests.conftest import EXAMPLES

    for name in ("qianhai-hk-staff.json", "hr-roster-ten.json", "nanshan-seed-startup.json"):
        data = AssessmentInputSchema(choices=catalogue.choices).load(
            json.loads((EXAMPLES / name).read_text(encoding="utf-8")))
        assessment = assess(catalogue, data, dt.date(2026, 11, 21))
        for lang in ("zh", "en"):
            reporter = Reporter(catalogue, lang)
            for subject in ([assessment.company] if assessment.company else []) + assessment.people:
                kind = subject.kind
                doc = reporter.totals([subject])
                found = compute_totals([subject]).overall
                for money_kind, money in zip(("cash", "tax_this_year"), money_columns(found)[0:6:3], strict=True):
                    assert round(float(money), 2) == doc[money_kind]["determined"]["low"]
                assert round(float(money_columns(found)[6]), 2) == doc["later_years"]["high"]
                for result in subject.results:
                    for crit in result.criteria:
                        assert reporter.sentence(kind, crit) == reporter.criterion(kind, crit)["text"]


@pytest.mark.parametrize("base", [D(2_000_000), D(20_000_000), D(100_000), D(0), D("-0"), D("123.456"), None])
def test_percent_of_base_one_rate_as_the_general_path(base):
    """A rate named by one figure (priced without rate_refs and the lists of rates) gives what the same figure chosen
    through rate_refs gives (a choice whose two answers name it): estimate, details, figures, flags, confidence."""
    figs = {"r": "0.3", "c": 3_000_000, "f": 50_000}
    one = compute("percent_of_base", {"base": "b", "rate": "r", "cap": "c", "floor": "f"}, {"b": base, "q": True},
                  figs)
    chosen = compute("percent_of_base", {"base": "b", "rate": {"by": "q", "when_true": "r", "when_false": "r"},
                                         "cap": "c", "floor": "f"}, {"b": base, "q": True}, figs)
    assert (one.estimate, one.details, one.figures, one.flags, one.confidence, one.missing) == (
        chosen.estimate, chosen.details, chosen.figures, chosen.flags, chosen.confidence, chosen.missing)
    if one.estimate is not None:
        assert str(one.estimate.low) == str(chosen.estimate.low) and str(one.estimate.high) == str(chosen.estimate.high)
