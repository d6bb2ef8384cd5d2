"""Answers alike, for the next questions (:mod:`calculator.engine.question_runner`): which answers to one question
give a program the same result, known from the criteria that read the answer without evaluating the program.

A program's status takes from its criteria only whether they are met, fail or stay open (met criteria leave none
open to add a missing input; its other missing inputs come from its benefit and cohort). When its benefit, its
cohort and the stacking between its dependencies read none of the question's input (as
:func:`calculator.engine.describe.field_usage` finds them: what the ranking already trusts to choose the
questions), two answers that leave its criteria equally decided, and its dependencies that read the input with
the same results, give it the same status, amount and items: the ranking evaluates it once for both.

A program that depends on no other is not evaluated at all: its criteria that do not read the input are decided
as in its result as assessed, those that read it on each answer, and its benefit is the one assessed (or, when
the benefit reads the input, priced on the answer): :meth:`calculator.engine.question_runner.Runner.outcome`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.conditions import combine_all, combine_any
from calculator.engine.criteria import Compiled
from calculator.engine.describe import benefit_fields, criterion_fields, value_inputs
from calculator.engine.enums import Subject
from calculator.engine.evaluate import day_facts
from calculator.engine.model import CriterionResult, ProgramResult

MISSING_PLAN: Any = object()  # a program and question not looked at yet (None: no plan)


@dataclass(frozen=True, slots=True)
class Reads:
    """What a catalogue's programs read: per program the outcome inputs its benefit formulas read and its cohort's,
    per compiled criterion the inputs it reads, and the inputs stacking reads; and the :class:`Shape` of each program
    and question met so far (catalogue facts only)."""

    priced: dict[str, frozenset[str]]
    cohort: dict[str, str | None]
    criteria: dict[Compiled, frozenset[str]]
    stacking: frozenset[str]  # a group's condition, a combined limit's inputs
    shapes: dict[tuple[Any, ...], Shape | None]


_READS: dict[int, tuple[Catalogue, Reads]] = {}


def program_reads(catalogue: Catalogue) -> Reads:
    """The catalogue's :class:`Reads`, worked out once per catalogue."""
    found = _READS.get(id(catalogue))
    if found is not None and found[0] is catalogue:
        return found[1]
    inputs = value_inputs(catalogue)
    priced: dict[str, frozenset[str]] = {}
    cohort: dict[str, str | None] = {}
    criteria: dict[Compiled, frozenset[str]] = {}
    for pid, program in catalogue.programs.items():
        priced[pid] = frozenset(benefit_fields(program, inputs, True))
        cohort[pid] = program.spec.cohort.field if program.spec.cohort else None
        for crit in program.criteria:
            criteria[crit] = frozenset(criterion_fields(crit.spec, inputs))
    stacking = {name for group in catalogue.stacking for name in group.limit_inputs}
    stacking |= {group.when.field for group in catalogue.stacking if group.when is not None}
    reads = Reads(priced, cohort, criteria, frozenset(stacking), {})
    if len(_READS) > 8:
        _READS.clear()
    _READS[id(catalogue)] = (catalogue, reads)
    return reads


def judged(result: CriterionResult, soft: bool) -> bool | None:
    """A criterion's result as the engine judges it: an unanswered one whose unknown only flags counts as met."""
    value = result.result
    return True if value is None and soft and result.missing else value


def judged_all(result: ProgramResult | None, shape: Shape) -> list[bool | None] | None:
    """Every criterion's judged result in an evaluation of the program of ``shape`` (None: it tells nothing, e.g. it
    failed or was decided on other criteria). The same for every question of the program (its shapes share their
    criteria and the positions of those that only flag an unknown)."""
    compiled, soft = shape.compiled, shape.soft
    if result is None or len(result.criteria) != len(compiled) or any(
            r.criterion is not c for r, c in zip(result.criteria, compiled, strict=True)):
        return None
    return [judged(r, soft[i]) for i, r in enumerate(result.criteria)]


@dataclass(frozen=True, slots=True)
class Shape:
    """One program's criteria under one question, from the catalogue alone: the criteria in force on the day and
    their branch layout, the positions of those that read the input, which of them only flag an unknown, the
    dependencies that read the input, and whether its benefit reads it (``priced``: then only its status follows
    from its criteria, see :meth:`calculator.engine.question_runner.Runner.outcome`)."""

    priced: bool
    compiled: list[Compiled]
    layout: tuple[list[int], list[list[int]]] | None
    reading: list[int]
    others: list[int]  # the positions of those that do not read it
    soft: list[bool]
    deps: list[Program]
    day: dt.date


def shape(catalogue: Catalogue, reads: Reads, inputs: Mapping[str, frozenset[str]], kind: Subject,
          program: Program, name: str, as_of: dt.date, tax_year: int) -> Shape | None:
    """The :class:`Shape` of ``program`` for question ``name`` of a ``kind`` subject (``inputs``: what each
    program's outcome reads, :func:`calculator.engine.question_runner.program_inputs`); None when ``name`` is read
    by its cohort or by stacking between the dependencies that read it, or the program is not in force. Kept per
    catalogue: it holds no answer."""
    key = (program.spec.id, name, kind, as_of, tax_year)
    found = reads.shapes.get(key, MISSING_PLAN)
    if found is not MISSING_PLAN:
        return found  # type: ignore[no-any-return]
    made = None
    facts = program.facts.get((as_of, tax_year)) or day_facts(program, as_of, tax_year)
    deps = [dep for pid in program.spec.depends_on if (dep := catalogue.programs.get(pid)) is not None
            and dep.subject == kind and name in inputs.get(pid, ())]
    if name != reads.cohort[program.id] and facts.closed is None and not (deps and name in reads.stacking):
        compiled, layout = facts.layout
        soft = bool(program.soft_criteria)
        reading = [i for i, crit in enumerate(compiled) if name in reads.criteria[crit]]
        soft_ones = [soft and crit.spec.unknown_flag is not None for crit in compiled]
        others = [i for i in range(len(compiled)) if i not in reading]
        made = Shape(name in reads.priced[program.id], compiled, layout, reading, others, soft_ones, deps, facts.day)
    if len(reads.shapes) > 20_000:
        reads.shapes.clear()
    reads.shapes[key] = made
    return made


class Plan:
    """One program under the answers to one question, for one subject: its :class:`Shape`; once an answer was
    evaluated, every criterion's judged result on it (those that do not read the input stand for every answer);
    and the results found so far by what they differ in (:meth:`calculator.engine.question_runner.Runner.alike`)."""

    __slots__ = ("fixed", "found", "rest", "shape", "values")

    def __init__(self, shape: Shape) -> None:
        self.shape = shape
        self.values: list[bool | None] | None = None
        self.rest: bool | None = True  # without branches: the criteria that do not read the input, combined
        self.found: dict[Any, ProgramResult | None] = {}
        self.fixed: Any = MISSING_PLAN  # with branches and no criterion reading the input: whether they are met

    def fix(self, values: list[bool | None]) -> bool | None:
        """Whether the criteria with branches are met on ``values``, kept while no criterion reads the input."""
        layout = self.shape.layout
        assert layout is not None
        either = combine_any([combine_all([values[i] for i in branch]) for branch in layout[1]])
        self.fixed = fixed = combine_all([*[values[i] for i in layout[0]], either])
        return fixed

    def learn(self, result: ProgramResult | None) -> bool:
        """Take the criteria's results from an evaluation (False: it tells nothing, e.g. it failed)."""
        return self.take(judged_all(result, self.shape))

    def take(self, values: list[bool | None] | None) -> bool:
        """Take the criteria's judged results (:func:`judged_all`; None: they tell nothing), read only."""
        if values is None:
            return False
        self.values = values
        if self.shape.layout is None:  # with branches: decided on a copy of the results (see met)
            self.rest = combine_all([values[i] for i in self.shape.others])
        self.fixed = MISSING_PLAN
        return True

    def met(self, subject: Mapping[str, Any] | None, as_of: dt.date) -> bool | None:
        """Whether the criteria are met on ``subject`` (False: they fail; None: open), as
        :func:`calculator.engine.verdict.judge` and :func:`~calculator.engine.verdict.decide_indexed` decide;
        ``subject`` None: on the answer learnt."""
        shape, values = self.shape, self.values
        assert values is not None
        if subject is None:
            own = [values[i] for i in shape.reading]
        else:
            day, compiled, soft = shape.day, shape.compiled, shape.soft
            own = []
            for i in shape.reading:  # judged() inlined: this runs for every answer tried
                result = compiled[i].fast(subject, as_of, day)
                value = result.result
                own.append(True if value is None and soft[i] and result.missing else value)
        if shape.layout is None:
            rest = self.rest
            return False if rest is False or False in own else None if rest is None or None in own else True
        if not own:  # no criterion reads the input: as learnt
            return self.fixed if self.fixed is not MISSING_PLAN else self.fix(values)
        values = values.copy()
        for i, value in zip(shape.reading, own, strict=True):
            values[i] = value
        common, branches = shape.layout
        either = combine_any([combine_all([values[i] for i in branch]) for branch in branches])
        return combine_all([*[values[i] for i in common], either])
