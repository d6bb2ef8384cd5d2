"""The short first step, the next questions answered in place, the language switch and the "keep or share" link,
through the Flask test client (the pages production serves; no JavaScript)."""

from __future__ import annotations

import base64
import html
import io
import json
import re

import pytest
from werkzeug.datastructures import MultiDict

from calculator.web.card_view import card_view
from calculator.web.travel import MAX_LINK
from schemas.profile import FIRST_STEP
from tests.conftest import AS_OF, EXAMPLES

FOUNDER = {"company-entity_type": "enterprise", "company-registration_district": "nanshan",
           "company-operating_district": "nanshan", "company-founding_date": "2024-03-01", "company-employees": "12",
           "company-compute_from_non_affiliated": "yes", "as_of": AS_OF.isoformat()}


def inputs(page: str) -> list[tuple[str, str]]:
    """The named fields a form on the page sends as they stand: hidden and text inputs, checked boxes and radios,
    selected options."""
    out = []
    for tag in re.findall(r"<input\b[^>]*>", page):
        name = re.search(r'name="([^"]*)"', tag)
        kind = re.search(r'type="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if not name or (kind and kind.group(1) in ("radio", "checkbox") and " checked" not in tag):
            continue
        out.append((html.unescape(name.group(1)), html.unescape(value.group(1)) if value else ""))
    for name, body in re.findall(r'<select[^>]*name="([^"]*)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        out.append((html.unescape(name), html.unescape(chosen.group(1)) if chosen else ""))
    return out


def form_of(page: str, marker: str) -> tuple[str, str]:
    """(action, body) of the form whose opening tag contains ``marker``."""
    found = re.search(rf'<form ([^>]*{marker}[^>]*)>(.*?)</form>', page, re.S)
    assert found, marker
    return html.unescape(re.search(r'action="([^"]*)"', found.group(1)).group(1)), found.group(2)


def questions_form(page: str) -> tuple[str, str]:
    """(action, body) of the form that holds the next questions: the answers form beside the results, the form of
    the page of questions."""
    assert '<section class="next-questions"' in page, "no next questions on the page"
    return form_of(page, 'id="answers"' if 'id="answers"' in page else 'id="questions"')


def press(client, page: str, name: str, value: str):
    """What a browser does on a button of the results page's answers form: post the form as it stands with the
    button's name and value."""
    action, body = form_of(page, 'id="answers"')
    return client.post(action, data=MultiDict([*inputs(body), (name, value)]))


def all_questions(client, page: str, anchor: str = "") -> str:
    """The page of questions the results page's buttons open (its items to find out, "More questions")."""
    action, body = form_of(page, 'id="answers"')
    path, _, query = action.partition("?")
    response = client.post(f"{path}/questions?{query}", data=MultiDict(inputs(body)))
    assert response.status_code == 200
    return response.get_data(as_text=True)


def cards(page: str) -> dict[str, tuple[str, str]]:
    """Per program card: (status, amount line; "" for a card without one, e.g. a program not eligible)."""
    out = {}
    for status, pid, body in re.findall(r'<article class="program status-(\w+)" id="([^"]+)">(.*?)</article>', page,
                                        re.S):
        amount = re.search(r'<p class="amount">([^<]*)', body)
        out[pid] = (status, html.unescape(amount.group(1)).strip() if amount else "")
    return out


def asked(page: str) -> list[str]:
    return re.findall(r'<li class="asked-question" id="q-([^"]+)"', page)


def total(page: str) -> tuple[str, ...]:
    """The headline totals: cash, then tax saved this year (never added to each other)."""
    headline = re.search(r'<dl class="headline">(.*?)</dl>', page, re.S)
    assert headline, "no headline totals on the page"
    return tuple(html.unescape(text) for text in re.findall(r"<dd>(.*?)</dd>", headline.group(1), re.S))


def share_link(client, page: str) -> str:
    """Where the "Link to these results" button sends the browser (its address bar then holds the link)."""
    assert '<button type="submit" class="link-button share-link" name="keep" value="1">' in page
    response = press(client, page, "keep", "1")
    assert response.status_code == 303
    return response.headers["Location"]


def first_results(client, lang: str = "en") -> str:
    response = client.post(f"/company/start?lang={lang}", data=FOUNDER)
    assert response.status_code == 200
    return response.get_data(as_text=True)


@pytest.mark.parametrize(("kind", "subject", "head"), [("company", "company", "company-"),
                                                        ("talent", "person", "person-0-")])
def test_the_first_step_asks_at_most_twelve_questions_then_shows_results(client, kind, subject, head):
    page = client.get(f"/{kind}/start?lang=zh").get_data(as_text=True)
    asked_names = set(re.findall(rf'name="{head}(\w+?)(?:__present|__unit)?"', page))
    assert asked_names == set(FIRST_STEP[subject]) and len(asked_names) <= 12
    action, _ = form_of(page, 'id="profile-form"')
    answers = {"company": {"company-entity_type": "enterprise"},
               "person": {"people-count": "1", "person-0-identity": "hk_permanent_resident"}}[subject]
    results = client.post(action, data=answers).get_data(as_text=True)
    assert len(total(results)) == 2 and '<section class="next-questions"' in results


def test_a_first_step_error_is_shown_on_the_first_step_with_the_answers_kept(client):
    response = client.post("/company/start?lang=zh", data=FOUNDER | {"company-employees": "twelve"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'class="error-summary"' in page and 'href="#company-employees"' in page
    assert 'value="twelve"' in page and 'value="2024-03-01"' in page


def test_answering_the_top_question_reassesses_keeps_the_answers_and_the_question_goes(client, evaluate):
    page = first_results(client)
    top = asked(page)[0]
    action, body = questions_form(page)
    assert top.startswith("company-")
    field = top.removeprefix("company-")
    doc = evaluate({"company": {k.removeprefix("company-"): v for k, v in FOUNDER.items() if k != "as_of"}})
    question = doc["company"]["questions"][0]
    assert question["field"] == field
    sent = MultiDict([(k, v) for k, v in inputs(body) if k != top and k != f"{top}__present"])
    answer = {"yes_no": "no", "code": "outside_shenzhen", "codes": "", "date": "2000-01-01"}.get(question["kind"], "0")
    sent.add(top, answer)
    if question["kind"] == "codes":
        sent.add(f"{top}__present", "1")
    sent.add("answered", top)
    after = client.post(action, data=sent).get_data(as_text=True)
    assert top not in asked(after) and top not in asked(all_questions(client, after))
    carried = dict(inputs(form_of(after, 'id="answers"')[1]))
    assert {k: carried.get(k) for k in FOUNDER} == FOUNDER
    assert carried.get(top, "") == answer
    settled = {p["id"] for p in question["programs"]}
    assert any(cards(after)[pid] != cards(page)[pid] for pid in settled)


def targets_of(client, page: str) -> dict[str, str]:
    """Each item to find out on the cards: the page of questions it opens, at which anchor (followed as a browser
    does: the answers form posted with the item's button, sent on with the answers to that page's URL)."""
    found = {}
    for block in re.findall(r'<div class="missing">.*?</div>', page, re.S):
        for value in re.findall(r'<button name=ask value=([0-9.]+)>', block):
            if value in found:
                continue
            response = press(client, page, "ask", value)
            assert response.status_code == 307
            found[value] = response.headers["Location"]
    return found


def test_every_item_to_find_out_opens_the_page_of_questions_at_its_question(client):
    data = MultiDict(list(FOUNDER.items()))
    for lang in ("en", "zh"):
        page = client.post(f"/company?lang={lang}", data=data).get_data(as_text=True)
        targets = targets_of(client, page)
        assert targets
        whole = all_questions(client, page)
        ids = set(re.findall(r'id="([^"]+)"', whole))
        for location in targets.values():
            path, _, anchor = location.partition("#")
            assert path.endswith(f"/company/questions?lang={lang}")
            assert anchor.startswith("q-company-") and anchor in ids
        followed = client.post(next(iter(targets.values())).partition("#")[0],
                               data=MultiDict(inputs(form_of(page, 'id="answers"')[1])))
        assert followed.status_code == 200 and set(asked(followed.get_data(as_text=True))) == set(asked(whole))


def test_the_page_of_questions_asks_every_ranked_question_with_its_programs_and_answers_back_to_results(
        client, evaluate):
    page = first_results(client)
    doc = evaluate({"company": {k.removeprefix("company-"): v for k, v in FOUNDER.items() if k != "as_of"}})
    ranked = [f"company-{q['field']}" for q in doc["company"]["questions"]]
    assert len(asked(page)) < len(ranked) and asked(page) == ranked[:len(asked(page))]
    more = re.search(r'<p class="more-questions"><button [^>]*formaction="([^"]+)"', page)
    assert more and html.unescape(more.group(1)).startswith("/company/questions?lang=en#q-company-")
    whole = all_questions(client, page)
    assert asked(whole) == ranked
    for question in doc["company"]["questions"]:
        entry = re.search(rf'id="q-company-{question["field"]}">(.*?)</button>', whole, re.S).group(1)
        assert all(p["name"] in html.unescape(entry) for p in question["programs"]), question["field"]
    assert doc["company"]["questions"][-1]["programs"][0]["at_stake"]["text"] in html.unescape(whole)
    action, body = questions_form(whole)
    last = ranked[-1]
    sent = MultiDict([(k, v) for k, v in inputs(body) if k != last])
    kind = doc["company"]["questions"][-1]["kind"]
    answer = {"yes_no": "no", "code": "outside_shenzhen", "date": "2000-01-01"}.get(kind, "0")
    sent.add(last, answer)
    sent.add("answered", last)
    after = client.post(action, data=sent).get_data(as_text=True)
    assert len(total(after)) == 2 and last not in asked(all_questions(client, after))
    carried = dict(inputs(form_of(after, 'id="answers"')[1]))
    assert {k: carried.get(k) for k in FOUNDER} == FOUNDER and carried.get(last) == answer


def test_talent_items_to_find_out_open_each_persons_own_questions(client):
    people = json.loads((EXAMPLES / "hr-roster-ten.json").read_text(encoding="utf-8"))["people"][:3]
    data = MultiDict([("people-count", str(len(people)))] + [
        (f"person-{i}-{k}", str(v)) for i, p in enumerate(people) for k, v in p.items() if not isinstance(v, list)])
    page = client.post("/talent?lang=en", data=data).get_data(as_text=True)
    targets = targets_of(client, page)
    ids = set(re.findall(r'id="([^"]+)"', all_questions(client, page)))
    anchors = [location.partition("#")[2] for location in targets.values()]
    assert anchors and all(a in ids for a in anchors)
    assert {a.split("-")[2] for a in anchors} >= {"0"}


def test_the_header_language_switch_keeps_answers_and_shows_the_same_figures(client, evaluate):
    page = first_results(client, "en")
    switch = re.search(r'<header class="site-header">.*?<button [^>]*form="answers"[^>]*formaction="([^"]+)"',
                       page, re.S)
    assert switch and switch.group(1).endswith("lang=zh")
    _, body = form_of(page, 'id="answers"')
    chinese = client.post(html.unescape(switch.group(1)), data=MultiDict(inputs(body))).get_data(as_text=True)
    assert '<html lang="zh-Hans-CN">' in chinese
    doc = evaluate({"company": {k.removeprefix("company-"): v for k, v in FOUNDER.items() if k != "as_of"}},
                   AS_OF, "zh")
    assert total(chinese) == (doc["totals"]["cash"]["text"], doc["totals"]["tax_this_year"]["text"])
    assert {pid: s for pid, (s, _) in cards(chinese).items()} == {pid: s for pid, (s, _) in cards(page).items()}
    assert {p["id"]: card_view(p, "zh")["amount"] or "" for p in doc["programs"]} == {
        pid: a for pid, (_, a) in cards(chinese).items()}
    assert any("万元" in a for _, a in cards(chinese).values())


def test_the_header_language_switch_on_a_form_keeps_what_was_typed(client):
    page = client.get("/company/start?lang=en").get_data(as_text=True)
    switch = re.search(r'<header class="site-header">.*?<button [^>]*form="profile-form"[^>]*formaction="([^"]+)"',
                       page, re.S)
    assert switch
    answers = FOUNDER | {"switch_lang": "1"}
    chinese = client.post(html.unescape(switch.group(1)), data=answers).get_data(as_text=True)
    assert '<html lang="zh-Hans-CN">' in chinese and 'value="2024-03-01"' in chinese and 'value="12"' in chinese


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_share_link_reopens_the_same_results(app, client, lang):
    page = first_results(client, lang)
    link = share_link(client, page)
    token = re.search(r"a=(v1\.[A-Za-z0-9_-]+)", link).group(1)
    assert len(token) <= MAX_LINK
    fresh = app.test_client()  # another browser: no cookie, nothing on the server
    again = fresh.get(link.removeprefix("http://localhost")).get_data(as_text=True)
    assert total(again) == total(page) and cards(again) == cards(page) and asked(again) == asked(page)


def token_of(payload: dict) -> str:
    text = json.dumps(payload, separators=(",", ":"))
    return "v1." + base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(("lang", "token", "words"), [
    ("en", "v1.eyJjb21wYW55Ijp7ImVudGl0eV90eXBlIjoiZW50ZXJwcmlz", "is damaged"),
    ("zh", "v1.eyJjb21wYW55Ijp7ImVudGl0eV90eXBlIjoiZW50ZXJwcmlz", "链接已损坏"),
    ("en", "v2." + "A" * 20, "“v1.”"),
    ("en", "v1." + "A" * (MAX_LINK + 1), "at most 6000 characters"),
    ("zh", "v1." + "A" * (MAX_LINK + 1), "6000"),
    ("en", token_of({"company": {"secret_field": "1"}}), "“secret_field”"),
    ("en", token_of({"company": {"employees": {"nested": 1}}}), "is damaged"),
    ("en", token_of({"people": [{}] * 51}), "at most 50 people"),
    ("en", "v1." + base64.urlsafe_b64encode(b"[" * 4000).decode().rstrip("="), "is damaged"),
    ("en", token_of({"company": {}, "people": [{}]}), "is damaged"),
    ("en", "", "“v1.”"),
])
def test_a_tampered_or_oversized_link_is_refused_in_the_readers_language(client, lang, token, words):
    response = client.get("/results", query_string={"a": token, "lang": lang})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in page and words in html.unescape(page)


def test_a_link_with_an_answer_the_schema_refuses_shows_the_form_with_the_error(client):
    response = client.get("/results", query_string={"a": token_of({"company": {"employees": "-3"}}), "lang": "en"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'href="#company-employees"' in page and 'value="-3"' in page


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_result_workbook_uploaded_again_restores_the_answers_and_results(app, client, lang):
    page = first_results(client, lang)
    _, body = form_of(page, 'id="answers"')
    workbook = client.post(f"/company/workbook?lang={lang}", data=MultiDict(inputs(body)))
    assert workbook.status_code == 200
    fresh = app.test_client()
    again = fresh.post(f"/restore?lang={lang}", content_type="multipart/form-data",
                       data={"workbook": (io.BytesIO(workbook.data), "results.xlsx")}).get_data(as_text=True)
    assert total(again) == total(page) and cards(again) == cards(page) and asked(again) == asked(page)
    carried = dict(inputs(form_of(again, 'id="answers"')[1]))
    assert carried["company-employees"] == "12" and carried["company-founding_date"] == "2024-03-01"


@pytest.mark.parametrize(("lang", "words"), [("en", "is not a results workbook"), ("zh", "不是本测算器")])
def test_a_file_that_is_not_a_results_workbook_is_refused_in_the_readers_language(client, lang, words):
    response = client.post(f"/restore?lang={lang}", content_type="multipart/form-data",
                           data={"workbook": (io.BytesIO(b"name,employees\nx,3\n"), "list.xlsx")})
    assert response.status_code == 400 and words in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/company/start", "/talent/start", "/company", "/talent"])
def test_enter_in_a_field_still_submits_the_answers_not_the_header_language_switch(client, path):
    """A browser presses a form's first submit button (in page order) on Enter: the header's switch, which belongs
    to the form so that it carries the answers, comes after the form's hidden "See results" button."""
    page = client.get(f"{path}?lang=en").get_data(as_text=True)
    start = page.index('<form id="profile-form"')
    end = page.index("</form>", start)
    owned = [tag for tag in re.findall(r"<button\b[^>]*>", page[:start]) if 'form="profile-form"' in tag]
    owned += [tag for tag in re.findall(r"<button\b[^>]*>", page[start:end]) if "form=" not in tag]
    assert 'name="switch_lang"' in owned[1] and 'name="submit"' in owned[0]
