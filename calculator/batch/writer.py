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

from calculator.workbook.cells import clean_text

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
BOLD = Font(bold=True)
MAX_DEPARTMENTS = 1000


def w(key: str, lang: str) -> str:
    return WORDS[key]["zh" if lang == "zh" else "en"]


class ResultWriter:
    """Append rows to each sheet as results arrive; the Summary (first sheet) is filled at :meth:`close`."""

    def __init__(self, lang: str, kind: str, programs: list[Any]) -> None:
        self.lang, self.kind, self.programs = lang, kind, programs
        self.wb = Workbook(write_only=True)
        self.ws = {key: self.wb.create_sheet(names["zh" if lang == "zh" else "en"]) for key, names in SHEETS.items()}
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
            w("program_id", lang), w("program", lang), w("eligible", lang), w("needs_info", lang),
            w("not_eligible", lang), w("not_in_force", lang), w("counted", lang), w("sum_low", lang),
            w("sum_high", lang))])
        for row in per_program:
            ws.append(self.values(ws, row))
        if per_department is not None:
            ws.append([])
            ws.append([self.text_cell(ws, w("per_department", lang), bold=True)])
            ws.append([self.text_cell(ws, h, bold=True) for h in (
                w("department", lang), w("rows", lang), w("eligible", lang), w("sum_low", lang), w("sum_high", lang))])
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
