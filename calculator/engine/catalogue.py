"""The loaded catalogue: each program compiled (its criteria, benefit, dates and cached facts the evaluator asks
for) and the catalogue's lookups (plans per subject, stacking phases, choices and input limits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from calculator.engine.enums import (
    COMPARISONS,
    Certainty,
    EffectiveBasis,
    Family,
    MoneyKind,
    Operator,
    Subject,
    Unit,
)
from calculator.engine.model import (
    Figure,
    WindowStatus,
)
from calculator.engine.specs import (
    BenefitSpec,
    DerivedSpec,
    ProgramSpec,
    SourceSpec,
    StackingGroupSpec,
)
from schemas.limits import Choices, InputLimit

if TYPE_CHECKING:
    from calculator.engine.benefits.base import Benefit
    from calculator.engine.criteria import Compiled, CompiledWhen
    from calculator.engine.reference import ReferenceTable
    from calculator.engine.specs import FlagSpec


@dataclass
class Program:
    """A loaded, validated and compiled program."""

    spec: ProgramSpec
    file: str
    criteria: list[Compiled]
    flags: list[tuple[FlagSpec, CompiledWhen | None]]
    benefit: Benefit[Any]
    figures: dict[str, list[Figure]]
    windows: dict[dt.date, WindowStatus] = field(default_factory=dict)
    days: dict[dt.date, Layout] = field(default_factory=dict)  # criteria in force per day (see on_day)
    self_check: list[Compiled] = field(default_factory=list)  # the self-check's criteria, compiled
    facts: dict[tuple[dt.date, int], Any] = field(default_factory=dict)  # per as-of date and tax year (evaluate.py)
    # every criterion's ``fast`` in one generated call (criteria_code), for a program without dated criteria
    run: Callable[[Any, dt.date, dt.date | None], list[Any]] | None = None

    @property
    def id(self) -> str:
        return self.spec.id

    @cached_property
    def dated_criteria(self) -> bool:
        return any(c.dated for c in self.criteria)

    @cached_property
    def numeric_ops(self) -> frozenset[Operator]:
        """The comparison operators this program uses (a near miss is only priced for these)."""
        return frozenset(c.op for c in self.criteria) & COMPARISONS

    @cached_property
    def soft_criteria(self) -> bool:
        """Some criterion's unanswered input only flags (``unknown_outcome = "flag"``)."""
        return any(c.spec.unknown_outcome == "flag" for c in self.criteria)

    @cached_property
    def condition_gaps(self) -> frozenset[str]:
        """Ids of the yes/no criteria whose failure is a near miss with a text (``gap_text``)."""
        return frozenset(c.id for c in self.criteria if c.spec.gap_text is not None)

    @cached_property
    def notes_criteria(self) -> bool:
        """Some criterion may add a flag: a pointer (``see_also``) or a value read from a stand-in input."""
        return any(c.spec.see_also is not None or (c.value.spec is not None and c.value.spec.flag is not None)
                   for c in self.criteria)

    @cached_property
    def has_branches(self) -> bool:
        return bool(self.spec.branches)

    @cached_property
    def branch_index(self) -> tuple[list[int], list[list[int]]]:
        """Positions of the common criteria, and of each branch's criteria, in the compiled list."""
        common = [i for i, c in enumerate(self.criteria) if c.branch is None]
        order = list(dict.fromkeys(c.branch for c in self.criteria if c.branch is not None))
        return common, [[i for i, c in enumerate(self.criteria) if c.branch == b] for b in order]

    @cached_property
    def layout(self) -> Layout:
        """Every criterion, and the branch layout (None: the program has no branches)."""
        return self.criteria, (self.branch_index if self.has_branches else None)

    def on_day(self, day: dt.date) -> Layout:
        """The criteria in force on ``day`` and their branch layout (None: no branch has a criterion in force):
        worked out once per day, as the dated rows are immutable once loaded."""
        found = self.days.get(day)
        if found is None:
            criteria = [c for c in self.criteria if c.in_force(day)]
            common = [i for i, c in enumerate(criteria) if c.branch is None]
            order = list(dict.fromkeys(c.branch for c in criteria if c.branch is not None))
            branches = [[i for i, c in enumerate(criteria) if c.branch == b] for b in order]
            if len(self.days) > 512:
                self.days.clear()
            found = self.days[day] = (criteria, (common, branches) if branches else None)
        return found

    @cached_property
    def effective(self) -> tuple[EffectiveBasis, dt.date, dt.date | None, dt.date | None]:
        """(basis, start, end, last day of a 'valid for N years' period) read once from the spec."""
        eff = self.spec.effective
        last = None
        if eff.valid_for_years:
            from calculator.engine.derived import add_years

            last = add_years(eff.start, eff.valid_for_years) - dt.timedelta(days=1)
        return eff.basis, eff.start, eff.end, last

    @cached_property
    def competitive(self) -> bool:
        return self.spec.certainty == Certainty.COMPETITIVE

    @cached_property
    def money_kind(self) -> MoneyKind:
        kind = self.spec.benefit.money_kind
        if kind is None:
            raise ValueError(f"{self.id}: benefit without a money kind (tables not validated)")
        return kind

    def money_kind_on(self, row: BenefitSpec | None) -> MoneyKind:
        """The kind of money of ``row`` (the benefit row in force on a result's day; None without a day) when it
        names one, else the program's."""
        return row.money_kind if row is not None and row.money_kind is not None else self.money_kind

    def window(self, as_of: dt.date) -> WindowStatus:
        """Window state on ``as_of`` (cached: it depends on the date only)."""
        state = self.windows.get(as_of)
        if state is None:
            from calculator.engine.window import window_state

            if len(self.windows) > 512:
                self.windows.clear()
            state = self.windows[as_of] = window_state(self.spec.window, as_of)
        return state

    @property
    def family(self) -> Family:
        return self.spec.family

    @property
    def subject(self) -> Subject:
        return self.spec.subject

    def figure(self, name: str, day: dt.date) -> Figure | None:
        for row in self.figures.get(name, ()):
            if row.covers(day):
                return row
        return None


Layout = tuple[list["Compiled"], tuple[list[int], list[list[int]]] | None]
Plan = tuple[list[str], list[Program], list[Program], list[StackingGroupSpec], list[StackingGroupSpec]]


@dataclass
class Catalogue:
    """Everything loaded from ``incentive_tables/`` at start-up, compiled and ready to evaluate."""

    root: str
    programs: dict[str, Program]
    reference: dict[str, ReferenceTable]
    derived: dict[str, DerivedSpec]
    stacking: list[StackingGroupSpec]
    sources: dict[str, SourceSpec]
    tables_version: str
    order: list[str] = field(default_factory=list)  # evaluation order (dependencies last)
    reference_revision: dt.date | None = None  # the policy reference revision the tables encode (revision.toml)

    phases: dict[tuple[str, tuple[str, ...]], tuple[list[StackingGroupSpec], list[StackingGroupSpec]]] = field(
        default_factory=dict)
    # Texts that depend on the catalogue alone (program names, conditions, sources, formatted thresholds), per
    # language, filled by the reporter on first use. Never a company's data: keys are catalogue objects.
    texts: dict[str, dict[tuple[Hashable, ...], Any]] = field(default_factory=lambda: {"zh": {}, "en": {}})
    plans: dict[tuple[str, frozenset[str] | None], Plan] = field(default_factory=dict)

    def plan(self, kind: Subject, only: set[str] | frozenset[str] | None) -> Plan:
        """For a subject kind (and optional subset): the program ids, the independent and dependent programs
        in evaluation order, and the two stacking phases. Computed once per kind and subset."""
        subset = only if only is None or isinstance(only, frozenset) else frozenset(only)
        key = (kind, subset)  # a frozenset caches its hash, so this look-up stays cheap
        found = self.plans.get(key)
        if found is None:
            ids = [pid for pid in self.order if self.programs[pid].subject == kind and (only is None or pid in only)]
            independent = [self.programs[pid] for pid in ids if not self.programs[pid].spec.depends_on]
            dependent = [self.programs[pid] for pid in ids if self.programs[pid].spec.depends_on]
            first, second = self.stacking_phases(kind, ids, [p.id for p in dependent])
            if len(self.plans) > 64:
                self.plans.clear()
            found = self.plans[key] = (ids, independent, dependent, first, second)
        return found

    def stacking_phases(self, kind: str, ids: list[str], dependent: list[str]) -> tuple[list[StackingGroupSpec],
                                                                                         list[StackingGroupSpec]]:
        """Stacking groups restricted to the members that were evaluated (when at least two were): those
        resolved before the dependent programs run (no dependent member), and those resolved after (cached
        per set of programs)."""
        key = (kind, tuple(ids))
        found = self.phases.get(key)
        if found is None:
            present = set(ids)
            usable = []
            for group in self.stacking:
                members = tuple(m for m in group.members if m in present)
                if len(members) >= 2:
                    usable.append(replace(group, members=members))
            later = set(dependent)
            found = ([g for g in usable if not later.intersection(g.members)],
                     [g for g in usable if later.intersection(g.members)])
            self.phases[key] = found
        return found

    @cached_property
    def choices(self) -> Choices:
        """Allowed codes per enum table, for profile schemas (one object per catalogue, so schemas cache), with the
        bounds program figures set on inputs (``[[input_limits]]``; a profile outside them is refused)."""
        from calculator.engine.enums import ReferenceKind

        codes = {name: table.codes for name, table in self.reference.items() if table.kind == ReferenceKind.ENUM}
        return Choices(codes, limits=self.input_limits())

    def input_limits(self) -> dict[str, dict[str, list[InputLimit]]]:
        """Per subject and field: each bound a program sets, from its figure (the loosest of the figure's dated
        rows: an answer is refused only when no row allows it)."""
        out: dict[str, dict[str, list[InputLimit]]] = {}
        for program in self.programs.values():
            for spec in program.spec.input_limits:
                rows_max = program.figures.get(spec.max or "", [])
                rows_min = program.figures.get(spec.min or "", [])
                # a ratio figure bounds a percent input (0.10 is 10): the loader allows it on no other input
                scale = Decimal(100) if any(r.unit == Unit.RATIO for r in [*rows_max, *rows_min]) else Decimal(1)
                when = spec.when
                codes = None if when is None else frozenset(
                    str(code) for code in (when.value if isinstance(when.value, list | tuple) else [when.value]))
                limit = InputLimit(field=spec.field, text=dict(spec.text),
                                   max=max((r.value * scale for r in rows_max), default=None),
                                   min=min((r.value * scale for r in rows_min), default=None),
                                   percent=scale != 1, when_field=None if when is None else when.field,
                                   when_codes=codes)
                out.setdefault(program.subject.value, {}).setdefault(spec.field, []).append(limit)
        return out
