"""Every limit, held: the ones no other test reached, one file or request just over each, and the table in
docs/security.md that lists every limit with its value, its setting and the test that holds it.

Files are made the way an attacker would (random text where a repeated one would be refused as a zip bomb first);
each refusal is checked for the limit it names, in both languages, and for bounded work (``bounded``: traced
memory and bytes decompressed).
"""

from __future__ import annotations

import ast
import io
import random
import re
import struct
import zipfile
from pathlib import Path

import pytest

from calculator import config
from calculator.app import create_app
from calculator.batch import BatchFileError, run_batch
from calculator.batch.reader import MAX_CELL, MAX_FILE_BYTES, record_budget
from calculator.workbook.package import MAX_DECLARATIONS, MAX_RELATIONSHIPS
from calculator.workbook.xmlscan import MAX_GAP, MAX_PART
from calculator.workbook.zipcheck import (
    ELEMENTS_PER_CELL,
    ELEMENTS_PER_ROW_CELL,
    MAX_ENTRIES,
    MAX_OUTSIDE,
    MAX_RATIO,
    MAX_UNCOMPRESSED,
    SheetLimits,
)
from tests.conftest import AS_OF, ROOT
from tests.test_batch import HEADER, bounded, wait_done
from tests.test_hostile_uploads import CONTENT_TYPES, RELS, WORKBOOK, WORKBOOK_RELS, text_row

RNG = random.Random(2026)
SHEET = "xl/worksheets/sheet1.xml"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def noise(size: int) -> str:
    """``size`` random letters: text a zip cannot squeeze (so only the limit under test can refuse it)."""
    return "".join(RNG.choices("abcdefghijklmnopqrstuvwxyz", k=size))


def sheet(rows: str, after: str = "") -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData>' \
           f"{after}</worksheet>"


def package(path: Path, parts: dict[str, str] | None = None) -> Path:
    """A minimal workbook (the hostile upload tests' parts), with ``parts`` replaced or added by name."""
    base = {"[Content_Types].xml": CONTENT_TYPES, "_rels/.rels": RELS, "xl/workbook.xml": WORKBOOK,
            "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
            SHEET: sheet(text_row(1, ["ref", "identity"]) + text_row(2, ["A", "mainland"]))}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in {**base, **(parts or {})}.items():
            archive.writestr(name, data)
    return path


def declared_size(path: Path, size: int) -> Path:
    """The zip's central directory claims ``size`` bytes for its first entry (what the zip check reads)."""
    data = bytearray(path.read_bytes())
    entry = data.index(b"PK\x01\x02")
    data[entry + 24: entry + 28] = struct.pack("<I", size)
    path.write_bytes(bytes(data))
    return path


def refused(catalogue, path: Path, tmp_path: Path, key: str, words: str, limit: str,
            limits: SheetLimits | None = None) -> None:
    """The batch refuses ``path`` with ``key``: ``words`` in English, the ``limit`` in both languages, nothing
    written; in bounded memory and decompression unless other ``limits`` than the settings' are given."""
    if limits is None:
        error = bounded(catalogue, path, tmp_path)
    else:
        with pytest.raises(BatchFileError) as caught:
            run_batch(catalogue, path, tmp_path / "o.xlsx", kind="people", limits=limits)
        error = caught.value
    assert error is not None, f"{key}: accepted"
    english, chinese = error.render("en"), error.render("zh")
    assert error.key == key, (error.key, english)
    assert words in english and limit in english and limit in chinese, (english, chinese)
    assert not (tmp_path / "o.xlsx").exists()


# --- the zip and the package ---------------------------------------------------------------------------------------
def test_more_parts_than_the_limit(catalogue, tmp_path):
    extra = {f"xl/extra/p{i}.xml": "<x/>" for i in range(MAX_ENTRIES)}
    refused(catalogue, package(tmp_path / "r.xlsx", extra), tmp_path, "zip_entries", "too many parts",
            str(MAX_ENTRIES))


def test_a_declared_size_past_the_limit(catalogue, tmp_path):
    path = declared_size(package(tmp_path / "r.xlsx"), MAX_UNCOMPRESSED + 1)
    refused(catalogue, path, tmp_path, "zip_size", "would expand to", f"{MAX_UNCOMPRESSED / 1e6:.0f} MB")


def test_the_compression_ratio_limit_is_the_one_named(catalogue, tmp_path):
    zeros = "<x>" + "0" * 3_000_000 + "</x>"  # 3 MB of one character: about 1000:1
    refused(catalogue, package(tmp_path / "r.xlsx", {"xl/styles.xml": zeros}), tmp_path, "zip_ratio", "zip bomb",
            f"{MAX_RATIO}:1")


def test_a_part_parsed_whole_past_the_limit(catalogue, tmp_path):
    styles = f'<styleSheet xmlns="{MAIN}"><!--{noise(MAX_PART)}--></styleSheet>'
    refused(catalogue, package(tmp_path / "r.xlsx", {"xl/styles.xml": styles}), tmp_path, "zip_part",
            "xl/styles.xml", f"{MAX_PART // 2 ** 20} MB")


def test_padded_declarations_past_the_part_limit(catalogue, tmp_path):
    types = CONTENT_TYPES.replace("<Types ", f"<!--{noise(MAX_PART)}--><Types ")
    path = package(tmp_path / "r.xlsx", {"[Content_Types].xml": types})
    refused(catalogue, path, tmp_path, "zip_part", "[Content_Types].xml", f"{MAX_PART // 2 ** 20} MB")


def test_xml_without_a_tag_past_the_limit(catalogue, tmp_path):
    cell = f'<c t="inlineStr"><is><t>{noise(MAX_GAP + 2 ** 16)}</t></is></c>'
    path = package(tmp_path / "r.xlsx", {SHEET: sheet(f'<row r="1">{cell}</row>')})
    refused(catalogue, path, tmp_path, "xml_gap", "of XML without a tag", f"{MAX_GAP // 2 ** 20} MB")


def test_more_empty_rows_than_the_limit(catalogue, tmp_path):
    limit = SheetLimits().sheet_rows
    rows = text_row(1, ["ref"]) + "".join(f'<row r="{i}" ht="{RNG.randrange(10, 99)}"/>' for i in range(2, limit + 3))
    refused(catalogue, package(tmp_path / "r.xlsx", {SHEET: sheet(rows)}), tmp_path, "sheet_rows",
            "empty formatted rows", f"{limit:,}")


def test_more_xml_elements_in_one_row_than_the_limit(catalogue, tmp_path):
    limit = SheetLimits().row_elements
    assert limit == ELEMENTS_PER_ROW_CELL * config.BATCH_MAX_ROW_CELLS
    runs = "".join(f"<r><t>{noise(3)}</t></r>" for _ in range(limit // 2 + 1))
    row = f'<row r="2"><c t="inlineStr"><is>{runs}</is></c></row>'
    path = package(tmp_path / "r.xlsx", {SHEET: sheet(text_row(1, ["ref"]) + row)})
    refused(catalogue, path, tmp_path, "xml_elements", "XML elements", f"{limit:,}")


def test_more_xml_elements_outside_the_rows_than_the_limit(catalogue, tmp_path):
    merges = "".join(f'<mergeCell ref="A{RNG.randrange(9999)}:B{RNG.randrange(9999)}"/>'
                     for _ in range(MAX_OUTSIDE + 1))
    path = package(tmp_path / "r.xlsx", {SHEET: sheet(text_row(1, ["ref"]), f"<mergeCells>{merges}</mergeCells>")})
    refused(catalogue, path, tmp_path, "xml_elements", "XML elements", f"{MAX_OUTSIDE:,}")


def test_more_xml_elements_in_the_sheet_than_four_per_cell_of_its_limit(catalogue, tmp_path):
    """With a cells limit of 100, a sheet of 60 cells holding 10 elements each (600 > 4 × 100)."""
    cells = "".join(f'<c t="inlineStr"><is>{"".join(f"<r><t>{noise(2)}</t></r>" for _ in range(4))}</is></c>'
                    for _ in range(60))
    path = package(tmp_path / "r.xlsx", {SHEET: sheet(text_row(1, ["ref"]) + f'<row r="2">{cells}</row>')})
    refused(catalogue, path, tmp_path, "xml_elements", "more than 400 XML elements", f"{ELEMENTS_PER_CELL * 100}",
            limits=SheetLimits(cells=100))


def test_more_content_type_declarations_than_the_limit(catalogue, tmp_path):
    defaults = "".join(f'<Default Extension="e{RNG.randrange(10 ** 9)}" ContentType="application/x-{noise(6)}"/>'
                       for _ in range(MAX_DECLARATIONS))
    path = package(tmp_path / "r.xlsx", {"[Content_Types].xml": CONTENT_TYPES.replace("</Types>",
                                                                                       defaults + "</Types>")})
    refused(catalogue, path, tmp_path, "xml_elements", "[Content_Types].xml", f"{MAX_DECLARATIONS:,}")


def test_more_relationships_than_the_limit(catalogue, tmp_path):
    """Counted over every .rels part: four sheets' links (each part well under the part size limit)."""
    per_part = MAX_RELATIONSHIPS // 4 + 1
    parts = {}
    for part in range(4):
        links = "".join(f'<Relationship Id="r{i}" Type="h" Target="https://{noise(4)}.cn" TargetMode="External"/>'
                        for i in range(per_part))
        parts[f"xl/worksheets/_rels/sheet{part + 1}.xml.rels"] = \
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{links}' \
            "</Relationships>"
    refused(catalogue, package(tmp_path / "r.xlsx", parts), tmp_path, "xml_elements", ".rels",
            f"{MAX_RELATIONSHIPS:,}")


# --- the sheet's settings (the web passes the app's) -----------------------------------------------------------------
@pytest.mark.parametrize(("setting", "value", "rows", "words", "chinese"), [
    ("BATCH_MAX_CELLS", 50, [["ref", "identity"]] + [[f"E{i}", "mainland"] for i in range(30)],
     "more than 50 cells", "50"),
    ("BATCH_MAX_SHARED_STRINGS", 20, [["ref", "identity"]] + [[f"E{i}", "mainland"] for i in range(30)],
     "more than 20 entries", "20"),
])
def test_the_sheet_settings_are_the_limits_the_upload_page_names(tmp_path, setting, value, rows, words, chinese):
    """The app's own setting (as INCENTIVES_<setting> sets it) is the limit an upload meets and the message names."""
    import xlsxwriter

    path = tmp_path / "roster.xlsx"
    book = xlsxwriter.Workbook(str(path))  # shared strings, as Excel writes them
    worksheet = book.add_worksheet("People")
    for number, row in enumerate(rows):
        worksheet.write_row(number, 0, row)
    book.close()
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, setting: value,
                      "BATCH_DIR": str(tmp_path / "jobs")})
    try:
        client = app.test_client()
        for lang, expected in (("en", words), ("zh", chinese)):
            response = client.post(f"/batch?lang={lang}", data={"file": (io.BytesIO(path.read_bytes()), "r.xlsx"),
                                                                "kind": "people"})
            page = wait_done(client, response.headers["Location"]) if response.status_code == 303 else \
                response.get_data(as_text=True)
            assert expected in page, page[-2000:]
    finally:
        app.extensions["batch_jobs"].shutdown()


# --- files given to the command line, cells ----------------------------------------------------------------------
def test_a_file_over_the_command_lines_size_limit_is_refused_unread(catalogue, tmp_path):
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:
        handle.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing to read, and nothing is
    refused(catalogue, path, tmp_path, "too_big", "too large", f"{MAX_FILE_BYTES // 2 ** 20} MB")


def test_a_cell_longer_than_the_limit_rejects_its_row_naming_the_limit(catalogue, tmp_path):
    src = tmp_path / "roster.csv"
    src.write_text(HEADER + f"E1,{noise(MAX_CELL + 1)},phd,mainland,900000,yes,2019-07-01\n"
                   "E2,R&D,phd,mainland,900000,yes,2019-07-01\n", encoding="utf-8")
    errors: list = []
    summary = run_batch(catalogue, src, tmp_path / "o.xlsx", kind="people", as_of=AS_OF, on_error=errors.append)
    assert (summary.rows_in, summary.assessed, summary.rejected) == (2, 1, 1)
    assert [(e.row, e.column) for e in errors] == [(2, "B")]
    assert f"more than {MAX_CELL} characters" in errors[0].message
    assert record_budget(SheetLimits()) == config.BATCH_MAX_ROW_CELLS * (MAX_CELL + 3)


# --- value ranges of the fields no other test reached ------------------------------------------------------------
@pytest.mark.parametrize(("subject", "field", "value", "words"), [
    ("people", "ref", "r" * 101, "at most 100 characters"),
    ("people", "department", "d" * 101, "at most 100 characters"),
    ("company", "employees", 10_000_001, "at most 10000000"),
    ("company", "tax_year", 1979, "at least 1980"),
    ("company", "tax_year", 2101, "at most 2100"),
    ("company", "rd_in_china_percent", 100.5, "between 0 and 100"),
    ("people", "fx_cny_per_hkd", 1001, "at most 1000"),
    ("company", "founding_date", "1899-12-31", "before 1900-01-01"),
])
def test_each_field_range_is_refused_naming_the_limit(subject, field, value, words):
    client = create_app({"TESTING": True}).test_client()
    body = {"company": {field: value}} if subject == "company" else {"people": [{field: value}]}
    response = client.post("/api/v1/assessments?lang=en", json=body)
    document = response.get_json()
    assert response.status_code == 422, document
    path = f"company.{field}" if subject == "company" else f"people[0].{field}"
    assert document["errors"][0]["field"] == path and words in document["errors"][0]["message"], document


def test_a_list_of_codes_without_choices_to_count_is_capped():
    """A code list checked against no table (the schema was given no choices) holds at most MAX_LIST_ITEMS."""
    from marshmallow import ValidationError

    from schemas.fields import MAX_LIST_ITEMS, CodeList

    assert CodeList(table="zones").deserialize([f"z{i}" for i in range(MAX_LIST_ITEMS)]) is not None
    with pytest.raises(ValidationError, match=f"at most {MAX_LIST_ITEMS}"):
        CodeList(table="zones").deserialize([f"z{i}" for i in range(MAX_LIST_ITEMS + 1)])


# --- the table ---------------------------------------------------------------------------------------------------
LIMIT_MODULES = ("calculator/workbook/zipcheck.py", "calculator/workbook/xmlscan.py", "calculator/workbook/package.py",
                 "calculator/batch/reader.py", "schemas/fields.py", "schemas/bounds.py",
                 "schemas/profile.py", "schemas/projects.py", "calculator/front/files.py",
                 "calculator/workbook/earlier.py")


def limits_table() -> list[str]:
    text = (ROOT / "docs" / "security.md").read_text(encoding="utf-8")
    section = text[text.index("## Every limit"):]
    section = section[: section.index("\n## ", 4)] if "\n## " in section[4:] else section
    return [line for line in section.splitlines() if line.startswith("| ") and not line.startswith("| limit")]


def constant(node: ast.expr) -> object:
    """The value of a constant expression (``20 * 1024 * 1024``), or None for anything else (a name, a call)."""
    try:
        return ast.literal_eval(node)
    except ValueError:
        pass
    if isinstance(node, ast.BinOp):
        left, right = constant(node.left), constant(node.right)
        if isinstance(left, int) and isinstance(right, int):
            return {ast.Mult: left * right, ast.Add: left + right, ast.Pow: left ** right,
                    ast.LShift: left << right}.get(type(node.op))
    return None


def module_limits() -> dict[str, int]:
    """Every ``*MAX*`` setting, and every module-level ``MAX_*`` number of the modules that bound input."""
    found = {name: value for name, value in config.DEFAULTS.items() if "MAX" in name and isinstance(value, int)}
    for module in LIMIT_MODULES:
        for node in ast.parse((ROOT / module).read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name) \
                    and node.targets[0].id.startswith("MAX_") and isinstance(value := constant(node.value), int):
                found[node.targets[0].id] = value
    return found


def test_docs_list_every_limit_with_its_value_and_a_test_that_exists():
    rows = limits_table()
    assert len(rows) > 30, "docs/security.md has no 'Every limit' table"
    for name, value in module_limits().items():
        row = next((r for r in rows if f"`{name}`" in r), None)
        assert row is not None, f"{name} ({value:,}) is not in the limits table of docs/security.md"
        assert f"{value:,}" in row, f"{name}: the table does not give its value {value:,}: {row}"
    for row in rows:
        references = re.findall(r"`(tests/[\w/]+\.py)::(\w+)`", row)
        assert references, f"a limit without a test: {row}"
        for path, name in references:
            source = (ROOT / path).read_text(encoding="utf-8")
            assert re.search(rf"^def {name}\(", source, re.M), f"{path}::{name} does not exist ({row[:80]})"
