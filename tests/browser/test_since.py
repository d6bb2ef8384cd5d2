"""Re-uploading an earlier run's result workbook in Chromium, in Chinese and English: the results show what changed
since it (the program, the move, the dated rows), the section fits a 360 px phone and axe finds no serious or
critical violation on the page; the header's language switch keeps the section, in the other language."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Browser

from calculator.engine import load_catalogue
from calculator.service import service_for
from calculator.workbook import build_workbook
from tests.browser.conftest import axe_violations
from tests.conftest import example

MOVED = {"en": ("Training-Compute Voucher", "CNY 1,000,000 – CNY 1,200,000 → CNY 1,200,000"),
         "zh": ("训力券", "100万元 – 120万元 → 120万元")}
OTHER = {"zh": "en", "en": "zh"}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_earlier_workbook_uploaded_again_shows_what_changed(browser: Browser, live_server: str, tmp_path, lang):
    catalogue = load_catalogue()
    service = service_for(catalogue)
    company = {"company": example("nanshan-seed-startup.json")["company"]}
    earlier = service.assess(service.check(company, dt.date(2026, 3, 1)))  # before the tables' May 2026 rows
    path = tmp_path / "earlier.xlsx"
    path.write_bytes(build_workbook(catalogue, earlier, lang))
    context = browser.new_context(viewport={"width": 360, "height": 780}, bypass_csp=True)  # axe is injected
    page = context.new_page()
    page.goto(f"{live_server}/company/start?lang={lang}")
    page.set_input_files("#workbook", str(path))
    page.locator("form.restore button").click()
    section = page.wait_for_selector("section.since")
    text = section.inner_text()
    name, move = MOVED[lang]
    assert name in text and move in text and "2026-05-06" in text
    assert page.evaluate("document.documentElement.scrollWidth") == page.evaluate(
        "document.documentElement.clientWidth")
    problems = [(v["id"], v["help"], len(v["nodes"])) for v in axe_violations(page)]
    assert not problems, problems
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_header_language_switch_keeps_the_changes_section(browser: Browser, live_server: str, tmp_path, lang):
    catalogue = load_catalogue()
    service = service_for(catalogue)
    company = {"company": example("nanshan-seed-startup.json")["company"]}
    path = tmp_path / "earlier.xlsx"
    path.write_bytes(build_workbook(catalogue, service.assess(service.check(company, dt.date(2026, 3, 1))), lang))
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server}/company/start?lang={lang}")
    page.set_input_files("#workbook", str(path))
    page.locator("form.restore button").click()
    page.wait_for_selector("section.since")
    page.locator("header .language-switch").click()
    other = OTHER[lang]
    page.wait_for_function(f"document.documentElement.lang.startsWith('{other}')")
    text = page.locator("section.since").inner_text()
    name, move = MOVED[other]
    assert name in text and move in text and "2026-05-06" in text
    page.locator("header .language-switch").click()  # and back again
    page.wait_for_function(f"document.documentElement.lang.startsWith('{lang}')")
    assert MOVED[lang][1] in page.locator("section.since").inner_text()
    context.close()
