"""Rows written as finished XML (``calculator.workbook.xmlrows``) give the very workbook XlsxWriter writes cell by
cell: every part of the package byte for byte, and every fact openpyxl reads (``tests/workbook_cells.py``), for the
examples and a company with 50 people in both languages, and for awkward cells written directly. These tests also
hold the private XlsxWriter names the module uses (xlsxwriter pinned >=3.2,<3.4)."""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import re
from decimal import Decimal
from typing import Any

import pytest
from xlsxwriter.worksheet import Worksheet, re_dynamic_function

from benchmarks.workbook import company_with_people
from calculator.workbook import build_workbook, builder
from calculator.workbook.cells import Book, Column, Formula, Link, Typed
from calculator.workbook.xmlrows import XmlRowSheet, plain_formula
from tests.conftest import EXAMPLES, example
from tests.test_workbook import assess_raw, shared_catalogue
from tests.workbook_cells import differences, facts, parts

CASES = [*(p.name for p in sorted(EXAMPLES.glob("*.json"))), "people-50"]


@functools.cache
def assessed(name: str) -> Any:
    return assess_raw(company_with_people(50) if name == "people-50" else example(name))


def build(name: str, lang: str, xml_rows: bool, monkeypatch: pytest.MonkeyPatch) -> bytes:
    with monkeypatch.context() as patch:
        patch.setattr(builder, "Book", functools.partial(Book, xml_rows=xml_rows))
        return build_workbook(shared_catalogue(), assessed(name), lang)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", CASES)
def test_the_workbook_is_the_one_xlsxwriter_writes_cell_by_cell(name, lang, monkeypatch):
    production = build_workbook(shared_catalogue(), assessed(name), lang)
    assert differences(build(name, lang, False, monkeypatch), production) == []


def test_xlsxwriter_writes_only_the_summary_cells_itself(monkeypatch):
    """The work saved, counted rather than timed: of the 50-person workbook's ~18,600 cells XlsxWriter writes out
    only the Summary sheet's (it holds the chart, whose cached values XlsxWriter reads from its cells)."""
    written: list[str] = []
    original = Worksheet._write_cell

    def counting(ws: Worksheet, row: int, col: int, cell: Any) -> None:
        written.append(ws.get_name())
        original(ws, row, col, cell)

    monkeypatch.setattr(Worksheet, "_write_cell", counting)
    reference = build("people-50", "zh", False, monkeypatch)
    everything = len(written)
    written.clear()
    build_workbook(shared_catalogue(), assessed("people-50"), "zh")
    summary = facts(reference)["sheets"][0][0]
    assert everything > 18_000
    assert set(written) == {summary} and len(written) == parts(reference)["xl/worksheets/sheet1.xml"].count(b"<c ")


# --- awkward cells, written directly ----------------------------------------------------------------
AWKWARD: list[Any] = [
    "=1+1", "_x0041_ and _x005F_", "a\r\nb", "<r><t>x</t></r>", "<b>&amp;</b> \"quoted\"", " leading", "trailing ",
    "\tTab", "研发中心 " * 30, "two\nlines", "x" * 40_000, "ctrl\x01char", "", None, 0, -1, 2**53 + 1, 1e-20, 0.1,
    12345.675, Decimal("12345.675"), Decimal("NaN"), float("inf"), dt.date(2026, 2, 3), dt.datetime(2026, 2, 3, 4, 5),
    "2026-02-30", Typed(Decimal("0.125"), "ratio", None, "en"), Typed("2026-01-31", "date", None, "en"),
    Typed(True, None, "yes", "en"), Link("https://example.com/a?b=1&c=<2>", "Example & co"),
    Link("https://example.com/" + "x" * 3000, "too long for a link"), Link("javascript:alert(1)", "not a link"),
    Formula('=IF(A2>0,"a&b","")'), Formula("=SUMIFS($B$2:$B$9,$A$2:$A$9,\">0\")"), Formula("=SUM(B2:B3)"),
    Formula("=XLOOKUP(1,A2:A3,B2:B3)"), Formula("=FILTER(A2:A3,A2:A3>0)"), Formula("=CONCAT(A2,B2)"),
    Formula("={1,2}"), Formula("=_xlfn.STDEV.S(B2:B3)"), Formula("=A2.SINGLE(1)"),
]
KINDS = ["text", "wrap", "money", "int", "number", "wan", "link", "bold"]


def awkward_book(xml_rows: bool) -> tuple[bytes, list[Any]]:
    """A sheet of every awkward value in every kind of column (shifted row by row), plus the Sheet features that
    touch rows: heights set before and after, blank rows, a row with only a height; and a sheet written cell by
    cell with a merged row and a chart."""
    book = Book("en", xml_rows=xml_rows)
    sheet = book.sheet("Awkward", [Column(f"{kind} column", 12.0 + 4 * i, kind) for i, kind in enumerate(KINDS)])
    for shift in range(len(AWKWARD)):
        sheet.row([AWKWARD[(shift + i) % len(AWKWARD)] for i in range(len(KINDS) + 2)])  # two past the columns
    sheet.row(["2026-02-28", "2026-03-01"], ["date", "date"])  # ISO text in a date column: a date
    sheet.blank()
    sheet.set_height(sheet.row_count + 1, 40.0)  # a height given before the row is written
    sheet.row(["given before", 1])
    sheet.row(["given after", 2])
    sheet.set_height(sheet.row_count, 50.0)  # a height given after the row was written wins
    sheet.append([], 30.0)  # a height and no cells
    for points in (15.0, 15.75, 0.1):  # the default height (no height written), one pixel more, a hidden row
        sheet.append([book.text(sheet.ws, f"{points} points high")], points)
    sheet.row(["tall", "line\n" * 400])  # beyond a row's highest
    sheet.finish()
    sheet.print_everything()
    charted = book.sheet("Chart", [Column("name", 20), Column("low", 12, "money")], xml_rows=False)
    charted.row(["a", 1])
    charted.row(["b", 2])
    charted.row(["merged", "across", "three"], ["bold", "wrap", "text"])
    charted.merge(charted.row_count, 1, 3)
    charted.bar_chart("Chart", 1, values=(2,), categories=1, number_format="0", height_cm=8)
    book.properties(title="Awkward", language="en")
    return book.to_bytes(), book.wb.worksheets()


def test_awkward_cells_as_xml_rows_are_what_xlsxwriter_writes():
    reference, _ = awkward_book(xml_rows=False)
    data, sheets = awkward_book(xml_rows=True)
    assert differences(reference, data) == []
    awkward = sheets[0]
    assert isinstance(awkward, XmlRowSheet) and not isinstance(sheets[1], XmlRowSheet)
    held = [row for row, found in awkward.table.items() if found]
    assert len(awkward.xml_rows) > 20 and len(held) > 10  # both ways taken: XML rows, rows XlsxWriter keeps
    values = [c[1] for _, sheet in facts(data)["sheets"] for c in sheet["cells"]]
    assert "=1+1" in values and "a\r\nb" in values and "<r><t>x</t></r>" in values  # text stays text


def test_charts_and_merged_cells_need_a_sheet_written_cell_by_cell():
    """XlsxWriter reads a chart's cached values, and writes merged cells, from the cells it holds itself."""
    sheet = Book("en").sheet("Rows", [Column("name", 20), Column("low", 12, "money")])
    sheet.row(["a", 1])
    with pytest.raises(ValueError, match="cell by cell"):
        sheet.bar_chart("Chart", 1, values=(2,), categories=1, number_format="0", height_cm=8)
    with pytest.raises(ValueError, match="cell by cell"):
        sheet.merge(2, 1, 2)


def xlsxwriter_function_names() -> set[str]:
    """Every function name XlsxWriter rewrites or treats as a dynamic array (read from its own source)."""
    source = inspect.getsource(Worksheet._prepare_formula) + re_dynamic_function.pattern
    return set(re.findall(r"([A-Z][A-Z0-9.]*)\\\(", source)) | {"SINGLE"}


@pytest.mark.parametrize("name", sorted(xlsxwriter_function_names()))
def test_a_formula_xlsxwriter_would_change_is_never_written_as_xml(name):
    ws = Worksheet()
    ws.use_future_functions = True
    for text in (f"={name}(A1)", f"=SUM({name}(A1),1)", f"=IF(A1,x.{name}(1),2)", f'=IF(A1="{name}(",1,2)'):
        if plain_formula(text):
            assert ws._prepare_formula(text) == text[1:] and not re_dynamic_function.search(text), text


def test_the_builders_formulas_are_written_as_xml():
    for text in ('=SUMIFS($G$2:$G$9,$E$2:$E$9,$E12,$I$2:$I$9,">0")', "=COUNTIFS($A$2:$A$9,$A3)",
                 '=IF(G12="","",G12/10000)', "='People'!$G$12", "=SUM(B2:B9)+SUMIFS(C2:C9,D2:D9,\"<>\")"):
        assert plain_formula(text), text
    assert not plain_formula("SUM(A1)") and not plain_formula("=sum(A1)") and not plain_formula('=SUM(A1,"x(")')
