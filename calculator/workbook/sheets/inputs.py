"""The Inputs sheet: what was given, as given and as read (written by ``calculator.workbook.inputs``)."""

from __future__ import annotations

from calculator.workbook.cells import Column, Sheet
from calculator.workbook.context import BookContext
from calculator.workbook.inputs import write_inputs


def columns(b: BookContext) -> list[Column]:
    return [Column(b.w("subject_code"), 14), Column(b.w("field"), 32), Column(b.w("label"), 44, "wrap"),
            Column(b.w("value_as_given"), 26), Column(b.w("reads_as"), 36, "wrap")]


def write(b: BookContext, sheet: Sheet) -> int:
    """Write the inputs; returns how many columns the widest roster row used (for the print area)."""
    return write_inputs(sheet, b.assessment.inputs, b.reporter, b.lang)
