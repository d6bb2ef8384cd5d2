"""Programs evaluated again on changed answers, for the next questions (:mod:`calculator.engine.questions`).

A :class:`Runner` counts every evaluation and keeps each program's result under one answer, so a program tried for
itself and as another program's dependency is evaluated once; :func:`program_inputs` says which inputs can
change a program's outcome at all. A program that depends on others and reads nothing of their results but their
status and exclusion (:data:`READS_STATUS`) is evaluated once per such facts of its dependencies for every answer
it does not read itself (:func:`own_reads`, :meth:`Runner.shared`).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Mapping
from dataclasses import fields as dataclass_fields
from operator import attrgetter
from typing import Any

from calculator.engine.benefits import Context
from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.describe import field_usage, value_inputs
from calculator.engine.enums import EXCLUSIVE, BenefitKind, Status, Subject
from calculator.engine.evaluate import capped_status, evaluate_program
from calculator.engine.model import BenefitOutcome, ProgramResult
from calculator.engine.question_alike import MISSING_PLAN, Plan, judged_all, program_reads, shape
from calculator.engine.stacking import apply_stacking

log = logging.getLogger(__name__)
BASE = ("", "")  # the key of a result on the subject's answers as given (see Runner)
UNKNOWN: Any = object()  # what a result can differ by, not known (see Runner.alike)


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


# Benefits that read of their dependencies' results (``Context.resolved``) only whether each is there, its status and
# whether stacking excluded it (RegimeRates.regime_rates and taxes.qualification); a kind not here may read more.
READS_STATUS = frozenset({BenefitKind.RD_SUPER_DEDUCTION, BenefitKind.LOSS_CARRY_FORWARD})
_OWN: dict[int, tuple[Catalogue, dict[str, frozenset[str]]]] = {}


def own_reads(catalogue: Catalogue) -> dict[str, frozenset[str]]:
    """Per program that depends on others and whose benefits are all of :data:`READS_STATUS` kinds, every profile
    input its own evaluation may read (not its dependencies'): its criteria, cohort, flags, input limits,
    self-check and benefit inputs (:func:`~calculator.engine.describe.field_usage`, outcome or not), the yes/no
    inputs of its carry-forward rule (read for a side figure only, so not listed there) and the tax year (never
    asked; read through derived values); once per catalogue."""
    found = _OWN.get(id(catalogue))
    if found is not None and found[0] is catalogue:
        return found[1]
    names: dict[str, set[str]] = {}
    for fields in field_usage(catalogue).values():
        for name, pids in fields.items():
            for pid in pids:
                names.setdefault(pid, set()).add(name)
    inputs = value_inputs(catalogue)
    own: dict[str, frozenset[str]] = {}
    for pid, program in catalogue.programs.items():
        nodes = program.spec.benefit_nodes()
        if not program.spec.depends_on or any(node.kind not in READS_STATUS for node in nodes):
            continue
        rules = [rule for node in nodes if (rule := getattr(node.params, "carry_forward", None)) is not None]
        qualified = {n for rule in rules for name in rule.qualified_inputs for n in inputs(name)}
        own[pid] = frozenset(names.get(pid, set()) | qualified | {"tax_year"})
    if len(_OWN) > 8:
        _OWN.clear()
    _OWN[id(catalogue)] = (catalogue, own)
    return own


class Runner:
    """Evaluates programs again on changed answers, counting every evaluation. The subject's other answers stay the
    same for a runner's life, so a program's result under one answer (``key``: the field and the answer) is kept
    and reused, whether it is tried for itself or as another program's dependency; a dependency that does not use
    the field is evaluated once, on those other answers (``BASE``). Each program and question has a plan
    (:mod:`calculator.engine.question_alike`): answers alike are evaluated once (:meth:`alike`), and a program
    depending on no other is priced without being evaluated (:meth:`direct`, :meth:`outcome`); a program reading only
    its dependencies' status and exclusion is evaluated once for the answers it does not read (:meth:`shared`)."""

    def __init__(self, catalogue: Catalogue, kind: Subject, as_of: dt.date, tax_year: int) -> None:
        self.catalogue, self.kind, self.as_of = catalogue, kind, as_of
        self.tax_year = tax_year  # the subject's (:func:`~calculator.engine.derived.default_tax_year`: the ranking
        # never asks it, so every answer tried has it)
        self.groups = exclusive_groups(catalogue)
        self.evaluations = 0
        self.priced = 0  # benefits priced on an answer without evaluating their program (see outcome)
        self.inputs = program_inputs(catalogue)
        self.seen: dict[tuple[str, str, str], ProgramResult | None] = {}
        self.closures: dict[str, dict[str, Program]] = {}
        self.stacked: dict[tuple[Any, ...], dict[str, ProgramResult]] = {}
        self.reads = program_reads(catalogue)
        self.plans: dict[tuple[str, str], Plan | None] = {}
        self.judged: dict[str, tuple[ProgramResult, list[Any], list[bool | None] | None]] = {}
        self.by_met: dict[str, dict[Any, Any]] = {}  # see worths
        self.spreads: dict[tuple[Any, ...], Any] = {}  # calculator.engine.question_stakes.kept_stake
        self.own = own_reads(catalogue)
        self.dependents: dict[tuple[Any, ...], ProgramResult] = {}  # see shared

    def run(self, program: Program, subject: Mapping[str, Any],
            key: tuple[str, str] | None = None) -> ProgramResult | None:
        """The program's result on ``subject`` (the engine's lean path: no flags, near misses or self-check); None if
        evaluating it failed. Shared with later calls: a caller that changes it takes a :func:`copied` copy."""
        slot = (program.spec.id, *key) if key is not None else None
        if slot is not None and slot in self.seen:
            return self.seen[slot]
        plan = self.plan(program, key[0]) if key is not None and key != BASE else None
        if plan is not None and plan.shape.priced:  # its benefit reads the answer: answers alike are not known
            plan = None
        alike = UNKNOWN
        if plan is not None and plan.values is not None:  # an answer to this question was evaluated
            alike = self.alike(plan, subject, key, False)  # type: ignore[arg-type]
            if alike in plan.found:
                found = self.seen[slot] = plan.found[alike]  # type: ignore[index]
                return found
        resolved = self.dependencies(program, subject, key) if program.spec.depends_on else {}
        common = self.shared(program, key, resolved) if resolved else None
        if common is not None and common in self.dependents:
            found = self.dependents[common]
        else:
            found = self.evaluated(program, subject, resolved)
            if common is not None and found is not None:
                self.dependents[common] = found
        if slot is not None:
            self.seen[slot] = found
        if plan is not None and plan.values is None and plan.learn(found):
            alike = self.alike(plan, subject, key, True)  # type: ignore[arg-type]
        if plan is not None and alike is not UNKNOWN:
            plan.found[alike] = found
        return found

    def evaluated(self, program: Program, subject: Mapping[str, Any],
                  resolved: Mapping[str, ProgramResult]) -> ProgramResult | None:
        """The program evaluated on ``subject`` (lean), counted; None if it failed (logged)."""
        self.evaluations += 1
        try:
            return evaluate_program(self.catalogue, program, subject, self.as_of, self.tax_year, resolved, full=False)
        except Exception:
            log.exception("re-evaluating %s for the next questions failed", program.id)
            return None

    def shared(self, program: Program, key: tuple[str, str] | None,
               resolved: Mapping[str, ProgramResult]) -> tuple[Any, ...] | None:
        """What the program's result on the subject with the answer of ``key`` rests on when it is one of
        :func:`own_reads` and does not read that answer itself: its dependencies' presence, status and whether
        stacking excluded them (all its benefit reads of them), the subject's other answers and the runner's dates being
        the same for every key; None otherwise (evaluated per answer)."""
        own = self.own.get(program.spec.id)
        if own is None or key is None or key == BASE or key[0] in own:  # BASE: its subject's answer is not known
            return None
        return (program.spec.id,
                *[(pid, result.status, result.excluded_by is None) for pid, result in resolved.items()])

    def plan(self, program: Program, name: str) -> Plan | None:
        """The program's :class:`~calculator.engine.question_alike.Plan` for question ``name`` (None: answers alike
        are not known without evaluating it)."""
        plan = self.plans.get((program.spec.id, name), MISSING_PLAN)
        if plan is MISSING_PLAN:
            found = shape(self.catalogue, self.reads, self.inputs, self.kind, program, name, self.as_of,
                          self.tax_year)
            plan = self.plans[program.spec.id, name] = None if found is None else Plan(found)
        return plan  # type: ignore[no-any-return]

    def direct(self, program: Program, name: str, now: ProgramResult) -> Plan | None:
        """The program's plan for question ``name`` when its outcome under any answer follows from its criteria and
        its benefit alone, without evaluating it (:meth:`outcome`): it depends on no program and its cohort reads no
        answer to ``name``; None otherwise. ``now``: its result on the subject's answers as given."""
        if program.spec.depends_on or now.benefit is None:
            return None
        plan = self.plan(program, name)
        if plan is None or (plan.values is None and not plan.take(self.judged_now(plan, now))):
            return None
        return plan

    def judged_now(self, plan: Plan, now: ProgramResult) -> list[bool | None] | None:
        """:func:`~calculator.engine.question_alike.judged_all` of ``now`` for a plan of its program, found once a
        runner for all the program's questions."""
        known = self.judged.get(now.id)
        if known is None or known[0] is not now or known[1] is not plan.shape.compiled:
            known = self.judged[now.id] = (now, plan.shape.compiled, judged_all(now, plan.shape))
        return known[2]

    def worths(self, program: Program) -> dict[Any, Any]:
        """What a program of :meth:`direct` plans whose benefit reads no answer is worth, by its criteria's decision
        (met, open, failed: :meth:`outcome` gives the same status and benefit for any of its questions, as its
        cohort reads none of them): filled by the ranking, shared by its questions."""
        found = self.by_met.get(program.spec.id)
        if found is None:
            found = self.by_met[program.spec.id] = {}
        return found

    def met(self, plan: Plan, subject: Mapping[str, Any] | None) -> Any:
        """Whether the criteria of a plan's program are met on ``subject`` (None: open; ``subject`` None: on the
        answer the plan learnt), as the engine decides (:meth:`~calculator.engine.question_alike.Plan.met`); UNKNOWN
        when deciding them failed (left to the evaluation, which logs it)."""
        try:
            return plan.met(subject, self.as_of)
        except Exception:
            return UNKNOWN

    def outcome(self, plan: Plan, program: Program, met: bool | None, subject: Mapping[str, Any],
                now: ProgramResult) -> tuple[Status, BenefitOutcome | None] | None:
        """(status, benefit) of the program of a :meth:`direct` plan on ``subject`` (with an answer to the plan's
        question) whose criteria are ``met`` there, as the engine's lean evaluation decides them
        (:func:`calculator.engine.evaluate.capped_status`, as ``decided_status`` does): its benefit is the one of
        ``now`` unless it reads the answer (then it is priced on ``subject``). None when pricing it failed (left to
        the evaluation, which logs it)."""
        if met is False:
            return Status.NOT_ELIGIBLE, None
        benefit = now.benefit
        if plan.shape.priced:
            year = self.tax_year
            facts = program.facts.get((self.as_of, year))  # its context with no results, as the engine takes it
            context = facts.context if facts is not None and facts.day == plan.shape.day and \
                facts.context.reference is self.catalogue.reference else \
                Context(self.as_of, year, plan.shape.day, self.catalogue.reference, {})
            self.priced += 1
            try:
                benefit = program.benefit.compute(subject, context)
            except Exception:
                return None
        cohort = program.spec.cohort
        waits = bool(benefit.missing) if benefit is not None else False
        unanswered = cohort is not None and subject.get(cohort.field) is None
        return capped_status(program, met is True and not waits and not unanswered), benefit

    def alike(self, plan: Plan, subject: Mapping[str, Any], key: tuple[str, str], learnt: bool) -> Any:
        """What the program's result on ``subject`` (the subject with the answer of ``key``; ``learnt``: the answer
        the plan learnt its criteria from) can differ by from its result on the question's other answers (UNKNOWN:
        not known without evaluating it): whether its criteria are met, fail or stay open, and the results of its
        dependencies that read the input. Its benefit, its cohort and the stacking between its dependencies read
        none of it, so answers alike give the same status, amount and items (what the ranking compares): the
        program is evaluated once for them."""
        met = self.met(plan, None if learnt else subject)
        if met is UNKNOWN:
            return UNKNOWN
        deps = plan.shape.deps
        return (met, *[id(self.run(dep, subject, key)) for dep in deps]) if deps else met

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
