"""Golden cases written next to each program: the analysts' examples must hold exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from calculator.cli import main
from calculator.engine.case_check import validate_cases
from calculator.engine.cases import load_cases, run_case
from calculator.engine.loader import default_root

CASES = load_cases(default_root())


@pytest.mark.parametrize("case", CASES, ids=[f"{c.program}: {c.name}" for c in CASES])
def test_golden_case(catalogue, case):
    _result, problems = run_case(catalogue, case)
    assert not problems, "\n".join(problems)


def test_every_program_has_its_three_kinds_of_case(catalogue):
    """At least one eligible (or permission granted), one failing on a key condition, one needing information."""
    by_program: dict[str, set[str]] = {}
    for case in CASES:
        if "status" in case.spec["expect"]:  # a refused profile (input_error) has no status
            by_program.setdefault(case.program, set()).add(case.spec["expect"]["status"])
    for pid in catalogue.programs:
        statuses = by_program.get(pid, set())
        assert len(statuses) >= 3 or ("not_in_force" in statuses and len(statuses) >= 2), (
            f"{pid}: golden cases cover only {sorted(statuses)}")


def test_case_files_name_real_programs(catalogue):
    for case in CASES:
        assert case.program in catalogue.programs, f"{case.file} names no loaded program"


# --- case files are validated whole (pytest and `incentives tables check`) ------------------------------------
CASES_FILE = "programs/longhua-compute-voucher.cases.toml"
FIRST = 'expect = { status = "eligible", low = 600000, high = 600000, flags = ["competitive_up_to"] }'


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    root = tmp_path / "tables"
    shutil.copytree(default_root(), root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return root


def test_the_shipped_case_files_are_valid(catalogue):
    cases, errors = validate_cases(catalogue, default_root())
    assert errors == [] and len(cases) == len(CASES)


BROKEN_CASES = {
    "a misspelt [[case]] table": ("[[case]]\nname = \"a Longhua AI firm", "[[csae]]\nname = \"a Longhua AI firm",
                                  "csae", "unknown top-level key"),
    "an unknown key in expect": (FIRST, FIRST.replace("flags =", "flag ="), "case[0]", "expect.flag: Unknown field"),
    "not_flags naming no real flag": (FIRST, FIRST.replace("flags = [", 'not_flags = ["competitve_up_to"], flags = ['),
                                      "case[0]", "expect.not_flags: 'competitve_up_to' is not a flag"),
    "flags naming another program's flag": (FIRST, FIRST.replace('"competitive_up_to"', '"requires_recognition"'),
                                            "case[0]", "expect.flags: 'requires_recognition' is not a flag"),
    "included = false": (FIRST, FIRST.replace("flags =", "included = false, flags ="), "case[0]",
                         "expect.included: 'false' checks nothing"),
    "a failed criterion the program lacks": (FIRST, FIRST.replace("flags =", 'failed = ["in_futian"], flags ='),
                                             "case[0]", "expect.failed: 'in_futian' is not a criterion"),
    "an unknown profile field": ("compute_purchase_amount = 2000000 }", "compute_purchase_amont = 2000000 }",
                                 "case[0]", "compute_purchase_amont"),
    "an unknown stacking group": (FIRST, FIRST.replace("flags =", "excluded_by = \"nope\", flags ="), "case[0]",
                                  "expect.excluded_by: 'nope' is not a stacking group"),
}


@pytest.mark.parametrize("name", sorted(BROKEN_CASES))
def test_a_case_that_cannot_fail_is_refused_by_pytest_and_by_tables_check(catalogue, tables, capsys, name):
    old, new, where, words = BROKEN_CASES[name]
    path = tables / CASES_FILE
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    _, errors = validate_cases(catalogue, tables)
    assert any(e.startswith(f"{CASES_FILE}: ") and where in e and words in e for e in errors), errors
    assert main(["tables", "check", str(tables)]) == 1
    err = capsys.readouterr().err
    assert CASES_FILE in err and words in err


def test_a_case_file_for_no_program_is_refused(catalogue, tables, capsys):
    (tables / CASES_FILE).rename(tables / "programs/longhua-compute-vouchr.cases.toml")
    _, errors = validate_cases(catalogue, tables)
    assert any("longhua-compute-vouchr.cases.toml: (file): no program 'longhua-compute-vouchr'" in e for e in errors)
    assert main(["tables", "check", str(tables)]) == 1
    assert "no program 'longhua-compute-vouchr'" in capsys.readouterr().err


def test_tables_check_counts_the_cases_it_read(capsys):
    assert main(["tables", "check"]) == 0
    assert f"{len(CASES)} golden cases" in capsys.readouterr().out


def test_tables_check_runs_the_cases_and_names_each_that_fails(tables, capsys):
    """A policy editor who changes a figure learns from ``tables check`` which cases no longer hold, and why."""
    path = tables / CASES_FILE
    text = path.read_text(encoding="utf-8")
    assert FIRST in text
    path.write_text(text.replace(FIRST, FIRST.replace("600000", "700000"), 1), encoding="utf-8")
    assert main(["tables", "check", str(tables)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Golden cases that do not hold on these tables (2 problems):"), err
    failing = [line for line in err.splitlines() if CASES_FILE in line]
    assert [line.split("): ", 1)[1] for line in failing] == ["low 600000.00, expected 700000",
                                                             "high 600000.00, expected 700000"], err
    assert all("case[0] ('a Longhua AI firm buying 2,000,000" in line for line in failing)
    assert main(["tables", "check", str(tables), "--lang", "zh"]) == 1
    assert capsys.readouterr().err.startswith("以下黄金用例在这些规则表上不成立（共 2 处问题）：")
