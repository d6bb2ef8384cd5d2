"""Hostile and unusual batch files: macros hidden from a prefix check, and CSV text in UTF-16 / UTF-32.

* A macro-enabled workbook is refused whatever it is named and however its declarations are padded or spelled:
  each attack below was accepted by the old check (which read ``[Content_Types].xml`` only when under 1 MB, matched
  its markers case-sensitively and found a VBA project by the part's file name alone).
* Excel's "Unicode Text" export (UTF-16 LE with a BOM, tab-separated) and the other UTF-16 / UTF-32 forms are read
  like any CSV, the encoding stated; a damaged one is refused saying which line and what to do (the old reader
  called them "not .xlsx or .csv").
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import xlsxwriter

from calculator.app import create_app
from calculator.batch import BatchFileError, run_batch
from calculator.batch.reader import open_source
from tests.conftest import AS_OF
from tests.test_batch import BAD, GOOD, HEADER, bounded, sheets, wait_done

VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
# 1.2 MB of comment (random text, so the zip's ratio check has nothing to say): past the old check's 1 MB read limit
PADDING = b"<!--" + random.Random(17).randbytes(600_000).hex().encode() + b"-->"


def workbook(tmp_path: Path, vba: bool = False, link: bool = False) -> dict[str, bytes]:
    """A real workbook written by XlsxWriter (with a VBA project: an .xlsm), as ``{part name: bytes}``."""
    name = tmp_path / ("book.xlsm" if vba else "book.xlsx")
    book = xlsxwriter.Workbook(str(name))
    sheet = book.add_worksheet("People")
    for row, line in enumerate([HEADER.strip(), *GOOD]):
        sheet.write_row(row, 0, next(csv.reader([line])))
    if link:
        sheet.write_url(1, 12, "https://example.org/roster", string="source")  # right of the header: not read
    if vba:
        project = tmp_path / "vbaProject.bin"
        project.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1016)  # an OLE container, as Excel's is
        book.add_vba_project(str(project))
    book.close()
    with zipfile.ZipFile(name) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zipped(parts: dict[str, bytes], path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def renamed(parts: dict[str, bytes], old: str, new: str, target: str) -> dict[str, bytes]:
    """``old`` moved to ``new``; relationships pointing at ``old``'s file name point at ``target`` instead."""
    moved = {new if name == old else name: data for name, data in parts.items()}
    base = old.rpartition("/")[2].encode()
    return {name: data.replace(b'Target="' + base, b'Target="' + target.encode()) if name.endswith(".rels") else data
            for name, data in moved.items()}


def edited(parts: dict[str, bytes], name: str, change: Callable[[bytes], bytes]) -> dict[str, bytes]:
    return {**parts, name: change(parts[name])}


def padded(types: bytes) -> bytes:
    return types.replace(b"<Types ", PADDING + b"<Types ", 1)


def padded_and_renamed(tmp_path: Path) -> dict[str, bytes]:
    """The reported bypass: the VBA project renamed, the declarations padded past 1 MB."""
    parts = renamed(workbook(tmp_path, vba=True), "xl/vbaProject.bin", "xl/media/image1.bin", "media/image1.bin")
    return edited(parts, "[Content_Types].xml", padded)


def markers_in_capitals(tmp_path: Path) -> dict[str, bytes]:
    """Renamed, and every macro content type spelled in capitals (content types are case-insensitive)."""
    parts = renamed(workbook(tmp_path, vba=True), "xl/vbaProject.bin", "xl/data.bin", "data.bin")
    return edited(parts, "[Content_Types].xml",
                  lambda xml: xml.replace(b"vbaProject", b"VBAPROJECT").replace(b"macroEnabled", b"MACROENABLED"))


def only_the_relationship(tmp_path: Path) -> dict[str, bytes]:
    """Renamed, content types scrubbed to a plain workbook's: only the workbook's relationship says VBA."""
    parts = renamed(workbook(tmp_path, vba=True), "xl/vbaProject.bin", "xl/blob.bin", "blob.bin")
    return edited(parts, "[Content_Types].xml", lambda xml: xml.replace(
        b"application/vnd.ms-office.vbaProject", b"application/octet-stream").replace(
        b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"))


def excel4_macro_sheet(tmp_path: Path) -> dict[str, bytes]:
    """An Excel 4.0 (XLM) macro sheet in an otherwise plain workbook: no VBA at all, no "macroEnabled"."""
    parts = workbook(tmp_path)
    parts["xl/macrosheets/sheet1.xml"] = (b'<?xml version="1.0" encoding="UTF-8"?><xm:macrosheet '
                                          b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"/>')
    parts = edited(parts, "[Content_Types].xml", lambda xml: xml.replace(
        b"</Types>", b'<Override PartName="/xl/macrosheets/sheet1.xml" '
                     b'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>'))
    parts = edited(parts, "xl/_rels/workbook.xml.rels", lambda xml: xml.replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.microsoft.com/office/2006/'
                             b'relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>'))
    return edited(parts, "xl/workbook.xml", lambda xml: xml.replace(
        b"</sheets>", b'<sheet name="Auto_Open" sheetId="9" state="hidden" r:id="rId99"/></sheets>'))


def activex_in_capitals(tmp_path: Path) -> dict[str, bytes]:
    """An ActiveX control under another folder and name, its content type in capitals."""
    parts = workbook(tmp_path)
    parts["xl/ctrl/c1.xml"] = b'<?xml version="1.0" encoding="UTF-8"?><ax:ocx xmlns:ax="x"/>'
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
        b'2006/relationships"><Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/control" Target="../ctrl/c1.xml"/></Relationships>')
    return edited(parts, "[Content_Types].xml", lambda xml: xml.replace(
        b"</Types>", b'<Override PartName="/xl/ctrl/c1.xml" ContentType="application/vnd.ms-office.ACTIVEX+xml"/>'
                     b"</Types>"))


ATTACKS = [padded_and_renamed, markers_in_capitals, only_the_relationship, excel4_macro_sheet, activex_in_capitals]


@pytest.mark.parametrize("attack", ATTACKS, ids=lambda a: a.__name__)
def test_a_macro_workbook_is_refused_however_its_declarations_are_padded_renamed_or_spelled(catalogue, tmp_path,
                                                                                             attack):
    path = zipped(attack(tmp_path), tmp_path / "roster.xlsx")
    error = bounded(catalogue, path, tmp_path)  # bounded memory and bytes decompressed
    assert error is not None, f"{attack.__name__} was accepted"
    assert error.key == "macro" and "Macro-enabled workbooks" in error.render("en"), error.render("en")
    assert "含宏" in error.render("zh")
    assert not (tmp_path / "o.xlsx").exists()


def test_the_reported_bypass_is_refused_on_the_upload_page_in_both_languages(tmp_path):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "BATCH_DIR": str(tmp_path / "jobs")})
    data = zipped(padded_and_renamed(tmp_path), tmp_path / "roster.xlsx").read_bytes()
    try:
        for lang, words in (("en", "Macro-enabled workbooks"), ("zh", "含宏")):
            response = app.test_client().post(f"/batch?lang={lang}", data={
                "file": (io.BytesIO(data), "roster.xlsx"), "kind": "people"})
            assert response.status_code == 400 and words in response.get_data(as_text=True)
    finally:
        app.extensions["batch_jobs"].shutdown()


def test_padding_and_links_alone_are_not_macros(catalogue, tmp_path):
    """No false alarm: a plain workbook with padded declarations and an external link is read, every row
    assessed."""
    parts = edited(workbook(tmp_path, link=True), "[Content_Types].xml", padded)
    summary = run_batch(catalogue, zipped(parts, tmp_path / "roster.xlsx"), tmp_path / "o.xlsx", kind="people",
                        as_of=AS_OF)
    assert (summary.rows_in, summary.assessed, summary.rejected) == (2, 2, 0)


def test_an_xlsb_named_xlsx_is_refused_by_its_content_types(catalogue, tmp_path):
    parts = edited(workbook(tmp_path), "[Content_Types].xml", lambda xml: padded(xml).replace(
        b"</Types>", b'<Override PartName="/xl/Worksheets/Sheet2.BIN" ContentType="application/vnd.ms-excel.'
                     b'worksheet"/></Types>'))
    error = bounded(catalogue, zipped(parts, tmp_path / "roster.xlsx"), tmp_path)
    assert error is not None and error.key == "xlsb" and ".xlsb" in error.render("zh")


# --- UTF-16 and UTF-32 CSV ---------------------------------------------------------------------------------------
def unicode_text(lines: list[str], codec: str, bom: bytes = b"") -> bytes:
    """Excel's "Unicode Text": tab-separated, CRLF line ends (commas inside a value need no quotes)."""
    rows = [next(csv.reader([line])) for line in [HEADER.strip(), *lines]]
    return bom + "".join("\t".join(row) + "\r\n" for row in rows).encode(codec)


@pytest.mark.parametrize("codec,bom,shown", [
    ("utf-16-le", codecs.BOM_UTF16_LE, "UTF-16 LE (BOM)"),   # what Excel and WPS save as "Unicode Text"
    ("utf-16-be", codecs.BOM_UTF16_BE, "UTF-16 BE (BOM)"),
    ("utf-16-le", b"", "UTF-16 LE"),
    ("utf-16-be", b"", "UTF-16 BE"),
    ("utf-32-le", codecs.BOM_UTF32_LE, "UTF-32 LE (BOM)"),
    ("utf-32-be", b"", "UTF-32 BE"),
])
def test_utf16_and_utf32_text_is_read_like_any_csv_and_the_encoding_is_stated(catalogue, tmp_path, codec, bom,
                                                                               shown):
    src = tmp_path / "roster.txt"
    src.write_bytes(unicode_text(GOOD + BAD, codec, bom))
    summary = run_batch(catalogue, src, tmp_path / "o.xlsx", kind="people", as_of=AS_OF)
    assert summary.encoding == shown
    assert (summary.rows_in, summary.assessed, summary.rejected) == (4, 2, 2)
    book = sheets(tmp_path / "o.xlsx")
    people = [row for row in book["Summary"][1:] if isinstance(row[0], int)]  # not the totals below them
    assert {row[1] for row in people} == {"E1", "E3"}
    assert {row[2] for row in people} == {"R&D", "研发"}  # no BOM or NUL left in any value


def test_a_damaged_utf16_file_is_refused_naming_the_line_and_what_to_do(catalogue, tmp_path):
    good = unicode_text(GOOD, "utf-16-le", codecs.BOM_UTF16_LE)
    lines = good.split("\r\n".encode("utf-16-le"))
    lines[2] = lines[2][:6] + b"\x00\xd8" + lines[2][6:]  # half of a surrogate pair in line 3
    src = tmp_path / "roster.csv"
    src.write_bytes("\r\n".encode("utf-16-le").join(lines))
    error = bounded(catalogue, src, tmp_path)
    assert error is not None and error.key == "encoding_wide"
    english, chinese = error.render("en"), error.render("zh")
    assert "UTF-16 LE" in english and "line 3" in english and "CSV UTF-8" in english, english
    assert "第 3 行" in chinese and "UTF-16 LE" in chinese, chinese


def test_binary_data_that_looks_like_utf16_is_still_not_a_table(tmp_path):
    src = tmp_path / "data.csv"
    src.write_bytes(b"\x01\x00\x02\x00\x03\x00" * 2000)  # NULs on one side of every pair: control characters
    with pytest.raises(BatchFileError) as refused:
        open_source(src)
    assert refused.value.key == "not_tabular"


def test_a_unicode_text_upload_on_the_web_is_read_and_says_so(tmp_path):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "BATCH_DIR": str(tmp_path / "jobs")})
    try:
        client = app.test_client()
        data = unicode_text(GOOD, "utf-16-le", codecs.BOM_UTF16_LE)
        response = client.post("/batch?lang=en", data={"file": (io.BytesIO(data), "roster.txt"), "kind": "people",
                                                       "as_of": AS_OF.isoformat()})
        assert response.status_code == 303, response.get_data(as_text=True)[:2000]
        page = wait_done(client, response.headers["Location"])
        assert "UTF-16 LE (BOM)" in page and re.search(r"\b2\b", page)
    finally:
        app.extensions["batch_jobs"].shutdown()
