"""A founder with a compute contract, in Chromium, in Chinese and English: the short first step leads to results;
answering the top-ranked question in place changes the results and the ranking; the share link reproduces the
same results in a fresh browser context; the header's language switch keeps the answers; "More questions" and each
item to find out open the page of all questions at the question; the new pages fit a 360 px phone and axe finds no
serious or critical violation on them."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Locator, Page

from tests.browser.conftest import axe_violations, screenshot

PHONE = {"width": 360, "height": 780}


def results_state(page: Page) -> tuple[str, list[tuple[str | None, str]], list[str | None]]:
    """(headline totals, each card's id and amount line ("" for a card without one, e.g. not eligible), the ranked
    questions' anchors)."""
    cards = page.locator("article.program")
    amounts = []
    for i in range(cards.count()):
        amount = cards.nth(i).locator(".amount")
        amounts.append((cards.nth(i).get_attribute("id"), amount.inner_text() if amount.count() else ""))
    asked = page.locator("li.asked-question")
    return (page.locator(".headline, p.total").first.inner_text(), amounts,
            [asked.nth(i).get_attribute("id") for i in range(asked.count())])


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") == width


def no_serious_violations(page: Page) -> None:
    problems = [(v["id"], v["help"], len(v["nodes"])) for v in axe_violations(page)]
    assert not problems, problems


def first_step(page: Page, live_server: str, lang: str) -> None:
    page.goto(f"{live_server}/company/start?lang={lang}")
    questions = page.locator("#profile-form .question")
    assert 0 < questions.count() <= 12
    page.select_option("#company-entity_type", "enterprise")
    page.select_option("#company-registration_district", "nanshan")
    page.select_option("#company-operating_district", "nanshan")
    page.check("input[name=company-compute_from_non_affiliated][value=yes]")
    page.fill("#company-employees", "12")
    page.locator("#profile-form button.primary").click()
    page.wait_for_selector(".totals")


def answer_in_place(top: Locator) -> str | None:
    """Give the top-ranked question an answer other than the first (``no``, the second choice, or 0) and return its
    anchor; the caller submits it."""
    anchor = top.get_attribute("id")
    choice = top.locator("input[type=radio][value=no], select option:nth-child(2), input[type=text]").first
    tag = choice.evaluate("e => e.tagName + ':' + e.type")
    if tag == "OPTION:":
        top.locator("select").first.select_option(index=1)
    elif tag == "INPUT:radio":
        choice.check()
    else:
        choice.fill("0")
    return anchor


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_founder_answers_the_first_step_then_the_top_question(browser: Browser, live_server: str, lang: str):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # bypass: axe is injected as a script
    page = context.new_page()
    page.goto(f"{live_server}/company/start?lang={lang}")
    fits(page)
    no_serious_violations(page)
    first_step(page, live_server, lang)
    before = results_state(page)
    assert before[2], "no next questions"
    fits(page)
    no_serious_violations(page)
    screenshot(page, f"steps-results-{lang}")

    top = page.locator("li.asked-question").first
    anchor = answer_in_place(top)
    top.locator("button[name=answered]").click()
    page.wait_for_selector(".totals")
    after = results_state(page)
    assert anchor not in after[2]
    assert after[1] != before[1] or after[0] != before[0]  # the results moved
    assert after[2] != before[2]  # and the ranking
    assert page.locator("#answers input[name=company-employees]").get_attribute("value") == "12"

    page.locator("button.share-link").click()  # on to the link, which the address bar then holds
    page.wait_for_selector(".totals")
    link = page.url
    assert "/results?a=v1." in link
    fresh = browser.new_context(viewport=PHONE)  # a fresh browser: no cookies, no history
    other = fresh.new_page()
    other.goto(link)
    other.wait_for_selector(".totals")
    assert results_state(other) == after
    fresh.close()

    page.locator("header .language-switch").click()
    page.wait_for_selector(".totals")
    other_lang = {"zh": "en", "en": "zh"}[lang]
    assert page.locator("html").get_attribute("lang").startswith(other_lang)
    switched = results_state(page)
    assert [pid for pid, _ in switched[1]] == [pid for pid, _ in after[1]] and switched[2] == after[2]
    assert page.locator("#answers input[name=company-employees]").get_attribute("value") == "12"

    page.locator("p.more-questions button").first.click()  # the page of all questions
    page.wait_for_selector("#questions")
    assert page.url.partition("#")[2].startswith("q-company-") and len(results_state(page)[2]) > len(after[2])
    fits(page)  # every question's widget fits the phone
    no_serious_violations(page)
    screenshot(page, f"steps-questions-{lang}")
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_item_to_find_out_leads_to_its_question(browser: Browser, live_server: str, lang: str):
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    first_step(page, live_server, lang)
    count = page.locator(".missing button").count()
    assert count > 0
    for index in sorted({0, count // 2, count - 1}):  # each opens the page of all questions at its question
        if index:
            first_step(page, live_server, lang)
        page.locator(".missing button").nth(index).click()
        page.wait_for_selector("#questions")
        target = page.url.partition("#")[2]
        assert target.startswith("q-company-")
        assert page.locator(f"[id='{target}']").is_visible()
        assert page.evaluate(f"document.getElementById('{target}').getBoundingClientRect().top") < 900  # scrolled to
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_damaged_link_says_so_in_the_readers_language(browser: Browser, live_server: str, lang: str):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    page = context.new_page()
    page.goto(f"{live_server}/results?lang={lang}&a=v1.eyJjb21wYW55Ijp7")
    message = page.locator("#link-error").inner_text()
    assert {"zh": "链接已损坏", "en": "is damaged"}[lang] in message
    fits(page)
    no_serious_violations(page)
    context.close()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_with_javascript_an_answer_updates_the_results_in_place(browser: Browser, live_server: str, lang: str):
    """The same form post, fetched: the results and the ranking change while the page itself stays (a value set on
    the window survives; a full load would clear it), and the answers travel on as before."""
    context = browser.new_context(viewport={"width": 1100, "height": 900})
    page = context.new_page()
    navigations = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url) if frame == page.main_frame else None)
    first_step(page, live_server, lang)
    before = results_state(page)
    loads = len(navigations)
    page.evaluate("window.keptAcrossTheUpdate = 'yes'")
    top = page.locator("li.asked-question").first
    anchor = answer_in_place(top)
    with page.expect_response(lambda r: r.request.method == "POST" and r.status == 200):
        top.locator("button[name=answered]").click()
    page.wait_for_function(f"() => !document.getElementById('{anchor}') && !document.querySelector('[aria-busy]')")
    after = results_state(page)
    assert page.evaluate("window.keptAcrossTheUpdate") == "yes" and len(navigations) == loads  # no new page
    assert anchor not in after[2] and after[2] != before[2]
    assert after[1] != before[1] or after[0] != before[0]
    assert page.locator("#answers input[name=company-employees]").get_attribute("value") == "12"
    page.locator("header .language-switch").click()  # the swapped form still carries every answer
    page.wait_for_selector(".totals")
    assert [pid for pid, _ in results_state(page)[1]] == [pid for pid, _ in after[1]]
    assert page.locator("#answers input[name=company-employees]").get_attribute("value") == "12"
    context.close()
