"""The batch's speed-ups keep what the user gets: the package deflated on several threads, and the large sheets'
rows spliced in already deflated, unzip to the same bytes (any unzip reads them), and a roster whose sheet declares
no size is read whole without being read once more on opening."""

from __future__ import annotations

import datetime as dt
import random
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet._reader import WorkSheetParser

from calculator.batch import deflate, run_batch
from calculator.batch.reader import open_source
from tests.conftest import AS_OF


def sheet_like(size: int) -> bytes:
    """Sheet-like XML: repetitive, with enough variety that the pieces' dictionaries matter."""
    rng = random.Random(3)
    words = [b"Likely eligible", b"Needs information", b"\xe5\x8d\x97\xe5\xb1\xb1", b"x" * 40, b"a&amp;b"]
    out = bytearray()
    row = 0
    while len(out) < size:
        row += 1
        out += b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>%s</t></is></c><c r="B%d"><v>%d</v></c></row>' % (
            row, row, rng.choice(words), row, rng.randint(0, 10**9))
    return bytes(out[:size])


@pytest.mark.parametrize("threads", [2, 3])
def test_a_large_part_deflated_on_threads_unzips_to_the_same_bytes(tmp_path, threads):
    data = sheet_like(deflate.LARGE + 3 * deflate.PIECE + 12345)  # several pieces and a short last one
    (tmp_path / "sheet.xml").write_bytes(data)
    with deflate.ParallelZip(tmp_path / "p.zip", "w", zipfile.ZIP_DEFLATED, threads=threads) as package:
        package.write(tmp_path / "sheet.xml", "xl/worksheets/sheet1.xml")
        package.writestr("small.xml", b"<a/>")
    with zipfile.ZipFile(tmp_path / "p.zip") as package:
        assert package.testzip() is None  # every CRC checks
        assert package.read("xl/worksheets/sheet1.xml") == data and package.read("small.xml") == b"<a/>"
        info = package.getinfo("xl/worksheets/sheet1.xml")
        assert info.compress_type == zipfile.ZIP_DEFLATED and zlib.crc32(data) == info.CRC
    with zipfile.ZipFile(tmp_path / "one.zip", "w", zipfile.ZIP_DEFLATED) as package:  # one thread, as zipfile does
        package.write(tmp_path / "sheet.xml", "xl/worksheets/sheet1.xml")
    assert (tmp_path / "p.zip").stat().st_size < (tmp_path / "one.zip").stat().st_size * 1.01


def test_xlsxwriter_is_given_back_its_own_zipfile_after_saving(tmp_path):
    import xlsxwriter.workbook

    plain = xlsxwriter.workbook.ZipFile
    with deflate.parallel_zip(xlsxwriter.workbook, 2):
        assert xlsxwriter.workbook.ZipFile is not plain
    assert xlsxwriter.workbook.ZipFile is plain
    with pytest.raises(RuntimeError), deflate.parallel_zip(xlsxwriter.workbook, 2):
        raise RuntimeError("a save that fails")
    assert xlsxwriter.workbook.ZipFile is plain


def test_a_sheet_declaring_no_size_is_read_whole_and_not_parsed_on_opening(tmp_path, monkeypatch):
    wb = openpyxl.Workbook(write_only=True)  # openpyxl's write-only mode writes no <dimension>
    ws = wb.create_sheet("People")
    ws.append(["ref", "department", "degree", "introduction_date"])
    rows = [[f"E{i}", "R&D", "phd", dt.datetime(2020, 1, 1) + dt.timedelta(days=i)] for i in range(50)]
    for row in rows:
        ws.append(row)
    wb.save(tmp_path / "roster.xlsx")
    with zipfile.ZipFile(tmp_path / "roster.xlsx") as package:
        assert b"<dimension" not in package.read("xl/worksheets/sheet1.xml")

    def refuse(_parser: WorkSheetParser) -> None:
        raise AssertionError("the sheet was read on opening")

    monkeypatch.setattr(WorkSheetParser, "parse_dimensions", refuse)
    source = open_source(Path(tmp_path / "roster.xlsx"), "people")
    try:
        read = list(source.rows())
    finally:
        source.close()
    assert read == [(1, ["ref", "department", "degree", "introduction_date"])] + [
        (n, [r[0], r[1], r[2], r[3].date()]) for n, r in enumerate(rows, 2)]


def test_a_batch_on_two_processes_saves_a_package_any_unzip_reads(catalogue, tmp_path, monkeypatch):
    """The large sheets' rows arrive deflated (calculator.batch.spool) and are spliced in; a large part that is not
    spooled (here the Sources and the Rejected rows, large for this test) is deflated on the threads."""
    monkeypatch.setattr(deflate, "PIECE", 4 * 1024)
    monkeypatch.setattr(deflate, "LARGE", 8 * 1024)
    pieces: list[int] = []
    real = deflate._deflate
    monkeypatch.setattr(deflate, "_deflate", lambda piece, *args, **kw: pieces.append(len(piece))
                        or real(piece, *args, **kw))
    spliced: list[str] = []
    splice = deflate.ParallelZip._splice
    monkeypatch.setattr(deflate.ParallelZip, "_splice", lambda self, name, arc, *args: spliced.append(arc)
                        or splice(self, name, arc, *args))
    from tests.test_batch_parallel import parts, roster

    src = roster(tmp_path / "roster.xlsx", 120)
    counted = []
    for processes in (1, 2):
        run_batch(catalogue, src, tmp_path / f"o{processes}.xlsx", as_of=AS_OF, processes=processes)
        counted.append(len(pieces))
        with zipfile.ZipFile(tmp_path / f"o{processes}.xlsx") as package:
            assert package.testzip() is None
    sheets = [f"xl/worksheets/sheet{n}.xml" for n in (1, 2, 3)]  # Summary, Status matrix, Detail
    assert spliced == sheets + sheets
    # one process: each spliced sheet's head and tail deflated here, nothing on threads; two: the other large
    # parts in pieces besides
    assert counted[0] == 2 * 3 and counted[1] - counted[0] > 2 * 3 + 4
    assert parts(tmp_path / "o1.xlsx") == parts(tmp_path / "o2.xlsx")
