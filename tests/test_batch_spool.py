"""The large sheets' rows deflated while they arrive (calculator.batch.spool) and spliced into the package
(calculator.batch.deflate): the same parts, byte for byte once unzipped, as XlsxWriter's own package, valid CRCs;
the private names of XlsxWriter this relies on are held here; the deflating thread ends with the workbook."""

from __future__ import annotations

import os
import random
import threading
import zipfile
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
import xlsxwriter
import xlsxwriter.workbook

from calculator.batch import deflate, run_batch, spool
from calculator.batch.writer import ResultWriter
from tests.conftest import AS_OF


def test_crc32_combine_is_zlibs():
    rng = random.Random(5)
    for first, second in [(0, 0), (0, 9), (9, 0), (1, 1), (3, 1000), (70_000, 65_537), (5, 1 << 20)]:
        a, b = rng.randbytes(first), rng.randbytes(second)
        assert deflate.crc32_combine(zlib.crc32(a), zlib.crc32(b), len(b)) == zlib.crc32(a + b)


@pytest.mark.parametrize("threaded", [False, True])
def test_spooled_rows_are_one_sync_flushed_deflate_stream_with_their_crc(tmp_path, monkeypatch, threaded):
    monkeypatch.setattr(spool, "PIECE", 1000)  # many pieces, several out at once on the thread
    text = "".join(f'<row r="{n}"><c><v>{n * 7919 % 1000}</v></c><t>南山 &amp; x</t></row>' for n in range(3000))
    with ThreadPoolExecutor(1) as pool:
        rows = spool.RowSpool(str(tmp_path / "rows"), pool if threaded else None)
        for start in range(0, len(text), 333):
            rows.write(text[start:start + 333])
        rows.finish()
        rows.finish()  # once is enough
    data = text.encode()
    assert (rows.size, rows.crc) == (len(data), zlib.crc32(data))
    deflated = (tmp_path / "rows").read_bytes()
    assert deflated.endswith(b"\x00\x00\xff\xff")  # a sync flush, no final block
    head = zlib.compressobj(6, zlib.DEFLATED, -15)
    tail = zlib.compressobj(6, zlib.DEFLATED, -15)
    stream = head.compress(b"<a>") + head.flush(zlib.Z_SYNC_FLUSH) + deflated + tail.compress(b"</a>") + tail.flush()
    inflate = zlib.decompressobj(-15)
    assert inflate.decompress(stream) + inflate.flush() == b"<a>" + data + b"</a>" and inflate.eof


def _book(path, spooled: bool, pool: ThreadPoolExecutor | None, spliced: dict) -> None:
    """A small constant_memory workbook: a sheet written through a spool (or not), a plain one, an empty one."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "tmpdir": str(path.parent)})
    big = wb.add_worksheet("Big", spool.SpooledSheet if spooled else None)
    empty = wb.add_worksheet("Empty", spool.SpooledSheet if spooled else None)
    plain = wb.add_worksheet("Plain")
    if spooled:
        big.spool(spool.RowSpool(str(path) + ".big", pool), spliced)
        empty.spool(spool.RowSpool(str(path) + ".empty", pool), spliced)
    big.set_row(0, 30)
    big.write_string(0, 0, "Header ")
    for row in range(1, 4000):
        big.write_string(row, 0, f"row {row} 深圳 <&>")
        big.write_number(row, 1, row * 1.5)
    big.autofilter(0, 0, 3999, 1)
    plain.write_string(0, 0, "plain")
    with deflate.parallel_zip(xlsxwriter.workbook, 2 if pool else 1, spliced if spooled else None):
        wb.close()


@pytest.mark.parametrize("threaded", [False, True])
def test_a_spooled_sheet_unzips_to_xlsxwriters_own_bytes(tmp_path, monkeypatch, threaded):
    monkeypatch.setattr(spool, "PIECE", 4096)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    spliced: dict = {}
    with ThreadPoolExecutor(1) as pool:
        _book(tmp_path / "a" / "spooled.xlsx", True, pool if threaded else None, spliced)
    _book(tmp_path / "b" / "plain.xlsx", False, None, {})
    assert len(spliced) == 1  # the empty sheet has no rows to splice
    with zipfile.ZipFile(tmp_path / "a" / "spooled.xlsx") as new, zipfile.ZipFile(tmp_path / "b" / "plain.xlsx") as old:
        assert new.testzip() is None
        assert new.namelist() == old.namelist()
        for info in old.infolist():
            if info.filename != "docProps/core.xml":  # its creation time
                assert new.read(info.filename) == old.read(info.filename), info.filename
                mine = new.getinfo(info.filename)
                assert (mine.CRC, mine.file_size, mine.date_time) == (info.CRC, info.file_size, info.date_time)
        assert b"<sheetData/>" in new.read("xl/worksheets/sheet2.xml")
    leftovers = [name for name in os.listdir(tmp_path / "a") if name not in ("spooled.xlsx",) and "." not in name]
    assert leftovers == []  # XlsxWriter's own row files are gone


def test_the_deflating_thread_ends_with_the_workbook(catalogue, tmp_path):
    from tests.test_batch_parallel import roster

    before = threading.active_count()
    run_batch(catalogue, roster(tmp_path / "roster.xlsx", 60), tmp_path / "out.xlsx", as_of=AS_OF, processes=2)
    assert threading.active_count() == before
    writer = ResultWriter("en", "people", [], scratch=tmp_path, threads=2)
    writer.rows_xml({"summary": [b"<row r=\"\x00\"></row>" * 2000] * 60})  # more than a piece: the thread starts
    assert threading.active_count() == before + 1
    writer.discard()
    assert threading.active_count() == before and not os.path.exists(writer.tmpdir)


def test_a_failure_on_the_deflating_thread_stops_the_batch_and_cleans_up(catalogue, tmp_path, monkeypatch):
    from tests.test_batch_parallel import roster

    def full(self, texts, end):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(spool, "PIECE", 1000)
    monkeypatch.setattr(spool.RowSpool, "_deflate", full)
    before = threading.active_count()
    for processes in (1, 2):
        with pytest.raises(OSError, match="No space"):
            run_batch(catalogue, roster(tmp_path / "roster.xlsx", 60), tmp_path / "out.xlsx", as_of=AS_OF,
                      processes=processes, scratch=tmp_path)
        assert threading.active_count() == before and not list(tmp_path.glob("incentives-xlsx-*"))
    assert not (tmp_path / "out.xlsx").exists()
