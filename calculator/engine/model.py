"""Data classes shared by the engine: the loaded catalogue and evaluation results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from typing import Any

from calculator.engine.window import window_state


def strongest(*levels: str) -> str:
    """The strongest level: a refusal needs only one failed condition, so it is as sure as the surest one."""
    if "CONFIRMED" in levels:
        return "CONFIRMED"
    return "SECONDARY" if "SECONDARY" in levels else "UNCONFIRMED"


def weakest(*levels: str) -> str:
    """The weakest of several confidence levels (a result is as strong as its weakest figure)."""
    if "UNCONFIRMED" in levels:
        return "UNCONFIRMED"
    return "SECONDARY" if "SECONDARY" in levels else "CONFIRMED"


@dataclass(frozen=True)
class Figure:
    """One dated row of a figure: its value, unit, confidence and source."""

    name: str
    value: Decimal
    unit: str
    confidence: str
    source: tuple[str, ...]
    effective_from: dt.date | None
    effective_to: dt.date | None
    instrument: str
    note: dict[str, str] | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to
        )


@dataclass(frozen=True, slots=True)
class Estimate:
    """A range in CNY (low == high when determined)."""

    low: Decimal
    high: Decimal

    def __add__(self, other: Estimate) -> Estimate:
        return Estimate(self.low + other.low, self.high + other.high)


ZERO = Estimate(Decimal(0), Decimal(0))


@dataclass(slots=True)
class Flag:
    """A flag on a result: a stable code, raw parameters, and bilingual text when a table supplies it.

    Engine flags are rendered from :mod:`calculator.engine.texts` at report time, so numbers in them
    are formatted for the reader's language.
    """

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    text: dict[str, str] | None = None


@dataclass(slots=True)
class CriterionResult:
    """One criterion's outcome; the static parts (id, text, operator…) come from the compiled criterion."""

    criterion: Any  # criteria.Compiled
    result: bool | None
    actual: Any
    required: Any
    confidence: str
    missing: tuple[str, ...] = ()
    note: dict[str, str] | None = None
    id: str = ""

    @property
    def op(self) -> str:
        return self.criterion.op

    @property
    def field(self) -> str:
        return self.criterion.field

    @property
    def unit(self) -> str:
        return self.criterion.unit

    @property
    def text(self) -> dict[str, str]:
        return self.criterion.text

    @property
    def branch(self) -> str | None:
        return self.criterion.branch


@dataclass(slots=True)
class Gap:
    """A near miss: what to change, by how much, and what it would unlock."""

    criterion: str
    input: str
    unit: str
    current: Any
    required: Any
    change: Any
    direction: str  # increase | decrease | wait | expired | condition
    text: dict[str, str]
    criterion_text: dict[str, str]
    on_date: dt.date | None = None
    ratio: dict[str, Any] | None = None  # for ratio criteria: current and required ratio, the other input
    unlocks: Estimate | None = None
    unlocks_status: str | None = None
    also_needs: list[str] = field(default_factory=list)


@dataclass
class ExcludedBy:
    group: str
    kind: str
    chosen: list[str]
    text: dict[str, str]


@dataclass(slots=True)
class BenefitOutcome:
    """What a benefit formula produced: a range, unknown, or non-monetary items."""

    kind: str  # money | unknown | non_monetary
    estimate: Estimate | None = None
    cap: Decimal | None = None
    missing: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    confidence: str = "CONFIRMED"
    figures: list[str] = field(default_factory=list)
    items: list[dict[str, Any]] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class ProgramResult:
    program: Any  # model.Program (kept untyped to avoid a cycle in dataclass evaluation)
    status: str
    criteria: list[CriterionResult]
    missing: list[str]
    flags: list[Flag]
    benefit: BenefitOutcome | None
    confidence: str
    gaps: list[Gap] = field(default_factory=list)
    excluded_by: ExcludedBy | None = None
    window: dict[str, Any] = field(default_factory=dict)
    reason: dict[str, str] | None = None  # why not_in_force
    reasons: list[str] = field(default_factory=list)  # ids of the criteria that make it not_eligible

    @property
    def id(self) -> str:
        return self.program.id

    @property
    def estimate(self) -> Estimate | None:
        if self.status in ("not_eligible", "not_in_force") or self.benefit is None:
            return None
        return self.benefit.estimate

    @property
    def counts_in_totals(self) -> bool:
        return self.status == "eligible" and self.excluded_by is None and self.estimate is not None


@dataclass
class Adjustment:
    group: str
    family: str
    amount: Estimate
    text: dict[str, str]


@dataclass
class SubjectResult:
    """All program results for one subject: the company, or one person."""

    kind: str  # company | person
    ref: str | None
    results: list[ProgramResult]
    adjustments: list[Adjustment] = field(default_factory=list)
    department: str | None = None
    inherited: list[str] = field(default_factory=list)  # person fields taken from the company


@dataclass
class Assessment:
    as_of: dt.date
    tables_version: str
    company: SubjectResult | None
    people: list[SubjectResult]
    inputs: dict[str, Any]


@dataclass
class Program:
    """A loaded, validated and compiled program."""

    id: str
    spec: dict[str, Any]
    file: str
    criteria: list[Any]  # compiled criteria (calculator.engine.criteria.Compiled)
    flags: list[Any]
    benefit: Any  # compiled benefit (calculator.engine.benefits.Benefit)
    figures: dict[str, list[Figure]]
    windows: dict[dt.date, dict[str, Any]] = field(default_factory=dict)

    @cached_property
    def dated_criteria(self) -> bool:
        return any(c.dated for c in self.criteria)

    @cached_property
    def numeric_ops(self) -> frozenset[str]:
        """The comparison operators this program uses (a near miss is only priced for these)."""
        return frozenset(c.op for c in self.criteria) & {"ge", "gt", "le", "lt"}

    @cached_property
    def has_branches(self) -> bool:
        return bool(self.spec["branches"])

    @cached_property
    def branch_index(self) -> tuple[list[int], list[list[int]]]:
        """Positions of the common criteria, and of each branch's criteria, in the compiled list."""
        common = [i for i, c in enumerate(self.criteria) if c.branch is None]
        order = list(dict.fromkeys(c.branch for c in self.criteria if c.branch is not None))
        return common, [[i for i, c in enumerate(self.criteria) if c.branch == b] for b in order]

    @cached_property
    def effective(self) -> tuple[str, dt.date, dt.date | None, dt.date | None]:
        """(basis, start, end, last day of a 'valid for N years' period) read once from the spec."""
        eff = self.spec["effective"]
        last = None
        if eff.get("valid_for_years"):
            from calculator.engine.derived import add_years

            last = add_years(eff["start"], eff["valid_for_years"]) - dt.timedelta(days=1)
        return eff["basis"], eff["start"], eff.get("end"), last

    @cached_property
    def competitive(self) -> bool:
        return self.spec["certainty"] == "competitive"

    def window(self, as_of: dt.date) -> dict[str, Any]:
        """Window state on ``as_of`` (cached: it depends on the date only)."""
        state = self.windows.get(as_of)
        if state is None:
            if len(self.windows) > 512:
                self.windows.clear()
            state = self.windows[as_of] = window_state(self.spec["window"], as_of)
        return state

    @property
    def family(self) -> str:
        return self.spec["family"]

    @property
    def applies_to(self) -> str:
        return self.spec["applies_to"]

    @property
    def subject(self) -> str:
        return "person" if self.spec["applies_to"] == "person" else "company"

    def figure(self, name: str, day: dt.date) -> Figure | None:
        for row in self.figures.get(name, ()):
            if row.covers(day):
                return row
        return None


@dataclass
class Catalogue:
    """Everything loaded from ``incentive_tables/`` at start-up, compiled and ready to evaluate."""

    root: str
    programs: dict[str, Program]
    reference: dict[str, Any]  # name -> reference.ReferenceTable
    derived: dict[str, dict[str, Any]]
    stacking: list[dict[str, Any]]
    sources: dict[str, dict[str, Any]]
    tables_version: str
    order: list[str] = field(default_factory=list)  # evaluation order (dependencies last)

    phases: dict[tuple[str, tuple[str, ...]], tuple[list[Any], list[Any]]] = field(default_factory=dict)
    # Texts that depend on the catalogue alone (program names, conditions, sources, formatted thresholds), per
    # language, filled by the reporter on first use. Never a company's data: keys are catalogue objects.
    texts: dict[str, dict[Any, Any]] = field(default_factory=lambda: {"zh": {}, "en": {}})
    plans: dict[tuple[str, frozenset[str] | None], tuple[Any, ...]] = field(default_factory=dict)

    def plan(self, kind: str, only: set[str] | None) -> tuple[list[str], list[Program], list[Program], list[Any],
                                                               list[Any]]:
        """For a subject kind (and optional subset): the program ids, the independent and dependent programs
        in evaluation order, and the two stacking phases. Computed once per kind and subset."""
        subset = only if only is None or isinstance(only, frozenset) else frozenset(only)
        key = (kind, subset)  # a frozenset caches its hash, so this look-up stays cheap
        found = self.plans.get(key)
        if found is None:
            ids = [pid for pid in self.order if self.programs[pid].subject == kind and (only is None or pid in only)]
            independent = [self.programs[pid] for pid in ids if not self.programs[pid].spec["depends_on"]]
            dependent = [self.programs[pid] for pid in ids if self.programs[pid].spec["depends_on"]]
            first, second = self.stacking_phases(kind, ids, [p.id for p in dependent])
            if len(self.plans) > 64:
                self.plans.clear()
            found = self.plans[key] = (ids, independent, dependent, first, second)
        return found

    def stacking_phases(self, kind: str, ids: list[str], dependent: list[str]) -> tuple[list[Any], list[Any]]:
        """Stacking groups restricted to the members that were evaluated (when at least two were): those
        resolved before the dependent programs run (no dependent member), and those resolved after (cached
        per set of programs)."""
        key = (kind, tuple(ids))
        found = self.phases.get(key)
        if found is None:
            present = set(ids)
            usable = []
            for group in self.stacking:
                members = [m for m in group["members"] if m in present]
                if len(members) >= 2:
                    usable.append({**group, "members": members})
            later = set(dependent)
            found = ([g for g in usable if not later.intersection(g["members"])],
                     [g for g in usable if later.intersection(g["members"])])
            self.phases[key] = found
        return found

    @cached_property
    def choices(self) -> dict[str, set[str]]:
        """Allowed codes per enum table, for profile schemas (one object per catalogue, so schemas cache)."""
        return {name: table.codes for name, table in self.reference.items() if table.kind == "enum"}
