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
from typing import Any

import xlsxwriter

from calculator.workbook.cells import DATE, clean_text
from calculator.workbook.verbatim import Verbatim, needs_verbatim

SHEETS = {
    "summary": {"en": "Summary", "zh": "汇总"},
    "totals": {"en": "Totals", "zh": "合计"},
    "matrix": {"en": "Status matrix", "zh": "状态矩阵"},
    "detail": {"en": "Detail", "zh": "明细"},
    "rejected": {"en": "Rejected rows", "zh": "被拒绝的行"},
    "sources": {"en": "Sources", "zh": "来源"},
}
WORDS = {
    "row": {"en": "Row", "zh": "行号"},
    "ref_companies": {"en": "Company", "zh": "公司"},
    "ref_people": {"en": "Person", "zh": "人员"},
    "department": {"en": "Department", "zh": "部门"},
    "total_low": {"en": "Total after stacking, low (CNY)", "zh": "叠加后合计下限（元）"},
    "total_high": {"en": "Total after stacking, high (CNY)", "zh": "叠加后合计上限（元）"},
    "total_text": {"en": "Total", "zh": "合计"},
    "eligible_n": {"en": "Eligible programs", "zh": "符合条件的项目数"},
    "needs_info_n": {"en": "Programs needing information", "zh": "需补充信息的项目数"},
    "program": {"en": "Program", "zh": "项目"},
    "program_id": {"en": "Program id", "zh": "项目编号"},
    "status": {"en": "Status", "zh": "状态"},
    "amount": {"en": "Amount", "zh": "金额"},
    "low": {"en": "Low (CNY)", "zh": "下限（元）"},
    "high": {"en": "High (CNY)", "zh": "上限（元）"},
    "reasons": {"en": "Why not", "zh": "原因"},
    "missing": {"en": "To find out", "zh": "需补充"},
    "gaps": {"en": "What would change it", "zh": "如何满足"},
    "stacking": {"en": "Stacking", "zh": "叠加规则"},
    "sheet": {"en": "Sheet", "zh": "工作表"},
    "column": {"en": "Column", "zh": "列"},
    "header": {"en": "Header", "zh": "表头"},
    "field": {"en": "Field", "zh": "字段"},
    "value": {"en": "Value", "zh": "值"},
    "message": {"en": "Message", "zh": "说明"},
    "title": {"en": "Batch assessment", "zh": "批量测算"},
    "rows_in": {"en": "Rows in", "zh": "读入行数"},
    "assessed": {"en": "Rows assessed", "zh": "已测算行数"},
    "rejected": {"en": "Rows rejected", "zh": "被拒绝行数"},
    "equation": {"en": "Rows in = rows assessed + rows rejected", "zh": "读入行数 = 已测算行数 + 被拒绝行数"},
    "input_file": {"en": "Input file", "zh": "输入文件"},
    "encoding": {"en": "Encoding", "zh": "编码"},
    "as_of": {"en": "Assessment date", "zh": "测算日期"},
    "tables_version": {"en": "Rule-table version", "zh": "规则表版本"},
    "engine_version": {"en": "Engine version", "zh": "引擎版本"},
    "kind": {"en": "Kind", "zh": "类型"},
    "kind_companies": {"en": "Companies", "zh": "公司"},
    "kind_people": {"en": "People", "zh": "人员"},
    "notes": {"en": "Notes", "zh": "备注"},
    "per_program": {"en": "Per program", "zh": "按项目"},
    "per_department": {"en": "Per department", "zh": "按部门"},
    "eligible": {"en": "Eligible", "zh": "符合条件"},
    "needs_info": {"en": "Needs information", "zh": "需补充信息"},
    "not_eligible": {"en": "Not eligible", "zh": "不符合条件"},
    "not_in_force": {"en": "Not in force", "zh": "未生效或已停止"},
    "counted": {"en": "Counted after stacking", "zh": "叠加后计入"},
    "sum_low": {"en": "Sum low (CNY)", "zh": "合计下限（元）"},
    "sum_high": {"en": "Sum high (CNY)", "zh": "合计上限（元）"},
    "rows": {"en": "Rows", "zh": "行数"},
    "source_title": {"en": "Source", "zh": "来源"},
    "source_key": {"en": "Key", "zh": "编号"},
    "urls": {"en": "Addresses", "zh": "网址"},
    "disclaimer": {"en": "Disclaimer", "zh": "声明"},
    "other_departments": {"en": "(other departments)", "zh": "（其他部门）"},
    "no_department": {"en": "(no department)", "zh": "（未填部门）"},
}
MAX_DEPARTMENTS = 1000
FORMULA_LIKE = ("=", "+", "-", "@", "\t", "\r")  # OWASP's dangerous first characters
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False}


def w(key: str, lang: str) -> str:
    return WORDS[key]["zh" if lang == "zh" else "en"]


class ResultWriter:
    """Append rows to each sheet as results arrive; the Summary (first sheet) is filled at :meth:`close`."""

    def __init__(self, lang: str, kind: str, programs: list[Any]) -> None:
        self.lang, self.kind, self.programs = lang, kind, programs
        self.verbatim = Verbatim()
        self._open([names["zh" if lang == "zh" else "en"] for names in SHEETS.values()])
        ref = w("ref_" + kind, lang)
        people = kind == "people"
        self.head("totals", [w("row", lang), ref, *([w("department", lang)] if people else []), w("total_low", lang),
                             w("total_high", lang), w("total_text", lang), w("eligible_n", lang),
                             w("needs_info_n", lang)])
        self.head("matrix", [w("row", lang), ref, *([w("department", lang)] if people else []),
                             *(f"{p.spec['name'][lang]} ({p.id})" for p in programs)])
        self.head("detail", [w("row", lang), ref, w("program_id", lang), w("program", lang), w("status", lang),
                             w("amount", lang), w("low", lang), w("high", lang), w("reasons", lang),
                             w("missing", lang), w("gaps", lang), w("stacking", lang)])
        self.head("rejected", [w("sheet", lang), w("row", lang), w("column", lang), w("header", lang),
                               w("field", lang), w("value", lang), w("message", lang)])

    # --- writing mechanics (XlsxWriter) -----------------------------------------------------------------
    def _open(self, titles: list[str]) -> None:
        self.tmpdir = tempfile.mkdtemp(prefix="incentives-xlsx-")
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
        self.head("summary", [w("program_id", lang), w("program", lang), w("eligible", lang), w("needs_info", lang),
                              w("not_eligible", lang), w("not_in_force", lang), w("counted", lang),
                              w("sum_low", lang), w("sum_high", lang)])
        for row in per_program:
            self.row("summary", row)
        if per_department is not None:
            self.row("summary", [])
            self.head("summary", [w("per_department", lang)])
            self.head("summary", [w("department", lang), w("rows", lang), w("eligible", lang), w("sum_low", lang),
                                  w("sum_high", lang)])
            for row in per_department:
                self.row("summary", row)
