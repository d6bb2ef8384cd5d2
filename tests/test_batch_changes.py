"""A batch run compared with a previous batch result (``incentives batch ROSTER --since PREVIOUS.xlsx``, the upload
page's second file): the same roster run before and after the tables' May 2026 rows, and the Changes sheet of the
second run naming what moved per row and program, from → to, with the dated rows and their source titles; rows
that cannot be matched listed with why; previous workbooks that are not batch results refused, naming the sheet or
the cell, in the reader's language."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import openpyxl
import pytest

from calculator.batch import BatchFileError, PreviousRun, read_previous, run_batch, sheet_limits
from calculator.cli import main
from calculator.config import DEFAULTS
from calculator.engine import Figure
from calculator.workbook.zipcheck import SheetLimits
from tests.test_batch import wait_done

BEFORE, TODAY = dt.date(2026, 3, 1), dt.date(2026, 12, 3)
PORTFOLIO = Path("examples/portfolio.csv")
CHANGES = {"en": "Changes", "zh": "变化"}
VOUCHER = "sz-training-compute-voucher"


def sheets(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: list(ws.iter_rows(values_only=True)) for ws in wb}


def two_runs(catalogue, tmp_path: Path, lang: str, roster: Path = PORTFOLIO, previous_lang: str | None = None):
    """The roster as of BEFORE, then as of TODAY compared with it: (the second run's summary, its sheets)."""
    run_batch(catalogue, roster, tmp_path / "before.xlsx", as_of=BEFORE, lang=previous_lang or lang)
    summary = run_batch(catalogue, roster, tmp_path / "now.xlsx", as_of=TODAY, lang=lang,
                        since=tmp_path / "before.xlsx")
    return summary, sheets(tmp_path / "now.xlsx")


@pytest.mark.parametrize(("lang", "moved", "status", "why"), [
    ("en", "Amount moved", "Likely eligible", ["2026-05-06: Benefit row starts", "Sources: "]),
    ("zh", "金额变化", "可能符合条件", ["2026-05-06：", "来源："]),
])
def test_a_later_run_lists_what_moved_per_row_and_program_with_the_dated_rows_and_their_sources(
        catalogue, tmp_path, lang, moved, status, why):
    summary, book = two_runs(catalogue, tmp_path, lang)
    assert list(book)[3] == CHANGES[lang]  # after Detail, before Sources
    rows = book[CHANGES[lang]][1:]
    voucher = [row for row in rows if row[3] == VOUCHER]
    seed = next(row for row in voucher if row[1] == "Nanshan Model Lab (seed stage)")
    assert seed[0] == 2 and seed[2] == 2  # this file's row and the previous result's
    assert seed[4] == catalogue.programs[VOUCHER].spec.name[lang] and seed[5] == moved
    assert seed[6:12] == (status, 1_000_000, 1_200_000, status, 1_200_000, 1_200_000)
    assert all(words in seed[12] for words in why), seed[12]
    titles = [s.title for s in catalogue.sources.values()]
    assert any(title in seed[12] for title in titles)
    assert not [key for key in catalogue.sources if re.search(rf"\b{re.escape(key)}\b", seed[12])]  # never a key
    qianhai = next(row for row in voucher if row[1] == "Qianhai Cross-Border AI Services")
    assert qianhai[6] != qianhai[9]  # its status moved
    open_source = [row for row in rows if row[3] == "sz-ai-open-source-award"]
    assert len(open_source) == 3 and all(row[6] == ("Not in force" if lang == "en" else "不在有效期内")
                                         for row in open_source)
    note = summary.notes[-1]
    assert "2026-03-01" in note and ("3 rows compared" if lang == "en" else "比较了 3 行") in note
    about = book[list(book)[-1]]
    assert any(row[1] == note for row in about)
    assert len(rows) == sum(1 for row in rows if row[3])  # every line a program that moved: all rows matched


def test_the_same_day_moves_nothing_and_a_previous_result_in_the_other_language_is_read(catalogue, tmp_path):
    run_batch(catalogue, PORTFOLIO, tmp_path / "before.xlsx", as_of=TODAY, lang="zh")
    summary = run_batch(catalogue, PORTFOLIO, tmp_path / "now.xlsx", as_of=TODAY, lang="en",
                        since=tmp_path / "before.xlsx")
    book = sheets(tmp_path / "now.xlsx")
    assert book["Changes"][1:] == []
    assert "3 rows compared, 0 programs moved on 0 rows, 0 rows not compared" in summary.notes[-1]
    _, book = two_runs(catalogue, tmp_path, "en", previous_lang="zh")
    assert any(row[3] == VOUCHER and row[5] == "Amount moved" for row in book["Changes"][1:])


def roster(tmp_path: Path, names: list[str | None]) -> Path:
    """The portfolio with its rows renamed (``None``: no name), repeated or dropped as ``names`` says."""
    header, *lines = PORTFOLIO.read_text(encoding="utf-8").splitlines()
    by_name = {line.split(",")[0]: line.split(",", 1)[1] for line in lines}
    first = next(iter(by_name))
    out = [header]
    for name in names:
        rest = by_name.get(name or "", by_name[first])
        out.append(f"{name or ''},{rest}")
    path = tmp_path / f"roster{len(names)}.csv"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_rows_that_cannot_be_matched_are_listed_with_why(catalogue, tmp_path, lang):
    seed, futian = "Nanshan Model Lab (seed stage)", "Futian Vision Systems"
    qianhai = "Qianhai Cross-Border AI Services"
    run_batch(catalogue, roster(tmp_path, [seed, futian, qianhai, qianhai, None]), tmp_path / "before.xlsx",
              as_of=BEFORE, lang=lang)
    summary = run_batch(catalogue, roster(tmp_path, [futian, "A new company", seed, seed, qianhai]),
                        tmp_path / "now.xlsx", as_of=TODAY, lang=lang, since=tmp_path / "before.xlsx")
    rows = sheets(tmp_path / "now.xlsx")[CHANGES[lang]][1:]
    not_compared = {(row[0], row[1], row[2]): row[12] for row in rows if row[3] is None}
    words = {"en": ["No row of the previous result has this name", "also on row 4 of this file",
                    "more than one row (4, 5)", "has no name", "Row not compared"],
             "zh": ["上一次结果中没有同名的行", "本文件第 4 行也使用此名称", "有多行使用此名称（4, 5）", "此行没有名称",
                    "此行未比较"]}[lang]
    assert words[0] in not_compared[(3, "A new company", None)]
    assert words[1] in not_compared[(5, seed, 2)]
    assert words[2] in not_compared[(6, qianhai, None)]
    assert words[2] in not_compared[(None, qianhai, 4)] and words[2] in not_compared[(None, qianhai, 5)]
    assert words[3] in not_compared[(None, None, 6)]
    assert len(not_compared) == 6 and all(row[5] == words[4] for row in rows if row[3] is None)
    compared = {(row[0], row[2]) for row in rows if row[3] is not None}
    assert compared == {(4, 2), (2, 3)}  # matched by name, whatever their places: seed 2 → 4, futian 3 → 2
    assert ("2 rows compared" if lang == "en" else "比较了 2 行") in summary.notes[-1]


def test_the_people_roster_compares_each_person_by_reference(catalogue, tmp_path):
    roster_path = Path("examples/staff-roster.xlsx")
    run_batch(catalogue, roster_path, tmp_path / "before.xlsx", as_of=dt.date(2024, 3, 1), lang="en")
    summary = run_batch(catalogue, roster_path, tmp_path / "now.xlsx", as_of=TODAY, lang="en",
                        since=tmp_path / "before.xlsx")
    rows = sheets(tmp_path / "now.xlsx")["Changes"][1:]
    housing = [row for row in rows if row[3] == "sz-youth-talent-housing"]
    assert len(housing) == 10 and all(row[0] == row[2] and row[6] == "Not in force" for row in housing)
    assert all("2026-01-01: Program in force from this day" in row[12] for row in housing)
    assert "10 rows compared" in summary.notes[-1]


def edited(path: Path, change) -> Path:
    book = openpyxl.load_workbook(path)
    change(book)
    out = path.with_name("edited.xlsx")
    book.save(out)
    return out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_previous_workbooks_that_are_not_batch_results_are_refused_naming_the_sheet_or_the_cell(
        catalogue, tmp_path, lang):
    run_batch(catalogue, PORTFOLIO, tmp_path / "before.xlsx", as_of=BEFORE, lang=lang)

    def refusal(previous: Path) -> str:
        with pytest.raises(BatchFileError) as caught:
            run_batch(catalogue, PORTFOLIO, tmp_path / "never.xlsx", as_of=TODAY, lang=lang, since=previous)
        assert not (tmp_path / "never.xlsx").exists()
        return caught.value.render(lang)

    def bad_status(book):
        book.worksheets[1]["D3"].value = "Probably fine"

    not_result = {"en": "is not a batch result of this calculator", "zh": "不是本测算器的批量评估结果"}[lang]
    assert not_result in refusal(PORTFOLIO)  # the roster itself
    assert not_result in refusal(edited(tmp_path / "before.xlsx", lambda book: book.remove(book.worksheets[1])))
    message = refusal(edited(tmp_path / "before.xlsx", bad_status))
    sheet = {"en": "Status matrix", "zh": "状态矩阵"}[lang]
    assert sheet in message and "D3" in message
    assert ("not a status this calculator writes" if lang == "en" else "不是本测算器使用的状态") in message
    people = tmp_path / "people.xlsx"
    run_batch(catalogue, Path("examples/staff-roster.xlsx"), people, as_of=BEFORE, lang=lang)
    assert ("assessed people, this file companies" if lang == "en" else "评估的是人员，本文件是公司") in refusal(people)
    (tmp_path / "damaged.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    assert ("The previous result workbook: " if lang == "en" else "上一次的结果工作簿：") in refusal(
        tmp_path / "damaged.xlsx")


def test_a_previous_result_over_the_row_limit_is_refused_before_a_row_is_assessed(catalogue, tmp_path):
    run_batch(catalogue, PORTFOLIO, tmp_path / "before.xlsx", as_of=BEFORE)
    with pytest.raises(BatchFileError) as caught:
        read_previous(tmp_path / "before.xlsx", SheetLimits(rows=2), 10_000_000)
    assert caught.value.key == "previous_file" and "at most 2 data rows" in caught.value.render("en")


def test_the_previous_run_a_web_job_carries_is_the_one_read_and_a_damaged_one_is_refused(catalogue, tmp_path):
    run_batch(catalogue, PORTFOLIO, tmp_path / "before.xlsx", as_of=BEFORE)
    run = read_previous(tmp_path / "before.xlsx", SheetLimits(), 10_000_000)
    assert (run.kind, run.as_of, run.tables_version) == ("companies", BEFORE, catalogue.tables_version)
    assert next(iter(run.rows.values())).ref == "Nanshan Model Lab (seed stage)"
    again = PreviousRun.from_json(run.as_json(), 100)
    assert again == run
    assert again.earlier(again.rows[2]).figures[VOUCHER].high == 1_200_000
    with pytest.raises(ValueError):
        PreviousRun.from_json(run.as_json(), 2)  # more rows than the limit
    with pytest.raises(ValueError):
        PreviousRun.from_json(run.as_json().replace('"companies"', '"robots"'), 100)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cli_writes_the_changes_sheet(catalogue, tmp_path, capsys, lang):
    before, now = tmp_path / "before.xlsx", tmp_path / "now.xlsx"
    assert main(["batch", str(PORTFOLIO), "-o", str(before), "--as-of", BEFORE.isoformat(), "--lang", lang,
                 "--jobs", "1"]) == 0
    assert main(["batch", str(PORTFOLIO), "-o", str(now), "--as-of", TODAY.isoformat(), "--lang", lang,
                 "--jobs", "1", "--since", str(before)]) == 0
    assert ("see the Changes sheet" if lang == "en" else "详见“变化”表") in capsys.readouterr().err
    assert any(row[3] == VOUCHER for row in sheets(now)[CHANGES[lang]][1:])
    assert main(["batch", str(PORTFOLIO), "-o", str(now), "--lang", lang, "--jobs", "1", "--since",
                 str(PORTFOLIO)]) == 2


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_upload_page_takes_a_previous_result_and_the_workbook_has_the_changes_sheet(app, tmp_path, lang):
    catalogue = app.extensions["service"].catalogue
    run_batch(catalogue, PORTFOLIO, tmp_path / "before.xlsx", as_of=BEFORE, lang=lang)
    client = app.test_client()
    page = client.get(f"/batch?lang={lang}").get_data(as_text=True)
    assert 'name="previous"' in page
    response = client.post(f"/batch?lang={lang}", content_type="multipart/form-data", data={
        "file": (io.BytesIO(PORTFOLIO.read_bytes()), "portfolio.csv"), "as_of": TODAY.isoformat(),
        "previous": (io.BytesIO((tmp_path / "before.xlsx").read_bytes()), "before.xlsx")})
    assert response.status_code == 303, response.get_data(as_text=True)
    wait_done(client, response.headers["Location"])
    data = client.get(response.headers["Location"].split("?")[0] + "/download").data
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(book[CHANGES[lang]].iter_rows(values_only=True))[1:]
    assert any(row[3] == VOUCHER and row[1] == "Nanshan Model Lab (seed stage)" for row in rows)
    refused = client.post(f"/batch?lang={lang}", content_type="multipart/form-data", data={
        "file": (io.BytesIO(PORTFOLIO.read_bytes()), "portfolio.csv"),
        "previous": (io.BytesIO(PORTFOLIO.read_bytes()), "before.xlsx")})
    assert refused.status_code == 400
    assert ("is not a batch result" if lang == "en" else "不是本测算器的批量评估结果") in refused.get_data(as_text=True)


def test_the_settings_limits_apply_to_the_previous_workbook():
    assert sheet_limits(DEFAULTS).rows == DEFAULTS["BATCH_MAX_ROWS"]


def test_a_previous_row_holds_under_half_a_kilobyte_with_five_amounts():
    import tracemalloc
    from decimal import Decimal

    from calculator.batch.previous import PreviousRow

    tracemalloc.start()
    try:
        run = PreviousRun("companies", BEFORE, "v", tuple(f"program-{i}" for i in range(45)))
        for number in range(2, 5002):
            row = run.rows[number] = PreviousRow(number, f"Company number {number:06d} Limited", bytes(45))
            for program in range(5):
                row.add_amount(program, Decimal(1_000_000 + number), Decimal("1200000.5"))
        held = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert held / 5000 < 500
    assert run.earlier(run.rows[7]).figures["program-4"] == Figure("eligible", Decimal(1_000_007), Decimal("1200000.5"))


def test_worker_processes_write_the_same_changes_sheet(catalogue, tmp_path, monkeypatch):
    from calculator.batch import parallel
    from tests.test_batch_parallel import pools, roster

    path = roster(tmp_path / "people.xlsx", 60)
    run_batch(catalogue, path, tmp_path / "before.xlsx", as_of=dt.date(2024, 3, 1))
    one = run_batch(catalogue, path, tmp_path / "one.xlsx", as_of=TODAY, since=tmp_path / "before.xlsx")
    methods = pools(monkeypatch)
    two = run_batch(catalogue, path, tmp_path / "two.xlsx", as_of=TODAY, since=tmp_path / "before.xlsx",
                    processes=2)
    assert methods and parallel.CHUNK_ROWS == 5  # the rows went through worker processes
    assert one.notes[-1] == two.notes[-1] and f"{one.assessed} rows compared" in one.notes[-1]
    changes = sheets(tmp_path / "one.xlsx")["Changes"]
    assert changes == sheets(tmp_path / "two.xlsx")["Changes"] and len(changes) > 60
