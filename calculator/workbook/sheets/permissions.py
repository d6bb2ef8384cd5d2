"""The Permissions sheet: the benefit items (permissions and obligations) of every program."""

from __future__ import annotations

from calculator.workbook.cells import Column, Sheet
from calculator.workbook.context import BookContext
from calculator.workbook.labels import applies


def columns(b: BookContext) -> list[Column]:
    return [Column(b.w("subject"), 14, "wrap"), Column(b.w("family"), 16, "wrap"),
            Column(b.w("program"), 28, "wrap"), Column(b.w("status"), 16, "wrap"),
            Column(b.w("type"), 10), Column(b.w("item"), 70, "wrap"),
            Column(b.w("article"), 18, "wrap"), Column(b.w("applies"), 22, "wrap")]


def write(b: BookContext, sheet: Sheet) -> None:
    lang = b.lang
    for entry in b.entries:
        p = entry.doc
        for item in p["benefit"].get("items", []):
            kind = item["type_text"]
            sheet.row([entry.subject, p["family_name"], p["name"], p["status_text"], kind, item["text"],
                       item["article"], applies(item["applies"], lang)])
    if sheet.row_count == 1:
        sheet.row([b.w("no_items")], ["text"])
    sheet.finish()
