"""The result workbook's package compressed on several threads, for a batch that has several cores.

Saving the workbook ends every batch, after the last row: XlsxWriter deflates each part of the package in turn,
on one core, while the worker processes have nothing left to do. The large sheets are most of it (about 7 MB
of sheet XML per 1,000 roster rows, 0.9 s of 1.2 s saving a 10,000-row batch). :class:`ParallelZip` compresses
each large part on ``threads`` threads (zlib releases the GIL while it deflates), as pigz does: the part in
pieces of :data:`PIECE` bytes, each deflated with the 32 kB before it as its dictionary and ended with a sync
flush (the last with the final block), so the pieces joined are one ordinary deflate stream, which any unzip
reads. What is stored is the same: the same parts, the same bytes once unzipped, the same CRCs; only the
compressed bytes differ (they are within a fraction of a percent of one thread's size).
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
from typing import Any

PIECE = 1 << 20          # bytes deflated at once by one thread
WINDOW = 32 * 1024       # deflate's window: the dictionary each piece gets from the one before
LARGE = 4 * PIECE        # parts smaller than this are compressed as zipfile does, on the calling thread


def _deflate(piece: bytes, dictionary: bytes, level: int, final: bool) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -zlib.MAX_WBITS, **({"zdict": dictionary} if dictionary
                                                                             else {}))
    return compressor.compress(piece) + compressor.flush(zlib.Z_FINISH if final else zlib.Z_SYNC_FLUSH)


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
    """A ``ZipFile`` whose :meth:`write` of a large file deflates it on ``threads`` threads (see the module's
    docstring); anything else is written as ``ZipFile`` writes it."""

    def __init__(self, *args: Any, threads: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.threads = threads

    def write(self, filename: Any, arcname: Any = None, compress_type: int | None = None,
              compresslevel: int | None = None) -> None:
        kind = self.compression if compress_type is None else compress_type
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


_SWAP = threading.Lock()


@contextmanager
def parallel_zip(module: Any, threads: int) -> Iterator[None]:
    """While inside, ``module.ZipFile`` (XlsxWriter's, looked up when it saves) is :class:`ParallelZip` on
    ``threads`` threads. One save at a time swaps it (a lock); another thread saving meanwhile would get the same
    valid package."""
    if threads < 2:
        yield
        return
    with _SWAP:
        plain = module.ZipFile

        def parallel(*args: Any, **kwargs: Any) -> ParallelZip:
            return ParallelZip(*args, threads=threads, **kwargs)

        module.ZipFile = parallel
        try:
            yield
        finally:
            module.ZipFile = plain
