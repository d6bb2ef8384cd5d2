"""Data classes of evaluation results: figures, estimates, flags, criterion and program results, gaps, the
assessment. Declarative data (the loaded catalogue they refer to is :mod:`.catalogue`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from calculator.engine.enums import (
    Certainty,
    Confidence,
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
from calculator.engine.members import CONFIRMED, ELIGIBLE, NEEDS_INFO, NOT_ELIGIBLE, NOT_IN_FORCE
from calculator.engine.specs import (
    BenefitSpec,
    ItemSpec,
    Text,
)

if TYPE_CHECKING:
    from calculator.engine.catalogue import Program
    from calculator.engine.criteria import Compiled


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


@dataclass(slots=True, init=False)
class BenefitOutcome:
    """What a benefit formula produced: a range, unknown, or non-monetary items (made for every program priced:
    its ``__init__`` is written out, the empty lists made directly rather than by default factories)."""

    kind: Outcome
    estimate: Estimate | None = None
    cap: Decimal | None = None
    missing: list[str] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    confidence: Confidence = CONFIRMED
    figures: list[str] = field(default_factory=list)
    items: list[AppliedItem] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)  # intermediate amounts, for reading results in tests
    side: list[SideFigure] = field(default_factory=list)  # never part of ``estimate`` or of any total
    text: Text | None = None  # the formula that produced it (a dated row's or a case's), when not the program's own
    context: list[Figure] = field(default_factory=list)  # sourced figures shown beside it, never computed
    money_kind: MoneyKind | None = None  # the kind of the row or case that produced it (None: the program's)

    def __init__(self, kind: Outcome, estimate: Estimate | None = None, cap: Decimal | None = None,
                 missing: list[str] | None = None, flags: list[Flag] | None = None,
                 confidence: Confidence = CONFIRMED, figures: list[str] | None = None,
                 items: list[AppliedItem] | None = None, details: dict[str, Any] | None = None,
                 side: list[SideFigure] | None = None, text: Text | None = None, context: list[Figure] | None = None,
                 money_kind: MoneyKind | None = None) -> None:
        self.kind, self.estimate, self.cap, self.confidence = kind, estimate, cap, confidence
        self.missing = [] if missing is None else missing
        self.flags = [] if flags is None else flags
        self.figures = [] if figures is None else figures
        self.items = [] if items is None else items
        self.details = {} if details is None else details
        self.side = [] if side is None else side
        self.text, self.money_kind = text, money_kind
        self.context = [] if context is None else context


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


@dataclass(slots=True, init=False)
class ProgramResult:
    """One program's result for one subject (made for every program evaluated: its ``__init__`` is written out, the
    empty lists made directly and ``gaps`` set through its slot, see :func:`_pending_gaps`)."""

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
    # how to work out ``gaps`` when first read (None: they are worked out; see _pending_gaps)
    pending: Callable[[], list[Gap]] | None = field(default=None, init=False, repr=False, compare=False)

    def __init__(self, program: Program, status: Status, criteria: list[CriterionResult], missing: list[str],
                 flags: list[Flag], benefit: BenefitOutcome | None, confidence: Confidence,
                 gaps: list[Gap] | None = None, excluded_by: ExcludedBy | None = None,
                 window: WindowStatus | None = None, reason: NotInForce | None = None, reasons: list[str] | None = None,
                 day: dt.date | None = None, self_check: SelfCheckResult | None = None) -> None:
        self.program = program
        self.status = status
        self.criteria = criteria
        self.missing = missing
        self.flags = flags
        self.benefit = benefit
        self.confidence = confidence
        _GAPS.__set__(self, [] if gaps is None else gaps)
        self.excluded_by = excluded_by
        self.window = window
        self.reason = reason
        self.reasons = [] if reasons is None else reasons
        self.day = day
        self.self_check = self_check
        self.pending = None

    @property
    def id(self) -> str:
        return self.program.id

    @property
    def money_kind(self) -> MoneyKind:
        """The kind of money of the dated row (or case) that priced it; else of the row in force on its day, else of
        the program's current row."""
        if self.benefit is not None and self.benefit.money_kind is not None:
            return self.benefit.money_kind
        return self.money_kind_on(self.program.spec.benefit_on(self.day) if self.day is not None else None)

    def money_kind_on(self, row: BenefitSpec | None) -> MoneyKind:
        """:attr:`money_kind`, given the row in force on its day (None without a day): for a caller that has it."""
        if self.benefit is not None and self.benefit.money_kind is not None:
            return self.benefit.money_kind
        return self.program.money_kind_on(row)

    @property
    def side_figures(self) -> list[SideFigure]:
        """Labelled figures beside the result (never in its amount or any total): later years when the program
        is priced (eligible or needing information), and the if-certified figure beside a self-check."""
        out: list[SideFigure] = []
        if self.status in (ELIGIBLE, NEEDS_INFO) and self.benefit is not None:
            out += self.benefit.side
        check = self.self_check
        if check is not None and check.if_certified is not None:
            out.append(SideFigure(SideKind.IF_CERTIFIED, check.if_certified, "if_certified"))
        return out

    def side(self, kind: SideKind) -> SideFigure | None:
        return next((s for s in self.side_figures if s.kind == kind), None)

    @property
    def estimate(self) -> Estimate | None:
        if self.status in (NOT_ELIGIBLE, NOT_IN_FORCE) or self.benefit is None:
            return None
        return self.benefit.estimate

    @property
    def counts_in_totals(self) -> bool:
        return self.status == ELIGIBLE and self.excluded_by is None and self.estimate is not None


def _pending_gaps(slot: Any) -> property:
    """``ProgramResult.gaps`` read through its slot, worked out by ``pending`` when first read: a failed program's
    near misses (each re-evaluates it) cost nothing on a path that shows none (the figures view)."""

    def get(result: ProgramResult) -> list[Gap]:
        pending = result.pending
        if pending is not None:
            result.pending = None
            slot.__set__(result, pending())
        gaps: list[Gap] = slot.__get__(result, ProgramResult)
        return gaps

    def put(result: ProgramResult, gaps: list[Gap]) -> None:
        result.pending = None
        slot.__set__(result, gaps)

    return property(get, put, doc="The near misses (of a not-eligible result).")


_GAPS = vars(ProgramResult)["gaps"]  # the field's slot, wrapped (setattr: mypy refuses an assignment to a slot)
setattr(ProgramResult, "gaps", _pending_gaps(_GAPS))  # noqa: B010


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
