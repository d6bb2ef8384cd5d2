"""The large sheets' rows deflated while they arrive, so that saving the workbook has little left to deflate.

Saving ends every batch, after the last row, on one process: before this, XlsxWriter copied each sheet's row file
into the sheet's XML and deflated it into the package there (0.6 s of CPU for 10,000 roster rows, about 7 MB of
sheet XML per 1,000 rows), while the worker processes had nothing left to do. Now the rows of the Summary, Status
matrix and Detail sheets go to a :class:`RowSpool` instead of XlsxWriter's row file: it counts their bytes and
CRC-32 and deflates them as they come, a chunk of rows at a time, into a temporary file in the workbook's private
directory (so memory stays flat in rows); with several cores, on a thread of its own (zlib releases the GIL),
in the time the process writing the workbook waits for the workers' rows. The deflate stream is ended with a
sync flush and no final block. On saving, :class:`SpooledSheet` writes the sheet's XML around the rows (its head,
up to ``<sheetData>``, and its tail, from ``</sheetData>``) and notes where the rows go; the package's writer
(:class:`calculator.batch.deflate.ParallelZip`) then stores the head deflated and sync-flushed, the spooled rows
as they are, and the tail deflated to the end: one ordinary deflate stream of the same bytes XlsxWriter writes,
with their CRC-32 combined from the three parts' (:func:`calculator.batch.deflate.crc32_combine`).
"""

from __future__ import annotations

import os
import zlib
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

from xlsxwriter.worksheet import Worksheet

PIECE = 1 << 18   # characters (or bytes) of row XML gathered before they are handed to be deflated
AHEAD = 2         # pieces handed to the deflating thread and not yet deflated, at most (memory stays flat)


class RowSpool:
    """The file XlsxWriter writes one sheet's rows to (it only calls ``write`` and ``close``): the text is
    encoded (rows written by :meth:`~calculator.batch.writer.ResultWriter.rows_xml` come encoded), counted (bytes,
    CRC-32) and deflated into the file ``path``, on ``pool``'s one thread or, without a
    pool, in the calling thread."""

    def __init__(self, path: str, pool: ThreadPoolExecutor | None) -> None:
        self.path, self.pool = path, pool
        self.file = open(path, "wb")  # noqa: SIM115 -- closed by finish() or close()
        self.compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -zlib.MAX_WBITS)
        self.crc = self.size = 0       # of the bytes deflated so far
        self.texts: list[str | bytes] = []
        self.gathered = 0
        self.pending: deque[Future[None]] = deque()

    def write(self, text: str | bytes) -> int:
        self.texts.append(text)
        self.gathered += len(text)
        if self.gathered >= PIECE:
            self._hand_over(end=False)
        return len(text)

    def _hand_over(self, end: bool) -> None:
        texts, self.texts, self.gathered = self.texts, [], 0
        if self.pool is None:
            self._deflate(texts, end)
            return
        self.pending.append(self.pool.submit(self._deflate, texts, end))
        while len(self.pending) > AHEAD or (self.pending and self.pending[0].done()):
            self.pending.popleft().result()  # raises what the thread raised (a full disk)

    def _deflate(self, texts: list[str | bytes], end: bool) -> None:
        """On the pool's one thread (so in the order handed over), or in the calling thread."""
        for text in texts:  # one at a time: a chunk of rows is about half a megabyte, a piece holds no more
            data = text.encode() if isinstance(text, str) else text
            self.crc = zlib.crc32(data, self.crc)
            self.size += len(data)
            self.file.write(self.compressor.compress(data))
        if end:
            self.file.write(self.compressor.flush(zlib.Z_SYNC_FLUSH))
            self.file.close()

    def finish(self) -> None:
        """Deflate what is left, end the stream with a sync flush (no final block) and close the file."""
        if not self.file.closed:
            self._hand_over(end=True)
            while self.pending:
                self.pending.popleft().result()

    def close(self) -> None:
        """Abandon the rows (XlsxWriter closes its row files after saving; the writer, on discarding): wait for
        the thread, close the file."""
        wait(self.pending)  # done, failed or cancelled
        self.pending.clear()
        self.file.close()


@dataclass(frozen=True)
class Spliced:
    """Where a spooled sheet's rows go in the sheet's XML file: at byte ``offset`` (head before, tail after)."""

    offset: int
    rows: RowSpool


class SpooledSheet(Worksheet):  # type: ignore[misc]  # XlsxWriter has no type hints
    """An XlsxWriter worksheet (constant_memory) whose rows go to a :class:`RowSpool` once :meth:`spool` is
    called, and whose XML file, when the package is assembled, holds the sheet without its rows: where they go is
    noted in ``parts`` under the file's name, for the package's writer. Uses XlsxWriter 3.x's private names
    (``row_data_fh``, ``row_data_filename``, ``fh``, ``_write_optimized_sheet_data``, ``dim_rowmin``), held by
    ``tests/test_batch_spool.py``."""

    spooled: RowSpool | None = None
    spliced: dict[str, Spliced]

    def spool(self, rows: RowSpool, parts: dict[str, Spliced]) -> None:
        """From now on the rows go to ``rows`` (XlsxWriter's own row file, still empty, is removed)."""
        self.row_data_fh.close()
        os.unlink(self.row_data_filename)
        self.spooled, self.spliced = rows, parts
        self.row_data_fh = self.fh = rows

    def _write_optimized_sheet_data(self) -> None:
        if self.spooled is None:
            super()._write_optimized_sheet_data()
            return
        self.spooled.finish()
        if self.dim_rowmin is None:  # no cell written: XlsxWriter writes no rows either
            self._xml_empty_tag("sheetData")
            return
        self._xml_start_tag("sheetData")
        xml: Any = self.fh  # the sheet's XML file (a text file XlsxWriter opened), no longer the rows
        xml.flush()
        self.spliced[xml.name] = Spliced(xml.buffer.tell(), self.spooled)
        self._xml_end_tag("sheetData")
