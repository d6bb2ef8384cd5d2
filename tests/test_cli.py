"""The incentives command: the documented JSON for every example, clear errors with exit code 2."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calculator.cli import main
from calculator.engine.loader import default_root
from tests.conftest import EXAMPLES

PROGRAM_KEYS = {"id", "family", "status", "certainty", "estimate", "flags", "criteria", "missing", "gaps",
                "excluded_by", "window", "sources"}
CRITERION_KEYS = {"id", "result", "required", "actual", "text"}


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("example", sorted(p.name for p in EXAMPLES.glob("*.json")))
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_example_prints_the_documented_json(capsys, catalogue, example, lang):
    code, out, err = run(capsys, "evaluate", str(EXAMPLES / example), "--as-of", "2026-11-21", "--lang", lang)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["as_of"] == "2026-11-21" and doc["tables_version"] == catalogue.tables_version
    assert {"programs", "totals", "people", "company"} <= set(doc)
    assert doc["programs"], "no program results"
    for program in doc["programs"]:
        assert set(program) >= PROGRAM_KEYS, program["id"]
        assert program["status"] in ("eligible", "needs_info", "not_eligible", "not_in_force")
        for criterion in program["criteria"]:
            assert set(criterion) >= CRITERION_KEYS
            assert criterion["result"] in ("met", "not_met", "unknown")
        if program["estimate"] is not None:
            assert set(program["estimate"]) >= {"low", "high", "currency"}
            assert program["estimate"]["low"] <= program["estimate"]["high"]
        if program["status"] == "not_eligible":
            assert program["reasons"], f"{program['id']} not eligible without a reason"
        if program["status"] == "needs_info":
            assert program["missing"] or program["flags"], program["id"]
    assert set(doc["totals"]["by_family"]) == {"financial_support", "talent", "procurement", "regulatory"}


LOSS_MAKING_STARTUP = {
    "name": "Loss-making Start-up", "founding_date": "2024-03-01", "registration_district": "nanshan",
    "zone_flags": [], "tax_year": 2025, "employees": 40, "st_staff": 30, "total_assets": 60000000,
    "taxable_income": -800000, "rd_expensed": 3600000, "rd_intangible_amortisation": 0, "rd_excluded_industry": "no",
    "hnte_certified": "no", "tech_sme_registered_in_tax_year": "no", "owns_core_ip": "yes"}


def test_text_output_in_chinese_uses_wan(capsys):
    code, out, _ = run(capsys, "evaluate", str(EXAMPLES / "futian-hightech-scaleup.json"), "--as-of", "2026-11-21",
                       "--lang", "zh", "--format", "text")
    assert code == 0
    assert "万元" in out and "合计" in out


def test_the_futian_scaleup_totals_add_up_each_kind_of_money_apart(capsys):
    code, out, _ = run(capsys, "evaluate", str(EXAMPLES / "futian-hightech-scaleup.json"), "--as-of", "2026-11-21")
    assert code == 0
    doc = json.loads(out)
    counted = [p for p in doc["programs"] if p["status"] == "eligible" and not p["excluded_by"] and p["estimate"]]
    for kind in ("cash", "tax_this_year"):
        for certainty in ("determined", "competitive"):
            mine = [p for p in counted if p["money_kind"] == kind and (p["certainty"] == "competitive") == (
                certainty == "competitive")]
            cut = sum(a["high"] for a in doc["totals"]["adjustments"]
                      if (a["kind"], a["certainty"]) == (kind, certainty))
            added = sum(p["estimate"]["high"] for p in mine) + cut
            assert doc["totals"][kind][certainty]["high"] == pytest.approx(added)
            assert doc["totals"][kind][certainty]["programs"] == len(mine)
    hnte = next(p for p in doc["programs"] if p["id"] == "cn-hnte-cit-rate")
    assert hnte["estimate"]["low"] == 3_000_000 and hnte["money_kind"] == "tax_this_year"  # 10% of 30,000,000
    assert "overall" not in doc["totals"]  # the old mixed total is gone


def test_text_output_shows_cash_and_this_years_tax_apart_with_later_years_beside(capsys, tmp_path):
    profile = tmp_path / "startup.json"
    profile.write_text(json.dumps({"company": LOSS_MAKING_STARTUP}), encoding="utf-8")
    code, out, _ = run(capsys, "evaluate", str(profile), "--as-of", "2026-11-21", "--format", "text")
    assert code == 0
    totals = out[out.index("Totals after stacking"):]
    assert "Cash:" in totals and "Tax saved this year: CNY 0" in totals
    assert "Beside these, never added to them:" in totals
    assert "Later years (not added): up to CNY 900,000 over later years" in totals
    assert "If certified (not added): about CNY 0 a year" in totals


@pytest.mark.parametrize(("content", "needle"), [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "object"),
    ('{"company": {"revenue_latest": -1, "founding_date": "2999-01-01"}}', "company.revenue_latest"),
    ('{"people": [{"identity": "martian"}]}', "people[0].identity"),
    ("{}", "company"),
])
def test_bad_input_gives_a_clear_message_and_exit_code_2(capsys, tmp_path, content, needle):
    path = tmp_path / "profile.json"
    path.write_text(content, encoding="utf-8")
    code, out, err = run(capsys, "evaluate", str(path))
    assert code == 2
    assert needle in err and "Traceback" not in err and out == ""


def test_errors_in_chinese(capsys, tmp_path):
    path = tmp_path / "p.json"
    path.write_text('{"company": {"revenue_latest": -1}}', encoding="utf-8")
    code, _, err = run(capsys, "evaluate", str(path), "--lang", "zh")
    assert code == 2 and "不能为负数" in err and "输入有误" in err


def test_a_missing_file_exits_2(capsys, tmp_path):
    code, _, err = run(capsys, "evaluate", str(tmp_path / "nope.json"))
    assert code == 2 and "File not found" in err


def test_programs_json_lists_every_program_with_its_weakest_confidence(capsys, catalogue):
    code, out, _ = run(capsys, "programs", "--format", "json")
    listed = json.loads(out)["programs"]
    assert code == 0 and {p["id"] for p in listed} == set(catalogue.programs)
    for entry in listed:
        assert {"id", "family", "name", "effective", "certainty", "confidence"} <= set(entry)
        assert entry["name"]["zh"] and entry["name"]["en"]


def test_tables_check_passes_and_fails_with_the_error_list(capsys, tmp_path):
    assert run(capsys, "tables", "check")[0] == 0
    broken = tmp_path / "t"
    shutil.copytree(default_root(), broken)
    target = broken / "programs/longhua-compute-voucher.toml"
    target.write_text(target.read_text(encoding="utf-8").replace('op = "eq"', 'op = "equals"'), encoding="utf-8")
    code, _, err = run(capsys, "tables", "check", str(broken))
    assert code == 1 and "programs/longhua-compute-voucher.toml: program 'longhua-compute-voucher'" in err


def test_the_installed_command_runs_without_a_traceback(tmp_path):
    """The console script as installed (a real process), reading standard input."""
    exe = Path(sys.executable).with_name("incentives")
    assert exe.exists(), "the incentives entry point is not installed (pip install -e .)"
    done = subprocess.run([str(exe), "evaluate", "-", "--format", "text"], input='{"company": {"employees": "x"}}',
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "company.employees" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(("as_of", "lang", "needle"), [
    ("1989-12-31", "en", "between 1990-01-01 and 2100-12-31"),
    ("9999-12-31", "zh", "测算日期须在 1990-01-01 至 2100-12-31 之间"),
    ("2026-02-30", "zh", "日期无效"),
])
def test_the_assessment_date_follows_the_web_and_api_rule_in_the_chosen_language(capsys, as_of, lang, needle):
    code = main(["evaluate", str(EXAMPLES / "qianhai-hk-staff.json"), "--as-of", as_of, "--lang", lang])
    _, err = capsys.readouterr()
    assert code == 2 and needle in err and "--as-of" in err and "Traceback" not in err


def test_text_output_groups_each_family_once_per_subject(capsys):
    assert main(["evaluate", str(EXAMPLES / "qianhai-hk-staff.json"), "--format", "text", "--lang", "zh",
                 "--as-of", "2026-11-21"]) == 0
    lines = capsys.readouterr().out.splitlines()
    headings = [lines[i - 1] for i, line in enumerate(lines) if line and set(line) == {"-"}]
    assert len(headings) == len(set(headings)) >= 4
    for i, line in enumerate(lines):
        if line and set(line) == {"-"}:  # the underline is as wide as the heading on screen (CJK: 2 columns)
            assert len(line) == sum(2 if "\u4e00" <= ch <= "\u9fff" else 1 for ch in lines[i - 1])


def test_a_broken_json_file_is_described_in_the_chosen_language(capsys, tmp_path):
    profile = tmp_path / "p.json"
    profile.write_text('{"company": {\n', encoding="utf-8")
    assert main(["evaluate", str(profile), "--lang", "zh"]) == 2
    err = capsys.readouterr().err
    assert "第 2 行第 1 列" in err and "Expecting" not in err


@pytest.mark.parametrize("rows", ["0", "-5"])
def test_the_row_limit_must_be_a_positive_number(capsys, tmp_path, rows):
    roster = tmp_path / "r.csv"
    roster.write_text("ref,identity\nA,mainland\n", encoding="utf-8")
    assert main(["batch", str(roster), "-o", str(tmp_path / "o.xlsx"), "--max-rows", rows]) == 2
    assert "--max-rows: must be at least 1." in capsys.readouterr().err and not (tmp_path / "o.xlsx").exists()


def test_an_assessment_date_before_the_company_was_founded_exits_2(capsys):
    assert main(["evaluate", str(EXAMPLES / "nanshan-seed-startup.json"), "--as-of", "2018-01-01"]) == 2
    assert "before the company was founded (2025-06-01)" in capsys.readouterr().err


@pytest.mark.parametrize(("lang", "text", "words"), [
    ("en", "Small", ["12 people", "CNY 800,000", "at least 100 people and CNY 10,000,000", "so small"]),
    ("zh", "小型企业", ["从业人员 12人", "营业收入 80万元", "未达中型标准", "为小型企业"])])
def test_the_document_gives_the_sme_size_class_and_why(capsys, lang, text, words):
    """Issue #13.8: the size class is an output of the document (12 staff, revenue 800,000 in software and IT:
    below the medium line of 100 staff and 10,000,000, at or above the small line of 10 and 500,000: small)."""
    code, out, _ = run(capsys, "evaluate", str(EXAMPLES / "nanshan-seed-startup.json"), "--as-of", "2026-11-21",
                       "--lang", lang)
    assert code == 0
    size = json.loads(out)["company"]["size_class"]
    assert (size["code"], size["text"], size["missing"]) == ("small", text, [])
    assert all(word in size["why"] for word in words), size["why"]
    code, out, _ = run(capsys, "evaluate", str(EXAMPLES / "qianhai-hk-staff.json"), "--as-of", "2026-11-21")
    unclassified = json.loads(out)["company"]["size_class"]
    assert unclassified["code"] is None and [m["field"] for m in unclassified["missing"]] == ["industry_sector"]
