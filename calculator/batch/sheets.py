"""How each sheet of the batch result workbook looks: its columns (header, kind, width), the number formats of
the reader's language and the colour of each status. No cells are written here (:mod:`calculator.batch.writer`
writes them); every header is an English message id translated by :mod:`calculator.i18n`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calculator.batch.layout import fitted_width, row_height
from calculator.engine import STATUS, Status
from calculator.i18n import N_, NC_, gettext, pgettext
from calculator.i18n.formatting import shows_wan
from calculator.workbook.cells import DATE

# Sheet names are in their own context: this workbook's "Summary" is a 汇总, the assessment workbook's a 摘要.
# The order is the workbook's: the per-client Summary first, facts about the run last.
SHEETS = {
    "summary": NC_("batch workbook", "Summary"),
    "matrix": NC_("batch workbook", "Status matrix"),
    "detail": NC_("batch workbook", "Detail"),
    "changes": NC_("batch workbook", "Changes"),
    "sources": NC_("batch workbook", "Sources"),
    "rejected": NC_("batch workbook", "Rejected rows"),
    "about": NC_("batch workbook", "About this batch"),
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
    "top_programs": N_("Top programs (by value)"),
    "find_out": N_("What to find out"),
    "legend": N_("Legend"),
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
    "issuer": N_("Issuer"),
    "checked": N_("Checked on"),
    "address": N_("Address"),
    "source_quality": N_("What the source is"),
    "disclaimer": N_("Disclaimer"),
    "other_departments": N_("(other departments)"),
    "previous_row": N_("Row in the previous result"),
    "moved": N_("What moved"),
    "status_before": N_("Status before"),
    "low_before": N_("Low before (CNY)"),
    "high_before": N_("High before (CNY)"),
    "status_after": N_("Status now"),
    "low_after": N_("Low now (CNY)"),
    "high_after": N_("High now (CNY)"),
    "why_moved": N_("Why (dated rule rows and their sources)"),
    "no_department": N_("(no department)"),
}

# The money columns of a row's totals (and a department's): cash and this year's tax apart, each determined and
# "up to"; later years beside them (calculator.engine.totals computes them; nothing here adds money).
MONEY_COLUMNS = ("cash_low", "cash_high", "cash_up_to", "tax_low", "tax_high", "tax_up_to", "later_years")
STATUSES = tuple(Status)
# A status's fill wherever it is shown (the single-company workbook's colours: met / unknown / not met).
STATUS_FILLS = {Status.ELIGIBLE: "#E2EFDA", Status.NEEDS_INFO: "#FFF2CC", Status.NOT_ELIGIBLE: "#FCE4D6",
                Status.NOT_IN_FORCE: "#EDEDED"}
# Money in yuan, shown as Chinese readers read large sums (1234.6万; below 1万 in 元) or with thousands separators.
# The cell holds the engine's amount in yuan either way, so sums and filters work on the real figure.
WAN_FORMAT = '[>=10000]0\\.0,"万";#,##0"元"'
YUAN_FORMAT = "#,##0"
NUMBER_FORMATS = {"int": "0", "date": DATE}


def w(key: str, lang: str) -> str:
    return gettext(WORDS[key], lang)


def sheet_name(key: str, lang: str) -> str:
    return pgettext("batch workbook", SHEETS[key], lang)


def money_format(lang: str) -> str:
    return WAN_FORMAT if shows_wan(lang) else YUAN_FORMAT


def status_word(status: Any, lang: str) -> str:
    return gettext(STATUS[status], lang)


@dataclass(frozen=True)
class Col:
    """One column: its header (in the reader's language), what its cells hold, and its width in digit widths.

    Kinds: ``text``, ``wrap`` (wrapped text), ``status`` (a status word, coloured), ``money``, ``int``, ``date``,
    ``link``."""

    header: str
    kind: str = "text"
    width: float = 12.0


def col(header: str, kind: str = "text", least: float = 8, most: float = 40) -> Col:
    """A column as wide as its header needs (wrapped in at most four lines), between ``least`` and ``most``."""
    return Col(header, kind, fitted_width([header], least, most))


def who(kind: str, lang: str) -> list[Col]:
    """The columns naming a row: its number in the file, the company or person, and a person's department."""
    cols = [col(w("row", lang), "int", 6, 8), col(w("ref_" + kind, lang), "wrap", 22, 30)]
    if kind == "people":
        cols.append(col(w("department", lang), "text", 14, 22))
    return cols


def columns(key: str, lang: str, kind: str, programs: list[Any]) -> list[Col]:
    """The columns of sheet ``key`` (none for the About sheet, whose tables differ)."""
    if key == "summary":
        return [*who(kind, lang), *(col(w(m, lang), "money", 13, 16) for m in MONEY_COLUMNS),
                *(col(status_word(s, lang), "int", 9, 12) for s in STATUSES),
                col(w("top_programs", lang), "wrap", 40, 44), col(w("find_out", lang), "wrap", 34, 40)]
    if key == "matrix":
        return [*who(kind, lang), *(col(f"{p.spec.name[lang]} ({p.id})", "status", 14, 20) for p in programs)]
    if key == "detail":
        return [col(w("row", lang), "int", 6, 8), col(w("ref_" + kind, lang), "text", 20, 28),
                col(w("program_id", lang), "text", 14, 24), col(w("program", lang), "wrap", 28, 32),
                col(w("status", lang), "status", 12, 20), col(w("amount", lang), "wrap", 22, 28),
                col(w("low", lang), "money", 13, 16), col(w("high", lang), "money", 13, 16),
                col(w("reasons", lang), "wrap", 40, 44), col(w("missing", lang), "wrap", 28, 32),
                col(w("gaps", lang), "wrap", 40, 44), col(w("stacking", lang), "wrap", 24, 30)]
    if key == "changes":
        return [col(w("row", lang), "int", 6, 8), col(w("ref_" + kind, lang), "wrap", 20, 28),
                col(w("previous_row", lang), "int", 8, 10), col(w("program_id", lang), "text", 14, 24),
                col(w("program", lang), "wrap", 28, 32), col(w("moved", lang), "wrap", 14, 18),
                col(w("status_before", lang), "status", 12, 20), col(w("low_before", lang), "money", 13, 16),
                col(w("high_before", lang), "money", 13, 16), col(w("status_after", lang), "status", 12, 20),
                col(w("low_after", lang), "money", 13, 16), col(w("high_after", lang), "money", 13, 16),
                col(w("why_moved", lang), "wrap", 50, 60)]
    if key == "sources":
        return [col(w("program", lang), "wrap", 28, 32), col(w("source_title", lang), "wrap", 44, 50),
                col(w("issuer", lang), "wrap", 20, 26), col(w("checked", lang), "date", 12, 14),
                col(w("address", lang), "link", 40, 48), col(w("source_quality", lang), "wrap", 22, 26)]
    if key == "rejected":
        return [col(w("sheet", lang), "text", 14, 20), col(w("row", lang), "int", 6, 8),
                col(w("column", lang), "text", 7, 9), col(w("header", lang), "wrap", 20, 28),
                col(w("field", lang), "text", 18, 26), col(w("value", lang), "wrap", 18, 28),
                col(w("message", lang), "wrap", 44, 60)]
    return []


# The About sheet holds several small tables: one set of widths, and the kinds of each table's cells.
ABOUT_WIDTHS = [30.0, 44.0, *([14.0] * 8)]


def about_kinds(table: str) -> list[str]:
    if table == "lines":
        return ["text", "wrap"]
    if table == "per_program":
        return ["text", "wrap", *(["int"] * (len(STATUSES) + 1)), "money", "money"]
    return ["text", "int", "int", *(["money"] * len(MONEY_COLUMNS))]


def header_height(cols: list[Col]) -> float:
    """The header row's height in points: its longest header wrapped in its column."""
    return row_height([(c.header, c.width) for c in cols])
