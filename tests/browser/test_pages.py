"""The site in a real browser: fill forms in both languages, fix errors, switch language, scan with axe."""

from __future__ import annotations

import json
import re

import pytest

from calculator.i18n import gettext
from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import AS_OF, EXAMPLES


def fill_company(page, company: dict) -> None:
    for key, value in company.items():
        if isinstance(value, list):
            for code in value:
                page.check(f'input[type=checkbox][name="company-{key}"][value="{code}"]')
            continue
        radio = page.locator(f'input[type=radio][name="company-{key}"][value="{value}"]')
        if radio.count():
            radio.check()
        elif page.locator(f"select#company-{key}").count():
            page.select_option(f"#company-{key}", str(value))
        else:
            page.fill(f"#company-{key}", str(value))
    page.fill("#as_of", AS_OF.isoformat())


@pytest.mark.parametrize("example", ["futian-hightech-scaleup.json", "qianhai-hk-staff.json"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_company_gets_the_engines_answer_in_the_browser(page, live_server, evaluate, example, lang):
    profile = json.loads((EXAMPLES / example).read_text(encoding="utf-8"))
    page.goto(f"{live_server}/company?lang={lang}")
    fill_company(page, profile["company"])
    page.click("button.primary")
    page.wait_for_selector(".totals")
    doc = evaluate({"company": profile["company"]}, AS_OF, lang)
    assert page.locator(".total-cash dd").inner_text().strip() == doc["totals"]["cash"]["text"]
    assert page.locator(".total-tax dd").inner_text().strip() == doc["totals"]["tax_this_year"]["text"]
    for program in doc["programs"]:
        card = page.locator(f'article#{program["id"]}')
        assert card.get_attribute("class").endswith(f"status-{program['status']}"), program["id"]
        estimate = program["estimate"]
        if program["status"] in ("not_eligible", "not_in_force"):  # why, with no amount or certainty
            assert card.locator(".amount").count() == 0 and card.locator(".certainty").count() == 0, program["id"]
        elif estimate and estimate["low"] > 0:
            assert program["amount"] in card.locator(".amount").inner_text(), program["id"]
        for amount in card.locator(".amount").all_inner_texts():  # never "CNY 0" / "0元" beside a status
            assert not re.search(r"(^|\s)(CNY 0|0元)(\s|$)", amount), (program["id"], amount)
    screenshot(page, f"results-{example.removesuffix('.json')}-{lang}")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_loss_making_start_up_sees_cash_and_this_years_tax_apart_and_a_forecast_not_a_saving(
        browser, live_server, evaluate, lang):
    """Issue #13's start-up (CNY 3.6 M of R&D, a tax loss, no high-tech certificate): the headline gives cash and this
    year's tax apart, later years beside them, labelled and not added; the high-tech card says "not certified" and
    shows the recognition self-check and its if-certified figure apart from any amount."""
    profile = json.loads((EXAMPLES / "nanshan-seed-startup.json").read_text(encoding="utf-8"))
    assert profile["company"]["hnte_certified"] == "no" and profile["company"]["rd_expensed"] == "3,600,000"
    # axe is injected as a script, which the site's CSP rightly refuses; this context alone bypasses it.
    context = browser.new_context(viewport={"width": 1100, "height": 1300}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/company?lang={lang}")
    fill_company(page, profile["company"])
    page.click("button.primary")
    page.wait_for_selector(".totals")
    doc = evaluate({"company": profile["company"]}, AS_OF, lang)
    totals = doc["totals"]
    assert page.locator(".total-cash dd").inner_text().strip() == totals["cash"]["text"]
    assert page.locator(".total-tax dd").inner_text().strip() == totals["tax_this_year"]["text"]
    assert totals["tax_this_year"]["determined"]["high"] == 0  # a loss year saves no tax this year
    later = page.locator(".totals .side-later-years").inner_text()
    assert totals["later_years"]["text"] in later and totals["later_years"]["high"] == 900_000  # 3.6 M x 25%
    assert totals["later_years"]["text"] not in page.locator(".headline").inner_text()  # beside, never added
    hnte = page.locator("article#cn-hnte-cit-rate")
    assert hnte.get_attribute("class").endswith("status-not_eligible")
    card = next(p for p in doc["programs"] if p["id"] == "cn-hnte-cit-rate")
    assert card["reasons"][0] in hnte.locator(".reasons").first.inner_text()  # certified: no → not met
    assert hnte.locator(".amount").count() == 0  # an ineligible card says why, with no amount line (issue #18)
    forecast = hnte.locator(".self-check")
    assert card["self_check"]["outcome"] == "likely_to_qualify"
    assert card["self_check"]["outcome_text"] in forecast.inner_text()
    assert card["if_certified"]["note"] in forecast.locator(".side-if-certified").inner_text()
    rd = next(p for p in doc["programs"] if p["id"] == "cn-rd-super-deduction")
    assert rd["estimate"]["high"] == 0  # this year: nothing, and the card says so in words, not "CNY 0" (issue #18)
    rd_amount = page.locator("article#cn-rd-super-deduction .amount").inner_text()
    assert gettext("No amount on the answers given", lang) in rd_amount
    assert rd["later_years"]["note"] in page.locator("article#cn-rd-super-deduction .side-later-years").inner_text()
    screenshot(page, f"results-loss-making-start-up-{lang}")
    assert [(v["id"], v["help"]) for v in axe_violations(page)] == []  # the new blocks are accessible too
    context.close()


def test_a_cards_button_opens_that_programs_page_and_the_way_back_keeps_the_results(page, live_server, evaluate):
    profile = json.loads((EXAMPLES / "futian-hightech-scaleup.json").read_text(encoding="utf-8"))
    page.goto(f"{live_server}/company?lang=en")
    fill_company(page, profile["company"])
    page.click("button.primary")
    page.wait_for_selector(".totals")
    doc = evaluate({"company": profile["company"]}, AS_OF, "en")
    program = next(p for p in doc["programs"] if p["status"] == "not_eligible")
    page.click(f'article#{program["id"]} .more button')
    page.wait_for_selector("table.criteria")
    assert page.locator("h1").inner_text().strip() == program["name"]
    assert page.locator("table.criteria tbody tr").count() == len(program["criteria"])
    page.click("form.actions button.secondary")
    page.wait_for_selector(".totals")
    assert page.locator(".total-cash dd").inner_text().strip() == doc["totals"]["cash"]["text"]
    assert page.locator(".total-tax dd").inner_text().strip() == doc["totals"]["tax_this_year"]["text"]


def test_errors_are_shown_focused_and_can_be_fixed(page, live_server):
    page.goto(f"{live_server}/company?lang=en")
    page.fill("#company-name", "Fix Me Ltd")
    page.fill("#company-revenue_latest", "-5")
    page.fill("#company-rd_in_china_percent", "120")
    page.click("button.primary")
    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert page.title().startswith("Error:")
    screenshot(page, "company-errors-en")
    page.click('#error-summary a[href="#company-revenue_latest"]')
    assert page.input_value("#company-name") == "Fix Me Ltd"
    page.fill("#company-revenue_latest", "1,234,567")
    page.fill("#company-rd_in_china_percent", "80")
    page.click("button.primary")
    page.wait_for_selector(".totals")
    assert page.locator("#error-summary").count() == 0


@pytest.mark.parametrize("form", ["company", "talent"])
def test_pressing_enter_in_a_field_submits_the_answers(page, live_server, form):
    """Enter in a text field gives the results: not the language switch, not "Remove person 1" (the browser
    presses the form's first submit button)."""
    page.goto(f"{live_server}/{form}?lang=en")
    if form == "talent":
        page.click("text=Add another person")
        page.wait_for_selector("text=Remove person 2")
        field = "#person-0-annual_gross_income"
    else:
        field = "#company-employees"
    page.fill(field, "150")
    page.press(field, "Enter")
    page.wait_for_selector(".totals")
    assert page.locator("html").get_attribute("lang") == "en"
    if form == "talent":
        assert page.locator("h2.person-title").count() == 2  # both people assessed, nobody removed


def test_going_back_from_the_results_keeps_the_answers(page, live_server):
    """The browser's Back button returns to the filled form (the fields let the browser restore them)."""
    page.goto(f"{live_server}/company?lang=en")
    page.fill("#company-name", "Back Button Ltd")
    page.fill("#company-employees", "42")
    page.click("button.primary")
    page.wait_for_selector(".totals")
    page.go_back()
    page.wait_for_selector("#company-name")
    page.wait_for_function("document.querySelector('#company-name').value !== ''", timeout=5000)
    assert page.input_value("#company-name") == "Back Button Ltd" and page.input_value("#company-employees") == "42"


def test_adding_or_removing_a_person_puts_the_keyboard_on_that_person(page, live_server):
    page.goto(f"{live_server}/talent?lang=en")
    page.click("text=Add another person")
    page.wait_for_selector("text=Remove person 2")
    assert page.evaluate("document.activeElement.id") == "person-1-ref"
    page.keyboard.type("Second")
    page.click("text=Add another person")
    page.wait_for_selector("text=Remove person 3")
    page.click("text=Remove person 2")
    page.wait_for_selector("text=Remove person 2")
    assert page.evaluate("document.activeElement.id") == "person-1-ref"  # the person now in second place


def test_switching_language_midway_keeps_the_answers(page, live_server):
    page.goto(f"{live_server}/company?lang=en")
    page.fill("#company-name", "Bilingual Ltd")
    page.fill("#company-revenue_latest", "250")
    page.select_option("select[name='company-revenue_latest__unit']", "wan")
    page.check('input[name="company-hnte_certified"][value="yes"]')
    page.click("button[name=switch_lang]")
    page.wait_for_selector("html[lang='zh-Hans-CN']")
    assert page.input_value("#company-name") == "Bilingual Ltd"
    assert page.input_value("#company-revenue_latest") == "250"
    assert page.input_value("select[name='company-revenue_latest__unit']") == "wan"
    assert page.is_checked('input[name="company-hnte_certified"][value="yes"]')
    assert "企业测算" in page.locator("h1").inner_text()


def test_questions_that_cannot_apply_are_hidden_with_script(page, live_server):
    page.goto(f"{live_server}/talent?lang=en")
    hk_question = page.locator('.question:has(#person-0-fx_cny_per_hkd)')
    foreign_question = page.locator('.question:has(legend#person-0-holds_foreign_high_end_talent_letter)')
    assert hk_question.is_hidden()
    page.select_option("#person-0-identity", "hk_permanent_resident")
    assert hk_question.is_visible()
    assert foreign_question.is_hidden()
    page.select_option("#person-0-identity", "foreign_national")
    assert hk_question.is_hidden() and foreign_question.is_visible()


def test_keyboard_users_can_skip_to_the_content(page, live_server):
    page.goto(f"{live_server}/?lang=en")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_serious_accessibility_violations(browser, live_server, lang):
    # axe is injected as a script, which the site's CSP rightly refuses; this context alone bypasses it.
    context = browser.new_context(viewport={"width": 1100, "height": 1300}, bypass_csp=True)
    page = context.new_page()
    checks = {}
    page.goto(f"{live_server}/?lang={lang}")
    checks["home"] = axe_violations(page)
    screenshot(page, f"home-{lang}")
    page.goto(f"{live_server}/company?lang={lang}")
    page.fill("#company-revenue_latest", "-1")
    page.click("button.primary")
    page.wait_for_selector("#error-summary")
    checks["form-with-errors"] = axe_violations(page)
    page.goto(f"{live_server}/company?lang={lang}")
    fill_company(page, json.loads((EXAMPLES / "futian-hightech-scaleup.json").read_text(encoding="utf-8"))["company"])
    page.click("button.primary")
    page.wait_for_selector(".totals")
    checks["results"] = axe_violations(page)
    screenshot(page, f"results-{lang}")
    page.click("article.status-not_eligible .more button")
    page.wait_for_selector("table.criteria")
    checks["program"] = axe_violations(page)
    screenshot(page, f"program-{lang}")
    page.goto(f"{live_server}/talent?lang={lang}")
    checks["talent"] = axe_violations(page)
    screenshot(page, f"talent-{lang}")
    page.goto(f"{live_server}/programs?lang={lang}")
    checks["catalogue"] = axe_violations(page)
    screenshot(page, f"catalogue-{lang}")
    page.goto(f"{live_server}/about?lang={lang}")
    checks["about"] = axe_violations(page)
    screenshot(page, f"about-{lang}")
    context.close()
    problems = {name: [(v["id"], v["help"], len(v["nodes"])) for v in found] for name, found in checks.items() if found}
    assert not problems, problems


def test_the_results_page_downloads_a_workbook_with_a_chinese_file_name(page, live_server, tmp_path):
    from openpyxl import load_workbook

    profile = json.loads((EXAMPLES / "qianhai-hk-staff.json").read_text(encoding="utf-8"))
    page.goto(f"{live_server}/company?lang=zh")
    fill_company(page, profile["company"])
    page.click("button.primary")
    page.wait_for_selector(".totals")
    with page.expect_download() as info:
        page.click("text=下载测算表（Excel）")
    download = info.value
    assert download.suggested_filename == "激励测算_Qianhai-Cross-Border-AI-Services_2026-11-21.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    book = load_workbook(target)
    assert len(book.sheetnames) >= 6


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_batch_pages_work_and_have_no_serious_accessibility_violations(browser, live_server, tmp_path, lang):
    rows = [["ref", "identity", "annual_gross_income"], ["A", "hk_permanent_resident", "1500000"]]
    rows += [[f"B{i}", "martian", "abc"] for i in range(60)]  # 120 messages: two pages of them
    if lang == "zh":  # an Excel workbook, as most advisors upload
        from openpyxl import Workbook

        roster = tmp_path / "roster.xlsx"
        book = Workbook()
        for row in rows:
            book.active.append(row)
        book.save(roster)
    else:
        roster = tmp_path / "roster.csv"
        roster.write_text("".join(",".join(row) + "\n" for row in rows), encoding="utf-8")
    context = browser.new_context(viewport={"width": 1100, "height": 1300}, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/batch?lang={lang}")
    upload = axe_violations(page)
    screenshot(page, f"batch-upload-{lang}")
    page.set_input_files("input[type=file]", str(roster))
    page.locator("form button[type=submit]").last.click()
    page.wait_for_selector("a[href$='/download'], a[href*='/download?']", timeout=30_000)
    text = page.locator("main").inner_text()
    assert "martian" in text and "abc" in text  # every rejected value is listed
    job = axe_violations(page)
    screenshot(page, f"batch-job-{lang}")
    page.locator("nav.pager a[rel=next]").first.click()  # the second page of messages
    page.wait_for_selector("nav.pager a[rel=prev]")
    rows = page.locator("table tbody tr td:nth-child(2)").all_inner_texts()  # the file's row numbers
    assert len(rows) == 20 and rows[0] == "53" and rows[-1] == "62"  # B50 … B59 (header row 1, A row 2)
    second = axe_violations(page)
    context.close()
    problems = {name: [(v["id"], v["help"]) for v in found] for name, found in
                (("upload", upload), ("job", job), ("job page 2", second)) if found}
    assert not problems, problems
