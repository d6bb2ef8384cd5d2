"""Batch reads percentages as people write them: a cell formatted as a percentage in Excel (stored as 0.75 with a
'%' number format) and "75%" in a CSV are both 75; a bare 0.75 in a percentage column is read as 0.75%, as
written, and the run says so in the reader's language; the ready examples run with no row errors."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from calculator.batch import run_batch
from calculator.batch.percent import MAX_PERCENT_NOTES
from calculator.batch.writer import sheet_name
from calculator.cli import main
from tests.conftest import AS_OF

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
# a Qianhai company: the 15% rate needs 60% or more of its income from catalogued main business (75 passes, 0.75
# does not), so the result shows which number was read
FIELDS = ["name", "zone_flags", "main_business_in_qianhai_catalogue", "qianhai_main_business_income_percent",
          "qianhai_substantive_operation", "taxable_income", "taxable_income_qianhai", "employees", "hnte_certified",
          "tax_year"]
VALUES = ["Percent Co", "qianhai", "yes", 75, "yes", 2000000, 2000000, 400, "no", 2025]
SHARE = FIELDS.index("qianhai_main_business_income_percent")


def write_csv(path: Path, share: str) -> Path:
    values = [str(v) for v in VALUES]
    values[SHARE] = share
    path.write_text(",".join(FIELDS) + "\n" + ",".join(values) + "\n", encoding="utf-8")
    return path


def write_xlsx(path: Path, share: float, number_format: str) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "companies"
    ws.append(FIELDS)
    ws.append([*VALUES[:SHARE], share, *VALUES[SHARE + 1:]])
    ws.cell(row=2, column=SHARE + 1).number_format = number_format
    wb.save(path)
    return path


def detail(path: Path, lang: str) -> list[tuple]:
    """The result's per-program lines (status, amount, reasons…), without the file-specific row number."""
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb[sheet_name("detail", lang)]
    lines = [row[1:] for row in ws.iter_rows(min_row=2, values_only=True)]
    wb.close()
    assert lines
    return lines


def run(catalogue, src: Path, tmp_path: Path, lang: str = "en"):
    out = tmp_path / f"{src.stem}-{lang}.xlsx"
    summary = run_batch(catalogue, src, out, as_of=AS_OF, lang=lang)
    assert (summary.rows_in, summary.assessed, summary.rejected) == (1, 1, 0)
    return summary, detail(out, lang)


def test_an_excel_cell_formatted_as_a_percentage_is_read_as_the_percentage_shown(catalogue, tmp_path):
    _, as_text = run(catalogue, write_csv(tmp_path / "text.csv", "75"), tmp_path)
    assert ("qianhai-cit-15", "Likely eligible") in {(line[1], line[3]) for line in as_text}
    for number_format in ("0%", "0.00%"):
        summary, formatted = run(catalogue, write_xlsx(tmp_path / "pct.xlsx", 0.75, number_format), tmp_path)
        assert formatted == as_text
        assert not any("did you mean" in note for note in summary.notes)
    _, bare = run(catalogue, write_csv(tmp_path / "bare.csv", "0.75"), tmp_path)
    assert bare != as_text  # the share decides the Qianhai rate: 75 read as 0.75 would show


def test_a_csv_cell_written_with_a_percent_sign_is_that_percentage(catalogue, tmp_path):
    _, as_number = run(catalogue, write_csv(tmp_path / "n.csv", "75"), tmp_path)
    for written in ("75%", "75 %", "75％"):
        summary, signed = run(catalogue, write_csv(tmp_path / "p.csv", written), tmp_path)
        assert signed == as_number
        assert not any("did you mean" in note for note in summary.notes)


@pytest.mark.parametrize("lang,words", [("en", "read as 0.75% — did you mean 75%?"),
                                        ("zh", "按 0.75% 读取——是否应为 75%？")])
def test_a_bare_fraction_is_read_as_written_and_marked_on_its_row(catalogue, tmp_path, lang, words):
    summary, bare = run(catalogue, write_csv(tmp_path / "bare.csv", "0.75"), tmp_path, lang)
    _, literal = run(catalogue, write_csv(tmp_path / "lit.csv", "0.75%"), tmp_path, lang)
    assert bare == literal  # accepted as 0.75%, exactly as written …
    notes = [note for note in summary.notes if words in note]
    assert len(notes) == 1  # … and said, naming the row and the column
    column = chr(ord("A") + SHARE)
    assert (f"Row 2, column {column}" if lang == "en" else f"第 2 行 {column} 列") in notes[0]
    assert "qianhai_main_business_income_percent" in notes[0]


def test_an_unformatted_excel_fraction_is_marked_too(catalogue, tmp_path):
    summary, _ = run(catalogue, write_xlsx(tmp_path / "plain.xlsx", 0.75, "General"), tmp_path)
    assert sum("did you mean 75%?" in note for note in summary.notes) == 1


def test_the_notes_are_bounded_and_the_rest_counted(catalogue, tmp_path):
    src = tmp_path / "many.csv"
    row = ",".join("0.5" if i == SHARE else str(v) for i, v in enumerate(VALUES))
    src.write_text(",".join(FIELDS) + "\n" + "\n".join([row] * (MAX_PERCENT_NOTES + 7)) + "\n", encoding="utf-8")
    summary = run_batch(catalogue, src, tmp_path / "o.xlsx", as_of=AS_OF)
    assert sum("did you mean 50%?" in note for note in summary.notes) == MAX_PERCENT_NOTES
    assert any(note.startswith("7 more cells in percentage columns") for note in summary.notes)


@pytest.mark.parametrize("name,rows", [("portfolio.csv", 3), ("staff-roster.xlsx", 10)])
def test_the_examples_run_through_incentives_batch_as_they_are(tmp_path, capsys, name, rows):
    code = main(["batch", str(EXAMPLES / name), "-o", str(tmp_path / "out.xlsx"), "--as-of", AS_OF.isoformat(),
                 "--jobs", "1"])
    out = capsys.readouterr()
    assert code == 0, out
    assert f"{rows} rows in: {rows} assessed, 0 rejected." in out.out
    assert "did you mean" not in out.err
    assert (tmp_path / "out.xlsx").stat().st_size > 0
