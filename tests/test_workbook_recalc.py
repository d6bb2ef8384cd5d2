"""The workbook's totals are live formulas: LibreOffice recalculates them and they equal the engine's.

openpyxl stores formulas without results, so every workbook here goes through LibreOffice headless
(``soffice --convert-to xlsx``, a fresh user profile per run) and is read back with ``data_only=True``.
LibreOffice is required: without it these tests fail with the install hint (``make test`` installs it).
"""

from __future__ import annotations

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from calculator.engine.enums import Certainty, Family, MoneyKind
from calculator.engine.model import Adjustment, Estimate
from calculator.engine.report import to_document
from calculator.engine.report_words import FAMILY_NAMES
from calculator.i18n import gettext
from calculator.workbook import build_workbook
from calculator.workbook.labels import sheet_name
from calculator.workbook.labels import word as word_of
from tests.conftest import example
from tests.test_workbook import (
    EXAMPLE_NAMES,
    INJECTIONS,
    LANGS,
    assess_raw,
    built,
    counts,
    find_row,
    header,
    hostile_assessment,
    shared_catalogue,
    summary_family_rows,
    summary_kind_rows,
    summary_side_rows,
    table_rows,
)

INSTALL_HINT = ("LibreOffice is needed to recalculate the workbook's formulas: install the Debian package "
                "libreoffice-calc-nogui (`make test` does, through scripts/install-system-packages.sh; or "
                "`sudo apt-get install --no-install-recommends libreoffice-calc-nogui`).")
CENT = 0.005
NOTHING_COUNTS = {"company": {"name": "Early Days Ltd"}}


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        pytest.fail(INSTALL_HINT, pytrace=False)
    return exe


def recalculate(files: dict[str, bytes], work: Path) -> dict[str, Any]:
    """Open and re-save every workbook with LibreOffice (which computes the formulas); read the results."""
    source, target = work / "in", work / "out"
    source.mkdir()
    target.mkdir()
    for name, data in files.items():
        (source / f"{name}.xlsx").write_bytes(data)
    command = [soffice(), f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
               "--convert-to", "xlsx", "--outdir", str(target), *sorted(str(p) for p in source.iterdir())]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    missing = [name for name in files if not (target / f"{name}.xlsx").exists()]
    if missing:
        pytest.fail(f"LibreOffice did not convert {missing} (exit {done.returncode}): {done.stderr[-2000:]}")
    return {name: load_workbook(target / f"{name}.xlsx", data_only=True) for name in files}


def with_adjustment():
    """A combined-limit cut (no example triggers one): the totals must include it like the engine's."""
    assessment = assess_raw(example("futian-hightech-scaleup.json"))
    text = {"en": "City and district compute support together never exceed the contract amount.",
            "zh": "市级与区级算力支持合计不超过合同金额。"}
    assessment.company.adjustments.append(Adjustment(group="compute-city-and-district", family=Family.FINANCIAL_SUPPORT,
                                                     amount=Estimate(Decimal("-125000.50"), Decimal("-250000")),
                                                     text=text, kind=MoneyKind.CASH, certainty=Certainty.COMPETITIVE))
    return assessment


def edited(data: bytes) -> bytes:
    """An advisor's edits: raise one company estimate, drop one person from the totals."""
    wb = load_workbook(io.BytesIO(data))
    programs, people = wb[sheet_name("programs", "en")], wb[sheet_name("people", "en")]
    cols = header(programs)
    row = next(r for r in table_rows(programs) if r[cols["Program ID"] - 1].value == "cn-rd-super-deduction")
    row[cols["Low (CNY)"] - 1].value = 100_000
    row[cols["High (CNY)"] - 1].value = 500_000
    pcols = header(people)
    person = next(r for r in table_rows(people) if r[pcols["Program ID"] - 1].value == "gba-iit-subsidy"
                  and r[0].value == 1)
    person[pcols["Counted in totals (1 = yes)"] - 1].value = 0
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture(scope="session")
def recalculated(tmp_path_factory) -> dict[str, Any]:
    files = {f"{name}-{lang}": built(name, lang)[2] for name in EXAMPLE_NAMES for lang in LANGS}
    for lang in LANGS:
        files[f"adjusted-{lang}"] = build_workbook(shared_catalogue(), with_adjustment(), lang)
    files["edited"] = edited(built("qianhai-hk-staff.json", "en")[2])
    files["nothing-counts"] = build_workbook(shared_catalogue(), assess_raw(NOTHING_COUNTS), "zh")
    for index, text in enumerate([*INJECTIONS, "Acme_x0041_Ltd"]):
        files[f"hostile-{index}"] = build_workbook(shared_catalogue(), hostile_assessment(text, [{"ref": text}]),
                                                   "en")
    return recalculate(files, tmp_path_factory.mktemp("libreoffice"))


def check_totals(wb, doc: dict[str, Any], lang: str) -> None:
    """Every total on the Summary equals the engine's: cash and this year's tax apart (determined low/high and
    "up to"), later years and if certified beside them, and the same per family."""
    ws = wb[sheet_name("summary", lang)]
    totals = doc["totals"]
    for kind, row in summary_kind_rows(ws, lang).items():
        total = totals[kind]
        assert ws.cell(row, 2).value == total["determined"]["programs"] + total["competitive"]["programs"], kind
        assert ws.cell(row, 3).value == pytest.approx(total["determined"]["low"], abs=CENT), kind
        assert ws.cell(row, 4).value == pytest.approx(total["determined"]["high"], abs=CENT), kind
        assert ws.cell(row, 5).value == pytest.approx(total["competitive"]["high"], abs=CENT), kind
        if lang == "zh":
            assert ws.cell(row, 7).value == pytest.approx(total["determined"]["low"] / 10_000, abs=1e-6)
            assert ws.cell(row, 9).value == pytest.approx(total["competitive"]["high"] / 10_000, abs=1e-6)
    for side, row in summary_side_rows(ws, lang).items():
        assert ws.cell(row, 2).value == totals[side]["programs"], side
        assert ws.cell(row, 3).value == pytest.approx(totals[side]["high"], abs=CENT), side
    for family, row in summary_family_rows(ws, lang).items():
        total = totals["by_family"][family]
        counted = sum(total[k][c]["programs"] for k in ("cash", "tax_this_year") for c in ("determined", "competitive"))
        assert ws.cell(row, 2).value == counted, family
        for offset, kind in ((0, "cash"), (3, "tax_this_year")):
            assert ws.cell(row, 3 + offset).value == pytest.approx(total[kind]["determined"]["low"], abs=CENT), family
            assert ws.cell(row, 4 + offset).value == pytest.approx(total[kind]["determined"]["high"], abs=CENT)
            assert ws.cell(row, 5 + offset).value == pytest.approx(total[kind]["competitive"]["high"], abs=CENT)


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
@pytest.mark.parametrize("lang", LANGS)
def test_recalculated_totals_equal_the_engines(recalculated, name, lang):
    _, doc, _ = built(name, lang)
    wb = recalculated[f"{name}-{lang}"]
    check_totals(wb, doc, lang)
    for ws in wb.worksheets:  # no formula anywhere ends in an error
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "e", f"{ws.title}!{cell.coordinate} = {cell.value}"


def test_recalculated_totals_are_zero_when_nothing_counts(recalculated):
    doc = to_document(shared_catalogue(), assess_raw(NOTHING_COUNTS), "zh")
    assert all(doc["totals"][k][c]["programs"] == 0 for k in ("cash", "tax_this_year")
               for c in ("determined", "competitive"))
    check_totals(recalculated["nothing-counts"], doc, "zh")


@pytest.mark.parametrize("name", ["hr-roster-ten.json", "qianhai-hk-staff.json"])
@pytest.mark.parametrize("lang", LANGS)
def test_recalculated_people_totals_per_program_and_per_person(recalculated, name, lang):
    _, doc, _ = built(name, lang)
    wb = recalculated[f"{name}-{lang}"]
    ws = wb[sheet_name("people", lang)]
    person_programs = [p for p in doc["programs"] if p["subject"] == "person"]
    start = find_row(ws, 1, word_of("per_program", lang)) + 2
    for pid in dict.fromkeys(p["id"] for p in person_programs):
        row = find_row(ws, 5, pid, start)
        counted = [p for p in person_programs if p["id"] == pid and counts(p)]
        assert ws.cell(row, 6).value == len(counted)
        assert ws.cell(row, 7).value == pytest.approx(sum(p["estimate"]["low"] for p in counted), abs=CENT)
        assert ws.cell(row, 8).value == pytest.approx(sum(p["estimate"]["high"] for p in counted), abs=CENT)
        programs = wb[sheet_name("programs", lang)]
        cols = header(programs)
        prow = find_row(programs, cols[word_of("program_id", lang)], pid)
        assert programs.cell(prow, cols[word_of("low", lang)]).value == pytest.approx(ws.cell(row, 7).value)
    start = find_row(ws, 1, word_of("per_person", lang)) + 2
    for person in doc["people"]:
        row = find_row(ws, 1, person["index"] + 1, start)
        for offset, kind in enumerate(("cash", "tax_this_year")):  # one row per kind of money, never added up
            total = person["totals"][kind]
            parts = (total["determined"], total["competitive"])
            assert ws.cell(row + offset, 6).value == sum(p["programs"] for p in parts)
            assert ws.cell(row + offset, 7).value == pytest.approx(sum(p["low"] for p in parts), abs=CENT)
            assert ws.cell(row + offset, 8).value == pytest.approx(sum(p["high"] for p in parts), abs=CENT)


@pytest.mark.parametrize("lang", LANGS)
def test_combined_limit_adjustments_are_in_the_recalculated_totals(recalculated, lang):
    doc = to_document(shared_catalogue(), with_adjustment(), lang)
    assert doc["totals"]["adjustments"], "the adjustment reaches the document"
    check_totals(recalculated[f"adjusted-{lang}"], doc, lang)
    ws = recalculated[f"adjusted-{lang}"][sheet_name("summary", lang)]
    row = find_row(ws, 6, doc["totals"]["adjustments"][0]["text"])
    assert ws.cell(row, 1).value == gettext(FAMILY_NAMES["financial_support"], lang)
    assert (ws.cell(row, 4).value, ws.cell(row, 5).value) == (-125_000.50, -250_000)


def test_an_advisors_edits_flow_into_the_totals(recalculated):
    _, doc, _ = built("qianhai-hk-staff.json", "en")
    ws = recalculated["edited"][sheet_name("summary", "en")]
    rows = summary_family_rows(ws, "en")
    rd = next(p for p in doc["programs"] if p["id"] == "cn-rd-super-deduction")
    tax = doc["totals"]["by_family"]["financial_support"]["tax_this_year"]["determined"]
    raise_low, raise_high = 100_000 - rd["estimate"]["low"], 500_000 - rd["estimate"]["high"]
    assert ws.cell(rows["financial_support"], 6).value == pytest.approx(tax["low"] + raise_low)
    assert ws.cell(rows["financial_support"], 7).value == pytest.approx(tax["high"] + raise_high)
    dropped = next(p for p in doc["programs"] if p["id"] == "gba-iit-subsidy" and p["person"] == 0)
    assert counts(dropped) and dropped["money_kind"] == "cash"
    talent = doc["totals"]["by_family"]["talent"]
    counted = sum(talent[k][c]["programs"] for k in ("cash", "tax_this_year") for c in ("determined", "competitive"))
    assert ws.cell(rows["talent"], 2).value == counted - 1
    assert ws.cell(rows["talent"], 3).value == pytest.approx(talent["cash"]["determined"]["low"]
                                                             - dropped["estimate"]["low"])
    cash = summary_kind_rows(ws, "en")["cash"]
    assert ws.cell(cash, 4).value == pytest.approx(doc["totals"]["cash"]["determined"]["high"]
                                                   - dropped["estimate"]["high"])
    tax_row = summary_kind_rows(ws, "en")["tax_this_year"]
    assert ws.cell(tax_row, 4).value == pytest.approx(doc["totals"]["tax_this_year"]["determined"]["high"] + raise_high)


@pytest.mark.parametrize("index", range(len(INJECTIONS) + 1))
def test_hostile_names_stay_text_in_libreoffice(recalculated, index):
    text = [*INJECTIONS, "Acme_x0041_Ltd"][index]
    wb = recalculated[f"hostile-{index}"]
    summary = wb[sheet_name("summary", "en")]
    cell = summary.cell(find_row(summary, 1, "Company"), 2)
    assert cell.value == text and cell.data_type == "s"
    person = wb[sheet_name("people", "en")].cell(2, 2)
    assert person.value == text and person.data_type == "s"
