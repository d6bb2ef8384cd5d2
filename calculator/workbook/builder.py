"""Build the assessment workbook: Summary, Programs, Criteria, Gaps, People, Permissions, Sources, Inputs.

Everything shown comes from the assessment document (:func:`calculator.engine.report.to_document`), plus
the engine's raw values where a number or a date is better than its display text (criterion values, gaps,
inputs). Totals are live formulas: see ``docs/workbook.md``. Each sheet is written by its module in
``calculator/workbook/sheets/``; what they share is :class:`~calculator.workbook.context.BookContext`.
"""

from __future__ import annotations

from typing import Any

from calculator.engine import Assessment, Catalogue
from calculator.i18n import LANGUAGE_TAGS
from calculator.workbook.cells import Book
from calculator.workbook.context import BookContext
from calculator.workbook.labels import sheet_name
from calculator.workbook.sheets import criteria, gaps, inputs, people, permissions, programs, sources, summary


def build(catalogue: Catalogue, assessment: Assessment, doc: dict[str, Any], lang: str) -> bytes:
    """The workbook's bytes: every sheet created in reading order, then written in the order their formulas need."""
    book = Book(lang)
    b = BookContext(catalogue, assessment, doc, lang, book)
    summary_sheet = book.sheet(sheet_name("summary", lang), freeze=False, xml_rows=False)  # chart, merged cells
    programs_sheet = book.sheet(sheet_name("programs", lang), programs.columns(b))
    criteria_sheet = book.sheet(sheet_name("criteria", lang), criteria.columns(b))
    gaps_sheet = book.sheet(sheet_name("gaps", lang), gaps.columns(b))
    people_sheet = book.sheet(sheet_name("people", lang), people.columns(b)) if assessment.people else None
    permissions_sheet = book.sheet(sheet_name("permissions", lang), permissions.columns(b))
    sources_sheet = book.sheet(sheet_name("sources", lang), sources.columns(b))
    inputs_sheet = book.sheet(sheet_name("inputs", lang), inputs.columns(b))
    if people_sheet is not None:
        people.write(b, people_sheet)
    programs.write(b, programs_sheet, people_sheet)
    summary.write(b, summary_sheet, programs_sheet)
    criteria.write(b, criteria_sheet)
    gaps.write(b, gaps_sheet)
    permissions.write(b, permissions_sheet)
    sources.write(b, sources_sheet)
    roster_columns = inputs.write(b, inputs_sheet)
    for table in (programs_sheet, criteria_sheet, gaps_sheet, people_sheet, permissions_sheet, sources_sheet):
        if table is not None:
            table.print_everything()
    inputs_sheet.print_everything(max(roster_columns, len(inputs_sheet.columns)))
    book.properties(title=b.w("title"), language=LANGUAGE_TAGS[lang])
    return book.to_bytes()
