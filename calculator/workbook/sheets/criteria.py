"""The Criteria sheet: every criterion of every program, with the value given and its result (coloured)."""

from __future__ import annotations

from calculator.engine import RESULT
from calculator.i18n import gettext
from calculator.workbook.cells import Column, Sheet, Typed
from calculator.workbook.context import BAD, GOOD, MAYBE, BookContext, excel_string

RESULT_TEXT = {"met": RESULT[True], "not_met": RESULT[False], "unknown": RESULT[None]}  # by result code


def columns(b: BookContext) -> list[Column]:
    return [Column(b.w("subject"), 16, "wrap"), Column(b.w("program"), 28, "wrap"),
            Column(b.w("criterion"), 44, "wrap"), Column(b.w("requirement"), 28, "wrap"),
            Column(b.w("value_given"), 20, "wrap"), Column(b.w("result"), 10),
            Column(b.w("note"), 40, "wrap")]


def write(b: BookContext, sheet: Sheet) -> None:
    lang = b.lang
    results = {code: gettext(msgid, lang) for code, msgid in RESULT_TEXT.items()}
    row = sheet.row
    for entry in b.entries:
        p = entry.doc
        subject, name = entry.subject, p["name"]
        for c, raw in zip(p["criteria"], entry.result.criteria, strict=True):
            given = None if raw.actual is None else Typed(raw.actual, raw.unit, c["actual"], lang)  # None: empty
            row([subject, name, c["condition"], c["required"], given, results[c["result"]], c.get("note")])
    sheet.finish()
    ref = f"F2:F{max(sheet.row_count, 2)}"
    for code, fill in (("met", GOOD), ("not_met", BAD), ("unknown", MAYBE)):
        sheet.colour_when_equal(ref, excel_string(gettext(RESULT_TEXT[code], lang)), fill)
