"""Golden cases written next to each program: the analysts' examples must hold exactly."""

from __future__ import annotations

import pytest

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
        by_program.setdefault(case.program, set()).add(case.spec["expect"]["status"])
    for pid in catalogue.programs:
        statuses = by_program.get(pid, set())
        assert len(statuses) >= 3 or ("not_in_force" in statuses and len(statuses) >= 2), (
            f"{pid}: golden cases cover only {sorted(statuses)}")


def test_case_files_name_real_programs(catalogue):
    for case in CASES:
        assert case.program in catalogue.programs, f"{case.file} names no loaded program"
