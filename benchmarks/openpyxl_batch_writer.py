"""The batch ResultWriter on openpyxl's write-only mode (how it wrote before), for the record in
``benchmarks/batch.py``: same sheets, same rows, same text handling; only the writing mechanics differ."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from calculator.batch import writer

BOLD = Font(bold=True)


class OpenpyxlResultWriter(writer.ResultWriter):
    def _open(self, titles: list[str]) -> None:
        self.wb = Workbook(write_only=True)
        self.ws = {key: self.wb.create_sheet(title) for key, title in zip(writer.SHEETS, titles, strict=True)}
        for ws in self.ws.values():
            ws.freeze_panes = "A2"

    def _write_row(self, key: str, values: list[Any], bold: bool = False) -> None:
        ws = self.ws[key]
        out: list[Any] = []
        for value in values:
            if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
                out.append(value)
            elif isinstance(value, Decimal):
                out.append(float(value) if value.is_finite() else None)
            elif isinstance(value, dt.date):
                out.append(value)
            elif (found := self.text(value)) is None:
                out.append(None)
            else:
                cell = WriteOnlyCell(ws, found[0])
                cell.data_type = "s"
                if bold:
                    cell.font = BOLD
                elif found[0][:1] in writer.FORMULA_LIKE:
                    cell.quotePrefix = True
                out.append(cell)
        ws.append(out)

    def save(self, path: Any) -> None:
        self.wb.save(path)

    def discard(self) -> None:
        pass
