"""The results page on a 360 px phone, in Chinese and English, for every example profile: nothing scrolls
sideways (the criteria tables reflow, long words and links wrap), the chart's names and amounts stay readable
text (at least 12 px, never clipped), and axe finds no serious or critical violation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import AS_OF, EXAMPLES

PHONE = {"width": 360, "height": 780}
# Posts the answers as the form would (every field of the form's names, the page's own CSRF token): the example
# profiles have dozens of answers, and the talent roster ten people.
SUBMIT = """([fields, count]) => {
  const page = document.querySelector('form[method=post]');
  const form = document.createElement('form');
  form.method = 'post';
  form.action = page.action;
  const add = (name, value) => {
    const input = document.createElement('input');
    input.type = 'hidden'; input.name = name; input.value = value;
    form.appendChild(input);
  };
  add('csrf_token', page.querySelector('[name=csrf_token]').value);
  for (const [name, value] of fields) add(name, value);
  if (count !== null) add('people-count', String(count));
  add('submit', '1');
  document.body.appendChild(form);
  HTMLFormElement.prototype.submit.call(form);
}"""


def form_fields(prefix: str, subject: dict[str, Any]) -> list[list[str]]:
    out = []
    for name, value in subject.items():
        if isinstance(value, list):
            out.append([f"{prefix}{name}__present", "1"])
            out += [[f"{prefix}{name}", code] for code in value]
        else:
            out.append([f"{prefix}{name}", str(value)])
    return out


def cases() -> list[tuple[str, str]]:
    found = []
    for path in sorted(EXAMPLES.glob("*.json")):
        profile = json.loads(path.read_text(encoding="utf-8"))
        found += [(path.name, form) for form, part in (("company", "company"), ("talent", "people"))
                  if profile.get(part)]
    return found


def open_results(page: Page, live_server: str, example: str, form: str, lang: str) -> None:
    profile = json.loads((EXAMPLES / example).read_text(encoding="utf-8"))
    page.goto(f"{live_server}/{form}?lang={lang}")
    if form == "company":
        fields, count = form_fields("company-", profile["company"]), None
    else:
        people = profile["people"]
        fields = [f for i, person in enumerate(people) for f in form_fields(f"person-{i}-", person)]
        count = len(people)
    page.evaluate(SUBMIT, [[*fields, ["as_of", AS_OF.isoformat()]], count])
    page.wait_for_selector(".totals")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize(("example", "form"), cases())
def test_the_results_page_fits_a_phone(browser, live_server, example, form, lang):
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # bypass: axe is injected as a script
    page = context.new_page()
    open_results(page, live_server, example, form, lang)
    assert page.locator("article.program").count() > 0
    # the criteria tables (the folded next questions are opened and measured in tests/browser/test_steps.py)
    page.evaluate("document.querySelectorAll('article.program details').forEach(d => { d.open = true; })")
    width = page.evaluate("document.documentElement.clientWidth")
    assert width == PHONE["width"]
    too_wide = page.evaluate("""() => Array.from(document.querySelectorAll('body *'))
        .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
        .slice(0, 5).map(el => el.tagName + '.' + el.className + ': ' + (el.textContent || '').slice(0, 60))""")
    assert page.evaluate("document.documentElement.scrollWidth") == width, too_wide
    labels = page.locator(".chart-label, .chart-value")
    assert labels.count() >= 2
    for index in range(labels.count()):
        label = labels.nth(index)
        size = float(label.evaluate("e => getComputedStyle(e).fontSize").removesuffix("px"))
        assert size >= 12, (label.inner_text(), size)
        box = label.bounding_box()  # as drawn: text scaled down inside an SVG would be shorter than 12 px
        assert box is not None and box["height"] >= 12, (label.inner_text(), box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5, label.inner_text()
        assert label.evaluate("e => e.scrollWidth <= e.clientWidth + 1"), label.inner_text()  # nothing cut off
    assert page.locator(".chart svg text").count() == 0  # no text drawn inside the scaled bars
    screenshot(page, f"phone-{example.removesuffix('.json')}-{form}-{lang}")
    problems = [(v["id"], v["help"], len(v["nodes"])) for v in axe_violations(page)]
    context.close()
    assert not problems, problems


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_chart_reads_as_text(browser, live_server, lang):
    """The chart's text equivalent: a titled list naming each program with its amount, in the page's language;
    the bars are decorative."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    open_results(page, live_server, "futian-hightech-scaleup.json", "company", lang)
    figure = page.locator("figure.chart")
    title = figure.locator("figcaption").inner_text()
    assert title == {"zh": "各项目预计支持金额", "en": "Estimated support by program"}[lang]
    assert figure.get_attribute("aria-labelledby") == figure.locator("figcaption").get_attribute("id")
    rows = figure.locator("li.chart-row")
    assert rows.count() >= 1
    for index in range(rows.count()):
        row = rows.nth(index)
        assert row.locator(".chart-label").inner_text().strip() and row.locator(".chart-value").inner_text().strip()
        assert row.locator("svg").get_attribute("aria-hidden") == "true"
    context.close()
