"""The batch result workbook is a deliverable: a per-client Summary whose live totals LibreOffice recalculates to
the engine's figures, a status matrix in words and colours, detail and sources, fitted and printable, in zh and en.

The example portfolio (every example company, every example person) goes through ``run_batch``; the workbooks are
recalculated by LibreOffice headless (the single-company recalculation test's helper) and read back with openpyxl.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from calculator.batch import run_batch
from calculator.batch.sheets import MONEY_COLUMNS, STATUS_FILLS, STATUSES, WAN_FORMAT, YUAN_FORMAT, sheet_name, w
from calculator.engine import STATUS
from calculator.i18n import gettext
from tests.conftest import AS_OF, EXAMPLES, example
from tests.test_api_same_answer import roster, split
from tests.test_workbook_recalc import recalculate, soffice

LANGS = ("zh", "en")
KINDS = ("companies", "people")
CENT = 0.005
PRINTED = ("summary", "matrix", "detail", "sources", "rejected")


def portfolio(kind: str) -> list[dict[str, Any]]:
    data = [example(p.name) for p in sorted(EXAMPLES.glob("*.json"))]
    if kind == "companies":
        return [d["company"] for d in data if d.get("company")]
    return [person for d in data for person in d.get("people") or []]


@pytest.fixture(scope="module")
def books(catalogue, tmp_path_factory) -> dict[str, Any]:
    """Each portfolio in each language: the batch's workbook as written, and as LibreOffice recalculated it."""
    work = tmp_path_factory.mktemp("batch-books")
    written: dict[str, Path] = {}
    for kind in KINDS:
        source = roster(work / f"{kind}.csv", portfolio(kind))
        for lang in LANGS:
            target = work / f"{kind}-{lang}.xlsx"
            summary = run_batch(catalogue, source, target, kind=kind, as_of=AS_OF, lang=lang)
            assert (summary.assessed, summary.rejected) == (len(portfolio(kind)), 0)
            written[f"{kind}-{lang}"] = target
    (work / "lo").mkdir()
    recalculated = recalculate({name: path.read_bytes() for name, path in written.items()}, work / "lo")
    return {"written": written, "recalculated": recalculated, "work": work}


def engine_rows(evaluate, kind: str, lang: str) -> list[dict[str, Any]]:
    """The engine's answer for each client of the portfolio, assessed alone (as a batch row is): its totals and
    its programs."""
    docs = []
    for profile in portfolio(kind):
        doc = evaluate({"company": profile} if kind == "companies" else {"people": [profile]}, AS_OF, lang)
        subject = doc["company"] if kind == "companies" else doc["people"][0]
        docs.append({"totals": subject["totals"], "programs": doc["programs"]})
    return docs


def summary_table(ws) -> tuple[list[Any], list[tuple], tuple]:
    rows = list(ws.iter_rows(values_only=True))
    clients = [r for r in rows[1:] if isinstance(r[0], int)]
    return list(rows[0]), clients, rows[1 + len(clients)]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_the_summary_totals_recalculate_to_the_engines_totals_per_client_summed(books, evaluate, kind, lang):
    ws = books["recalculated"][f"{kind}-{lang}"][sheet_name("summary", lang)]
    header, clients, totals = summary_table(ws)
    docs = engine_rows(evaluate, kind, lang)
    assert len(clients) == len(docs) >= 3
    assert totals[1] == w("total_text", lang)
    first = header.index(w(MONEY_COLUMNS[0], lang))
    expected = [sum(column) for column in zip(*(split(doc["totals"]) for doc in docs), strict=True)]
    shown = list(totals[first:first + len(MONEY_COLUMNS)])
    assert all(isinstance(v, int | float) for v in shown), shown  # computed by LibreOffice, not left empty
    assert shown == pytest.approx(expected, abs=CENT * len(docs))
    assert any(expected), "the portfolio has money to add up"
    # each client's row is the engine's figures for that client, and the counts by status are the engine's
    for row, doc in zip(clients, docs, strict=True):
        assert list(row[first:first + len(MONEY_COLUMNS)]) == pytest.approx(split(doc["totals"]), abs=CENT)
        for status in STATUSES:
            column = header.index(gettext(STATUS[status], lang))
            assert row[column] == sum(1 for p in doc["programs"] if p["status"] == status)
    for status in STATUSES:
        column = header.index(gettext(STATUS[status], lang))
        assert totals[column] == sum(r[column] for r in clients)


@pytest.mark.parametrize("kind", KINDS)
def test_top_programs_and_what_to_find_out_are_the_engines(books, evaluate, kind):
    lang = "en"
    ws = load_workbook(books["written"][f"{kind}-{lang}"])[sheet_name("summary", lang)]
    header, clients, _ = summary_table(ws)
    top, find_out = header.index(w("top_programs", lang)), header.index(w("find_out", lang))
    named = 0
    for row, doc in zip(clients, engine_rows(evaluate, kind, lang), strict=True):
        counted = [p for p in doc["programs"] if p["status"] == "eligible" and p["estimate"] and not p["excluded_by"]
                   and p["estimate"]["high"] > 0]  # what counts in the client's totals
        if counted:
            most = max(p["estimate"]["high"] for p in counted)
            first = row[top].splitlines()[0]
            assert any(first.startswith(p["name"] + ":") and p["estimate"]["high"] == most for p in counted), first
            assert len(row[top].splitlines()) <= 3
            named += 1
        else:
            assert row[top] is None
        needing = [p for p in doc["programs"] if p["status"] == "needs_info"]
        assert (row[find_out] is None) == (not needing)
        assert len((row[find_out] or "").splitlines()) <= 3
    assert named




@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_sheet_is_fitted_frozen_filtered_and_prints_one_page_wide(books, kind, lang):
    wb = load_workbook(books["written"][f"{kind}-{lang}"])
    names = [sheet_name(key, lang) for key in (*PRINTED, "about")]
    assert wb.sheetnames == names
    for key in PRINTED:
        ws = wb[sheet_name(key, lang)]
        assert ws.freeze_panes == "A2", key
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), key
        assert ws.print_title_rows == "$1:$1", key
        setup = ws.page_setup
        # one page wide (fitToWidth's default, 1, is left out of the file), as many pages down as needed
        assert (setup.orientation, setup.fitToWidth or 1, setup.fitToHeight) == ("landscape", 1, 0), key
        assert ws.sheet_properties.pageSetUpPr.fitToPage, key
        widths = [ws.column_dimensions[c.column_letter].width for c in ws[1]]
        assert all(width and width >= 6 for width in widths), (key, widths)
        assert ws.row_dimensions[1].height and ws.row_dimensions[1].height >= 17, key
    summary = wb[sheet_name("summary", lang)]
    header, clients, totals = summary_table(summary)
    assert summary.auto_filter.ref.endswith(str(1 + len(clients)))  # the rows, not the totals below them
    money = header.index(w("cash_high", lang)) + 1
    assert summary.cell(2, money).number_format == {"zh": WAN_FORMAT, "en": YUAN_FORMAT}[lang]
    assert summary.cell(2 + len(clients), money).number_format == {"zh": WAN_FORMAT, "en": YUAN_FORMAT}[lang]
    assert str(totals[money - 1]).startswith("=SUM(")
    top = header.index(w("top_programs", lang))
    for number, row in enumerate(clients, 2):  # a row as tall as its wrapped lines (LibreOffice does not fit them)
        lines = max(len(str(v).splitlines()) for v in (row[top], row[top + 1]))
        assert lines == 1 or summary.row_dimensions[number].height >= 17 * lines, (number, lines)


@pytest.mark.parametrize("lang", LANGS)
def test_words_are_the_readers_language_and_statuses_are_coloured_words(books, lang):
    wb = load_workbook(books["written"][f"companies-{lang}"])
    other = "en" if lang == "zh" else "zh"
    words = {gettext(STATUS[s], lang) for s in STATUSES}
    matrix = wb[sheet_name("matrix", lang)]
    cells = [c.value for row in matrix.iter_rows(min_row=2) for c in row[2:] if c.value]
    assert cells and set(cells) <= words
    assert not set(cells) & {gettext(STATUS[s], other) for s in STATUSES} - words
    headers = [c.value for ws in wb for c in ws[1] if isinstance(c.value, str)]
    for key in ("cash_low", "top_programs", "find_out"):
        assert w(key, lang) in headers
        assert w(key, other) not in headers
    # each status word has its fill: a rule over the matrix's cells, and the legend below it
    fills: dict[str, str] = {}
    for rules in matrix.conditional_formatting:
        for rule in rules.rules:
            fills[rule.formula[0].strip('"')] = rule.dxf.fill.bgColor.rgb[-6:]
    assert fills == {gettext(STATUS[s], lang): STATUS_FILLS[s].lstrip("#").upper() for s in STATUSES}
    legend = {c.value: c.fill.fgColor.rgb[-6:] for row in matrix.iter_rows() for c in row[1:2] if c.value in words}
    assert legend == fills
    assert w("legend", lang) in [c.value for c in matrix["B"]]
    detail = wb[sheet_name("detail", lang)]
    assert any(r.sqref and "E2" in str(r.sqref) for r in detail.conditional_formatting)


def test_chinese_readers_see_large_sums_in_wan_and_english_readers_in_grouped_yuan(books):
    """LibreOffice's text of the recalculated Summary, as a reader sees it (cell text as shown)."""
    shown = {}
    work = books["work"] / "shown"
    work.mkdir()
    for lang in LANGS:
        source = books["written"][f"companies-{lang}"]
        command = [soffice(), f"-env:UserInstallation={(books['work'] / 'profile-csv').as_uri()}", "--headless",
                   "--convert-to", "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true",
                   "--outdir", str(work), str(source)]
        subprocess.run(command, capture_output=True, text=True, timeout=600, check=True)
        shown[lang] = (work / source.with_suffix(".csv").name).read_text(encoding="utf-8")
    rows = {lang: list(csv.reader(io.StringIO(text))) for lang, text in shown.items()}
    zh_total = next(row for row in rows["zh"] if row[1:2] == [w("total_text", "zh")])
    en_total = next(row for row in rows["en"] if row[1:2] == [w("total_text", "en")])
    first = rows["zh"][0].index(w("cash_up_to", "zh"))
    assert re.fullmatch(r"\d+\.\d万", zh_total[first]), zh_total  # e.g. 1120.0万
    assert re.fullmatch(r"\d{1,3}(,\d{3})+", en_total[first]), en_total  # e.g. 11,200,000
