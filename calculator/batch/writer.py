"""The batch result workbook, streamed with XlsxWriter's constant_memory mode: memory stays flat with rows.

Sheets (:mod:`calculator.batch.sheets`): Summary (one row per company or person: money, counts by status, top
programs, what to find out; live SUM totals below), Status matrix (row × program, statuses as coloured words, a
legend below), Detail (row × program: amount, reasons, missing inputs, gaps, stacking), Changes (only for a run
compared with a previous result: :mod:`calculator.batch.changes`), Sources, Rejected rows,
About this batch (rows in = assessed + rejected, the file, versions, per program and per department). Every sheet
has fitted widths, number formats in the reader's language, a frozen header repeated on every printed page, an
autofilter, and prints landscape one page wide. Each sheet is written top to bottom (constant_memory writes a row
once); what closes a sheet (totals, legend, filters, colours) is added by :meth:`ResultWriter.save`.

Every string goes through :meth:`ResultWriter.text`: it is stored as text, never as a formula, whatever it
starts with, and every text cell carries Excel's quote prefix so that editing the cell does not make it live.
Rows go to temporary files in a private directory (XlsxWriter's ``tmpdir``), removed after saving or discarding;
the Summary, Status matrix and Detail rows are deflated as they arrive (:mod:`calculator.batch.spool`).

The Summary, Status matrix and Detail rows arrive as finished XML (:mod:`calculator.batch.rowxml`, made where the
row was assessed) and :meth:`ResultWriter.rows_xml` appends them to XlsxWriter's row file; :meth:`ResultWriter.styles`
fixes the style indexes they name. Both use private names of XlsxWriter 3.x (``row_data_fh``, ``previous_row``,
``_write_single_row``, ``_check_dimensions``, ``Format._get_xf_index``), held by ``tests/test_batch_rowxml.py``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
import xlsxwriter.workbook
from xlsxwriter.utility import xl_col_to_name

from calculator.batch.deflate import parallel_zip
from calculator.batch.layout import LINE_POINTS, PADDING_POINTS
from calculator.batch.rowxml import MAX_HEIGHT, NUMBER, ROW_SHEETS, WRAPPING, StyleKey, cell_text, lines_of, style_keys
from calculator.batch.sheets import (
    ABOUT_WIDTHS,
    MONEY_COLUMNS,
    NUMBER_FORMATS,
    SHEETS,
    STATUS_FILLS,
    STATUSES,
    WORDS,
    about_kinds,
    columns,
    header_height,
    money_format,
    sheet_name,
    status_word,
    w,
)
from calculator.batch.spool import RowSpool, Spliced, SpooledSheet
from calculator.workbook.cells import HEADER_FILL, LINE, TOTAL_FILL, setup_print
from calculator.workbook.verbatim import Verbatim

__all__ = ["MAX_DEPARTMENTS", "MONEY_COLUMNS", "SHEETS", "WORDS", "ResultWriter", "sheet_name", "w"]

MAX_DEPARTMENTS = 1000
OPTIONS = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
           "strings_to_numbers": False}
TOP = {"valign": "top", "quote_prefix": True}
FORMATS: dict[str, dict[str, Any]] = {
    "text": TOP,
    "wrap": {**TOP, "text_wrap": True},
    "status": {**TOP, "text_wrap": True},
    "link": {**TOP, "font_color": "blue", "underline": 1},
    "header": {**TOP, "bold": True, "text_wrap": True, "pattern": 1, "bg_color": HEADER_FILL, "bottom": 1,
               "bottom_color": LINE},
    "bold": {**TOP, "bold": True},
    "total": {**TOP, "bold": True, "pattern": 1, "bg_color": TOTAL_FILL, "top": 1, "top_color": LINE},
}


class ResultWriter:
    """Append rows to each sheet as results arrive; totals, legend, filters and colours are added on saving."""

    def __init__(self, lang: str, kind: str, programs: list[Any], scratch: Path | None = None,
                 changes: bool = False, threads: int = 1) -> None:
        """``scratch``: the folder that holds the private directory of temporary files (a batch job's own folder,
        so the files go with it whatever stops the job); default the system's temporary folder. ``changes``: with
        the Changes sheet (a run compared with a previous result). ``threads``: the cores the batch may use, to
        compress the saved package on (:mod:`calculator.batch.deflate`) and, with more than one, to deflate the
        large sheets' rows on a thread while they arrive (:mod:`calculator.batch.spool`)."""
        self.lang, self.kind, self.programs, self.threads = lang, kind, programs, threads
        self.keys = [key for key in SHEETS if changes or key != "changes"]
        self.verbatim = Verbatim()
        self.cols = {key: columns(key, lang, kind, programs) for key in self.keys}
        self.widths = {key: max(len(cols), 1) - 1 for key, cols in self.cols.items()}  # the last column's index
        self._open([sheet_name(key, lang) for key in self.keys], scratch)
        for key, cols in self.cols.items():
            if cols:
                self.ws[key].set_row(0, min(MAX_HEIGHT, header_height(cols)))
                self.head(key, [c.header for c in cols])
                self.ws[key].repeat_rows(0)

    # --- writing mechanics (XlsxWriter) -----------------------------------------------------------------
    def _open(self, titles: list[str], scratch: Path | None) -> None:
        self.tmpdir = tempfile.mkdtemp(prefix="incentives-xlsx-", dir=scratch)
        self.built = os.path.join(self.tmpdir, "result.xlsx")
        self.wb = xlsxwriter.Workbook(self.built, {**OPTIONS, "tmpdir": self.tmpdir})
        self.ws = {key: self.wb.add_worksheet(title, SpooledSheet if key in ROW_SHEETS else None)
                   for key, title in zip(self.keys, titles, strict=True)}
        # The large sheets' rows deflated as they arrive: on a thread of their own when the batch has several cores
        # (started by the first piece of rows, spool.PIECE: after the worker processes are forked).
        self.pool = ThreadPoolExecutor(1, thread_name_prefix="sheet-deflate") if self.threads > 1 else None
        self.spooled: list[RowSpool] = []
        self.spliced: dict[str, Spliced] = {}
        for key in ROW_SHEETS:
            if key in self.ws:
                rows = RowSpool(os.path.join(self.tmpdir, f"{key}.deflated"), self.pool)
                self.spooled.append(rows)
                self.ws[key].spool(rows, self.spliced)
        self.next_row = dict.fromkeys(self.keys, 0)
        self._formats: dict[tuple[str, str | None], Any] = {}
        self.numbers = {"money": money_format(self.lang), **NUMBER_FORMATS}
        for key, ws in self.ws.items():
            setup_print(ws)
            widths = [c.width for c in self.cols[key]] or ABOUT_WIDTHS
            for index, width in enumerate(widths):
                ws.set_column(index, index, width)
            ws.freeze_panes(1, 0)

    def fmt(self, kind: str, number_format: str | None = None) -> Any:
        """The format of a kind of cell (and number format), made once per workbook."""
        key = (kind, number_format)
        found = self._formats.get(key)
        if found is None:
            props = dict(FORMATS.get(kind, TOP))
            if number_format is not None:
                props = {k: v for k, v in props.items() if k != "quote_prefix"} | {"num_format": number_format}
            found = self._formats[key] = self.wb.add_format(props)
        return found

    def text(self, value: Any) -> tuple[str, str] | None:
        """THE way a string enters this workbook through XlsxWriter (:func:`calculator.batch.rowxml.cell_text`).

        Returns the text and what to store for it: the text itself, or a placeholder where XlsxWriter would
        not store it exactly (``calculator.workbook.verbatim``).
        """
        text, exact = cell_text(value, self.lang)
        stored = text if exact is None else self.verbatim.placeholder(text)
        return (text, stored) if text else None

    def styles(self) -> dict[StyleKey, int]:
        """The style index of every format a cell of the large sheets may take (:mod:`calculator.batch.rowxml`),
        fixed now so that rows made elsewhere (in worker processes) can name them."""
        kinds = {c.kind for key in ROW_SHEETS for c in self.cols.get(key, [])}
        return {key: self.fmt(*key)._get_xf_index() for key in style_keys(kinds, self.numbers)}

    def row_xml(self, key: str, xml: str) -> None:
        """Append one row made by :class:`calculator.batch.rowxml.RowXml` to sheet ``key`` (:meth:`rows_xml`)."""
        self.rows_xml({key: [xml.encode()]})

    def rows_xml(self, sheets: dict[str, list[bytes]]) -> None:
        """Append rows made by :class:`calculator.batch.rowxml.RowXml` (encoded in UTF-8), per sheet key, numbering
        them: one write per sheet (and what XlsxWriter would do row by row: write out the row it holds, the header,
        and note how far the sheet reaches)."""
        number = NUMBER.encode()
        for key, rows in sheets.items():
            if not rows:
                continue
            ws, first = self.ws[key], self.next_row[key]
            last = first + len(rows) - 1
            self.next_row[key] = last + 1
            if last > ws.previous_row:
                ws._write_single_row(last)
            ws._check_dimensions(last, self.widths[key])
            ws.row_data_fh.write(b"".join([xml.replace(number, b"%d" % row)
                                           for row, xml in enumerate(rows, first + 1)]))

    def _write_row(self, key: str, values: list[Any], bold: bool = False, kinds: list[str] | None = None) -> None:
        ws, row = self.ws[key], self.next_row[key]
        self.next_row[key] = row + 1
        cols = self.cols[key]
        kinds = kinds or [c.kind for c in cols]
        lines, written = 1, False
        for index, value in enumerate(values):
            if value is None:
                continue
            written = True
            kind = "header" if bold else kinds[index] if index < len(kinds) else "text"
            if isinstance(value, Decimal):
                if value.is_finite():
                    ws.write_number(row, index, float(value), self.fmt(kind, self.numbers.get(kind)))
            elif isinstance(value, int | float) and not isinstance(value, bool):
                ws.write_number(row, index, value, self.fmt(kind, self.numbers.get(kind, "0")))
            elif isinstance(value, dt.date):
                ws.write_datetime(row, index, value, self.fmt("date", self.numbers["date"]))
            elif (found := self.text(value)) is not None:
                text, stored = found
                if kind == "link" and text.startswith(("https://", "http://")) and len(text) <= 2079:
                    ws.write_url(row, index, text, self.fmt("link"), stored)
                    continue
                ws.write_string(row, index, stored, self.fmt(kind if kind in FORMATS else "text"))
                if kind in WRAPPING and not bold and index < len(cols):
                    lines = max(lines, lines_of(text, cols[index].width))
        if lines > 1:
            ws.set_row(row, min(MAX_HEIGHT, lines * LINE_POINTS + PADDING_POINTS))
        if written and row > 1:
            _forget_row(ws, row - 1)


    def save(self, path: Any) -> None:
        """Close the sheets and write the workbook to ``path`` (built in the private directory, then moved)."""
        try:
            self._close_sheets()
            with parallel_zip(xlsxwriter.workbook, self.threads, self.spliced):
                self.wb.close()
            if self.verbatim:
                with open(self.built, "rb") as source, open(path, "wb") as target:
                    self.verbatim.substitute(source, target)
            else:
                shutil.move(self.built, path)
        finally:
            self.discard()

    def discard(self) -> None:
        """Abandon the workbook (or clean up after saving): stop the deflating thread, remove the private directory
        and its files."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
        for rows in self.spooled:
            rows.close()
        shutil.rmtree(self.tmpdir, ignore_errors=True)

    # --- rows ----------------------------------------------------------------------------------------------
    def head(self, key: str, headers: list[str]) -> None:
        self._write_row(key, headers, bold=True)

    def row(self, key: str, values: list[Any]) -> None:
        self._write_row(key, values)

    # --- finishing -------------------------------------------------------------------------------------
    def about(self, lines: list[tuple[str, Any]], per_program: list[list[Any]],
              per_department: list[list[Any]] | None) -> None:
        """The About sheet: facts about the run, then the per-program (and per-department) tables."""
        lang, key = self.lang, "about"
        self._write_row(key, [w("title", lang)], kinds=["bold"])
        for label, value in lines:
            self._write_row(key, [label, value], kinds=about_kinds("lines"))
        self.row(key, [])
        self._write_row(key, [w("per_program", lang)], kinds=["bold"])
        self.head(key, [w("program_id", lang), w("program", lang), *(status_word(s, lang) for s in STATUSES),
                        w("counted", lang), w("sum_low", lang), w("sum_high", lang)])
        for values in per_program:
            self._write_row(key, values, kinds=about_kinds("per_program"))
        if per_department is not None:
            self.row(key, [])
            self._write_row(key, [w("per_department", lang)], kinds=["bold"])
            self.head(key, [w("department", lang), w("rows", lang), status_word(STATUSES[0], lang),
                            *(w(m, lang) for m in MONEY_COLUMNS)])
            for values in per_department:
                self._write_row(key, values, kinds=about_kinds("per_department"))

    def _close_sheets(self) -> None:
        """What can only follow the rows: the Summary's totals, the status colours and legend, the filters."""
        last = {key: self.next_row[key] for key in self.keys}  # rows written, header included
        self._totals_row(last["summary"])
        for key in ("matrix", "detail", "changes"):
            if key not in self.cols:
                continue
            statuses = [i for i, c in enumerate(self.cols[key]) if c.kind == "status"]
            if statuses:
                self._colour_statuses(key, statuses[0], statuses[-1], last[key])
        self._legend()
        for key, cols in self.cols.items():
            if cols:
                self.ws[key].autofilter(0, 0, max(last[key], 1) - 1, len(cols) - 1)

    def _totals_row(self, rows: int) -> None:
        """Below the Summary's rows: a live SUM over each money and count column (nothing added here)."""
        cols, ws, row = self.cols["summary"], self.ws["summary"], self.next_row["summary"]
        self.next_row["summary"] = row + 1
        ws.write_string(row, 1, w("total_text", self.lang), self.fmt("total"))
        for index, c in enumerate(cols):
            if c.kind in ("money", "int") and index > 0:
                letter = xl_col_to_name(index)
                formula = f"=SUM({letter}2:{letter}{rows})" if rows > 1 else "=0"
                # An empty cached result: Excel and LibreOffice compute the formula on opening.
                ws.write_formula(row, index, formula, self.fmt("total", self.numbers[c.kind]), "")

    def _colour_statuses(self, key: str, first: int, last_col: int, rows: int) -> None:
        if rows < 2:
            return
        for status in STATUSES:
            word = status_word(status, self.lang).replace('"', '""')
            self.ws[key].conditional_format(1, first, rows - 1, last_col, {
                "type": "cell", "criteria": "equal to", "value": f'"{word}"',
                "format": self.wb.add_format({"bg_color": STATUS_FILLS[status]})})

    def _legend(self) -> None:
        """Below the matrix, after a blank row: each status word in its colour."""
        ws, key = self.ws["matrix"], "matrix"
        row = self.next_row[key] + 1
        ws.write_string(row, 1, w("legend", self.lang), self.fmt("bold"))
        for offset, status in enumerate(STATUSES, 1):
            fill = self.wb.add_format({**TOP, "pattern": 1, "bg_color": STATUS_FILLS[status]})
            ws.write_string(row + offset, 1, status_word(status, self.lang), fill)
        self.next_row[key] = row + len(STATUSES) + 1


def _forget_row(ws: Any, row: int) -> None:
    """Drop what XlsxWriter keeps of a row's height once the row is in the file (writing a cell of the next row
    wrote it out): constant_memory writes cells row by row but keeps every ``set_row`` for ever, which would make
    memory grow with rows (measured: +35 MB for 10,000 roster rows)."""
    for kept in (getattr(ws, "row_info", None), getattr(ws, "row_sizes", None)):
        if kept is not None:
            kept.pop(row, None)

