"""The batch result workbook, streamed with openpyxl's write-only mode: memory stays flat with rows.

Sheets: Summary (rows in = assessed + rejected; per program counts and sums; per department for people),
Totals (per row, after stacking), Status matrix (row × program), Detail (per row and program: amount,
reasons, missing inputs, gaps, stacking), Rejected rows (sheet, row, column, value, message), Sources
(with the rule-table version). Every string goes through :func:`text_cell`: it is stored as text, never as
a formula, whatever it starts with.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from calculator.engine import STATUS
from calculator.i18n import N_, NC_, gettext, pgettext
from calculator.workbook.cells import clean_text

# Sheet names are in their own context: this workbook's "Summary" is a 汇总, the assessment workbook's a 摘要.
SHEETS = {
    "summary": NC_("batch workbook", "Summary"),
    "totals": NC_("batch workbook", "Totals"),
    "matrix": NC_("batch workbook", "Status matrix"),
    "detail": NC_("batch workbook", "Detail"),
    "rejected": NC_("batch workbook", "Rejected rows"),
    "sources": NC_("batch workbook", "Sources"),
}
WORDS = {
    "row": N_("Row"),
    "ref_companies": N_("Company"),
    "ref_people": N_("Person"),
    "department": N_("Department"),
    "total_low": N_("Total after stacking, low (CNY)"),
    "total_high": N_("Total after stacking, high (CNY)"),
    "total_text": N_("Total"),
    "eligible_n": N_("Eligible programs"),
    "needs_info_n": N_("Programs needing information"),
    "program": N_("Program"),
    "program_id": N_("Program id"),
    "status": N_("Status"),
    "amount": N_("Amount"),
    "low": N_("Low (CNY)"),
    "high": N_("High (CNY)"),
    "reasons": N_("Why not"),
    "missing": N_("To find out"),
    "gaps": N_("What would change it"),
    "stacking": N_("Stacking"),
    "sheet": N_("Sheet"),
    "column": N_("Column"),
    "header": N_("Header"),
    "field": N_("Field"),
    "value": N_("Value"),
    "message": N_("Message"),
    "title": N_("Batch assessment"),
    "rows_in": N_("Rows in"),
    "assessed": N_("Rows assessed"),
    "rejected": N_("Rows rejected"),
    "equation": N_("Rows in = rows assessed + rows rejected"),
    "input_file": N_("Input file"),
    "encoding": N_("Encoding"),
    "as_of": N_("Assessment date"),
    "tables_version": N_("Rule-table version"),
    "engine_version": N_("Engine version"),
    "kind": N_("Kind"),
    "kind_companies": N_("Companies"),
    "kind_people": N_("People"),
    "notes": N_("Notes"),
    "per_program": N_("Per program"),
    "per_department": N_("Per department"),
    "counted": N_("Counted after stacking"),
    "sum_low": N_("Sum low (CNY)"),
    "sum_high": N_("Sum high (CNY)"),
    "rows": N_("Rows"),
    "source_title": N_("Source"),
    "source_key": N_("Key"),
    "urls": N_("Addresses"),
    "disclaimer": N_("Disclaimer"),
    "other_departments": N_("(other departments)"),
    "no_department": N_("(no department)"),
}
BOLD = Font(bold=True)
MAX_DEPARTMENTS = 1000


def w(key: str, lang: str) -> str:
    return gettext(WORDS[key], lang)


def sheet_name(key: str, lang: str) -> str:
    return pgettext("batch workbook", SHEETS[key], lang)


class ResultWriter:
    """Append rows to each sheet as results arrive; the Summary (first sheet) is filled at :meth:`close`."""

    def __init__(self, lang: str, kind: str, programs: list[Any]) -> None:
        self.lang, self.kind, self.programs = lang, kind, programs
        self.wb = Workbook(write_only=True)
        self.ws = {key: self.wb.create_sheet(sheet_name(key, lang)) for key in SHEETS}
        for ws in self.ws.values():
            ws.freeze_panes = "A2"
        ref = w("ref_" + kind, lang)
        people = kind == "people"
        self.head("totals", [w("row", lang), ref, *([w("department", lang)] if people else []), w("total_low", lang),
                             w("total_high", lang), w("total_text", lang), w("eligible_n", lang),
                             w("needs_info_n", lang)])
        self.head("matrix", [w("row", lang), ref, *([w("department", lang)] if people else []),
                             *(f"{p.spec.name[lang]} ({p.id})" for p in programs)])
        self.head("detail", [w("row", lang), ref, w("program_id", lang), w("program", lang), w("status", lang),
                             w("amount", lang), w("low", lang), w("high", lang), w("reasons", lang),
                             w("missing", lang), w("gaps", lang), w("stacking", lang)])
        self.head("rejected", [w("sheet", lang), w("row", lang), w("column", lang), w("header", lang),
                               w("field", lang), w("value", lang), w("message", lang)])

    # --- cells ---------------------------------------------------------------------------------------
    def text_cell(self, ws: Any, value: Any, bold: bool = False) -> Any:
        """THE way a string enters this workbook: a text cell (``=…`` stays text), cleaned of control characters."""
        if value is None:
            return None
        text = value if type(value) is str else str(value)
        if not text.isprintable() or "_x" in text or len(text) > 16_000:
            text = clean_text(text, self.lang)
        if not text:
            return None
        cell = WriteOnlyCell(ws)
        cell._value = text
        cell.data_type = "s"
        if bold:
            cell.font = BOLD
        return cell

    def values(self, ws: Any, values: list[Any]) -> list[Any]:
        out = []
        for value in values:
            if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
                out.append(value)
            elif isinstance(value, Decimal):
                out.append(float(value) if value.is_finite() else None)
            elif isinstance(value, dt.date):
                out.append(value)
            else:
                out.append(self.text_cell(ws, value))
        return out

    def head(self, key: str, headers: list[str]) -> None:
        ws = self.ws[key]
        ws.append([self.text_cell(ws, h, bold=True) for h in headers])

    def row(self, key: str, values: list[Any]) -> None:
        ws = self.ws[key]
        ws.append(self.values(ws, values))

    # --- finishing -------------------------------------------------------------------------------------
    def summary(self, lines: list[tuple[str, Any]], per_program: list[list[Any]],
                per_department: list[list[Any]] | None) -> None:
        lang, ws = self.lang, self.ws["summary"]
        ws.append([self.text_cell(ws, w("title", lang), bold=True)])
        for label, value in lines:
            ws.append(self.values(ws, [label, value]))
        ws.append([])
        ws.append([self.text_cell(ws, w("per_program", lang), bold=True)])
        ws.append([self.text_cell(ws, h, bold=True) for h in (
            w("program_id", lang), w("program", lang),
            *(gettext(STATUS[s], lang) for s in ("eligible", "needs_info", "not_eligible", "not_in_force")),
            w("counted", lang), w("sum_low", lang), w("sum_high", lang))])
        for row in per_program:
            ws.append(self.values(ws, row))
        if per_department is not None:
            ws.append([])
            ws.append([self.text_cell(ws, w("per_department", lang), bold=True)])
            ws.append([self.text_cell(ws, h, bold=True) for h in (
                w("department", lang), w("rows", lang), gettext(STATUS["eligible"], lang), w("sum_low", lang),
                w("sum_high", lang))])
            for row in per_department:
                ws.append(self.values(ws, row))

    def save(self, path: Any) -> None:
        self.wb.save(path)

    def discard(self) -> None:
        """Abandon the workbook (the file turned out unusable): close each sheet's stream, delete its temp file."""
        for ws in self.wb.worksheets:
            writer = getattr(ws, "_writer", None)
            for step in (lambda ws=ws: ws._rows is not None and ws._rows.close(),
                         lambda writer=writer: writer is not None and writer.close(),
                         lambda writer=writer: writer is not None and writer.cleanup()):
                try:
                    step()
                except Exception:  # best effort: a half-written temp file is all that can be left
                    continue
