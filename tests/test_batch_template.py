"""The batch templates as people fill them: dropdowns in the template's language, names read back like codes,
headers that fit, examples that are shown but not read, and instructions that say only what the reader does."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from calculator.app import create_app
from calculator.batch import run_batch
from calculator.batch.columns import FIELDS, KINDS
from calculator.batch.layout import LINE_POINTS, wrapped_lines
from calculator.batch.template import EXAMPLES, build_template
from calculator.batch.writer import w
from calculator.i18n.words import answer, field_label, joined
from schemas.fields import MAX_CODE_TEXT
from tests.conftest import AS_OF, example

COMPANY_EXAMPLES = ("nanshan-seed-startup.json", "futian-hightech-scaleup.json", "qianhai-hk-staff.json")
ANSWER_OF = {"yes": True, "no": False, "unknown": None, True: True, False: False, None: None}


def template(catalogue, kind: str, lang: str) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(build_template(catalogue, kind, lang)))


def code_names(book: openpyxl.Workbook, lang: str) -> dict[tuple[str, str], dict[str, str]]:
    """(question, code) → {"zh": name, "en": name}, as the template's Lists sheet shows them (its block of codes
    with their Chinese and English names and the questions, in ``lang``, that use them)."""
    lists = book.worksheets[2]
    head = [c.value for c in lists[1]]
    start = next(i for i, v in enumerate(head) if v in ("Code", "代码"))
    out: dict[tuple[str, str], dict[str, str]] = {}
    for row in lists.iter_rows(min_row=2, values_only=True):
        if row[start] is not None:
            for question in row[start + 3].split(joined(["", ""], lang)):  # the list separator of the language
                out[(question, row[start])] = {"zh": row[start + 1], "en": row[start + 2]}
    return out


def cell(meta: dict[str, Any], value: Any, lang: str | None, names: dict[tuple[str, str], dict[str, str]],
         question: str) -> Any:
    """A profile value as a person fills the template: names and answers in ``lang``, or codes when lang is None
    (``names`` from the template's Lists sheet, where ``question`` is the field's question)."""
    if meta["type"] == "TriState":
        return answer(ANSWER_OF[value], lang or "en") if lang else str(value).lower()
    if meta["type"] == "CodeList":
        if not value:
            return {"zh": "无", "en": "none", None: "none"}[lang]
        return joined([names[(question, v)][lang] if lang else v for v in value], lang or "en")
    if meta["type"] == "Code" and value is not None:
        return names[(question, value)][lang] if lang else value
    return value


def filled(catalogue, kind: str, lang: str, profiles: list[dict[str, Any]], names_lang: str | None,
           path: Path) -> Path:
    """The ``lang`` template with one data row per profile (names in ``names_lang``, or codes)."""
    book = template(catalogue, kind, lang)
    names = code_names(book, lang)
    data = book.worksheets[0]
    columns = {str(c.value).splitlines()[-1]: c.column for c in data[1]}
    fields = FIELDS[KINDS[kind]]
    for row, profile in enumerate(profiles, 2):
        for name, value in profile.items():
            data.cell(row=row, column=columns[name], value=cell(fields[name], value, names_lang, names,
                                                                        field_label(fields[name], lang)))
    book.save(path)
    return path


def result_sheets(path: Path) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(path, read_only=True)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets
            if ws.title not in ("About this batch", "批量评估说明")}  # the file's name and the run's facts


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_dropdowns_offer_the_names_in_the_templates_language_and_accept_a_code_with_a_warning(catalogue, lang):
    book = template(catalogue, "companies", lang)
    data, lists = book.worksheets[0], book.worksheets[2]
    offered: dict[str, list[str]] = {}
    for rule in data.data_validations.dataValidation:
        assert rule.errorStyle == "warning"  # a code or the other language's name may still be typed
        column = str(rule.sqref).split(":")[0].rstrip("0123456789")
        header = data[f"{column}1"].value
        source = rule.formula1.split("!")[1].replace("$", "")
        offered[header.splitlines()[-1]] = [c.value for row in lists[source] for c in row]
    nanshan = {"zh": "南山区", "en": "Nanshan"}[lang]
    assert nanshan in offered["registration_district"] and "nanshan" not in offered["registration_district"]
    assert offered["hnte_certified"] == [answer(v, lang) for v in (True, False, None)]
    assert "是" in offered["hnte_certified"] or lang == "en"
    for field, values in offered.items():
        assert len(set(values)) == len(values), field  # a name names one code


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["companies", "people"])
def test_a_template_filled_with_names_reads_without_rejections_and_assesses_like_codes(catalogue, evaluate, tmp_path,
                                                                                        lang, kind):
    """The example profiles typed into the template with the dropdowns' names (and 是/否, 无) give exactly the
    workbook the same rows typed with codes give, and the same totals as the engine for each profile."""
    if kind == "companies":
        profiles = [example(name)["company"] for name in COMPANY_EXAMPLES]
    else:
        profiles = example("hr-roster-ten.json")["people"] + example("qianhai-hk-staff.json")["people"]
    by_names = filled(catalogue, kind, lang, profiles, lang, tmp_path / "names.xlsx")
    by_codes = filled(catalogue, kind, lang, profiles, None, tmp_path / "codes.xlsx")
    rejected: list[Any] = []
    summary = run_batch(catalogue, by_names, tmp_path / "names-out.xlsx", as_of=AS_OF, lang=lang,
                        on_error=rejected.append)
    assert rejected == [] and (summary.kind, summary.assessed, summary.rejected) == (kind, len(profiles), 0)
    run_batch(catalogue, by_codes, tmp_path / "codes-out.xlsx", as_of=AS_OF, lang=lang)
    names_out, codes_out = result_sheets(tmp_path / "names-out.xlsx"), result_sheets(tmp_path / "codes-out.xlsx")
    assert names_out == codes_out
    totals = next(rows for title, rows in names_out.items() if w("cash_low", lang) in rows[0])
    columns = [totals[0].index(w(name, lang)) for name in ("cash_low", "cash_high", "tax_low", "tax_high")]
    for profile, row in zip(profiles, [r for r in totals[1:] if isinstance(r[0], int)], strict=True):
        document = evaluate({"company": profile} if kind == "companies" else {"people": [profile]})
        money = (document["company"] if kind == "companies" else document["people"][0])["totals"]
        expected = [money[kind_]["determined"][end] for kind_ in ("cash", "tax_this_year") for end in ("low", "high")]
        assert [row[c] for c in columns] == expected


def test_every_name_a_dropdown_offers_is_read_in_either_language(catalogue, tmp_path):
    """Each name of each choice, Chinese and English, in a row of its own: no row is rejected."""
    rows: list[dict[str, Any]] = []
    for lang in ("zh", "en"):
        names = code_names(template(catalogue, "companies", lang), lang)
        for name, meta in FIELDS["company"].items():
            if meta["type"] == "Code":
                rows += [{"name": f"{name} {code}", name: names[(field_label(meta, lang), code)][lang]}
                         for code in catalogue.choices[meta["table"]]]
    book = template(catalogue, "companies", "en")
    data = book.worksheets[0]
    columns = {str(c.value).splitlines()[-1]: c.column for c in data[1]}
    for index, values in enumerate(rows, 2):
        for name, value in values.items():
            data.cell(row=index, column=columns[name], value=value)
    book.save(tmp_path / "names.xlsx")
    rejected: list[Any] = []
    summary = run_batch(catalogue, tmp_path / "names.xlsx", tmp_path / "o.xlsx", as_of=AS_OF, on_error=rejected.append)
    assert [(e.row, e.field, e.value, e.message) for e in rejected] == []
    assert summary.assessed == len(rows) > 100


def test_every_name_fits_the_length_a_choice_may_have(catalogue):
    """A name is read as its code, so no name may be refused as too long (the longest is an identity's English)."""
    longest = max((name for reference in catalogue.reference.values() for names in reference.names.values()
                   for name in names.values()), key=len)
    assert len(longest) <= MAX_CODE_TEXT, longest


@pytest.mark.parametrize("kind", ["companies", "people"])
def test_examples_are_shown_on_the_instructions_sheet_not_read_and_read_when_copied(catalogue, tmp_path, kind):
    """The template as downloaded has no row to assess (its examples are on the Instructions sheet); the example
    values copied into the first sheet are read without a rejection."""
    raw = tmp_path / "as-downloaded.xlsx"
    raw.write_bytes(build_template(catalogue, kind, "zh"))
    summary = run_batch(catalogue, raw, tmp_path / "o.xlsx", as_of=AS_OF, lang="zh")
    assert (summary.rows_in, summary.assessed) == (0, 0)
    book = openpyxl.load_workbook(raw)
    data, instructions = book.worksheets[0], book.worksheets[1]
    grid = [list(r) for r in instructions.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(grid) if r[0] == "问题")
    example_columns = [i for i, v in enumerate(grid[top]) if v and "示例" in v and "不读取" in v]
    assert len(example_columns) == len(EXAMPLES[kind])
    columns = {str(c.value).splitlines()[-1]: c.column for c in data[1]}
    for offset, column in enumerate(example_columns, 2):
        for line in grid[top + 1:]:
            if line[column] is not None:
                data.cell(row=offset, column=columns[line[-1]], value=line[column])
    assert any(c.value in ("南山区", "是") for row in data.iter_rows(min_row=2) for c in row)  # names, not codes
    book.save(tmp_path / "copied.xlsx")
    rejected: list[Any] = []
    summary = run_batch(catalogue, tmp_path / "copied.xlsx", tmp_path / "o2.xlsx", as_of=AS_OF, lang="zh",
                        on_error=rejected.append)
    assert rejected == [] and (summary.assessed, summary.rejected) == (len(EXAMPLES[kind]), 0)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["companies", "people"])
def test_the_header_row_wraps_and_is_tall_enough_for_every_header(catalogue, kind, lang):
    book = template(catalogue, kind, lang)
    data = book.worksheets[0]
    height = data.row_dimensions[1].height
    for header in data[1]:
        width = data.column_dimensions[header.column_letter].width
        assert header.alignment.wrap_text and width >= 14
        question, name = header.value.splitlines()
        assert wrapped_lines(header.value, width) * LINE_POINTS <= height, header.value
        assert name in FIELDS[KINDS[kind]] and question  # the question first, the field name last
    assert data.freeze_panes == "B2"
    longest = max(data[1], key=lambda c: len(c.value))
    assert wrapped_lines(longest.value, data.column_dimensions[longest.column_letter].width) >= 3  # it does wrap


def test_the_instructions_sheet_says_what_the_reader_reads_and_the_reader_reads_it(catalogue, tmp_path):
    """Every way of writing a value the instructions name is read (money 120万 and 1.2亿, 37.5%, dates year first,
    是 / 否 / 不确定, zones by name with 、 or none / 无) and the ambiguous date they warn about is refused."""
    lines = " ".join(r[0] for r in template(catalogue, "companies", "en").worksheets[1].iter_rows(values_only=True)
                      if r[0])
    for said in ("120万", "1.2亿", "37.5%", "2020/5/1", "2020.05.01", "2020年5月1日", "2/1/2020", "不确定", "无",
                 "UTF-8 or GBK"):
        assert said in lines, said
    src = tmp_path / "forms.csv"
    src.write_text("name,revenue_latest,revenue_3y,rd_in_china_percent,founding_date,hnte_certified,zone_flags\n"
                   "A,120万,1.2亿,37.5%,2020/5/1,是,前海、河套\n"
                   "B,\"1,234,567\",1234567,37.5,2020.05.01,否,无\n"
                   "C,1234567,1234567,37.5,2020年5月1日,不确定,none\n"
                   "D,1234567,1234567,37.5,2/1/2020,unknown,\n", encoding="utf-8")
    rejected: list[Any] = []
    summary = run_batch(catalogue, src, tmp_path / "o.xlsx", kind="companies", as_of=AS_OF, on_error=rejected.append)
    assert (summary.assessed, summary.rejected) == (3, 1)
    assert [(e.row, e.field) for e in rejected] == [(5, "founding_date")]


@pytest.mark.parametrize(("lang", "sheet", "word"), [("zh", "人员", "是"), ("en", "People", "yes")])
def test_the_upload_page_offers_the_template_in_the_pages_language(lang, sheet, word):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    page = client.get(f"/batch?lang={lang}").get_data(as_text=True)
    assert f"/batch/template/people.xlsx?lang={lang}" in page
    response = client.get(f"/batch/template/people.xlsx?lang={lang}")
    assert f"people-{lang}.xlsx" in response.headers["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    assert book.sheetnames[0] == sheet
    assert word in [c.value for row in book.worksheets[2].iter_rows() for c in row]
    app.extensions["batch_jobs"].shutdown()
