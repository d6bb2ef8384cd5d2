"""Programs evaluated again on changed answers, for the next questions (:mod:`calculator.engine.questions`).

A :class:`Runner` counts every evaluation and keeps each program's result under one answer, so a program tried for
itself and as another program's dependency is evaluated once; :func:`program_inputs` says which inputs can
change a program's outcome at all.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from operator import attrgetter
from typing import Any

from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.criteria import Compiled
from calculator.engine.describe import benefit_fields, criterion_fields, field_usage, value_inputs
from calculator.engine.enums import EXCLUSIVE, Subject
from calculator.engine.evaluate import day_facts, evaluate_program, judge
from calculator.engine.model import CriterionResult, ProgramResult
from calculator.engine.stacking import apply_stacking

log = logging.getLogger(__name__)
BASE = ("", "")  # the key of a result on the subject's answers as given (see Runner)


def exclusive_groups(catalogue: Catalogue) -> list[frozenset[str]]:
    """The members of each choose-one or take-the-higher group (at most one of them can be had)."""
    return [frozenset(g.members) for g in catalogue.stacking if g.kind in EXCLUSIVE]


_INPUTS: dict[int, tuple[Catalogue, dict[str, frozenset[str]]]] = {}


def program_inputs(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    """Per program, the profile inputs its status, amount or items can depend on (its own, and those of the programs
    it depends on), from :func:`calculator.engine.describe.field_usage` (``outcome_only``: an input read only by a
    flag, an input limit, the self-check or an item's quoted text cannot settle anything, so it is never tried);
    worked out once per catalogue."""
    found = _INPUTS.get(id(catalogue))
    if found is not None and found[0] is catalogue:
        return found[1]
    direct: dict[str, set[str]] = {pid: set() for pid in catalogue.programs}
    for fields in field_usage(catalogue, outcome_only=True).values():
        for name, pids in fields.items():
            for pid in pids:
                direct[pid].add(name)

    def closure(pid: str, seen: frozenset[str]) -> set[str]:
        out = set(direct.get(pid, ()))
        for dep in catalogue.programs[pid].spec.depends_on:
            if dep in catalogue.programs and dep not in seen:
                out |= closure(dep, seen | {dep})
        return out

    inputs = {pid: frozenset(closure(pid, frozenset({pid}))) for pid in catalogue.programs}
    if len(_INPUTS) > 8:
        _INPUTS.clear()
    _INPUTS[id(catalogue)] = (catalogue, inputs)
    return inputs


@dataclass(frozen=True, slots=True)
class Reads:
    """What a catalogue's programs read, for telling a moot question from one worth trying (see
    :meth:`Runner.moot`): per program the outcome inputs read outside its criteria (its benefit formulas, its
    cohort), and per compiled criterion the inputs it reads (as :func:`calculator.engine.describe.field_usage`)."""

    outside: dict[str, frozenset[str]]
    criteria: dict[Compiled, frozenset[str]]
    stacking: frozenset[str]  # the inputs stacking reads (a group's condition, a combined limit's inputs)


_READS: dict[int, tuple[Catalogue, Reads]] = {}


def program_reads(catalogue: Catalogue) -> Reads:
    """The catalogue's :class:`Reads`, worked out once per catalogue."""
    found = _READS.get(id(catalogue))
    if found is not None and found[0] is catalogue:
        return found[1]
    inputs = value_inputs(catalogue)
    outside: dict[str, frozenset[str]] = {}
    criteria: dict[Compiled, frozenset[str]] = {}
    for pid, program in catalogue.programs.items():
        names = benefit_fields(program, inputs, True)
        if program.spec.cohort:
            names.append(program.spec.cohort.field)
        outside[pid] = frozenset(names)
        for crit in program.criteria:
            criteria[crit] = frozenset(criterion_fields(crit.spec, inputs))
    stacking = {name for group in catalogue.stacking for name in group.limit_inputs}
    stacking |= {group.when.field for group in catalogue.stacking if group.when is not None}
    reads = Reads(outside, criteria, frozenset(stacking))
    if len(_READS) > 8:
        _READS.clear()
    _READS[id(catalogue)] = (catalogue, reads)
    return reads


class Plan:
    """How one program's criteria are decided under the answers to one question, for :meth:`Runner.alike_key`: the
    criteria in force and their branch layout, the positions of those that read the input, the day they are read
    for, the dependencies that read it, and (after the first answer) every criterion's result on it."""

    __slots__ = ("base", "compiled", "day", "deps", "layout", "reading")

    def __init__(self, compiled: list[Compiled], layout: tuple[list[int], list[list[int]]] | None,
                 reading: list[int], day: dt.date, deps: list[Program]) -> None:
        self.compiled, self.layout, self.reading, self.day, self.deps = compiled, layout, reading, day, deps
        self.base: list[CriterionResult] | None = None

    def decide(self, program: Program, subject: Mapping[str, Any], as_of: dt.date) -> bool | None:
        """Whether the criteria are met on ``subject`` (None: open), as :func:`calculator.engine.evaluate.judge`
        decides: all the program's status takes from them (met criteria leave none open that would add a missing
        input; the other missing inputs, its benefit's and cohort's, do not depend on the answer)."""
        day, compiled = self.day, self.compiled
        if self.base is None:
            self.base = criteria = [crit.fast(subject, as_of, day) for crit in compiled]
        else:
            criteria = self.base.copy()
            for i in self.reading:
                criteria[i] = compiled[i].fast(subject, as_of, day)
        return judge(program, criteria, [], self.layout)[0]


MISSING_PLAN: Any = object()


class Runner:
    """Evaluates programs again on changed answers, counting every evaluation. The subject's other answers stay the
    same for a runner's life, so a program's result under one answer (``key``: the field and the answer) is kept
    and reused, whether it is tried for itself or as another program's dependency; a dependency that does not use
    the field is evaluated once, on those other answers (``BASE``)."""

    def __init__(self, catalogue: Catalogue, kind: Subject, as_of: dt.date) -> None:
        self.catalogue, self.kind, self.as_of = catalogue, kind, as_of
        self.groups = exclusive_groups(catalogue)
        self.evaluations = 0
        self.inputs = program_inputs(catalogue)
        self.reads = program_reads(catalogue)
        self.seen: dict[tuple[str, str, str], ProgramResult | None] = {}
        self.closures: dict[str, dict[str, Program]] = {}
        self.stacked: dict[tuple[Any, ...], dict[str, ProgramResult]] = {}
        self.plans: dict[tuple[str, str], Plan | None] = {}
        self.alike: dict[tuple[Any, ...], ProgramResult | None] = {}

    def run(self, program: Program, subject: Mapping[str, Any],
            key: tuple[str, str] | None = None) -> ProgramResult | None:
        """The program's result on ``subject`` (the engine's lean path: no flags, near misses or self-check); None if
        evaluating it failed. Shared with later calls: a caller that changes it takes a :func:`copied` copy."""
        slot = (program.id, *key) if key is not None else None
        if slot is not None and slot in self.seen:
            return self.seen[slot]
        alike = self.alike_key(program, subject, key) if key is not None and key != BASE else None
        if alike is not None and alike in self.alike:
            found = self.seen[slot] = self.alike[alike]  # type: ignore[index]
            return found
        resolved = self.dependencies(program, subject, key) if program.spec.depends_on else {}
        self.evaluations += 1
        tax_year = subject.get("tax_year") or self.as_of.year - 1
        try:
            found = evaluate_program(self.catalogue, program, subject, self.as_of, tax_year, resolved, full=False)
        except Exception:
            log.exception("re-evaluating %s for the next questions failed", program.id)
            found = None
        if slot is not None:
            self.seen[slot] = found
        if alike is not None:
            self.alike[alike] = found
        return found

    def alike_key(self, program: Program, subject: Mapping[str, Any], key: tuple[str, str]) -> tuple[Any, ...] | None:
        """What the program's outcome on ``subject`` (the subject with answer ``key``) can differ by between answers
        to the same question (None: not known without evaluating it): whether its criteria fail, are met or stay
        open (decided as the engine does, those that do not read the input taken from the first answer), and the
        results of the dependencies that read the input. Its benefit reads none of it, so
        two answers with the same key give the same status, amount and items: it is evaluated once for both."""
        name = key[0]
        plan = self.plans.get((program.id, name), MISSING_PLAN)
        if plan is MISSING_PLAN:
            plan = self.plans[program.id, name] = self.plan(program, name, subject)
        if plan is None:
            return None
        try:
            decided = plan.decide(program, subject, self.as_of)
        except Exception:  # left to the evaluation, which logs it
            return None
        return (program.id, name, decided, *[id(self.run(dep, subject, key)) for dep in plan.deps])

    def plan(self, program: Program, name: str, subject: Mapping[str, Any]) -> Plan | None:
        """The :class:`Plan` of ``program`` for question ``name``; None when ``name`` is read elsewhere too (the
        benefit formulas, the cohort, stacking between the dependencies) or the program is not in force."""
        reads = self.reads
        if name in reads.outside[program.id]:
            return None
        tax_year = subject.get("tax_year") or self.as_of.year - 1
        facts = program.facts.get((self.as_of, tax_year)) or day_facts(program, self.as_of, tax_year)
        if facts.closed is not None:
            return None
        deps = [dep for pid in program.spec.depends_on if (dep := self.catalogue.programs.get(pid)) is not None
                and dep.subject == self.kind and name in self.inputs.get(pid, ())]
        if deps and name in reads.stacking:
            return None
        compiled, layout = facts.layout
        reading = [i for i, crit in enumerate(compiled) if name in reads.criteria[crit]]
        return Plan(compiled, layout, reading, facts.day, deps)

    def dependencies(self, program: Program, subject: Mapping[str, Any],
                     key: tuple[str, str] | None = None) -> dict[str, ProgramResult]:
        """The programs ``program`` depends on, evaluated on ``subject`` and stacked as the assessment does (read-only:
        shared by the programs with the same dependencies under the same answer)."""
        shared = (program.spec.depends_on, key) if key is not None else None
        if shared is not None and (known := self.stacked.get(shared)) is not None:
            return known
        results: dict[str, ProgramResult] = {}
        for pid in program.spec.depends_on:
            dep = self.catalogue.programs.get(pid)
            if dep is None or dep.subject != self.kind:
                continue
            uses = key is not None and key[0] in self.inputs.get(pid, ())
            if (found := self.run(dep, subject, key if uses or key is None else BASE)) is not None:
                results[pid] = found
        first, _ = self.catalogue.stacking_phases(self.kind, list(results), [])
        if first:
            for pid in {m for group in first for m in group.members}:
                results[pid] = copied(results[pid])  # a copy: stacking changes it
            apply_stacking(first, results, subject)
        if shared is not None:
            self.stacked[shared] = results
        return results

    def dependencies_of(self, program: Program) -> list[Program]:
        """``program`` and everything it depends on (whose criteria also tell answers apart), found once a runner."""
        out: dict[str, Program] | None = self.closures.get(program.id)
        if out is None:
            out, todo = {}, [program]
            while todo:
                found = todo.pop()
                if found.id not in out:
                    out[found.id] = found
                    todo += [self.catalogue.programs[d] for d in found.spec.depends_on if d in self.catalogue.programs]
            self.closures[program.id] = out
        return list(out.values())


_FIELDS = tuple(f.name for f in dataclass_fields(ProgramResult) if f.init and not f.kw_only)
_READ = attrgetter(*_FIELDS)
_FLAGS = _FIELDS.index("flags")


def copied(result: ProgramResult) -> ProgramResult:
    """A copy of a result that stacking may change (its exclusion and its list of flags): what
    ``dataclasses.replace(result, flags=list(result.flags))`` makes, without its per-field work."""
    values = list(_READ(result))
    values[_FLAGS] = list(result.flags)
    return ProgramResult(*values)
