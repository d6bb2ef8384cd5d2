"""Web pages through the test client: language, forms, errors, results equal to the engine's, safety."""

from __future__ import annotations

import html
import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from calculator.app import create_app
from tests.conftest import AS_OF, EXAMPLES


def company_form(name: str) -> dict[str, str]:
    company = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["company"]
    form = {}
    for key, value in company.items():
        if isinstance(value, list):
            continue
        form[f"company-{key}"] = str(value)
    form["company-zone_flags__present"] = "1"
    form["as_of"] = AS_OF.isoformat()
    return form


def zones(name: str) -> list[tuple[str, str]]:
    company = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["company"]
    return [("company-zone_flags", z) for z in company.get("zone_flags", [])]


@pytest.mark.parametrize(("header", "lang", "marker"), [
    ("zh-CN,zh;q=0.9", "zh-Hans-CN", "深圳人工智能产业政策测算器"),
    ("zh-TW", "zh-Hans-CN", "深圳人工智能产业政策测算器"),
    ("en-GB,en;q=0.8", "en", "Shenzhen AI incentive calculator"),
    ("fr-FR", "en", "Shenzhen AI incentive calculator"),
])
def test_accept_language_maps_any_chinese_to_chinese(client, header, lang, marker):
    page = client.get("/", headers={"Accept-Language": header}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in page and marker in page


def test_lang_parameter_overrides_and_is_remembered(client):
    response = client.get("/?lang=zh", headers={"Accept-Language": "en"})
    assert "深圳" in response.get_data(as_text=True)
    assert "lang=zh" in response.headers["Set-Cookie"]
    assert "深圳" in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


@pytest.mark.parametrize(("example", "lang"), [("futian-hightech-scaleup.json", "en"),
                                               ("nanshan-seed-startup.json", "zh")])
def test_company_results_show_the_engines_statuses_and_amounts(client, evaluate, example, lang):
    data = MultiDict(list(company_form(example).items()) + zones(example))
    page = client.post(f"/company?lang={lang}", data=data).get_data(as_text=True)
    doc = evaluate(json.loads((EXAMPLES / example).read_text(encoding="utf-8")), AS_OF, lang)
    headline = re.search(r'<dl class="headline">(.*?)</dl>', page, re.S).group(1)
    assert doc["totals"]["cash"]["text"] in headline and doc["totals"]["tax_this_year"]["text"] in headline
    for program in doc["programs"]:
        card = re.search(rf'<article class="program status-(\w+)" id="{program["id"]}">(.*?)</article>', page, re.S)
        assert card, program["id"]
        assert card.group(1) == program["status"], program["id"]
        estimate = program["estimate"]
        if program["status"] in ("eligible", "needs_info") and estimate and estimate["low"] > 0:
            assert program["amount"] in card.group(2), program["id"]  # other amounts: tests/test_cards.py


def card(page: str, card_id: str) -> re.Match:
    found = re.search(rf'<article class="program status-(\w+)" id="{card_id}">(.*?)</article>', page, re.S)
    assert found, card_id
    return found


def follow_card(client, page: str, card_id: str):
    """What a browser does on a card's button: post the results page's own answers form to the button's formaction."""
    form = re.search(r'<form [^>]*id="answers"[^>]*>(.*?)</form>', page, re.S)
    assert form, "the results page carries no answers form"
    answers = MultiDict([(html.unescape(n), html.unescape(v)) for n, v in
                         re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', form.group(1))])
    button = r'<p class="more"><button[^>]* formaction="([^"]+)"'
    (action,) = re.findall(button, card(page, card_id).group(2))
    return client.post(html.unescape(action), data=answers)


@pytest.mark.parametrize("example", ["futian-hightech-scaleup.json", "nanshan-seed-startup.json",
                                     "qianhai-hk-staff.json"])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_results_pages_stay_light_with_each_programs_details_one_button_away(client, evaluate, example, lang):
    """The results page carries what the answers decided; each program's conditions, formula, documents and
    sources are on its own page (issue #16: the results page at most 60 kB for the example companies)."""
    data = MultiDict(list(company_form(example).items()) + zones(example))
    body = client.post(f"/company?lang={lang}", data=data).get_data()
    page = body.decode("utf-8")
    assert len(body) <= 60_000
    assert '<table class="criteria">' not in page
    company = {"company": json.loads((EXAMPLES / example).read_text(encoding="utf-8"))["company"]}
    for program in evaluate(company, AS_OF, lang)["programs"]:
        buttons = re.findall(r'formaction="([^"]+)"', card(page, program["id"]).group(2))
        assert buttons == [f"/company/program/{program['id']}?lang={lang}"], program["id"]


def test_a_cards_button_shows_that_program_whole_from_the_same_answers(client, evaluate):
    """Every card's button opens the program's page: the same status and amount, every condition against the
    answers, its benefit items, formula and sources; and the way back gives the same results."""
    example = "futian-hightech-scaleup.json"
    data = MultiDict(list(company_form(example).items()) + zones(example))
    page = client.post("/company?lang=en", data=data).get_data(as_text=True)
    doc = evaluate(json.loads((EXAMPLES / example).read_text(encoding="utf-8")), AS_OF, "en")
    for program in doc["programs"]:
        response = follow_card(client, page, program["id"])
        assert response.status_code == 200, program["id"]
        detail = response.get_data(as_text=True)
        whole = card(detail, program["id"])
        assert whole.group(1) == program["status"], program["id"]
        on_card = card(page, program["id"]).group(2)  # the same amount line as on the results page
        assert re.findall(r'<p class="amount">.*?</p>', whole.group(2)) == re.findall(
            r'<p class="amount">.*?</p>', on_card), program["id"]
        text = html.unescape(whole.group(2))
        rows = re.findall(r'<tr class="result-(\w+)"><td>(.*?)</td>', whole.group(2))
        assert [(r, html.unescape(c)) for r, c in rows] == [(c["result"], c["condition"]) for c in program["criteria"]]
        for criterion in program["criteria"]:
            assert criterion["actual"] in text, (program["id"], criterion["condition"])
        for item in program["benefit"].get("items") or []:
            assert item["text"] in text, program["id"]
        assert program["benefit"]["formula"] in text, program["id"]
        assert all(source["title"] in text for source in program["sources"]), program["id"]
    back = re.search(r'<form method="post" action="([^"]+)" class="actions">(.*?)</form>', detail, re.S)
    answers = MultiDict([(html.unescape(n), html.unescape(v)) for n, v in
                         re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', back.group(2))])
    again = client.post(html.unescape(back.group(1)), data=answers).get_data(as_text=True)
    shown = html.unescape(again)
    assert doc["totals"]["cash"]["text"] in shown and doc["totals"]["tax_this_year"]["text"] in shown
    assert "Back to all results" in detail


def test_each_programs_page_shows_its_own_formula_and_sources_in_the_pages_language(client, evaluate):
    """A card's formula, documents and sources are rendered once per program and language and reused: pages
    in both languages, one after the other, each show every program's own texts in their language only."""
    example = "futian-hightech-scaleup.json"
    data = MultiDict(list(company_form(example).items()) + zones(example))
    for lang, other in (("en", "zh"), ("zh", "en"), ("en", "zh")):
        page = client.post(f"/company?lang={lang}", data=data).get_data(as_text=True)
        doc = evaluate(json.loads((EXAMPLES / example).read_text(encoding="utf-8")), AS_OF, lang)
        other_doc = {p["id"]: p for p in evaluate(json.loads((EXAMPLES / example).read_text(encoding="utf-8")),
                                                  AS_OF, other)["programs"]}
        for program in doc["programs"]:
            detail = follow_card(client, page, program["id"]).get_data(as_text=True)
            text = html.unescape(card(detail, program["id"]).group(2))
            assert program["benefit"]["formula"] in text, (lang, program["id"])
            assert other_doc[program["id"]]["benefit"]["formula"] not in text, (lang, program["id"])
            for source in program["sources"]:
                assert source["title"] in text and source["quality_text"] in text, (lang, program["id"])
                assert f'{source["key"]}: ' not in text, (lang, program["id"])  # no internal key beside it


def test_a_persons_program_page_is_that_persons_and_unknown_programs_are_not_found(client):
    data = {"people-count": "2", "as_of": AS_OF.isoformat(),
            "person-0-ref": "A", "person-0-identity": "hk_permanent_resident", "person-0-annual_gross_income": "150",
            "person-0-annual_gross_income__unit": "wan", "person-0-special_deductions": "0",
            "person-0-pays_iit_in_shenzhen": "yes", "person-0-recognised_high_end_or_shortage_talent": "yes",
            "person-0-tax_year": "2025", "person-1-ref": "B", "person-1-identity": "mainland"}
    page = client.post("/talent?lang=en", data=data).get_data(as_text=True)
    program_id = re.search(r'<article class="program status-eligible" id="([\w-]+)-0">', page).group(1)
    first = follow_card(client, page, f"{program_id}-0").get_data(as_text=True)
    second = follow_card(client, page, f"{program_id}-1").get_data(as_text=True)
    assert "CNY 250,080" in card(first, f"{program_id}-0").group(2)
    assert card(second, f"{program_id}-1").group(1) != "eligible"
    assert client.post("/talent/program/no-such-program?lang=en", data=data).status_code == 404
    assert client.post(f"/talent/program/{program_id}?lang=en&person=7", data=data).status_code == 404


def test_amounts_in_wan_give_the_same_result_as_in_yuan(client):
    form = company_form("futian-hightech-scaleup.json")
    in_yuan = client.post("/company?lang=en", data=form).get_data(as_text=True)
    form["company-taxable_income"], form["company-taxable_income__unit"] = "3,000", "wan"
    in_wan = client.post("/company?lang=en", data=form).get_data(as_text=True)
    headline = re.search(r'<dl class="headline">(.*?)</dl>', in_yuan, re.S).group(1)
    assert headline in in_wan and "CNY 3,000,000" in in_wan


def test_errors_follow_the_summary_pattern_and_keep_every_answer(client):
    form = {"company-revenue_latest": "-5", "company-employees": "12", "company-st_staff": "40",
            "company-name": "Keep Me Ltd", "company-uscc": "91350100M000100Y44", "as_of": ""}
    response = client.post("/company?lang=en", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in page and "There is a problem" in page
    for field in ("company-revenue_latest", "company-st_staff", "company-uscc"):
        assert f'href="#{field}"' in page and f'id="{field}-error"' in page
    assert 'value="Keep Me Ltd"' in page and 'value="-5"' in page and "expected 3" in page
    assert page.startswith("<!doctype html>") and "<title>Error:" in page


def test_errors_are_in_the_pages_language(client):
    page = client.post("/company?lang=zh", data={"company-revenue_latest": "-5"}).get_data(as_text=True)
    assert "不能为负数" in page and "存在问题" in page


def test_blank_answers_are_unknown_and_still_give_results(client):
    page = client.post("/company?lang=en", data={"company-name": "Blank Co"}).get_data(as_text=True)
    assert "Needs information" in page and "To find out:" in page


def test_the_language_switch_keeps_the_answers(client):
    form = {"company-name": "Switch Ltd", "company-revenue_latest": "1,234,567", "company-hnte_certified": "yes",
            "switch_lang": "1"}
    page = client.post("/company?lang=zh", data=form).get_data(as_text=True)
    assert '<html lang="zh-Hans-CN">' in page and 'value="Switch Ltd"' in page and 'value="1,234,567"' in page
    assert re.search(r'name="company-hnte_certified" value="yes" checked', page)


def test_talent_form_adds_people_and_assesses_each(client, evaluate):
    page = client.post("/talent?lang=en", data={"people-count": "1", "add_person": "1"}).get_data(as_text=True)
    assert 'name="person-1-identity"' in page
    data = {"people-count": "2", "as_of": AS_OF.isoformat(),
            "person-0-ref": "A", "person-0-identity": "hk_permanent_resident", "person-0-annual_gross_income": "150",
            "person-0-annual_gross_income__unit": "wan", "person-0-special_deductions": "0",
            "person-0-pays_iit_in_shenzhen": "yes", "person-0-recognised_high_end_or_shortage_talent": "yes",
            "person-0-tax_year": "2025", "person-1-ref": "B", "person-1-identity": "mainland"}
    page = client.post("/talent?lang=en", data=data).get_data(as_text=True)
    assert "CNY 250,080" in page  # 1,500,000 gross: IIT 466,080 - 15% x 1,440,000
    assert "Person 2: B" in page


def test_csrf_is_enforced_and_an_expired_form_keeps_the_answers():
    app = create_app({"TESTING": True})
    client = app.test_client()
    for path in ("/company?lang=en", "/company/program/sz-ai-application-demonstration?lang=en"):
        response = client.post(path, data={"company-name": "Kept Co", "company-revenue_latest": "5"})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, path
        assert "answers are kept" in page and 'value="Kept Co"' in page and 'name="csrf_token"' in page, path


def test_security_headers_on_every_response(client):
    for path in ("/", "/company", "/programs", "/about", "/static/site.css", "/nowhere"):
        headers = client.get(path).headers
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_no_inline_script_anywhere(client):
    for path in ("/", "/company", "/talent", "/programs", "/about"):
        page = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert " on" + "click=" not in page


def test_the_catalogue_page_lists_searches_and_filters(client, catalogue):
    page = client.get("/programs?lang=en").get_data(as_text=True)
    assert page.count('<article class="program"') == len(catalogue.programs)
    talent = client.get("/programs?lang=en&family=talent").get_data(as_text=True)
    assert talent.count('<article class="program"') == sum(p.family == "talent" for p in catalogue.programs.values())
    found = client.get("/programs?lang=zh&q=训力券").get_data(as_text=True)
    assert 'id="sz-training-compute-voucher"' in found and found.count('<article class="program"') == 1


def test_every_question_says_why_it_is_asked_and_which_programs_use_it(client):
    page = client.get("/company?lang=en").get_data(as_text=True)
    assert page.count('class="hint"') >= 90
    assert "Used by:" in page and "Training-Compute Voucher" in page


def test_the_page_says_nothing_is_stored(client):
    english, chinese = client.get("/?lang=en").get_data(as_text=True), client.get("/?lang=zh").get_data(as_text=True)
    assert "nothing you enter in the forms is stored" in english and "batch upload is the one exception" in english
    assert "不会保存在服务器上" in chinese and "唯一的例外是批量上传" in chinese


def test_too_large_a_request_is_refused_with_a_page():
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "MAX_CONTENT_LENGTH": 1000})
    response = app.test_client().post("/company", data={"company-name": "x" * 5000})
    assert response.status_code == 413 and "too large" in response.get_data(as_text=True)


def test_only_pages_set_the_language_cookie(client):
    assert "lang=zh" in client.get("/?lang=zh").headers.get("Set-Cookie", "")
    assert "Set-Cookie" not in client.get("/api/v1/version?lang=zh").headers


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_results_page_downloads_the_same_answer_as_a_workbook(client, evaluate, lang):
    import io
    from urllib.parse import unquote

    from openpyxl import load_workbook

    form = company_form("futian-hightech-scaleup.json")
    page = client.post(f"/company?lang={lang}", data=form).get_data(as_text=True)
    assert f'formaction="/company/workbook?lang={lang}"' in page
    response = client.post(f"/company/workbook?lang={lang}", data=form)
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''" in disposition
    name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert name.endswith("_2026-11-21.xlsx") and (name.startswith("激励测算_") if lang == "zh" else True)
    book = load_workbook(io.BytesIO(response.data))
    doc = evaluate(json.loads((EXAMPLES / "futian-hightech-scaleup.json").read_text(encoding="utf-8")), AS_OF, lang)
    names = [str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert all(p["name"] in names for p in doc["programs"])


def test_production_cookies_are_secure_httponly_and_samesite(monkeypatch):
    monkeypatch.setenv("INCENTIVES_ENV_NAME", "production")
    monkeypatch.setenv("INCENTIVES_SECRET_KEY", "s" * 64)
    app = create_app()
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["SESSION_COOKIE_HTTPONLY"]
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"
    cookie = app.test_client().get("/company").headers.get("Set-Cookie", "")
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_catalogue_shows_words_not_codes_and_finds_the_same_programs_in_both_languages(client, lang):
    page = client.get(f"/programs?lang={lang}").get_data(as_text=True)
    meta = " ".join(re.findall(r'<p class="meta">(.*?)</p>', page, re.S))
    spans = " ".join(re.findall(r'<span class="meta">(.*?)</span>', page, re.S))
    cells = " ".join(re.findall(r"<td>(.*?)</td>", page, re.S))
    for code in ("competitive", "determined", "not_monetary", "CONFIRMED", "SECONDARY", "UNCONFIRMED"):
        assert not re.search(rf"\b{code}\b", meta + spans + cells), code
    found = {lang: set(re.findall(r'<article class="program" id="([^"]+)"',
                                  client.get(f"/programs?lang={lang}&q=compute").get_data(as_text=True)))
             for lang in ("zh", "en")}
    assert found["zh"] == found["en"] and found["en"]


def test_benefit_items_are_grouped_under_headings_in_the_pages_language(client, evaluate):
    """Items show on the card of an eligible program, and on every program's own page (its button says so), under a
    heading saying what they are: no type word glued to each sentence (tests/test_cards.py)."""
    example = "qianhai-hk-staff.json"
    data = MultiDict(list(company_form(example).items()) + zones(example))
    page = client.post("/company?lang=zh", data=data).get_data(as_text=True)
    doc = evaluate({"company": json.loads((EXAMPLES / example).read_text(encoding="utf-8"))["company"]}, AS_OF, "zh")
    with_items = [p for p in doc["programs"] if p["benefit"].get("items")]
    assert with_items
    headings = []
    for program in with_items:
        found = card(page, program["id"]).group(2)
        if program["status"] != "eligible":
            assert "给予或要求的内容" in found and 'class="items' not in found, program["id"]
            found = card(follow_card(client, page, program["id"]).get_data(as_text=True), program["id"]).group(2)
        headings += re.findall(r'<div class="items items-\w+"><strong>([^<]*)</strong>', found)
        assert 'class="item-type"' not in found
    assert headings and set(headings) <= {"须做事项：", "可获得：", "须知：", "提示："}


def test_the_results_can_be_seen_in_the_other_language_with_the_same_answers(client):
    form = company_form("futian-hightech-scaleup.json")
    english = client.post("/company?lang=en", data=form).get_data(as_text=True)
    assert "查看中文结果" in english
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', english))
    chinese = client.post("/company?lang=zh", data={k: html.unescape(v) for k, v in hidden.items()})
    page = chinese.get_data(as_text=True)
    assert chinese.status_code == 200 and "测算结果" in page and 'class="total total-cash"' in page
    assert "Futian Vision Systems" in page


def test_the_talent_error_summary_says_whose_answer_is_wrong(client):
    data = {"people-count": "3", "person-1-annual_gross_income": "-5", "as_of": AS_OF.isoformat()}
    page = client.post("/talent?lang=zh", data=data).get_data(as_text=True)
    assert "人员 2 · " in page and "：不能为负数" in page


@pytest.mark.parametrize("typed", ["1200万", "1200万元", "0.12亿"])
def test_an_amount_that_says_its_unit_is_read_as_written_whatever_the_unit_chosen(client, typed):
    """"1200万" typed with 万元 selected means 1200万, not an error (the unit was said twice)."""
    base = company_form("futian-hightech-scaleup.json")
    as_typed = client.post("/company?lang=zh", data={**base, "company-rd_expensed": typed,
                                                     "company-rd_expensed__unit": "wan"})
    in_yuan = client.post("/company?lang=zh", data={**base, "company-rd_expensed": "12000000",
                                                    "company-rd_expensed__unit": "yuan"})
    assert as_typed.status_code == in_yuan.status_code == 200

    def amounts(page: str) -> list[str]:
        return re.findall(r'<p class="amount">([^<]*)', page)

    assert amounts(as_typed.get_data(as_text=True)) == amounts(in_yuan.get_data(as_text=True))


def test_an_assessment_date_before_the_company_was_founded_is_shown_on_the_date_field(client):
    form = {**company_form("nanshan-seed-startup.json"), "as_of": "2018-01-01"}
    response = client.post("/company?lang=en", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'href="#as_of"' in page and "before the company was founded" in page
