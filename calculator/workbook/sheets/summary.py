"""The Summary sheet: who and when, the notes, live totals (``totals.py``), the size class and the chart."""

from __future__ import annotations

from calculator.workbook.cells import MONEY, Formula, Sheet, text_lines
from calculator.workbook.context import BookContext
from calculator.workbook.totals import TotalsWriter


def write(b: BookContext, sheet: Sheet, programs: Sheet) -> None:
    doc, ws = b.doc, sheet.ws
    widths = [34, 14, 18, 18, 18, 18, 18, 18, 14, 14]
    sheet.set_widths(widths)
    pcols = {c.header: i for i, c in enumerate(programs.columns, 1)}
    p_low, p_count = pcols[b.w("low")], pcols[b.w("counts")]
    last_col = 8

    sheet.row([b.w("title")], ["title"])
    sheet.blank()
    if doc["company"]:
        sheet.row([b.w("company"), doc["company"]["name"] or "—"], ["bold", "text"])
    else:
        sheet.row([b.w("company"), b.w("no_company")], ["bold", "text"])
    sheet.append([b.book.text(ws, b.w("people_assessed"), "bold"),
                  b.book.number(ws, len(doc["people"]), "0", "left")])
    sheet.append([b.book.text(ws, b.w("as_of"), "bold"), b.book.date(ws, doc["as_of"], "left")])
    sheet.row([b.w("tables_version"), doc["tables_version"]], ["bold", "text"])
    sheet.row([b.w("engine_version"), doc["engine_version"]], ["bold", "text"])
    if doc.get("reference_revision"):
        sheet.append([b.book.text(ws, b.w("reference_revision"), "bold"),
                      b.book.date(ws, doc["reference_revision"], "left")])
    sheet.blank()
    merged_width = sum(widths[1:last_col])
    for key, text in (("please_note", doc["disclaimer"]), ("how_totals", b.w("how_totals_text"))):
        row = sheet.row_count + 1
        sheet.set_height(row, sheet.line_height * text_lines(text, merged_width) + 4)
        sheet.append([b.book.text(ws, b.w(key), "bold"), b.book.text(ws, text, "wrap")])
        sheet.merge(row, 2, last_col)
    sheet.blank()

    TotalsWriter(b, sheet, programs).write()
    write_size_class(b, sheet)

    # Chart data: every row of the Programs sheet that counts, as live references; printed on a new page.
    sheet.page_break()
    sheet.row([b.w("chart_heading")], ["heading"])
    heads = [b.w("program"), None, b.w("low"), b.w("high")]
    sheet.header(heads)
    header_row = sheet.row_count
    counted = [e for e in b.company_entries if e.counts]
    person_ids = list(dict.fromkeys(e.doc["id"] for e in b.person_entries if e.counts))
    chart_rows = [(e.doc["name"], b.layout.program_rows[e.doc["id"]]) for e in counted]
    names = {e.doc["id"]: e.doc["name"] for e in b.person_entries}
    chart_rows += [(names[pid], b.layout.program_rows[pid]) for pid in person_ids]
    for name, prow in chart_rows:
        count = programs.ref(p_count, prow)
        sheet.row([name, None, Formula(f"=IF({count}>0,{programs.ref(p_low, prow)},0)"),
                   Formula(f"=IF({count}>0,{programs.ref(p_low + 1, prow)},0)")],
                  ["wrap", "text", "money", "money"])
    if not chart_rows:
        sheet.row([b.w("no_chart")], ["text"])
        return
    sheet.bar_chart(b.w("chart_title"), header_row, values=(3, 4), categories=1,
                    number_format=MONEY[b.lang], height_cm=max(7.5, 2.5 + 1.1 * len(chart_rows)))


def write_size_class(b: BookContext, sheet: Sheet) -> None:
    """The company's SME size class and why (an output of the document, not only a criterion's sentence)."""
    size = (b.doc["company"] or {}).get("size_class")
    if not size:
        return
    sheet.row([b.w("size_class"), size["text"] or b.w("not_classified")], ["bold", "bold"])
    row = sheet.row_count + 1
    sheet.set_height(row, sheet.line_height * text_lines(size["why"], 120) + 4)
    sheet.row([None, size["why"]], ["text", "wrap"])
    sheet.merge(row, 2, 8)
    sheet.blank()
