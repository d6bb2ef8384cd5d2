"""The application service every surface calls, and the input every surface therefore accepts alike: codes by their
names in either language, dates as people write them, nothing guessed."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from calculator.batch import run_batch
from calculator.service import Checked, InputRejected, service_for
from schemas.reading import CodeNames, read_day
from tests.conftest import AS_OF, example
from tests.test_api_same_answer import as_card, batch_results, by_api, by_cli, by_web, roster

CODES = {"registration_district": "nanshan", "operating_district": "futian", "zone_flags": ["qianhai", "hetao"],
         "founding_date": "2019-01-02", "entity_type": "enterprise"}
AS_PEOPLE_WRITE = [  # what a batch reads from a spreadsheet, typed into a form or sent to the API
    {"registration_district": "南山区", "operating_district": "Futian", "zone_flags": "前海, 河套",
     "founding_date": "2019/1/2", "entity_type": "企业"},
    {"registration_district": "南山", "operating_district": "福田区", "zone_flags": "前海 河套",
     "founding_date": "2019年1月2日", "entity_type": "Enterprise"},
    {"registration_district": "NANSHAN", "operating_district": "Futian District", "zone_flags": ["Qianhai", "河套"],
     "founding_date": "2019-01-02 00:00:00", "entity_type": "ENTERPRISE"},
    {"registration_district": "nanshan", "operating_district": "futian", "zone_flags": "qianhai hetao",
     "founding_date": "2019.01.02", "entity_type": "enterprise"},
]


@pytest.fixture(scope="module")
def service(catalogue):
    return service_for(catalogue)


def company(fields: dict[str, Any]) -> dict[str, Any]:
    return {"company": {"name": "Names Ltd", "employees": 30, "revenue_latest": "1200万", **fields}}


# --- the service's interface --------------------------------------------------------------------------------------
def test_check_gives_the_profile_the_engine_reads_and_the_date(service):
    checked = service.check(company(AS_PEOPLE_WRITE[0]), "2026/11/21", "en")
    assert isinstance(checked, Checked) and checked.as_of == AS_OF
    loaded = checked.profile["company"]
    assert (loaded["registration_district"], loaded["zone_flags"], loaded["founding_date"]) == (
        "nanshan", ["qianhai", "hetao"], dt.date(2019, 1, 2))
    assert loaded["revenue_latest"] == 12_000_000 and checked.profile["people"] == []
    assert service.check(company(CODES)).as_of == dt.date.today()  # no date given: today


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_error_at_once_with_its_path_in_the_readers_language(service, lang):
    data = {"company": {"revenue_latest": "lots", "registration_district": "深圳"},
            "people": [{}, {}, {"degree": "doctorate", "introduction_date": "2/1/2019"}]}
    with pytest.raises(InputRejected) as caught:
        service.check(data, "2026-13-01", lang)
    errors = {e.path: e.message for e in caught.value.errors}
    assert set(errors) == {"company.revenue_latest", "company.registration_district", "people[2].degree",
                           "people[2].introduction_date", "as_of"}
    assert list(errors)[-1] == "as_of"  # the profile's errors first, then the date's
    if lang == "zh":
        assert all(any("\u4e00" <= ch <= "\u9fff" for ch in message) for message in errors.values())
    else:
        assert errors["as_of"] == errors["people[2].introduction_date"] == "Not a valid date: use YYYY-MM-DD."


def test_no_assessment_before_the_company_was_founded(service):
    with pytest.raises(InputRejected) as caught:
        service.check(company(CODES), "2018-12-31", "zh")
    assert [e.as_dict() for e in caught.value.errors] == [
        {"field": "as_of", "message": "测算日期 2018-12-31 早于企业成立日期（2019-01-02）。"}]
    assert service.check(company(CODES), "2019-01-02").as_of == dt.date(2019, 1, 2)


def test_evaluate_is_check_assess_document(service, evaluate):
    data = example("qianhai-hk-staff.json")
    checked = service.check(data, AS_OF, "zh")
    assert service.document(service.assess(checked), "zh") == service.evaluate(data, AS_OF, "zh")
    assert service.evaluate(data, AS_OF, "zh") == evaluate(data, AS_OF, "zh")


def test_one_service_and_one_schema_per_catalogue(catalogue, service):
    assert service_for(catalogue) is service and service.schema() is service.schema()
    assert service.schema().choices is catalogue.choices


# --- every surface accepts the same input -------------------------------------------------------------------------
@pytest.mark.parametrize("written", AS_PEOPLE_WRITE)
def test_the_api_accepts_what_a_batch_accepts_with_the_same_answer(app, written):
    assert by_api(app, company(written), "en") == by_api(app, company(CODES), "en")


def test_the_web_reads_names_and_dates_alike(app):
    assert by_web(app, company(AS_PEOPLE_WRITE[2]), "zh") == as_card(by_api(app, company(CODES), "zh"))


def test_the_cli_reads_names_and_dates_alike(app, tmp_path, capsys):
    assert by_cli(company(AS_PEOPLE_WRITE[2]), "en", tmp_path, capsys) == by_api(app, company(CODES), "en")


@pytest.mark.parametrize(("field", "value"), [
    ("registration_district", "深圳"), ("registration_district", "Shenzhen"), ("registration_district", "南"),
    ("zone_flags", "深圳"), ("zone_flags", "前海, 深圳"), ("founding_date", "2/1/2019"),
    ("founding_date", "2019-02-30"), ("founding_date", "2019-01-02 13:30"), ("entity_type", "企"),
])
def test_nothing_is_guessed(app, field, value):
    """深圳 is not 深圳以外 (outside Shenzhen), a single code needs its whole name, a day-first date or a date with a
    time of day is not read: each is refused on its field."""
    response = app.test_client().post("/api/v1/assessments?lang=en", data=json.dumps(company({field: value})),
                                      content_type="application/json")
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == [f"company.{field}"]


def test_the_assessment_date_is_read_as_people_write_it_everywhere(app, tmp_path, capsys):
    body = json.dumps(example("nanshan-seed-startup.json"))
    client = app.test_client()
    answers = [client.post(f"/api/v1/assessments?as_of={day}", data=body, content_type="application/json")
               for day in ("2026-11-21", "20261121", "2026/11/21", "2026年11月21日")]
    assert {a.status_code for a in answers} == {200}
    assert all(a.get_json() == answers[0].get_json() for a in answers)
    refused = client.post("/api/v1/assessments?as_of=21/11/2026", data=body, content_type="application/json")
    assert refused.status_code == 422 and refused.get_json()["errors"][0]["field"] == "as_of"


# --- the readers themselves ---------------------------------------------------------------------------------------
def test_code_names(catalogue):
    districts = CodeNames(catalogue.choices["districts"], catalogue.reference["districts"].names)
    for text in ("南山区", "南山", "Nanshan", "nanshan district", "ＮＡＮＳＨＡＮ", " nanshan "):
        assert districts.code(text) == "nanshan", text
    assert districts.code("大鹏") == districts.code("Dapeng") == "dapeng"
    assert districts.code("深圳以外") == districts.code("Outside Shenzhen") == "outside_shenzhen"
    for text in ("深圳", "Shenzhen", "南", "深汕", "Nan"):
        assert districts.code(text) is None and districts.code(text, prefix=False) is None, text
    zones = CodeNames(catalogue.choices["zones"], catalogue.reference["zones"].names)
    assert zones.codes_in("前海、河套") == zones.codes_in("前海 河套") == ["qianhai", "hetao"]
    assert zones.codes_in("Guangming Science City, qianhai") == ["guangming_science_city", "qianhai"]
    assert zones.codes_in("前海 深圳") == ["前海 深圳"]  # kept as typed, so the schema names it


def test_a_name_or_a_start_two_codes_share_is_no_answer():
    names = CodeNames({"a", "b"}, {"a": {"en": "Science Park", "zh": "科学园"}, "b": {"en": "Science Park",
                                                                                  "zh": "科学城"}})
    assert names.code("Science Park") is None and names.code("科学", prefix=True) is None
    assert names.code("科学园") == "a" and names.code("B") == "b"


@pytest.mark.parametrize(("text", "day"), [
    ("2020-05-01", dt.date(2020, 5, 1)), ("2020-5-1", dt.date(2020, 5, 1)), ("2020/5/1", dt.date(2020, 5, 1)),
    ("2020.05.01", dt.date(2020, 5, 1)), ("2020年5月1日", dt.date(2020, 5, 1)),
    ("2020 年 5 月 1 日", dt.date(2020, 5, 1)),
    ("20200501", dt.date(2020, 5, 1)), ("2020-05-01 00:00:00", dt.date(2020, 5, 1)),
    ("2020-05-01T00:00", dt.date(2020, 5, 1)), ("２０２０／５／１", dt.date(2020, 5, 1)),
    ("5/1/2020", None), ("1/5/2020", None), ("2020-05-01 08:00", None), ("2020/05-01", None), ("2020-02-30", None),
    ("May 1, 2020", None), ("", None),
])
def test_read_day(text, day):
    assert read_day(text) == day


# --- the 2026-12-03 inputs (rows) are read by the same fields, through the same service, on every surface ----------
NEW_CODES = {"in_ai_or_robotics_industry": "yes", "zone_flags": ["qianhai"], "in_qianhai_ai_agglomeration_area": "yes",
             "qianhai_operation_start_date": "2023-06-01", "registered_capital": 50_000_000,
             "self_used_leased_office_m2_prior_year": 1000, "months_leased_prior_year": 12,
             "qianhai_rent_subsidy_months_received": 0, "national_ai_challenge_role": "winner",
             "national_challenge_funding": 3_000_000}
NEW_AS_WRITTEN = {**NEW_CODES, "zone_flags": "前海", "in_qianhai_ai_agglomeration_area": "是",
                  "qianhai_operation_start_date": "2023年6月1日", "registered_capital": "5000万",
                  "self_used_leased_office_m2_prior_year": "1,000平方米",
                  "national_ai_challenge_role": "揭榜成功（承担任务）", "national_challenge_funding": "300万元"}


def test_the_new_inputs_are_read_alike_on_every_surface(app, catalogue, tmp_path, capsys):
    """A company answering the 2026-12-03 questions as people write them (names, 万, m², 年月日) gets, from the API, a
    web form, the CLI and a batch row, the answer its codes and plain figures get: the rent subsidy priced."""
    expected = by_api(app, company(NEW_CODES), "zh")
    rent = next(p for p in expected["programs"] if p["id"] == "qianhai-ai-office-rent")
    assert rent["status"] == "eligible" and rent["estimate"]["low"] == 720_000
    assert by_api(app, company(NEW_AS_WRITTEN), "zh") == expected
    assert by_web(app, company(NEW_AS_WRITTEN), "zh") == as_card(expected)
    assert by_cli(company(NEW_AS_WRITTEN), "zh", tmp_path, capsys) == expected
    source = roster(tmp_path / "companies.csv", [company(NEW_AS_WRITTEN)["company"]])
    summary = run_batch(catalogue, source, tmp_path / "out.xlsx", kind="companies", as_of=AS_OF, lang="zh")
    assert (summary.assessed, summary.rejected) == (1, 0)
    statuses, details = batch_results(tmp_path / "out.xlsx")
    assert statuses[2] == {p["id"]: p["status_text"] for p in expected["programs"]}
    assert details[(2, "qianhai-ai-office-rent")] == (rent["status_text"], rent["amount"], 720_000, 720_000)


def test_a_new_input_is_refused_alike_by_the_api_and_a_batch(app, catalogue, tmp_path):
    """The same wrong answers to the new questions are refused on their fields by the API and by a batch row."""
    wrong = {**NEW_AS_WRITTEN, "national_ai_challenge_role": "揭榜", "self_used_leased_office_m2_prior_year": "1000 亩"}
    response = app.test_client().post("/api/v1/assessments?lang=en", data=json.dumps(company(wrong)),
                                      content_type="application/json")
    assert response.status_code == 422
    refused = sorted(e["field"] for e in response.get_json()["errors"])
    assert refused == ["company.national_ai_challenge_role", "company.self_used_leased_office_m2_prior_year"]
    errors: list[Any] = []
    source = roster(tmp_path / "companies.csv", [company(wrong)["company"]])
    summary = run_batch(catalogue, source, tmp_path / "out.xlsx", kind="companies", as_of=AS_OF, lang="en",
                        on_error=errors.append)
    assert (summary.assessed, summary.rejected) == (0, 1)
    assert sorted(f"company.{e.field}" for e in errors) == refused
