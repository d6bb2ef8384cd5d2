"""A program's criteria in one generated call (:mod:`calculator.engine.criteria_code`) give what its criteria's own
checks give one by one, and a failure in it is shown on its line."""

from __future__ import annotations

import traceback

from benchmarks.profiles import generate
from calculator.engine import Catalogue
from calculator.engine.criteria_code import criteria_runner
from calculator.engine.enums import Subject
from calculator.engine.model import CriterionResult
from calculator.engine.results_code import FIELDS, NAMES, in_place
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


def test_results_built_in_place_are_those_the_constructor_builds(catalogue: Catalogue) -> None:
    """Generated checks set a result's slots in place (:mod:`calculator.engine.results_code`): that is what
    ``CriterionResult(...)`` does only while its ``__init__`` sets its fields and nothing else."""
    assert "__post_init__" not in vars(CriterionResult) and hasattr(CriterionResult, "__slots__")
    namespace = dict(NAMES)
    exec(in_place("def made(*a):\n    return CR(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7])\n"), namespace)
    given = [object() for _ in FIELDS]
    made, expected = namespace["made"](*given), CriterionResult(*given)  # type: ignore[arg-type]
    assert type(made) is CriterionResult and made == expected
    assert all(getattr(made, name) is value for name, value in zip(FIELDS, given, strict=True))
    profiles = generate(100, catalogue.choices)
    for program in catalogue.programs.values():
        for crit in program.criteria:
            if crit.fast == crit.evaluate:
                continue
            for profile in profiles:
                subject = profile["company"] if program.subject == Subject.COMPANY else profile["people"][0]
                assert crit.fast(subject, AS_OF, AS_OF) == crit.evaluate(subject, AS_OF, AS_OF), crit.id
