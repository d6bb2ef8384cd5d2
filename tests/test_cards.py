"""Result cards read right for each kind and status, on the example profiles, in Chinese and English (Flask client,
the pages production serves): duties say whether they apply and what to do; non-cash programs what is available;
no "CNY 0" beside "eligible"; an amount's certainty once, as a word; an ineligible card shows why, with no amount
and no certainty; item-type words never glued to a sentence."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from calculator.engine.texts import ITEM_TYPES, STATUS
from calculator.i18n import gettext
from tests.conftest import AS_OF, EXAMPLES
from tests.test_web import company_form, zones

COMPANIES = ("nanshan-seed-startup.json", "futian-hightech-scaleup.json", "qianhai-hk-staff.json")
PEOPLE = ("hr-roster-ten.json", "qianhai-hk-staff.json")
WORDS = {
    "en": {"applies": "Applies to you", "may_apply": "May apply to you: answers missing", "to_do": "What to do:",
           "available": "What is available:", "why_not": "Why not (on the answers given):",
           "not_fixed": "Amount not fixed",
           "zero": ("CNY 0",)},
    "zh": {"applies": "适用于您", "may_apply": "可能适用于您：尚缺信息", "to_do": "须做事项：", "available": "可获得：",
           "why_not": "原因（按所填信息）：", "not_fixed": "金额未定", "zero": ("0元",)},
}
DUTIES = ("cn-ai-content-labelling", "cn-genai-service-filing", "sz-ai-ethics-obligations", "sz-risk-tier-obligations")


def people_form(name: str) -> MultiDict:
    people = json.loads((EXAMPLES / name).read_text(encoding="utf-8"))["people"]
    items: list[tuple[str, str]] = [("people-count", str(len(people))), ("as_of", AS_OF.isoformat())]
    for index, person in enumerate(people):
        for key, value in person.items():
            if isinstance(value, list):
                items += [(f"person-{index}-{key}", v) for v in value]
                items.append((f"person-{index}-{key}__present", "1"))
            else:
                items.append((f"person-{index}-{key}", str(value)))
    return MultiDict(items)


def cards(page: str) -> list[dict[str, Any]]:
    """Every card on a results page: status, id, the family section it is in, the card as HTML and as text, its badge
    and amount line."""
    out = []
    for section, part in enumerate(page.split('<section class="family">')):
        out += section_cards(part, section)
    return out


def section_cards(part: str, section: int) -> list[dict[str, Any]]:
    out = []
    for found in re.finditer(r'<article class="program status-(\w+)" id="([^"]+)">(.*?)</article>', part, re.S):
        head = found.group(3)
        out.append({"status": found.group(1), "id": found.group(2), "head": head, "section": section,
                    "text": " ".join(html.unescape(re.sub(r"<[^>]+>", " ", head)).split()),
                    "badge": html.unescape(re.search(r'<span class="badge[^"]*">(.*?)</span>', head).group(1)),
                    "amount": [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", a)).split())
                               for a in re.findall(r'<p class="amount">(.*?)</p>', head, re.S)]})
    return out


def pages(client, lang: str) -> list[list[dict[str, Any]]]:
    out = []
    for name in COMPANIES:
        data = MultiDict(list(company_form(name).items()) + zones(name))
        out.append(cards(client.post(f"/company?lang={lang}", data=data).get_data(as_text=True)))
    for name in PEOPLE:
        out.append(cards(client.post(f"/talent?lang={lang}", data=people_form(name)).get_data(as_text=True)))
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_card_reads_right_for_its_kind_and_status(client, lang):
    words = WORDS[lang]
    eligible = gettext(STATUS["eligible"], lang)
    type_words = {gettext(msgid, lang) for msgid in ITEM_TYPES.values()}
    seen = {"amount": 0, "not_eligible": 0, "duty": 0}
    for page in pages(client, lang):
        assert page
        for card in page:
            amounts = card["amount"]
            assert len(amounts) <= 1, card["id"]
            for amount in amounts:  # never "CNY 0", never "up to CNY 0 – …"; the certainty once, as a word
                zero = [z for z in words["zero"] if re.search(rf"(^|\s|最高\s?|up to ){re.escape(z)}(\s|$|·)", amount)]
                assert zero == [], (card["id"], amount)
                assert card["head"].count('class="certainty"') <= 1
                assert "(" not in amount.split("·")[-1]  # a word, not the long label 'Competitive ("up to")'
                seen["amount"] += 1
            if card["status"] in ("not_eligible", "not_in_force"):  # why, not an amount or a certainty
                assert amounts == [] and 'class="certainty"' not in card["head"], card["id"]
                if card["status"] == "not_eligible":
                    assert words["why_not"] in card["text"], card["id"]
                    seen["not_eligible"] += 1
            if any(card["id"].startswith(d) for d in DUTIES):
                assert card["badge"] != eligible and card["badge"] in (
                    words["applies"], words["may_apply"],
                    gettext("Does not apply on the answers given", lang)), (card["id"], card["badge"])
                if card["status"] == "eligible":  # others list their items on the program's own page
                    assert words["to_do"] in card["text"], card["id"]
                seen["duty"] += 1
            for item in re.findall(r'<div class="items[^"]*">.*?<ul>(.*?)</ul>', card["head"], re.S):
                for line in re.findall(r"<li>(.*?)</li>", item, re.S):
                    first = html.unescape(re.sub(r"<[^>]+>", "", line)).split()[0]
                    assert first not in type_words, (card["id"], line)  # no "Obligation Prohibited: …"
    assert all(seen.values()), seen


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_duty_that_applies_says_so_and_what_to_do(client, lang):
    """With "do you carry out AI research or application?" answered yes, the ethics duties apply: the card says
    "applies to you" (not "likely eligible"), lists what to do, and shows no amount."""
    data = MultiDict([*company_form("nanshan-seed-startup.json").items(),
                      ("company-engages_in_ai_research_or_application", "yes")])
    page = cards(client.post(f"/company?lang={lang}", data=data).get_data(as_text=True))
    ethics = next(c for c in page if c["id"] == "sz-ai-ethics-obligations")
    assert ethics["status"] == "eligible" and ethics["badge"] == WORDS[lang]["applies"]
    assert WORDS[lang]["to_do"] in ethics["text"] and ethics["amount"] == []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_eligible_cards_with_an_amount_come_first_and_an_open_amount_says_not_fixed(client, lang):
    words = WORDS[lang]
    for page in pages(client, lang)[:3]:
        for section in {c["section"] for c in page}:
            eligible = [c for c in page if c["section"] == section and c["status"] == "eligible"]
            with_amount = [bool(c["amount"]) and c["amount"][0] != gettext("No amount on the answers given", lang)
                           for c in eligible]
            assert with_amount == sorted(with_amount, reverse=True), [c["id"] for c in eligible]
    nanshan = pages(client, lang)[0]
    open_source = next(c for c in nanshan if c["id"] == "sz-ai-open-source-award")  # its amount has no source
    assert open_source["amount"] == [words["not_fixed"]]
    hnte = next(c for c in nanshan if c["id"] == "cn-hnte-cit-rate")  # no certificate held: a relief not priced
    assert hnte["status"] == "not_eligible" and hnte["amount"] == []  # (issue #13) and no amount on its card
    basic = next(c for c in nanshan if c["id"] == "sz-ai-basic-research")  # competitive, CNY 0 – 10,000,000
    assert basic["amount"][0].startswith({"en": "up to CNY 10,000,000", "zh": "最高 1,000万元"}[lang])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_non_cash_program_says_what_is_available_on_its_page(client, lang):
    """A recognition (专精特新 levels) shows what is available under its heading, with no amount line and no type word
    before each item, on the program's own page."""
    from tests.test_web import follow_card

    page = client.post(f"/company?lang={lang}", data=company_form("nanshan-seed-startup.json")).get_data(as_text=True)
    detail = cards(follow_card(client, page, "cn-specialized-sme-label").get_data(as_text=True))
    label = next(c for c in detail if c["id"] == "cn-specialized-sme-label")
    assert WORDS[lang]["available"] in label["text"] and label["amount"] == []
    assert gettext(ITEM_TYPES["label"], lang) + " " not in label["text"]
