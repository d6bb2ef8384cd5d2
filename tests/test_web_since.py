"""Re-uploading a results workbook from an earlier run: the same answers assessed under today's rules, and a
"What changed since this workbook" section naming each program that moved, from what to what and why, in the
page's language (through the Flask test client, the pages production serves)."""

from __future__ import annotations

import datetime as dt
import html
import io
import re

import pytest
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from tests.test_web import company_form, zones

EXAMPLE = "nanshan-seed-startup.json"
SECTION = re.compile(r'<section class="since".*?</section>', re.S)
HEADING = {"en": "What changed since this workbook", "zh": "自此工作簿以来的变化"}


def workbook(client, lang: str, as_of: str = "") -> bytes:
    """The result workbook the results page downloads for the example company, assessed on ``as_of``."""
    form = company_form(EXAMPLE) | {"as_of": as_of}
    response = client.post(f"/company/workbook?lang={lang}", data=MultiDict([*form.items(), *zones(EXAMPLE)]))
    assert response.status_code == 200
    return response.data


def restore(client, lang: str, data: bytes) -> tuple[str, str]:
    """(the restored results page, its "what changed" section as text)."""
    response = client.post(f"/restore?lang={lang}", content_type="multipart/form-data",
                           data={"workbook": (io.BytesIO(data), "results.xlsx")})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    found = SECTION.search(page)
    assert found, "no changes section"
    return page, html.unescape(re.sub(r"<[^>]+>", " ", found.group(0)))


def edited(data: bytes, change) -> bytes:
    book = load_workbook(io.BytesIO(data))
    change(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize(("lang", "moved", "why"), [
    ("en", ["Training-Compute Voucher", "Amount moved", "CNY 1,000,000 – CNY 1,200,000 → CNY 1,200,000"],
     ["2026-05-06: Benefit row starts", "Sources: "]),
    ("zh", ["训力券", "金额变化", "100万元 – 120万元 → 120万元"], ["2026-05-06：", "来源："]),
])
def test_a_workbook_from_before_the_may_2026_rows_shows_what_moved_and_the_dated_rows_that_moved_it(
        client, lang, moved, why):
    page, section = restore(client, lang, workbook(client, lang, as_of="2026-03-01"))
    assert HEADING[lang] in section and all(words in section for words in moved), section
    sources = client.application.extensions["service"].catalogue.sources
    line = next(item for item in section.split("\n") if html.escape(sources["TV-2026"].title) in item)
    assert all(words in line for words in why), line
    assert not [key for key in sources if re.search(rf"\b{re.escape(key)}\b", section)]  # titles, never keys
    assert 'href="/changes?since=2026-03-02&amp;lang=' + lang + '"' in page
    assert "Industry AI application" in section if lang == "en" else "标杆项目" in section
    assert re.search(r'<p class="meta">[^<]*' + dt.date.today().isoformat(), page)  # assessed today, as it says
    assert len(page.encode("utf-8")) <= 61_000  # the comparison the page carries for its language switch: < 1 kB


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_workbook_of_today_moves_nothing_and_an_edited_figure_or_status_is_named(client, lang):
    data = workbook(client, lang)
    _, section = restore(client, lang, data)
    assert ("Nothing moved" if lang == "en" else "没有变化") in section

    def edit(book):  # Programs sheet: D program ID, I low (CNY), the last column the status code
        rows = {row[3].value: row for row in book.worksheets[1].iter_rows(min_row=2)}
        rows["sz-training-compute-voucher"][8].value = 900_000
        rows["cn-genai-service-filing"][-1].value = "eligible"

    _, section = restore(client, lang, edited(data, edit))
    if lang == "en":
        assert "Training-Compute Voucher" in section and "CNY 900,000 – CNY 1,200,000 → CNY 1,200,000" in section
        assert "Likely eligible → " in section and "the workbook's figure was edited" in section
    else:
        assert "训力券" in section and "90万元 – 120万元 → 120万元" in section
        assert "可能符合条件 → " in section and "工作簿中的数值被改动过" in section
    assert "Nothing moved" not in section and "没有变化" not in section


@pytest.mark.parametrize(("lang", "note"), [
    ("en", "This workbook has no Programs sheet"), ("zh", "此工作簿没有“项目”工作表")])
def test_a_workbook_without_its_programs_sheet_still_restores_the_answers_and_says_nothing_can_be_compared(
        client, lang, note):
    data = edited(workbook(client, lang), lambda book: book.remove(book.worksheets[1]))
    page, section = restore(client, lang, data)
    assert note in section and 'id="answers"' in page and 'value="nanshan"' in page


def without_status_codes(book) -> None:
    """A workbook written before the Programs sheet carried the status code (its last column)."""
    programs = book.worksheets[1]
    programs.delete_cols(programs.max_column)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_an_older_workbook_without_status_codes_is_compared_by_the_status_as_written(client, lang):
    def edit(book):
        without_status_codes(book)
        rows = {row[3].value: row for row in book.worksheets[1].iter_rows(min_row=2)}
        rows["cn-genai-service-filing"][4].value = "Likely eligible" if lang == "en" else "可能符合条件"

    data = workbook(client, lang)
    _, section = restore(client, lang, edited(data, without_status_codes))
    assert ("Nothing moved" if lang == "en" else "没有变化") in section
    _, section = restore(client, lang, edited(data, edit))
    assert ("Likely eligible → " if lang == "en" else "可能符合条件 → ") in section


@pytest.mark.parametrize(("lang", "old", "cell"), [("en", False, "X2"), ("zh", False, "Z2"), ("en", True, "E2"),
                                                   ("zh", True, "E2")])
def test_a_status_the_calculator_does_not_write_is_named_by_its_cell_and_the_answers_are_restored(client, lang, old,
                                                                                                   cell):
    def edit(book):
        if old:
            without_status_codes(book)
        book.worksheets[1][cell].value = "Probably fine"

    page, section = restore(client, lang, edited(workbook(client, lang), edit))
    assert ("Cell " if lang == "en" else "单元格 ") + cell in section and 'id="answers"' in page
    assert ("not a status this calculator writes" if lang == "en" else "不是本测算器使用的状态") in section


def test_a_programs_sheet_longer_than_the_limit_is_not_compared(client):
    def edit(book):
        programs = book.worksheets[1]
        for row in range(programs.max_row + 1, 420):
            programs.cell(row, 1, "x")

    _, section = restore(client, "en", edited(workbook(client, "en"), edit))
    assert "more than 400 rows" in section


TALENT = {"people-count": "2", "person-0-ref": "A", "person-0-identity": "hk_permanent_resident",
          "person-0-annual_gross_income": "150", "person-0-annual_gross_income__unit": "wan",
          "person-1-identity": "mainland", "person-1-degree": "phd"}


@pytest.mark.parametrize(("lang", "words"), [
    ("en", ["A", "Person 2", "Youth talent housing support", "Not in force → Needs information",
            "2026-01-01: Program in force from this day"]),
    ("zh", ["A", "员工 2", "深圳市青年人才住房支持", "不在有效期内 → 需补充信息", "2026-01-01：项目自该日起有效"]),
])
def test_a_talent_workbook_compares_each_persons_programs(client, lang, words):
    response = client.post(f"/talent/workbook?lang={lang}", data=TALENT | {"as_of": "2024-03-01"})
    assert response.status_code == 200
    page, section = restore(client, lang, response.data)
    assert all(word in section for word in words), section
    assert section.count("Youth talent housing support" if lang == "en" else "深圳市青年人才住房支持") == 2
    assert 'value="hk_permanent_resident"' in page
    today = client.post(f"/talent/workbook?lang={lang}", data=TALENT)
    _, section = restore(client, lang, today.data)
    assert ("Nothing moved" if lang == "en" else "没有变化") in section


def hidden_form(page: str) -> list[tuple[str, str]]:
    """The fields the results page's form "answers" posts: its hidden inputs and those outside it that name it."""
    fields = []
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name and 'type="hidden"' in tag:
            fields.append((name.group(1), html.unescape(value.group(1)) if value else ""))
    return fields


def section_of(page: str) -> str | None:
    found = SECTION.search(page)
    return html.unescape(re.sub(r"<[^>]+>", " ", found.group(0))) if found else None


@pytest.mark.parametrize(("lang", "other", "moved"), [
    ("en", "zh", "100万元 – 120万元 → 120万元"), ("zh", "en", "CNY 1,000,000 – CNY 1,200,000 → CNY 1,200,000")])
def test_the_language_switch_keeps_the_changes_section_while_the_answers_are_the_workbooks(client, lang, other, moved):
    page, _ = restore(client, lang, workbook(client, lang, as_of="2026-03-01"))
    fields = hidden_form(page)
    assert [name for name, _ in fields].count("since") == 1
    switched = client.post(f"/company?lang={other}", data=MultiDict(fields))
    assert switched.status_code == 200
    section = section_of(switched.get_data(as_text=True))
    assert section and HEADING[other] in section and moved in section
    back = client.post(f"/company?lang={lang}", data=MultiDict(hidden_form(switched.get_data(as_text=True))))
    assert HEADING[lang] in (section_of(back.get_data(as_text=True)) or "")
    changed = [(name, "20" if name == "company-employees" else value) for name, value in fields]
    assert ("company-employees", "20") in changed
    answered = client.post(f"/company?lang={other}", data=MultiDict(changed))
    assert section_of(answered.get_data(as_text=True)) is None  # other answers: no longer the workbook's


@pytest.mark.parametrize(("lang", "note"), [("en", "could not be carried to this page"), ("zh", "未能带到本页")])
@pytest.mark.parametrize("token", ["s1.AAAA", "v9.xyz", "s1." + "A" * 30_000, "s1.eJzLSM3JyQcABiwCFQ"])
def test_a_damaged_carried_comparison_says_so_and_the_results_stand(client, lang, note, token):
    page, _ = restore(client, lang, workbook(client, lang, as_of="2026-03-01"))
    fields = [(name, token if name == "since" else value) for name, value in hidden_form(page)]
    response = client.post(f"/company?lang={lang}", data=MultiDict(fields))
    assert response.status_code == 200
    assert note in (section_of(response.get_data(as_text=True)) or "")
    assert 'class="totals"' in response.get_data(as_text=True)
