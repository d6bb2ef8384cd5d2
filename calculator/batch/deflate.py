"""The result workbook's package: large parts compressed on several threads, the large sheets' rows spliced in
already deflated.

Saving the workbook ends every batch, after the last row: XlsxWriter deflates each part of the package in turn,
on one core, while the worker processes have nothing left to do. The large sheets are most of it (about 7 MB
of sheet XML per 1,000 roster rows, 0.9 s of 1.2 s saving a 10,000-row batch). :class:`ParallelZip` compresses
each large part on ``threads`` threads (zlib releases the GIL while it deflates), as pigz does: the part in
pieces of :data:`PIECE` bytes, each deflated with the 32 kB before it as its dictionary and ended with a sync
flush (the last with the final block), so the pieces joined are one ordinary deflate stream, which any unzip
reads. What is stored is the same: the same parts, the same bytes once unzipped, the same CRCs; only the
compressed bytes differ (they are within a fraction of a percent of one thread's size).

The large sheets' rows are deflated while they arrive (:mod:`calculator.batch.spool`); a sheet whose rows were,
named in ``spliced``, is stored as its head deflated and ended with a sync flush, the rows' deflate stream (ended
with a sync flush), and its tail deflated to the end: one deflate stream, the same joining as the pieces above.
Its CRC-32 is combined from the three parts' (:func:`crc32_combine`, as zlib's), its rows are not read again.
"""

from __future__ import annotations

import os
import shutil
import threading
import zipfile
import zlib
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from calculator.batch.spool import Spliced

PIECE = 1 << 20          # bytes deflated at once by one thread
WINDOW = 32 * 1024       # deflate's window: the dictionary each piece gets from the one before
LARGE = 4 * PIECE        # parts smaller than this are compressed as zipfile does, on the calling thread


def _deflate(piece: bytes, dictionary: bytes, level: int, final: bool) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, **({"zdict": dictionary} if dictionary
                                                                             else {}))
    return compressor.compress(piece) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)


CRC_POLY = 0xEDB88320    # CRC-32's polynomial, reflected


def _multiply(a: int, b: int) -> int:
    """``a`` times ``b`` modulo CRC-32's polynomial (reflected bit order, as zlib's ``multmodp``)."""
    product, bit = 0, 1 << 31
    while bit:
        if a & bit:
            product ^= b
        bit >>= 1
        b = (b >> 1) ^ CRC_POLY if b & 1 else b >> 1
    return product


def _x_to_8n(n: int) -> int:
    """x to the power 8 × ``n`` modulo the polynomial: what ``n`` bytes of zeros do to a CRC (zlib's ``x2nmodp``)."""
    power, square = 1 << 31, 1 << 23   # x^0, and x^8 (one byte): x^k is bit 31 - k
    while n:
        if n & 1:
            power = _multiply(square, power)
        n >>= 1
        square = _multiply(square, square)
    return power


def crc32_combine(crc1: int, crc2: int, length2: int) -> int:
    """The CRC-32 of A + B from A's (``crc1``), B's (``crc2``) and B's length, without the bytes (zlib's
    ``crc32_combine``, which Python's zlib does not offer)."""
    return _multiply(_x_to_8n(length2), crc1) ^ crc2


class _Stored:
    """A compressor that compresses nothing: for writing deflate data made elsewhere into a zip entry."""

    def compress(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""


class ParallelDeflate:
    """A raw-deflate compressor (``compress``, ``flush``, as zipfile uses one) that deflates on a thread pool,
    holding at most two pieces per thread."""

    def __init__(self, pool: ThreadPoolExecutor, threads: int, level: int) -> None:
        self.pool, self.limit, self.level = pool, 2 * threads, level
        self.buffer = bytearray()
        self.previous = b""
        self.pending: deque[Future[bytes]] = deque()

    def _submit(self, piece: bytes, final: bool) -> None:
        self.pending.append(self.pool.submit(_deflate, piece, self.previous, self.level, final))
        self.previous = piece[-WINDOW:]

    def _ready(self, wait_beyond: int) -> bytes:
        out = []
        while self.pending and (len(self.pending) > wait_beyond or self.pending[0].done()):
            out.append(self.pending.popleft().result())
        return b"".join(out)

    def compress(self, data: bytes) -> bytes:
        self.buffer += data
        while len(self.buffer) >= PIECE:
            self._submit(bytes(self.buffer[:PIECE]), final=False)
            del self.buffer[:PIECE]
        return self._ready(self.limit)

    def flush(self) -> bytes:
        self._submit(bytes(self.buffer), final=True)
        self.buffer.clear()
        return self._ready(0)


class ParallelZip(zipfile.ZipFile):
    """A ``ZipFile`` whose :meth:`write` of a sheet named in ``spliced`` splices its rows in, and of a large file
    deflates it on ``threads`` threads (see the module's docstring); anything else is written as ``ZipFile``
    writes it."""

    def __init__(self, *args: Any, threads: int = 2, spliced: dict[str, Spliced] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.threads, self.spliced = threads, {} if spliced is None else spliced

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        kind = self.compression if compress_type is None else compress_type
        rows = self.spliced.get(os.fspath(filename))
        if rows is not None:  # deflated, whatever the package's default (XlsxWriter's is ZIP_DEFLATED)
            self._splice(filename, arcname, rows, compresslevel)
            return
        if self.threads < 2 or kind != zipfile.ZIP_DEFLATED or not os.path.isfile(filename) \
                or os.path.getsize(filename) < LARGE:
            super().write(filename, arcname, compress_type, compresslevel)
            return
        info = zipfile.ZipInfo.from_file(filename, arcname, strict_timestamps=self._strict_timestamps)
        info.compress_type = kind
        level = compresslevel if compresslevel is not None else self.compresslevel
        info._compresslevel = level
        with ThreadPoolExecutor(self.threads) as pool, open(filename, "rb") as src, self.open(info, "w") as dest:
            dest._compressor = ParallelDeflate(pool, self.threads, zlib.Z_DEFAULT_COMPRESSION if level is None
                                               else level)
            shutil.copyfileobj(src, dest, PIECE)

    def _splice(self, filename: Any, arcname: Any, rows: Spliced, compresslevel: int | None) -> None:
        """Store the sheet ``filename`` (its XML without the rows) with the spooled rows at ``rows.offset``."""
        with open(filename, "rb") as src:
            xml = src.read()
        head, tail, spooled = xml[:rows.offset], xml[rows.offset:], rows.rows
        info = zipfile.ZipInfo.from_file(filename, arcname, strict_timestamps=self._strict_timestamps)
        info.compress_type = zipfile.ZIP_DEFLATED
        level = compresslevel if compresslevel is not None else self.compresslevel
        info._compresslevel = level  # type: ignore[attr-defined]
        info.file_size = len(head) + spooled.size + len(tail)  # decides ZIP64 as ZipFile.write does
        crc = crc32_combine(crc32_combine(zlib.crc32(head), spooled.crc, spooled.size), zlib.crc32(tail), len(tail))
        level = zlib.Z_DEFAULT_COMPRESSION if level is None else level
        with self.open(info, "w") as dest, open(spooled.path, "rb") as deflated:
            dest._compressor = _Stored()  # type: ignore[attr-defined]
            dest.write(_deflate(head, b"", level, final=False))
            shutil.copyfileobj(deflated, dest, PIECE)
            dest.write(_deflate(tail, b"", level, final=True))
            dest._crc, dest._file_size = crc, info.file_size  # type: ignore[attr-defined]


_SWAP = threading.Lock()


@contextmanager
def parallel_zip(module: Any, threads: int, spliced: dict[str, Spliced] | None = None) -> Iterator[None]:
    """While inside, ``module.ZipFile`` (XlsxWriter's, looked up when it saves) is :class:`ParallelZip` on
    ``threads`` threads, splicing the sheets that ``spliced`` names (filled in while saving). One save at a time
    swaps it (a lock, which every result workbook's save takes); a workbook saved meanwhile by another thread not
    through here would get a :class:`ParallelZip` too, whose ``spliced`` names none of its files: XlsxWriter's own
    valid package."""
    if threads < 2 and spliced is None:
        yield
        return
    with _SWAP:
        plain = module.ZipFile

        def parallel(*args: Any, **kwargs: Any) -> ParallelZip:
            return ParallelZip(*args, threads=threads, spliced=spliced, **kwargs)

        module.ZipFile = parallel
        try:
            yield
        finally:
            module.ZipFile = plain
