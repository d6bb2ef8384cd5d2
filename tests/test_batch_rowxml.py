"""The large sheets' rows made as finished XML (in worker processes, ``calculator.batch.rowxml``) read back exactly as
the same values written cell by cell through XlsxWriter: value, number format, style, wrapped row height, and the
text XlsxWriter would not store exactly (formulas stay text, ``_x0041_``, carriage returns, ``<r>…</r>``)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from calculator.batch.rowxml import RowXml
from calculator.batch.writer import ResultWriter

AWKWARD: list[Any] = [
    "=1+1", "_x0041_ and _x005F_", "a\r\nb", "<r><t>x</t></r>", "<b>&amp;</b>", " leading", "trailing ", "\tTab",
    "研发中心 " * 30, "two\nlines", "x" * 40_000, "ctrl\x01char", True, Decimal("NaN"), "", dt.date(2026, 2, 3),
]


def rows(writer: ResultWriter) -> list[list[Any]]:
    """Summary rows covering every kind of value: numbers, money, counts, awkward text in every column."""
    width = len(writer.cols["summary"])
    out = [[7, "Ada", "R&D", *(Decimal("12345.675") * k for k in range(7)), 3, 2, 1, 0, "top\nthree\nlines", None]]
    for shift in range(len(AWKWARD)):
        out.append([AWKWARD[(shift + i) % len(AWKWARD)] for i in range(width)] + [2.5])  # one cell past the columns
    return out


def written(path: Path, catalogue: Any, lang: str, as_xml: bool) -> list[list[Any]]:
    programs = [p for p in catalogue.programs.values() if p.subject == "person"]
    writer = ResultWriter(lang, "people", programs)
    styles = writer.styles()
    maker = RowXml({"summary": writer.cols["summary"]}, writer.numbers, styles, lang)
    for values in rows(writer):
        if as_xml:
            writer.row_xml("summary", maker.row("summary", values))
        else:
            writer.row("summary", values)
    writer.save(path)
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [[(c.value, c.number_format, c.quotePrefix, c.alignment.wrap_text, bool(c.font.b))
             for c in row] + [ws.row_dimensions[row[0].row].height] for row in ws.iter_rows()]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rows_made_as_xml_read_back_as_the_cells_xlsxwriter_writes(catalogue, tmp_path, lang):
    by_cell = written(tmp_path / "cells.xlsx", catalogue, lang, as_xml=False)
    as_xml = written(tmp_path / "xml.xlsx", catalogue, lang, as_xml=True)
    assert as_xml == by_cell
    values = [c[0] for row in as_xml for c in row[:-1]]
    assert "=1+1" in values and "a\r\nb" in values and "<r><t>x</t></r>" in values  # stored as typed, as text
    assert any(isinstance(v, str) and v.startswith("x" * 1000) and len(v) < 40_000 for v in values)  # cut
    assert any(row[-1] and row[-1] > 30 for row in as_xml[2:])  # wrapped rows are taller
