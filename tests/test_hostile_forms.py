"""What people type and where it is sent from: nothing silently dropped, and no form accepted from another site.

* Text fields (names, references, departments) keep every character given: private-use characters (rare name
  characters in some Chinese systems), characters newer than Python's Unicode tables, joiners. A character no
  text can keep (a control character, half a surrogate pair, a noncharacter) is refused naming the field and its
  position, never dropped; the old field dropped all of them silently.
* A state-changing request to a web page that a browser says comes from another site is refused with a page
  saying so, before the CSRF check and with a valid token too; the JSON API is not affected.
"""

from __future__ import annotations

import io
import re

import openpyxl
import pytest

from calculator.app import create_app
from calculator.batch import run_batch
from tests.conftest import AS_OF
from tests.test_batch import HEADER, sheets

PRIVATE = "\ue000"               # private use: how some Chinese systems store a rare name character
NEWER = "\U0002ebf0"             # CJK Extension I (Unicode 15.1): unassigned in Python 3.11's tables
NAME = f"深圳{PRIVATE}智能{NEWER}科技\u200d有限公司"
REF = f"张{PRIVATE}伟"


def test_the_api_keeps_private_use_and_newer_characters_in_names(app):
    response = app.test_client().post("/api/v1/assessments?lang=zh", json={
        "company": {"name": NAME}, "people": [{"ref": REF, "department": f"研发{PRIVATE}"}]})
    assert response.status_code == 200, response.get_json()
    document = response.get_json()
    assert document["company"]["name"] == NAME
    assert (document["people"][0]["ref"], document["people"][0]["department"]) == (REF, f"研发{PRIVATE}")


def test_the_web_results_and_the_workbook_keep_them(app):
    client = app.test_client()
    form = {"company-name": NAME, "as_of": AS_OF.isoformat()}
    page = client.post("/company?lang=zh", data=form)
    assert page.status_code == 200 and NAME in page.get_data(as_text=True)
    workbook = client.post("/company/workbook?lang=zh", data=form)
    assert workbook.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(workbook.data))
    cells = {cell for ws in book for row in ws.iter_rows(values_only=True) for cell in row if isinstance(cell, str)}
    assert NAME in cells


def test_a_batch_roster_keeps_them(catalogue, tmp_path):
    src = tmp_path / "roster.csv"
    src.write_text(HEADER + f"{REF},研发{PRIVATE},phd,mainland,900000,yes,2019-07-01\n", encoding="utf-8")
    summary = run_batch(catalogue, src, tmp_path / "o.xlsx", kind="people", as_of=AS_OF)
    assert (summary.rows_in, summary.assessed) == (1, 1)
    totals = sheets(tmp_path / "o.xlsx")["Summary"]
    assert (totals[1][1], totals[1][2]) == (REF, f"研发{PRIVATE}")


REFUSED = {"a control character": ("Acme\x07 Ltd", 5, "U+0007"), "a NUL": ("\x00Acme", 1, "U+0000"),
           "half a surrogate pair": ("Acme \ud800", 6, "U+D800"), "a noncharacter": ("Ac\ufffeme", 3, "U+FFFE"),
           "a plane-16 noncharacter": ("Acme\U0010ffff", 5, "U+10FFFF")}


@pytest.mark.parametrize("text,position,code", list(REFUSED.values()), ids=list(REFUSED))
def test_a_character_no_text_can_keep_is_refused_naming_the_field_and_position(app, text, position, code):
    client = app.test_client()
    for lang, words in (("en", f"Character {position} ({code})"), ("zh", f"第 {position} 个字符（{code}）")):
        response = client.post(f"/api/v1/assessments?lang={lang}", json={"company": {"name": text}})
        assert response.status_code == 422, response.get_data(as_text=True)[:500]
        errors = response.get_json()["errors"]
        assert [e["field"] for e in errors] == ["company.name"] and words in errors[0]["message"], errors


def test_the_web_form_names_the_field_and_the_position(app):
    page = app.test_client().post("/company?lang=en", data={"company-name": "Acme\x1b Ltd", "as_of": "2026-11-21"})
    text = page.get_data(as_text=True)
    assert page.status_code == 422 and re.search(r"Company name[^<]*Character 5 \(U\+001B\)", text), text[-3000:]
    assert 'value="Acme' in text  # the answer is kept for correcting


def test_a_batch_row_with_such_a_character_is_rejected_naming_the_cell(catalogue, tmp_path):
    src = tmp_path / "roster.csv"
    src.write_text(HEADER + "E1\x07,R&D,phd,mainland,900000,yes,2019-07-01\n", encoding="utf-8")
    errors: list = []
    summary = run_batch(catalogue, src, tmp_path / "o.xlsx", kind="people", as_of=AS_OF, on_error=errors.append)
    assert (summary.rows_in, summary.rejected) == (1, 1)
    assert [(e.row, e.column) for e in errors] == [(2, "A")] and "Character 3 (U+0007)" in errors[0].message


# --- cross-site posts --------------------------------------------------------------------------------------------
@pytest.fixture
def browser():
    """A browser's session on the site, with CSRF on (as in production): the client and a valid token."""
    app = create_app({"TESTING": True})
    client = app.test_client()
    page = client.get("/company?lang=zh").get_data(as_text=True)
    yield client, re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    app.extensions["batch_jobs"].shutdown()


CROSS_SITE = {"Sec-Fetch-Site cross-site": {"Sec-Fetch-Site": "cross-site"},
              "Sec-Fetch-Site same-site": {"Sec-Fetch-Site": "same-site", "Origin": "https://evil.localhost"},
              "Origin of another site": {"Origin": "https://evil.example"},
              "Origin null": {"Origin": "null"},
              "Origin on another port": {"Origin": "http://localhost:8443"},
              "same-origin Origin but cross-site fetch": {"Origin": "http://localhost", "Sec-Fetch-Site": "cross-site"}}


@pytest.mark.parametrize("headers", list(CROSS_SITE.values()), ids=list(CROSS_SITE))
def test_a_cross_site_post_with_a_valid_token_is_refused_with_a_page_saying_so(browser, headers):
    client, token = browser
    response = client.post("/company?lang=zh", data={"csrf_token": token, "company-name": "Acme",
                                                     "as_of": "2026-11-21"}, headers=headers)
    page = response.get_data(as_text=True)
    assert response.status_code == 403 and "此表单是从其他网站发送到测算器的" in page and "Acme" not in page
    assert page.startswith("<!doctype html>") and "default-src 'self'" in response.headers["Content-Security-Policy"]


SAME_SITE = {"Sec-Fetch-Site same-origin": {"Sec-Fetch-Site": "same-origin", "Origin": "http://localhost"},
             "Sec-Fetch-Site none (typed or reloaded)": {"Sec-Fetch-Site": "none"},
             "Origin only (an older browser)": {"Origin": "http://localhost"},
             "https Origin behind the TLS terminator": {"Origin": "https://localhost"},
             "neither header (a script)": {}}


@pytest.mark.parametrize("headers", list(SAME_SITE.values()), ids=list(SAME_SITE))
def test_a_post_from_the_site_itself_is_answered(browser, headers):
    client, token = browser
    response = client.post("/company?lang=en", data={"csrf_token": token, "company-name": "Acme",
                                                     "as_of": "2026-11-21"}, headers=headers)
    assert response.status_code == 200 and "Acme" in response.get_data(as_text=True)


def test_the_origin_is_compared_with_the_host_the_browser_asked_for(browser):
    """nginx passes the browser's Host on; the app sees plain HTTP behind the TLS terminator."""
    client, _ = browser
    calls = [({"Origin": "https://calc.example.org"}, "calc.example.org", 200),
             ({"Origin": "https://calc.example.org:8443"}, "calc.example.org:8443", 200),
             ({"Origin": "https://CALC.example.org"}, "calc.example.org", 200),
             ({"Origin": "https://calc.example.org.evil.example"}, "calc.example.org", 403),
             ({"Origin": "https://calc.example.org:8443"}, "calc.example.org", 403),
             ({"Origin": "https://calc.example.org"}, "calc.example.org:8000", 403)]
    for headers, host, status in calls:
        page = client.get("/company?lang=en", base_url=f"http://{host}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        response = client.post("/company?lang=en", data={"csrf_token": token, "company-name": "Acme",
                                                         "as_of": "2026-11-21"}, headers=headers,
                               base_url=f"http://{host}")
        assert response.status_code == status, (headers, host, response.status_code)


def test_every_web_post_route_refuses_a_cross_site_post(browser):
    """Every state-changing route outside the API, listed from the URL map (batch upload and delete included)."""
    client, _ = browser
    rules = [rule for rule in client.application.url_map.iter_rules()
             if "POST" in (rule.methods or ()) and not rule.rule.startswith("/api/")]
    assert {"/company", "/talent", "/batch"} <= {rule.rule for rule in rules}
    for rule in rules:
        path = re.sub(r"<[^>]+>", "x" * 24, rule.rule)
        response = client.post(path + "?lang=en", data={}, headers={"Sec-Fetch-Site": "cross-site"})
        assert response.status_code == 403 and "from another website" in response.get_data(as_text=True), path


def test_the_api_is_not_affected(browser):
    client, _ = browser
    response = client.post("/api/v1/assessments?lang=en", json={"company": {"name": "Acme"}},
                           headers={"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"})
    assert response.status_code == 200 and response.get_json()["company"]["name"] == "Acme"
