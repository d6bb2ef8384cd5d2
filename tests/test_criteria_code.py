"""A program's criteria in one generated call (:mod:`calculator.engine.criteria_code`) give what its criteria's own
checks give one by one, and a failure in it is shown on its line."""

from __future__ import annotations

import traceback

from benchmarks.profiles import generate
from calculator.engine import Catalogue
from calculator.engine.criteria_code import criteria_runner
from calculator.engine.enums import Subject
from tests.conftest import AS_OF


def test_the_generated_call_gives_each_check_s_result(catalogue: Catalogue) -> None:
    profiles = generate(200, catalogue.choices)
    run = [p for p in catalogue.programs.values() if p.run is not None]
    assert len(run) > 40 and all(p.run is None for p in catalogue.programs.values() if p.dated_criteria)
    for profile in profiles:
        for program in run:
            subject = profile["company"] if program.subject == Subject.COMPANY else profile["people"][0]
            assert program.run is not None
            assert program.run(subject, AS_OF, AS_OF) == [c.fast(subject, AS_OF, AS_OF) for c in program.criteria]


def test_a_failure_shows_its_line(catalogue: Catalogue) -> None:
    program = catalogue.programs["cn-hnte-cit-rate"]
    inline = next(c for c in program.criteria if c.inline is not None)
    run = criteria_runner(program.id, [inline])
    try:
        run(None, AS_OF, AS_OF)  # type: ignore[arg-type]
    except AttributeError as exc:
        shown = "".join(traceback.format_exception(exc))
    assert '"<criteria of cn-hnte-cit-rate>", line 2' in shown and "a = subject.get(FIELD0)" in shown
