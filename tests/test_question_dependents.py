"""A program depending on others' results (the R&D super-deduction, the loss carry-forward: they read the CIT rate
regime programs) is evaluated once for the answers it does not read itself, while its dependencies' status and
exclusion stay the same (calculator.engine.question_runner.Runner.shared): the ranking is the one of evaluating it on
every answer, and what the key leaves out is never read."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator, Mapping
from typing import Any

import pytest

from benchmarks.profiles import generate
from calculator.engine import assess
from calculator.engine.derived import default_tax_year
from calculator.engine.enums import Status, Subject
from calculator.engine.evaluate import evaluate_program
from calculator.engine.question_runner import BASE, Runner, copied, own_reads
from schemas.profile import AssessmentInputSchema
from tests.conftest import AS_OF, EXAMPLES
from tests.test_questions_alike import compare_without, rankings

RD = "cn-rd-super-deduction"


def compare(catalogue: Any, monkeypatch: pytest.MonkeyPatch, assessment: Any) -> tuple[int, int]:
    """(evaluations with dependents shared, without); the rankings must agree."""
    return compare_without(catalogue, monkeypatch, assessment, "shared")


def test_the_programs_shared_are_those_reading_the_regime_programs(catalogue):
    own = own_reads(catalogue)
    assert RD in own and "cn-hnte-loss-carryforward" in own
    assert "total_assets" not in own[RD] and "rd_expensed" in own[RD]  # a regime program's input; its own


def test_a_dependency_whose_status_changes_with_the_answer_is_not_shared(catalogue, monkeypatch):
    """qianhai-hk-staff: answering total_assets (read by the small low-profit relief only) changes the relief's
    status, so the R&D super-deduction's rate: it has a stake in that question. A key without its dependencies'
    status (a stub below) would reuse one result for every answer and lose that stake."""
    loaded = AssessmentInputSchema(choices=catalogue.choices).load(
        json.loads((EXAMPLES / "qianhai-hk-staff.json").read_text(encoding="utf-8")))
    assessment = assess(catalogue, loaded, AS_OF)
    fewer, every = compare(catalogue, monkeypatch, assessment)
    assert fewer < every

    def asked(ranking: Any) -> list[str]:
        return next(q.programs for q in ranking.questions if q.field == "total_assets")

    assert RD in asked(rankings(catalogue, assessment)[0])
    with monkeypatch.context() as patch:
        patch.setattr(Runner, "shared", lambda self, program, key, resolved: (
            program.id,) if key is not None and key[0] == "total_assets" and program.id == RD else None)
        assert RD not in asked(rankings(catalogue, assessment)[0])


def test_the_key_tells_apart_what_the_benefit_reads(catalogue):
    """futian-hightech-scaleup: its high-tech rate program is eligible, so the R&D super-deduction is priced at 15%;
    were stacking to exclude that program (its status the same), at 25%: the key tells the two apart, as it does a
    status, and is None for an answer the program reads itself (or none known)."""
    loaded = AssessmentInputSchema(choices=catalogue.choices).load(
        json.loads((EXAMPLES / "futian-hightech-scaleup.json").read_text(encoding="utf-8")))
    subject = loaded["company"]
    year = default_tax_year(subject, AS_OF)
    runner = Runner(catalogue, Subject.COMPANY, AS_OF, year)
    program = catalogue.programs[RD]
    resolved = dict(runner.dependencies(program, subject))
    hnte = resolved["cn-hnte-cit-rate"]
    excluded = copied(hnte)
    excluded.excluded_by = object()  # type: ignore[assignment]
    other = {**resolved, "cn-hnte-cit-rate": excluded}

    def priced(results: Mapping[str, Any]) -> Any:
        found = evaluate_program(catalogue, program, subject, AS_OF, year, results, full=False)
        assert found.benefit is not None
        return found.benefit.estimate

    assert priced(resolved) != priced(other)
    key = ("total_assets", "1")
    assert runner.shared(program, key, resolved) != runner.shared(program, key, other)
    assert runner.shared(program, key, resolved) == runner.shared(program, ("employees", "3"), dict(resolved))
    needs = copied(hnte)
    needs.status = Status.NEEDS_INFO
    assert runner.shared(program, key, resolved) != runner.shared(program, key, {**resolved, "cn-hnte-cit-rate": needs})
    for unknown in [("rd_expensed", "1"), BASE, None]:
        assert runner.shared(program, unknown, resolved) is None


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2024, 12, 1)])
def test_generated_profiles_rank_the_same_with_dependents_shared(catalogue, monkeypatch, as_of):
    fewer = every = 0
    for profile in generate(300, catalogue.choices, seed=7 + as_of.toordinal(), people=0):
        counts = compare(catalogue, monkeypatch, assess(catalogue, profile, as_of))
        fewer, every = fewer + counts[0], every + counts[1]
    assert fewer < every


class Recorded(Mapping[str, Any]):
    """A subject that records the answers read of it (iterating it reads them all)."""

    def __init__(self, data: Mapping[str, Any], read: set[str]) -> None:
        self.data, self.read = data, read

    def __getitem__(self, name: str) -> Any:
        self.read.add(name)
        return self.data[name]

    def __contains__(self, name: object) -> bool:
        self.read.add(str(name))
        return name in self.data

    def __iter__(self) -> Iterator[str]:
        self.read.add("*")
        return iter(self.data)

    def __len__(self) -> int:
        self.read.add("*")
        return len(self.data)


class Watched:
    """A dependency's result that records the attributes read of it."""

    def __init__(self, result: Any, read: set[str]) -> None:
        self._result, self._read = result, read

    def __getattr__(self, name: str) -> Any:
        self._read.add(name)
        return getattr(self._result, name)


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2024, 12, 1)])
def test_shared_programs_read_no_more_than_their_key(catalogue, as_of):
    """On generated companies, each shared program's evaluation as the ranking makes it reads only inputs of
    own_reads and only the status and exclusion of its dependencies."""
    own = own_reads(catalogue)
    fields: set[str] = set()
    for profile in generate(300, catalogue.choices, seed=3 + as_of.toordinal(), people=0):
        subject = profile["company"]
        year = default_tax_year(subject, as_of)
        runner = Runner(catalogue, Subject.COMPANY, as_of, year)
        for pid in own:
            program = catalogue.programs[pid]
            resolved = runner.dependencies(program, subject)
            read: set[str] = set()
            watched: Any = {dep: Watched(result, fields) for dep, result in resolved.items()}
            evaluate_program(catalogue, program, Recorded(subject, read), as_of, year, watched, full=False)
            assert read <= own[pid], (pid, read - own[pid])
    assert fields == {"status", "excluded_by"}
