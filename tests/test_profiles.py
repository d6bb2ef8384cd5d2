"""Profile validation: what a user sees when the input is wrong, in both languages, field by field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from marshmallow import ValidationError

from schemas.fields import uscc_check_character
from schemas.messages import flatten_errors
from schemas.profile import AssessmentInputSchema, CompanySchema, PersonSchema


def errors_of(schema, data, lang="en"):
    with pytest.raises(ValidationError) as info:
        schema.load(data)
    return {e["field"]: e["message"] for e in flatten_errors(info.value.messages, lang)}


@pytest.fixture
def company(catalogue):
    return CompanySchema(choices=catalogue.choices)


def test_money_accepts_what_people_type(company):
    loaded = company.load({"revenue_latest": "1,234,567", "revenue_3y": "１，２３４，５６７", "rd_expense_3y": "120万",
                           "taxable_income": "-2,500,000.50"})
    assert loaded["revenue_latest"] == Decimal("1234567")
    assert loaded["revenue_3y"] == Decimal("1234567")
    assert loaded["rd_expense_3y"] == Decimal("1200000")
    assert loaded["taxable_income"] == Decimal("-2500000.50")


@pytest.mark.parametrize("text", ["12,34", "1.2.3", "abc", "1e5", "NaN", "Infinity", "--5", ""])
def test_money_refuses_malformed_numbers_with_a_hint(company, text):
    errs = errors_of(company, {"revenue_latest": text})
    assert "revenue_latest" in errs
    assert "1,234,567" in errs["revenue_latest"]


def test_negative_revenue_is_refused_in_both_languages(company):
    assert errors_of(company, {"revenue_latest": -5})["revenue_latest"] == "Cannot be negative."
    assert errors_of(company, {"revenue_latest": -5}, "zh")["revenue_latest"] == "不能为负数。"


def test_percentage_over_100_is_refused(company):
    assert "between 0 and 100" in errors_of(company, {"rd_in_china_percent": 101})["rd_in_china_percent"]
    assert company.load({"rd_in_china_percent": "100%"})["rd_in_china_percent"] == 100


def test_founding_date_in_the_future_is_refused(company):
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert "future" in errors_of(company, {"founding_date": tomorrow})["founding_date"]
    assert "日期" in errors_of(company, {"founding_date": "2020-13-01"}, "zh")["founding_date"]


def test_uscc_check_character_is_verified():
    assert uscc_check_character("91350100M000100Y4") == "3"


def test_uscc_with_a_wrong_check_character_says_which_it_should_be(company):
    message = errors_of(company, {"uscc": "91350100M000100Y44"})["uscc"]
    assert "expected 3" in message and "GB 32100-2015" in message
    assert "应为 3" in errors_of(company, {"uscc": "91350100M000100Y44"}, "zh")["uscc"]
    assert "18 characters" in errors_of(company, {"uscc": "9135010"})["uscc"]
    assert company.load({"uscc": "91350100m000100y43"})["uscc"] == "91350100M000100Y43"


def test_tristate_answers(company):
    loaded = company.load({"hnte_certified": "yes", "owns_core_ip": "否", "rd_excluded_industry": "unknown",
                           "no_major_violation": False})
    assert (loaded["hnte_certified"], loaded["owns_core_ip"], loaded["rd_excluded_industry"],
            loaded["no_major_violation"]) == (True, False, None, False)
    assert "yes, no or unknown" in errors_of(company, {"hnte_certified": "maybe"})["hnte_certified"]


def test_codes_come_from_the_reference_tables(company):
    message = errors_of(company, {"registration_district": "longhau"})["registration_district"]
    assert "longhua" in message  # the list of allowed choices is shown
    assert errors_of(company, {"zone_flags": ["qianhai", "qianhai"]})["zone_flags"].startswith("The same choice")


def test_every_error_is_reported_at_once_with_its_field(company):
    errs = errors_of(company, {"revenue_latest": -1, "registration_district": "x", "st_staff": 50, "employees": 10,
                               "surprise": 1})
    assert set(errs) == {"revenue_latest", "registration_district", "st_staff", "surprise"}
    assert "cannot exceed" in errs["st_staff"]
    assert errs["surprise"].startswith("Unknown field")


def test_nested_errors_name_the_person(catalogue):
    schema = AssessmentInputSchema(choices=catalogue.choices)
    errs = errors_of(schema, {"people": [{"ref": "ok"}, {"identity": "martian"}]})
    assert list(errs) == ["people[1].identity"]


def test_an_empty_assessment_is_refused(catalogue):
    errs = errors_of(AssessmentInputSchema(choices=catalogue.choices), {})
    assert "company" in next(iter(errs.values())).lower()


def test_control_characters_in_text_are_refused_naming_their_position_not_dropped(catalogue):
    with pytest.raises(ValidationError) as refused:
        PersonSchema(choices=catalogue.choices).load({"ref": "Zhang\x00 Wei\x07"})
    assert refused.value.messages["ref"][0].startswith("Character 6 (U+0000)")


def test_every_profile_field_documents_unit_and_both_languages():
    from calculator.i18n.words import field_hint, field_label
    from schemas.profile import field_catalogue

    for subject, fields in field_catalogue().items():
        for name, meta in fields.items():
            assert meta["unit"] and field_label(meta, "en"), f"{subject}.{name} lacks unit or label"
            assert field_label(meta, "zh") != field_label(meta, "en"), f"{subject}.{name} has no Chinese label"
            if name not in ("name", "ref", "department"):
                assert field_hint(meta, "en") and field_hint(meta, "zh") != field_hint(meta, "en"), \
                    f"{subject}.{name} lacks a hint saying why it is asked, in both languages"


def test_a_year_as_chinese_users_write_it_and_a_readable_money_limit():
    from schemas.fields import Money, Year

    assert Year().deserialize("2025年") == Year().deserialize("2025年度") == 2025
    with pytest.raises(ValidationError) as caught:
        Money().deserialize("99999999999999999999")
    assert "1,000,000,000,000,000" in str(caught.value)


def test_absent_answers_load_exactly_as_marshmallow_loads_them(catalogue, monkeypatch):
    """The quick path for left-out answers (schemas.absent) gives marshmallow's own result: the same keys in the same
    order, the same values, the same errors, for the examples, generated profiles and broken ones."""
    import json
    import random

    from marshmallow import Schema

    from benchmarks.profiles import generate
    from schemas.absent import AbsentDefaults
    from tests.conftest import EXAMPLES

    schema = AssessmentInputSchema(choices=catalogue.choices)
    bodies = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(EXAMPLES.glob("*.json"))]
    generated = json.loads(json.dumps(generate(40, catalogue.choices, seed=7, people=2), default=str))
    rng = random.Random(7)
    for body in generated[:20]:  # wrong answers, unknown fields and required-by-another answers among them
        body["company"][rng.choice(["revenue_latest", "employees", "nonsense"])] = rng.choice(["x", -1, [1]])
    bodies += [*generated, {}, {"company": {}}, {"people": [{}]}, {"company": None, "people": []}]

    def load(body):
        try:
            return "ok", list(_walk(schema.load(body)))
        except ValidationError as exc:
            return "error", exc.messages

    quick = [load(body) for body in bodies]
    monkeypatch.setattr(AbsentDefaults, "_deserialize", Schema._deserialize)
    assert [load(body) for body in bodies] == quick
    assert {kind for kind, _ in quick} == {"ok", "error"}


def _walk(value, path=""):
    """Every (path, key order, value) of a loaded profile."""
    if isinstance(value, dict):
        yield path, tuple(value)
        for key, item in value.items():
            yield from _walk(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{path}[{index}]")
    else:
        yield path, type(value).__name__, value
