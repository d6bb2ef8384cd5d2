"""What a batch run reports as it goes and at the end: its progress, each rejected row's errors (sheet, row,
column, value, message in the reader's language) and the summary (``rows_in == assessed + rejected``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from calculator.i18n import N_, t

SUMMARY_LINE = N_("{rows_in} rows in: {assessed} assessed, {rejected} rejected.")


@dataclass
class Progress:
    rows_done: int = 0
    rows_total: int | None = None   # an estimate until the end (declared dimension, or lines in a CSV)
    rejected: int = 0


@dataclass
class RowError:
    sheet: str
    row: int
    column: str | None    # spreadsheet column letter, or None for the whole row
    header: str | None
    field: str | None
    value: Any
    message: str

    def as_dict(self) -> dict[str, Any]:
        value = self.value
        if isinstance(value, dt.date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, int | float | str):
            value = str(value)
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "header": self.header,
                "field": self.field, "value": value, "message": self.message}


@dataclass
class Summary:
    kind: str
    sheet: str
    format: str
    encoding: str | None
    rows_in: int = 0
    assessed: int = 0
    rejected: int = 0
    notes: list[str] = field(default_factory=list)   # e.g. unknown columns ignored, the encoding used
    tables_version: str = ""
    as_of: str = ""
    messages: int = 0        # rejected-row messages kept (on the page and in the workbook) …
    not_kept: int = 0        # … and those over the limit, counted only (max_errors)

    def kept(self, errors: list[RowError], max_errors: int | None) -> list[RowError]:
        """The messages of a rejected row that are kept (at most ``max_errors`` in all); the rest are counted."""
        room = len(errors) if max_errors is None else max(0, min(len(errors), max_errors - self.messages))
        self.messages += room
        self.not_kept += len(errors) - room
        return errors[:room]

    def line(self, lang: str) -> str:
        return t(SUMMARY_LINE, lang, rows_in=self.rows_in, assessed=self.assessed, rejected=self.rejected)

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("kind", "sheet", "format", "encoding", "rows_in", "assessed",
                                              "rejected", "notes", "tables_version", "as_of", "messages",
                                              "not_kept")}
