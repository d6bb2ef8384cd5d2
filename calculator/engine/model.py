"""Data classes shared by the engine: the loaded catalogue and evaluation results."""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property
from typing import TYPE_CHECKING, Any

from calculator.engine.enums import (
    COMPARISONS,
    Certainty,
    Confidence,
    EffectiveBasis,
    Family,
    GapDirection,
    MoneyKind,
    Operator,
    Outcome,
    SelfCheckOutcome,
    SideKind,
    StackingKind,
    Status,
    Subject,
    WindowMode,
    WindowState,
)
from calculator.engine.specs import (
    DerivedSpec,
    ItemSpec,
    ProgramSpec,
    SourceSpec,
    StackingGroupSpec,
    Text,
)
from schemas.limits import Choices, InputLimit

if TYPE_CHECKING:
    from calculator.engine.benefits.base import Benefit
    from calculator.engine.criteria import Compiled, CompiledWhen
    from calculator.engine.reference import ReferenceTable
    from calculator.engine.specs import FlagSpec

@dataclass(frozen=True, slots=True)
class Figure:
    """One dated row of a figure: its value, unit, confidence and source."""

    name: str
    value: Decimal
    unit: str
    confidence: Confidence
    source: tuple[str, ...]
    effective_from: dt.date | None
    effective_to: dt.date | None
    instrument: str
    note: Text | None = None
    carried: Flag | None = None  # a row carried forward into a period no enacted row covers: the flag to show

    def covers(self, day: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to)


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
    params: dict[str, Any] = field(default_factory=dict)  # money, dates, ratios, names: formatted when rendered
    text: Text | None = None
    confidence: Confidence | None = None  # a table flag's own confidence (shown with it; never weakens a result)
    source: tuple[str, ...] = ()


@dataclass(slots=True)
class CriterionResult:
    """One criterion's outcome; the static parts (id, text, operator…) come from the compiled criterion."""

    criterion: Compiled
    result: bool | None
    actual: Any  # the subject's answer: a number, text, yes/no, date or list of codes
    required: Any  # the threshold: a literal, a set of codes, [low, high], or a figure read from a table
    confidence: Confidence
    missing: tuple[str, ...] = ()
    note: Text | Flag | None = None  # a policy note, or an engine sentence with values (e.g. certificate coverage)
    id: str = ""

    @property
    def op(self) -> Operator:
        return self.criterion.op

    @property
    def field(self) -> str:
        return self.criterion.field

    @property
    def unit(self) -> str:
        return self.criterion.unit

    @property
    def text(self) -> Text:
        return self.criterion.text

    @property
    def branch(self) -> str | None:
        return self.criterion.branch


@dataclass(frozen=True, slots=True)
class RatioGap:
    """For a ratio criterion: the current and required ratio, and the other input at its current value."""

    name: str
    current: Decimal
    required: Decimal
    other: str
    other_value: Decimal
    other_unit: str


@dataclass(slots=True)
class Gap:
    """A near miss: what to change, by how much, and what it would unlock."""

    criterion: str
    input: str
    unit: str
    current: Decimal | None  # None for a yes/no condition (direction ``condition``)
    required: Decimal | None
    change: Decimal | None
    direction: GapDirection
    text: Text
    criterion_text: Text
    on_date: dt.date | None = None
    ratio: RatioGap | None = None
    unlocks: Estimate | None = None
    unlocks_status: Status | None = None
    also_needs: list[str] = field(default_factory=list)


@dataclass(slots=True)
class ExcludedBy:
    group: str
    kind: StackingKind
    chosen: list[str]
    text: Text


@dataclass(frozen=True, slots=True)
class AppliedItem:
    """A non-monetary item shown for a subject; ``applies`` is None when its condition is not yet known.
    ``params``: values its text quotes (``{window_first_year}`` …), filled when the text is rendered."""

    item: ItemSpec
    applies: bool | None
    params: Mapping[str, Any] | None = None


@dataclass(slots=True)
class SideFigure:
    """A labelled figure beside a result that no amount and no total includes: value usable only in later years,
    or what a certificate would unlock. ``code`` names its sentence (:data:`calculator.engine.texts.SIDE`)."""

    kind: SideKind
    estimate: Estimate
    code: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class BenefitOutcome:
    """What a benefit formula produced: a range, unknown, or non-monetary items."""

    kind: Outcome
    estimate: Estimate | None = None
    cap: Decimal | None = None
    missing: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    confidence: Confidence = Confidence.CONFIRMED
    figures: list[str] = field(default_factory=list)
    items: list[AppliedItem] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # intermediate amounts, for reading results in tests
    side: list[SideFigure] = field(default_factory=list)  # never part of ``estimate`` or of any total
    text: Text | None = None  # the formula that produced it (a dated row's or a case's), when not the program's own
    context: list[Figure] = field(default_factory=list)  # sourced figures shown beside it, never computed
    money_kind: MoneyKind | None = None  # the kind of the row or case that produced it (None: the program's)


@dataclass(frozen=True, slots=True)
class Period:
    opens: dt.date
    closes: dt.date


@dataclass(frozen=True, slots=True)
class WindowStatus:
    """Where the as-of date falls among a program's known (cited) application periods."""

    mode: WindowMode
    state: WindowState
    text: Text | None = None
    opens: dt.date | None = None
    closes: dt.date | None = None
    next: Period | None = None
    last: Period | None = None


@dataclass(frozen=True, slots=True)
class NotInForce:
    """Why a program is not in force for a subject: a reason code and the values its sentence shows."""

    code: str
    params: Mapping[str, Any]
    text: Text | None = None  # the program's own sentence, shown after the engine's


@dataclass(slots=True)
class SelfCheckResult:
    """A forward-looking self-check beside a program (no amount; ``if_certified`` is labelled, never totalled)."""

    outcome: SelfCheckOutcome
    criteria: list[CriterionResult]
    reasons: list[str]  # failed criteria
    missing: list[str]
    confidence: Confidence
    gaps: list[Gap] = field(default_factory=list)
    if_certified: Estimate | None = None


@dataclass(slots=True)
class ProgramResult:
    program: Program
    status: Status
    criteria: list[CriterionResult]
    missing: list[str]
    flags: list[Flag]
    benefit: BenefitOutcome | None
    confidence: Confidence
    gaps: list[Gap] = field(default_factory=list)
    excluded_by: ExcludedBy | None = None
    window: WindowStatus | None = None
    reason: NotInForce | None = None  # why not_in_force
    reasons: list[str] = field(default_factory=list)  # ids of the criteria that make it not_eligible
    day: dt.date | None = None  # the day dated rows were read for (as-of date, or the tax year's first day)
    self_check: SelfCheckResult | None = None

    @property
    def id(self) -> str:
        return self.program.id

    @property
    def money_kind(self) -> MoneyKind:
        """The kind of money of the dated row (or case) that priced it; else of the row in force on its day, else of
        the program's current row."""
        if self.benefit is not None and self.benefit.money_kind is not None:
            return self.benefit.money_kind
        row = self.program.spec.benefit_on(self.day) if self.day is not None else None
        return row.money_kind if row is not None and row.money_kind is not None else self.program.money_kind

    @property
    def side_figures(self) -> list[SideFigure]:
        """Labelled figures beside the result (never in its amount or any total): later years when the program
        is priced (eligible or needing information), and the if-certified figure beside a self-check."""
        out: list[SideFigure] = []
        if self.status in (Status.ELIGIBLE, Status.NEEDS_INFO) and self.benefit is not None:
            out += self.benefit.side
        check = self.self_check
        if check is not None and check.if_certified is not None:
            out.append(SideFigure(SideKind.IF_CERTIFIED, check.if_certified, "if_certified"))
        return out

    def side(self, kind: SideKind) -> SideFigure | None:
        return next((s for s in self.side_figures if s.kind == kind), None)

    @property
    def estimate(self) -> Estimate | None:
        if self.status in (Status.NOT_ELIGIBLE, Status.NOT_IN_FORCE) or self.benefit is None:
            return None
        return self.benefit.estimate

    @property
    def counts_in_totals(self) -> bool:
        return self.status == Status.ELIGIBLE and self.excluded_by is None and self.estimate is not None


@dataclass
class Adjustment:
    """A cut to the combined total of some programs (a combined limit), counted with their kind of money."""

    group: str
    family: Family
    amount: Estimate
    text: Text
    kind: MoneyKind = MoneyKind.CASH
    certainty: Certainty = Certainty.COMPETITIVE


@dataclass
class SubjectResult:
    """All program results for one subject: the company, or one person."""

    kind: Subject
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
    inputs: Mapping[str, Any]


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
    self_check: list[Compiled] = field(default_factory=list)  # the self-check's criteria, compiled

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
                limit = InputLimit(field=spec.field, text=dict(spec.text),
                                   max=max((r.value for r in rows_max), default=None),
                                   min=min((r.value for r in rows_min), default=None))
                out.setdefault(program.subject.value, {}).setdefault(spec.field, []).append(limit)
        return out
