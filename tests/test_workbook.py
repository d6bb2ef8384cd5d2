"""The assessment workbook, read back with openpyxl: every sheet against the engine's JSON document.

The LibreOffice recalculation of the formulas is in ``test_workbook_recalc.py``; file names, headers and
the CLI in ``test_workbook_files.py``.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from openpyxl import load_workbook

from calculator.engine import assess, load_catalogue
from calculator.engine.model import Assessment
from calculator.engine.report import to_document
from calculator.engine.report_words import FAMILY_NAMES
from calculator.engine.texts import MONEY_KINDS, RESULT, STATUS
from calculator.i18n import gettext
from calculator.workbook import build_workbook, read_inputs
from calculator.workbook.labels import sheet_name
from calculator.workbook.labels import word as word_of
from schemas.profile import AssessmentInputSchema
from tests.conftest import AS_OF, EXAMPLES, example

EXAMPLE_NAMES = sorted(p.name for p in EXAMPLES.glob("*.json"))
LANGS = ("zh", "en")
RESULT_TEXT = {"met": RESULT[True], "not_met": RESULT[False], "unknown": RESULT[None]}
INJECTIONS = ['=HYPERLINK("http://x","click")', "+1+1", "-2", "@SUM(A1)", "\tTabbed Ltd", "\rReturned Ltd",
              "=1+1", "#N/A", "'quoted", "<r><t>rich-text XML</t></r>"]


# --- helpers shared with the other workbook test files ----------------------------------------------
@cache
def shared_catalogue():
    return load_catalogue()


def assess_raw(data: dict[str, Any], as_of: dt.date = AS_OF) -> Assessment:
    catalogue = shared_catalogue()
    return assess(catalogue, AssessmentInputSchema(choices=catalogue.choices).load(data), as_of)


@cache
def built(name: str, lang: str) -> tuple[Assessment, dict[str, Any], bytes]:
    """An example assessed, its document and its workbook (built once per test session)."""
    assessment = assess_raw(example(name))
    doc = to_document(shared_catalogue(), assessment, lang)
    return assessment, doc, build_workbook(shared_catalogue(), assessment, lang)


def open_book(data: bytes, **kwargs: Any):
    return load_workbook(io.BytesIO(data), **kwargs)


def sheet(wb, key: str, lang: str):
    return wb[sheet_name(key, lang)]


def word(key: str, lang: str) -> str:
    return word_of(key, lang)


def header(ws) -> dict[str, int]:
    """Column numbers by header text (row 1)."""
    return {c.value: c.column for c in ws[1] if c.value is not None}


def table_rows(ws, first_blank_ends: bool = True) -> list[tuple]:
    """The rows of the table that starts at row 1 (until the first empty row)."""
    rows = []
    for row in ws.iter_rows(min_row=2):
        if all(c.value is None for c in row):
            if first_blank_ends:
                break
            continue
        rows.append(row)
    return rows


def find_row(ws, column: int, value: Any, start: int = 1) -> int:
    for row in ws.iter_rows(min_row=start, min_col=column, max_col=column):
        if row[0].value == value:
            return row[0].row
    raise AssertionError(f"{value!r} not found in column {column} of {ws.title}")


def summary_family_rows(ws, lang: str) -> dict[str, int]:
    start = find_row(ws, 1, word("family", lang))
    return {family: find_row(ws, 1, gettext(FAMILY_NAMES[family], lang), start) for family in FAMILY_NAMES}


def summary_kind_rows(ws, lang: str) -> dict[str, int]:
    start = find_row(ws, 1, word("money_kind", lang))
    return {kind: find_row(ws, 1, gettext(MONEY_KINDS[kind], lang), start) for kind in ("cash", "tax_this_year")}


def summary_side_rows(ws, lang: str) -> dict[str, int]:
    start = find_row(ws, 1, word("beside_what", lang))
    return {side: find_row(ws, 1, word(side, lang), start) for side in ("later_years", "if_certified")}


def subject_of(program: dict[str, Any], lang: str) -> str:
    if program["subject"] == "company":
        return word("company", lang)
    return program["person_ref"] or word_of("person", lang).format(n=program["person"] + 1)


def counts(program: dict[str, Any]) -> bool:
    """What the engine's totals count, restated from the document (contract: docs/contract.md)."""
    return program["status"] == "eligible" and not program["excluded_by"] and program["estimate"] is not None


# --- sheets and summary -----------------------------------------------------------------------------
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_sheets_are_named_in_the_chosen_language(name, lang):
    _, doc, data = built(name, lang)
    wb = open_book(data)
    expected = [sheet_name(k, lang) for k in ("summary", "programs", "criteria", "gaps", "people", "permissions",
                                          "sources", "inputs") if k != "people" or doc["people"]]
    assert wb.sheetnames == expected


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_summary_says_who_when_which_tables_and_the_disclaimer(name, lang):
    _, doc, data = built(name, lang)
    ws = sheet(open_book(data), "summary", lang)
    values = {row[0].value: row[1] for row in ws.iter_rows(max_col=2) if row[0].value}
    company = values[word("company", lang)].value
    assert company == (doc["company"]["name"] if doc["company"] else word("no_company", lang))
    assert values[word("people_assessed", lang)].value == len(doc["people"])
    as_of = values[word("as_of", lang)]
    assert as_of.is_date and as_of.value.date() == dt.date.fromisoformat(doc["as_of"])
    assert values[word("tables_version", lang)].value == doc["tables_version"]
    assert values[word("please_note", lang)].value == doc["disclaimer"]
    assert ("竞争性" if lang == "zh" else "Competitive programs are \"up to\"") in doc["disclaimer"]
    rows = summary_family_rows(ws, lang)
    for family, row in rows.items():
        total = doc["totals"]["by_family"][family]
        assert ws.cell(row, 2).value.startswith("=SUMIFS(")  # live formulas, not copied numbers
        assert all(ws.cell(row, col).value.startswith("=SUMIFS(") for col in range(3, 9))
        assert ws.cell(row, 9).value == total["cash"]["unknown_amounts"] + total["tax_this_year"]["unknown_amounts"]
        assert ws.cell(row, 10).value == total["needs_info"]
    for kind, row in summary_kind_rows(ws, lang).items():  # cash and this year's tax: one row each, never added
        assert all(ws.cell(row, col).value.startswith("=SUMIFS(") for col in (2, 3, 4, 5))
        assert ws.cell(row, 6).value == doc["totals"][kind]["unknown_amounts"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_summary_gives_the_sme_size_class_and_why(lang):
    _, doc, data = built("nanshan-seed-startup.json", lang)
    ws = sheet(open_book(data), "summary", lang)
    row = find_row(ws, 1, word("size_class", lang))
    size = doc["company"]["size_class"]
    assert ws.cell(row, 2).value == size["text"] and ws.cell(row + 1, 2).value == size["why"]


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_the_summary_has_a_bar_chart_of_support_by_program(name):
    for lang in LANGS:
        _, doc, data = built(name, lang)
        ws = sheet(open_book(data), "summary", lang)
        assert len(ws._charts) == 1
        chart = ws._charts[0]
        assert chart.tagname == "barChart" and len(chart.series) == 2
        refs = chart.series[0].val.numRef.f
        assert refs.startswith(f"'{sheet_name('summary', lang)}'!$C$")
        numbers = [int(n) for n in re.findall(r"\$(\d+)", refs)]  # one cell, or a range
        first, last = numbers[0], numbers[-1]
        counted_ids = {p["id"] for p in doc["programs"] if counts(p)}
        assert last - first + 1 == len(counted_ids)  # one bar pair per program that counts
        names = {ws.cell(r, 1).value for r in range(first, last + 1)}
        assert names == {p["name"] for p in doc["programs"] if counts(p)}
        assert any(n.startswith("xl/charts/chart") for n in zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_when_nothing_counts_there_is_no_empty_chart_but_a_note():
    assessment = assess_raw({"company": {"name": "Early Days Ltd"}})
    wb = open_book(build_workbook(shared_catalogue(), assessment, "en"))
    ws = sheet(wb, "summary", "en")
    assert ws._charts == []
    assert find_row(ws, 1, word("no_chart", "en"))


# --- programs ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_programs_sheet_has_every_company_program_as_in_the_document(name, lang):
    assessment, doc, data = built(name, lang)
    ws = sheet(open_book(data), "programs", lang)
    cols = header(ws)
    rows = {r[cols[word("program_id", lang)] - 1].value: r for r in table_rows(ws)}
    company = [p for p in doc["programs"] if p["subject"] == "company"]
    person_ids = list(dict.fromkeys(p["id"] for p in doc["programs"] if p["subject"] == "person"))
    assert len(rows) == len(company) + len(person_ids)
    engine = {r.id: r for r in (assessment.company.results if assessment.company else [])}
    money_format = "¥" if lang == "zh" else "CNY"
    for p in company:
        row = rows[p["id"]]

        def value(key: str, row=row) -> Any:
            return row[cols[word(key, lang)] - 1].value

        assert value("program") == p["name"] and value("family") == p["family_name"]
        assert value("status") == p["status_text"] and value("certainty") == p["certainty_text"]
        assert value("amount") == p["amount"]
        low, high = row[cols[word("low", lang)] - 1], row[cols[word("high", lang)] - 1]
        if p["estimate"] is None:
            assert low.value is None and high.value is None
        else:
            assert (low.value, high.value) == (p["estimate"]["low"], p["estimate"]["high"])
            assert low.data_type == "n" and money_format in low.number_format
        assert value("counts") == (1 if counts(p) else 0) == (1 if engine[p["id"]].counts_in_totals else 0)
        if p["excluded_by"]:
            assert value("excluded").startswith(p["excluded_by"]["text"])
        for flag in p["flags"]:
            assert flag["text"] in value("flags")
        assert value("window") == p["window"]["text"]
        if p["official_text"]:
            assert row[cols[word("official_text", lang)] - 1].hyperlink.target == p["official_text"]
        if lang == "zh":
            wan = row[cols[word("low_wan", lang)] - 1].value
            assert wan.startswith("=IF(") and wan.endswith("/10000)")
        else:
            assert word("low_wan", "en") not in cols  # the 万元 columns are for Chinese readers
    for pid in person_ids:  # one row per people's program, fed by the People sheet's totals
        row = rows[pid]
        assert row[cols[word("low", lang)] - 1].value.startswith(f"='{sheet_name('people', lang)}'!$G$")
        assert row[cols[word("counts", lang)] - 1].value.startswith(f"='{sheet_name('people', lang)}'!$F$")


def test_stacking_exclusion_is_shown_with_what_was_taken_instead():
    _, doc, data = built("qianhai-hk-staff.json", "en")
    ws = sheet(open_book(data), "people", "en")
    cols = header(ws)
    excluded = [p for p in doc["programs"] if p["excluded_by"]]
    assert excluded, "the Qianhai example has a choose-one exclusion"
    for p in excluded:
        row = next(r for r in table_rows(ws) if r[cols["Program ID"] - 1].value == p["id"]
                   and r[0].value == p["person"] + 1)
        assert row[cols["Excluded by stacking"] - 1].value == p["excluded_by"]["text"]
        assert row[cols["Counted in totals (1 = yes)"] - 1].value == 0


@pytest.mark.parametrize("lang", LANGS)
def test_dates_are_dates_and_money_is_numbers_never_text(lang):
    _, _, data = built("qianhai-hk-staff.json", lang)
    wb = open_book(data)
    number = re.compile(r"[-+]?[\d,，]+(\.\d+)?%?")
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and not cell.value.startswith("="):
                    assert not number.fullmatch(cell.value.strip()), f"number stored as text in {ws.title}!{cell}"
    programs = sheet(wb, "programs", lang)
    cols = header(programs)
    dates = [r[cols[word("closes", lang)] - 1] for r in table_rows(programs) if r[cols[word("closes", lang)] - 1].value]
    assert dates and all(c.is_date and isinstance(c.value, dt.datetime) for c in dates)
    inputs = sheet(wb, "inputs", lang)
    founding = next(r for r in inputs.iter_rows() if r[1].value == "founding_date")
    assert founding[3].is_date and founding[3].value.date() == dt.date(2021, 4, 20)
    revenue = next(r for r in inputs.iter_rows() if r[1].value == "revenue_3y")
    assert revenue[3].value == 95_000_000 and revenue[3].data_type == "n"


# --- criteria, gaps, permissions, sources -----------------------------------------------------------
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_criteria_sheet_has_one_row_per_criterion_per_program(name, lang):
    _, doc, data = built(name, lang)
    ws = sheet(open_book(data), "criteria", lang)
    rows = table_rows(ws)
    expected = [(subject_of(p, lang), p["name"], c) for p in doc["programs"] for c in p["criteria"]]
    assert len(rows) == len(expected)
    for row, (subject, program, criterion) in zip(rows, expected, strict=True):
        assert row[0].value == subject and row[1].value == program
        assert row[2].value == criterion["condition"] and row[3].value == criterion["required"]
        assert row[5].value == gettext(RESULT_TEXT[criterion["result"]], lang)


def test_criteria_values_keep_their_type():
    _, doc, data = built("futian-hightech-scaleup.json", "en")
    ws = sheet(open_book(data), "criteria", "en")
    by_condition = {(r[1].value, r[2].value): r for r in table_rows(ws)}
    typed = 0
    for p in doc["programs"]:
        for c in p["criteria"]:
            cell = by_condition[(p["name"], c["condition"])][4]
            if c["actual"].startswith("CNY "):  # money given: a number in CNY format
                assert cell.data_type == "n" and "CNY" in cell.number_format
                assert cell.value == float(Decimal(c["actual"][4:].replace(",", "")))
                typed += 1
            elif c["actual"] == "not given":
                assert cell.value is None
    assert typed >= 3


@pytest.mark.parametrize("lang", LANGS)
def test_gaps_sheet_prices_the_near_miss(lang):
    _, doc, data = built("qianhai-hk-staff.json", lang)
    ws = sheet(open_book(data), "gaps", lang)
    gaps = [(p, g, c) for p in doc["programs"] for checks in ([p], [p["self_check"]] if p["self_check"] else [])
            for c in checks for g in c["gaps"]]
    rows = table_rows(ws)
    assert len(rows) == len(gaps) >= 1
    for row, (p, g, check) in zip(rows, gaps, strict=True):
        assert row[1].value == p["name"]
        condition = next(c["condition"] for c in check["criteria"] if c["id"] == g["criterion"])
        assert row[2].value == (condition if check is p else f"{check['title']}{'：' if lang == 'zh' else ': '}"
                                                               f"{condition}")
        assert row[3].value == g["input_label"]
        assert (row[4].value, row[5].value, row[6].value) == (g["current"], g["required"], g["change"])
        assert all(c.data_type == "n" for c in row[4:7])
        assert row[7].value == g["unlocks"]["low"] and row[8].value == g["unlocks"]["high"]
        assert row[10].value == g["text"]
    # The README's worked example, now a gap of the recognition self-check: its unlock is the if-certified figure,
    # labelled so, never the program's amount.
    hnte = next(r for r in rows if r[4].value == 4_200_000)
    assert hnte[6].value == 550_000 and hnte[7].value == 200_000
    assert hnte[9].value.startswith(word("if_certified", lang))


def test_gaps_sheet_says_so_when_there_are_none():
    _, doc, data = built("hr-roster-ten.json", "en")
    assert not any(p["gaps"] for p in doc["programs"])
    ws = sheet(open_book(data), "gaps", "en")
    assert ws.cell(2, 1).value == word("no_gaps", "en")


@pytest.mark.parametrize("lang", LANGS)
def test_permissions_and_obligations_with_their_articles(lang):
    _, doc, data = built("qianhai-hk-staff.json", lang)
    ws = sheet(open_book(data), "permissions", lang)
    items = [(p, i) for p in doc["programs"] for i in p["benefit"].get("items", [])]
    rows = table_rows(ws)
    assert len(rows) == len(items) > 10
    for row, (p, item) in zip(rows, items, strict=True):
        assert row[2].value == p["name"] and row[5].value == item["text"] and row[6].value == item["article"]
    assert any(r[6].value == "Art. 72(1)" for r in rows)


@pytest.mark.parametrize("lang", LANGS)
def test_sources_with_clickable_addresses(lang):
    _, doc, data = built("futian-hightech-scaleup.json", lang)
    ws = sheet(open_book(data), "sources", lang)
    rows = {r[1].value: r for r in table_rows(ws)}
    cited = {s["title"]: s for p in doc["programs"] for s in p["sources"]}
    assert set(rows) == set(cited)
    assert [r[0].value for r in table_rows(ws)] == list(range(1, len(cited) + 1))  # numbered, not keyed
    for key, source in cited.items():
        row = rows[key]
        assert row[2].value == source["quality_text"]  # official text / official release / secondary summary
        assert not any(source["key"] == c.value for c in row)
        if source["urls"]:
            assert row[3].hyperlink.target == source["urls"][0] and row[3].value == source["urls"][0]
        elif source["github"]:
            assert row[3].hyperlink.target.startswith(f"https://github.com/{source['github'][0]['repository']}/")


# --- people -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["hr-roster-ten.json", "qianhai-hk-staff.json"])
@pytest.mark.parametrize("lang", LANGS)
def test_people_sheet_one_row_per_person_and_program_then_totals(name, lang):
    _, doc, data = built(name, lang)
    ws = sheet(open_book(data), "people", lang)
    cols = header(ws)
    person_programs = [p for p in doc["programs"] if p["subject"] == "person"]
    rows = table_rows(ws)
    assert len(rows) == len(person_programs)
    for row, p in zip(rows, person_programs, strict=True):
        assert row[0].value == p["person"] + 1
        assert row[1].value == (p["person_ref"] or word_of("person", lang).format(n=p["person"] + 1))
        assert row[2].value == doc["people"][p["person"]]["department"]
        assert row[cols[word("program_id", lang)] - 1].value == p["id"]
        assert row[cols[word("status", lang)] - 1].value == p["status_text"]
        low = row[cols[word("low", lang)] - 1].value
        assert low == (p["estimate"]["low"] if p["estimate"] else None)
        assert row[cols[word("counts_person", lang)] - 1].value == (1 if counts(p) else 0)
    per_program = find_row(ws, 1, word("per_program", lang))
    per_person = find_row(ws, 1, word("per_person", lang))
    ids = list(dict.fromkeys(p["id"] for p in person_programs))
    block = [ws.cell(r, 5).value for r in range(per_program + 2, per_program + 2 + len(ids))]
    assert block == ids
    assert ws.cell(per_program + 2, 7).value.startswith("=SUMIFS(")
    # per person, cash and this year's tax are summed apart (never one mixed total)
    kinds = [gettext(MONEY_KINDS[k], lang) for k in ("cash", "tax_this_year")]
    rows = range(per_person + 2, per_person + 2 + 2 * len(doc["people"]))
    assert [(ws.cell(r, 1).value, ws.cell(r, 12).value) for r in rows] == [
        (i + 1, kind) for i in range(len(doc["people"])) for kind in kinds]


# --- inputs -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_the_inputs_sheet_reproduces_the_result(name, lang):
    """Read the profile back from the workbook, assess it again: the very same document."""
    _, doc, data = built(name, lang)
    profile = read_inputs(data)
    again = to_document(shared_catalogue(), assess_raw(profile, dt.date.fromisoformat(doc["as_of"])), lang)
    assert again == doc


def test_inputs_keep_an_empty_zone_list_apart_from_an_unanswered_one():
    _, _, data = built("futian-hightech-scaleup.json", "zh")
    assert read_inputs(data)["company"]["zone_flags"] == []
    raw = example("futian-hightech-scaleup.json")
    del raw["company"]["zone_flags"]
    profile = read_inputs(build_workbook(shared_catalogue(), assess_raw(raw), "zh"))
    assert "zone_flags" not in profile["company"]


def test_reading_inputs_refuses_what_is_not_a_workbook_or_expands_too_much():
    with pytest.raises(ValueError, match="zip"):
        read_inputs(b"not a zip file")
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b" " * 20_000_000)
    with pytest.raises(ValueError, match="too much"):
        read_inputs(bomb.getvalue())


# --- layout -----------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGS)
def test_tables_have_frozen_headers_filters_widths_and_landscape_fit_to_width(lang):
    _, _, data = built("qianhai-hk-staff.json", lang)
    wb = open_book(data)
    for ws in wb.worksheets:
        setup = ws.page_setup
        # fitToWidth left out means 1 (ECMA-376's default), which is how XlsxWriter writes it
        assert setup.orientation == "landscape" and (setup.fitToWidth or 1) == 1 and setup.fitToHeight == 0
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        if ws.title == sheet_name("summary", lang):
            continue
        assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
        assert ws.auto_filter.ref.startswith("A1:")
        assert all(ws.column_dimensions[c.column_letter].width >= 6 for c in ws[1] if c.value)
        assert all(c.font.b and c.alignment.wrap_text for c in ws[1] if c.value)
    criteria = sheet(wb, "criteria", lang)
    long_row = next(r for r in table_rows(criteria) if len(r[2].value) > 60)
    assert long_row[2].alignment.wrap_text
    assert criteria.row_dimensions[long_row[0].row].height > 20  # tall enough for the wrapped lines


# --- safety of text -----------------------------------------------------------------------------------
def hostile_assessment(name: str, people: list[dict[str, Any]] | None = None) -> Assessment:
    """An assessment whose company name and people are as hostile as a caller can make them.

    Built from an already validated profile, as the API or batch mode might pass it (the schema strips
    control characters, but the workbook must not rely on that).
    """
    profile = example("qianhai-hk-staff.json")
    profile["company"].pop("name")
    catalogue = shared_catalogue()
    loaded = AssessmentInputSchema(choices=catalogue.choices).load(profile)
    loaded["company"]["name"] = name
    if people is not None:
        for person, extra in zip(loaded["people"], people, strict=False):
            person.update(extra)
    return assess(catalogue, loaded, AS_OF)


@pytest.mark.parametrize("text", INJECTIONS)
def test_formula_like_names_are_stored_and_read_back_as_exactly_that_text(text):
    people = [{"ref": text, "department": text}]
    assessment = hostile_assessment(text, people)
    for lang in LANGS:
        wb = open_book(build_workbook(shared_catalogue(), assessment, lang))
        summary = sheet(wb, "summary", lang)
        name_cell = summary.cell(find_row(summary, 1, word("company", lang)), 2)
        cells = [name_cell]
        people_ws = sheet(wb, "people", lang)
        cells += [people_ws.cell(2, 2), people_ws.cell(2, 3)]
        criteria = sheet(wb, "criteria", lang)
        cells += [next(r[0] for r in table_rows(criteria) if r[0].value == text)]
        inputs = sheet(wb, "inputs", lang)
        cells += [next(r[3] for r in inputs.iter_rows() if r[1].value == "name")]
        for cell in cells:
            assert cell.value == text and cell.data_type == "s", (cell.parent.title, cell.coordinate)
            assert cell.quotePrefix  # stays text when someone re-edits the cell
        assert read_inputs(build_workbook(shared_catalogue(), assessment, lang))["company"]["name"] == text


def test_no_user_text_becomes_a_formula_anywhere():
    assessment = hostile_assessment('=HYPERLINK("http://x","click")', [{"ref": "=1+1", "department": "@SUM(A1)"}])
    wb = open_book(build_workbook(shared_catalogue(), assessment, "en"))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    live = r"=(SUMIFS|COUNTIFS|SUM|COUNT|IF)\(|='[^']+'!\$[A-Z]+\$\d+$"
                    assert re.match(live, cell.value), cell.value
                    assert "HYPERLINK" not in cell.value and "A1)" not in cell.value


def test_control_characters_are_removed_and_overlong_text_is_cut_with_a_note():
    long_department = "研发" * 20_000  # 40,000 characters
    assessment = hostile_assessment("Acme\x00 Ltd\x07\x1b", [{"department": long_department}])
    for lang in LANGS:
        data = build_workbook(shared_catalogue(), assessment, lang)
        wb = open_book(data)
        summary = sheet(wb, "summary", lang)
        assert summary.cell(find_row(summary, 1, word("company", lang)), 2).value == "Acme Ltd"
        cell = sheet(wb, "people", lang).cell(2, 3)
        assert len(cell.value.encode("utf-16-le")) // 2 <= 32_767
        assert cell.value.startswith("研发研发")
        note = "已截断" if lang == "zh" else "cut"
        assert note in cell.value[-80:] and "40,000" in cell.value[-80:]


def test_text_that_looks_like_an_excel_escape_is_kept_literal():
    assessment = hostile_assessment("Acme_x0041_Ltd")
    data = build_workbook(shared_catalogue(), assessment, "en")
    package = zipfile.ZipFile(io.BytesIO(data))
    text_xml = "".join(package.read(n).decode() for n in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"))
    assert "Acme_x005F_x0041_Ltd" in text_xml  # Excel would otherwise show "AcmeALtd"
    assert read_inputs(data)["company"]["name"] == "Acme_x0041_Ltd"


def test_the_builder_does_not_import_flask():
    import subprocess
    import sys

    code = "import sys, calculator.workbook, calculator.cli; assert 'flask' not in sys.modules, 'flask imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_status_names_are_the_engines_in_chinese():
    _, doc, data = built("nanshan-seed-startup.json", "zh")
    ws = sheet(open_book(data), "programs", "zh")
    statuses = [r[header(ws)["状态"] - 1].value for r in table_rows(ws)]
    assert statuses == [gettext(STATUS[p["status"]], "zh") for p in doc["programs"]]
    assert "可能符合条件" in statuses and "按所填信息暂不符合" in statuses
