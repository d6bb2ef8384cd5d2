"""The batch result workbook, streamed with XlsxWriter's constant_memory mode: memory stays flat with rows.

Sheets: Summary (rows in = assessed + rejected; per program counts and sums; per department for people),
Totals (per row, after stacking), Status matrix (row × program), Detail (per row and program: amount,
reasons, missing inputs, gaps, stacking), Rejected rows (sheet, row, column, value, message), Sources
(with the rule-table version). Every string goes through :meth:`ResultWriter.text`: it is stored as text,
never as a formula, whatever it starts with, and text starting like a formula (``= + - @``, a tab or a
carriage return) carries Excel's quote prefix so that editing the cell does not make it live. Rows go to
temporary files in a private directory (XlsxWriter's ``tmpdir``), removed after saving or discarding.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from calculator.engine import STATUS
from calculator.i18n import N_, NC_, gettext, pgettext
from calculator.workbook.cells import DATE, clean_text
from calculator.workbook.verbatim import Verbatim, needs_verbatim

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
    "cash_low": N_("Cash, determined, low (CNY)"),
    "cash_high": N_("Cash, determined, high (CNY)"),
    "cash_up_to": N_("Cash, up to (CNY)"),
    "tax_low": N_("Tax saved this year, determined, low (CNY)"),
    "tax_high": N_("Tax saved this year, determined, high (CNY)"),
    "tax_up_to": N_("Tax saved this year, up to (CNY)"),
    "later_years": N_("Later years, up to (CNY; not added)"),
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
    "source_quality": N_("What the source is"),
    "urls": N_("Addresses"),
    "disclaimer": N_("Disclaimer"),
    "other_departments": N_("(other departments)"),
    "no_department": N_("(no department)"),
}
MAX_DEPARTMENTS = 1000
FORMULA_LIKE = ("=", "+", "-", "@", "\t", "\r")  # OWASP's dangerous first characters
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False}


# The money columns of a row's totals (and a department's): cash and this year's tax apart, each determined and
# "up to"; later years beside them (calculator.engine.totals computes them; nothing here adds money).
MONEY_COLUMNS = ("cash_low", "cash_high", "cash_up_to", "tax_low", "tax_high", "tax_up_to", "later_years")


def w(key: str, lang: str) -> str:
    return gettext(WORDS[key], lang)


def sheet_name(key: str, lang: str) -> str:
    return pgettext("batch workbook", SHEETS[key], lang)


class ResultWriter:
    """Append rows to each sheet as results arrive; the Summary (first sheet) is filled at :meth:`close`."""

    def __init__(self, lang: str, kind: str, programs: list[Any], scratch: Path | None = None) -> None:
        """``scratch``: the folder that holds the private directory of temporary files (a batch job's own folder,
        so the files go with it whatever stops the job); default the system's temporary folder."""
        self.lang, self.kind, self.programs = lang, kind, programs
        self.verbatim = Verbatim()
        self._open([sheet_name(key, lang) for key in SHEETS], scratch)
        ref = w("ref_" + kind, lang)
        people = kind == "people"
        self.head("totals", [w("row", lang), ref, *([w("department", lang)] if people else []),
                             *(w(key, lang) for key in MONEY_COLUMNS), w("total_text", lang), w("eligible_n", lang),
                             w("needs_info_n", lang)])
        self.head("matrix", [w("row", lang), ref, *([w("department", lang)] if people else []),
                             *(f"{p.spec.name[lang]} ({p.id})" for p in programs)])
        self.head("detail", [w("row", lang), ref, w("program_id", lang), w("program", lang), w("status", lang),
                             w("amount", lang), w("low", lang), w("high", lang), w("reasons", lang),
                             w("missing", lang), w("gaps", lang), w("stacking", lang)])
        self.head("rejected", [w("sheet", lang), w("row", lang), w("column", lang), w("header", lang),
                               w("field", lang), w("value", lang), w("message", lang)])

    # --- writing mechanics (XlsxWriter) -----------------------------------------------------------------
    def _open(self, titles: list[str], scratch: Path | None) -> None:
        self.tmpdir = tempfile.mkdtemp(prefix="incentives-xlsx-", dir=scratch)
        self.built = os.path.join(self.tmpdir, "result.xlsx")
        self.wb = xlsxwriter.Workbook(self.built, {**OPTIONS, "tmpdir": self.tmpdir})
        self.ws = {key: self.wb.add_worksheet(title) for key, title in zip(SHEETS, titles, strict=True)}
        self.next_row = dict.fromkeys(SHEETS, 0)
        for ws in self.ws.values():
            ws.freeze_panes(1, 0)
        self.bold = self.wb.add_format({"bold": True})
        self.quoted = self.wb.add_format({"quote_prefix": True})
        self.date_format = self.wb.add_format({"num_format": DATE})

    def text(self, value: Any) -> tuple[str, str] | None:
        """THE way a string enters this workbook: cleaned of control characters and cut to a cell's limit.

        Returns the text and what to store for it: the text itself, or a placeholder where XlsxWriter would
        not store it exactly (``calculator.workbook.verbatim``).
        """
        text = value if type(value) is str else str(value)
        stored = text
        if not text.isprintable() or "_x" in text or len(text) > 16_000 or text[:3] == "<r>":
            text = stored = clean_text(text, self.lang)
            if needs_verbatim(text):
                stored = self.verbatim.placeholder(text)
        return (text, stored) if text else None

    def _write_row(self, key: str, values: list[Any], bold: bool = False) -> None:
        ws, row = self.ws[key], self.next_row[key]
        self.next_row[key] = row + 1
        for col, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(row, col, value)
            elif isinstance(value, Decimal):
                if value.is_finite():
                    ws.write_number(row, col, float(value))
            elif isinstance(value, dt.date):
                ws.write_datetime(row, col, value, self.date_format)
            elif (found := self.text(value)) is not None:
                text, stored = found
                fmt = self.bold if bold else self.quoted if text[:1] in FORMULA_LIKE else None
                ws.write_string(row, col, stored, fmt)

    def save(self, path: Any) -> None:
        """Write the workbook to ``path`` (built in the private directory, then moved or copied there)."""
        try:
            self.wb.close()
            if self.verbatim:
                with open(self.built, "rb") as source, open(path, "wb") as target:
                    self.verbatim.substitute(source, target)
            else:
                shutil.move(self.built, path)
        finally:
            self.discard()

    def discard(self) -> None:
        """Abandon the workbook (or clean up after saving): remove the private directory and its files."""
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    # --- rows ----------------------------------------------------------------------------------------------
    def head(self, key: str, headers: list[str]) -> None:
        self._write_row(key, headers, bold=True)

    def row(self, key: str, values: list[Any]) -> None:
        self._write_row(key, values)

    # --- finishing -------------------------------------------------------------------------------------
    def summary(self, lines: list[tuple[str, Any]], per_program: list[list[Any]],
                per_department: list[list[Any]] | None) -> None:
        lang = self.lang
        self.head("summary", [w("title", lang)])
        for label, value in lines:
            self.row("summary", [label, value])
        self.row("summary", [])
        self.head("summary", [w("per_program", lang)])
        self.head("summary", [w("program_id", lang), w("program", lang),
                              *(gettext(STATUS[s], lang) for s in ("eligible", "needs_info", "not_eligible",
                                                                  "not_in_force")),
                              w("counted", lang), w("sum_low", lang), w("sum_high", lang)])
        for row in per_program:
            self.row("summary", row)
        if per_department is not None:
            self.row("summary", [])
            self.head("summary", [w("per_department", lang)])
            self.head("summary", [w("department", lang), w("rows", lang), gettext(STATUS["eligible"], lang),
                                  *(w(key, lang) for key in MONEY_COLUMNS)])
            for row in per_department:
                self.row("summary", row)
