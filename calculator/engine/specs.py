"""The rule tables as typed, immutable objects: what :mod:`.validate` produces and everything else reads.

Each class mirrors one part of the TOML format described in ``docs/tables.md``; attribute names are the TOML
keys (``effective.from``/``to`` are ``start``/``end``). Optional keys are ``None`` when absent, lists are
tuples, bilingual texts are ``{"zh": …, "en": …}`` mappings. Declarative data (hence over ~400 lines, by design).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from decimal import Decimal
from typing import Any, TypeAlias

from calculator.engine.enums import (
    AppliesTo,
    BenefitKind,
    Certainty,
    Confidence,
    DerivedKind,
    EffectiveBasis,
    Family,
    ItemType,
    MoneyKind,
    Operator,
    ReferenceKind,
    Regime,
    SourceQuality,
    SourceType,
    StackingKind,
    Status,
    Subject,
    TaxMethod,
    Unit,
    WhenUnknown,
    WindowMode,
)

Text: TypeAlias = Mapping[str, str]  # {"zh": ..., "en": ...}
Sources: TypeAlias = tuple[str, ...]  # keys of sources.toml
Literal: TypeAlias = Decimal | str | bool | dt.date


@dataclass(frozen=True, slots=True)
class SourceSpec:
    key: str
    title: str
    section: str
    type: SourceType
    quality: SourceQuality
    urls: tuple[str, ...]
    github: tuple[Mapping[str, Any], ...]
    supports: str


# --- criteria and conditions --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class BandLookup:
    """A threshold looked up from a bands table by another value: ``{ lookup = "table", key = "input" }``."""

    lookup: str
    key: str


@dataclass(frozen=True, slots=True)
class FigureRef:
    """A threshold read from a dated figures table: ``{ figure = "table.key" }``."""

    figure: str

    @property
    def table(self) -> str:
        return self.figure.split(".", 1)[0]

    @property
    def key(self) -> str:
        return self.figure.split(".", 1)[1]


CriterionValue: TypeAlias = Literal | tuple[Literal, ...] | BandLookup | FigureRef | None


@dataclass(frozen=True, slots=True)
class ConditionSpec:
    """A test on one input: the ``when`` of a flag or a non-monetary item."""

    field: str
    op: Operator
    value: CriterionValue = None

    @property
    def leaves(self) -> tuple[ConditionSpec, ...]:
        return (self,)


@dataclass(frozen=True, slots=True)
class CompoundConditionSpec:
    """``{ any = [...] }`` or ``{ all = [...] }``: tests on several inputs, combined with Kleene logic."""

    mode: str  # "any" | "all"
    items: tuple[ConditionSpec, ...]

    @property
    def leaves(self) -> tuple[ConditionSpec, ...]:
        return self.items


When: TypeAlias = ConditionSpec | CompoundConditionSpec


@dataclass(frozen=True, slots=True)
class AttachedFlag:
    """A flag a table attaches to a rule's special case: ``{ code = "…", text = { zh, en } }``."""

    code: str
    text: Text


@dataclass(frozen=True, slots=True)
class SeeAlso:
    """A pointer from a failed criterion to another program: ``{ program = "id", text = { zh, en } }``."""

    program: str
    text: Text


@dataclass(frozen=True, slots=True)
class CriterionSpec:
    id: str
    text: Text
    field: str
    op: Operator
    confidence: Confidence
    source: Sources
    value: CriterionValue = None
    unknown_values: tuple[str, ...] = ()
    unknown_note: Text | None = None
    branch: str | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    instrument: str | None = None
    note: Text | None = None
    boundary: str | None = None  # "unknown": a value exactly at the threshold is unknown, not decided
    unknown_outcome: str | None = None  # "flag": an unanswered input only flags (it neither blocks nor asks)
    unknown_flag: AttachedFlag | None = None  # the flag shown then
    gap_text: Text | None = None  # a yes/no criterion's near miss: what to do
    see_also: SeeAlso | None = None  # when it fails: the program to look at instead


@dataclass(frozen=True, slots=True)
class BranchSpec:
    id: str
    text: Text
    flag: str | None = None
    flag_text: Text | None = None


@dataclass(frozen=True, slots=True)
class FlagSpec:
    """A flag shown while its dates hold and its ``when`` (if any) is met; it never changes a status or amount."""

    code: str
    text: Text
    when: When | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    confidence: Confidence | None = None  # of the fact behind the flag (shown with it, never weakens the result)
    source: Sources = ()

    def covers(self, day: dt.date) -> bool:
        return covers(self.effective_from, self.effective_to, day)


def covers(start: dt.date | None, end: dt.date | None, day: dt.date) -> bool:
    """``day`` lies within [start, end] (an open end is unbounded)."""
    return (start is None or start <= day) and (end is None or day <= end)


# --- a program's other parts --------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class EffectiveSpec:
    start: dt.date
    confidence: Confidence
    source: Sources
    basis: EffectiveBasis = EffectiveBasis.AS_OF
    end: dt.date | None = None
    end_confidence: Confidence | None = None
    end_source: Sources | None = None
    valid_for_years: int | None = None
    valid_for_confidence: Confidence | None = None
    valid_for_source: Sources | None = None
    note: Text | None = None
    start_reason: Text | None = None  # shown after the engine's sentence when not yet in force
    end_reason: Text | None = None  # shown after the engine's sentence when no longer in force


@dataclass(frozen=True, slots=True)
class CohortSpec:
    field: str
    closed_from: dt.date
    confidence: Confidence
    source: Sources
    text: Text


@dataclass(frozen=True, slots=True)
class OutcomeSpec:
    max_status: Status
    code: str
    text: Text


@dataclass(frozen=True, slots=True)
class PeriodSpec:
    opens: dt.date
    closes: dt.date
    confidence: Confidence
    source: Sources
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class WindowSpec:
    mode: WindowMode
    text: Text | None = None
    periods: tuple[PeriodSpec, ...] = ()


@dataclass(frozen=True, slots=True)
class AdvisorySpec:
    text: Text
    confidence: Confidence = Confidence.UNCONFIRMED
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return covers(self.effective_from, self.effective_to, day)


@dataclass(frozen=True, slots=True)
class InputLimitSpec:
    """A profile input bounded by program figures (``min`` / ``max``): values outside are refused."""

    field: str
    text: Text
    max: str | None = None
    min: str | None = None
    when: ConditionSpec | None = None   # only while another answer (a code) is one of these: a band per case


@dataclass(frozen=True, slots=True)
class DocumentsSpec:
    confidence: Confidence
    items: tuple[Text, ...]


@dataclass(frozen=True, slots=True)
class FigureSpec:
    """One dated row of a program figure as written (dates and instrument default to the program's)."""

    name: str
    value: Decimal
    unit: Unit
    confidence: Confidence
    source: Sources
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    instrument: str | None = None
    note: Text | None = None
    role: str | None = None  # "context": shown beside a result, never computed into an amount


# --- benefit parameters, one class per kind (the registry in calculator.engine.benefits names them) ---------
class Params:
    """Base of the typed parameters of a benefit kind."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class NoParams(Params):
    pass


@dataclass(frozen=True, slots=True)
class AmountParams(Params):
    amount: str


@dataclass(frozen=True, slots=True)
class CapParams(Params):
    cap: str


@dataclass(frozen=True, slots=True)
class RateChoice:
    """A rate chosen by a yes/no input, ``{ by = input, when_true, when_false }``, or by a condition with a yes/no
    fallback when the condition cannot be decided, ``{ by_condition = {…}, fallback_by = input, when_true,
    when_false }``."""

    when_true: str
    when_false: str
    by: str | None = None
    by_condition: ConditionSpec | None = None
    fallback_by: str | None = None


@dataclass(frozen=True, slots=True)
class CapFromInput:
    """A cap the user gives (``input``), at most the ``max`` figure; unanswered, the ``default`` figure (flagged)."""

    input: str
    default: str
    max: str
    if_unanswered: AttachedFlag | None = None


@dataclass(frozen=True, slots=True)
class CapRemaining:
    """``total − less``: what is left of a cumulative cap (``total`` a figure, ``less`` an input, never below 0).
    Unanswered ``less``: missing, or 0 with the ``if_unanswered`` flag."""

    total: str
    less: str
    if_unanswered: AttachedFlag | None = None


@dataclass(frozen=True, slots=True)
class BaseLimit:
    """Limit a formula's base to ``rate × of`` (e.g. premium counted up to 3% of the insured amount)."""

    rate: str
    of: str


@dataclass(frozen=True, slots=True)
class PercentOfBaseParams(Params):
    base: str
    rate: str | RateChoice
    cap: str | CapFromInput | None = None
    floor: str | None = None
    base_limit: BaseLimit | None = None
    cap_remaining: CapRemaining | None = None


@dataclass(frozen=True, slots=True)
class ByCategoryParams(Params):
    category: str
    amounts: Mapping[str, str]
    when_unknown: WhenUnknown = WhenUnknown.RANGE


@dataclass(frozen=True, slots=True)
class PerHeadParams(Params):
    count: str
    amount: str
    cap: str | None = None


@dataclass(frozen=True, slots=True)
class TieredParams(Params):
    base: str
    table: str
    cap: str | None = None


@dataclass(frozen=True, slots=True)
class CitRateDifferentialParams(Params):
    base: str
    from_rate: str
    to_rate: str


@dataclass(frozen=True, slots=True)
class CarryForwardSpec:
    """How long a loss carries forward: ``years`` in general, ``years_qualified`` when one of the programs is
    eligible or one of the yes/no inputs is yes in the tax year (e.g. high-tech or technology-based SME)."""

    years: str
    years_qualified: str
    qualified_programs: tuple[str, ...] = ()
    qualified_inputs: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RdSuperDeductionParams(Params):
    expensed: str
    amortised: str
    extra_rate: str
    limit: str
    rates: Mapping[Regime, str]
    regime_programs: Mapping[Regime, str]
    carry_forward: CarryForwardSpec | None = None
    partial_income: Mapping[Regime, str] = field(default_factory=dict)  # regime -> input: the part of `limit` it covers


@dataclass(frozen=True, slots=True)
class IitExcessOverShareParams(Params):
    share: str
    cap: str
    cap_unknown_above: str | None = None  # where no cap is in force: above this figure the amount is withheld


@dataclass(frozen=True, slots=True)
class QuantityLimit:
    """Limit one quantity to what is left: ``min(quantity, max(0, total − less))``."""

    quantity: str
    total: str
    less: str


@dataclass(frozen=True, slots=True)
class RateTimesQuantitiesParams(Params):
    """``min(rate × q1 × q2 × …, cap)`` (e.g. CNY per m² per month × m² × months)."""

    quantities: tuple[str, ...]
    rate: str
    cap: str | None = None
    quantity_limit: QuantityLimit | None = None


@dataclass(frozen=True, slots=True)
class UnknownParams(Params):
    """An amount nobody can source; ``context`` names figures shown beside it (never computed)."""

    context: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class BenefitCase:
    """One case of a ``by_condition`` benefit: its ``when`` and the benefit computed when it holds."""

    when: When
    benefit: BenefitSpec


@dataclass(frozen=True, slots=True)
class ByConditionParams(Params):
    cases: tuple[BenefitCase, ...]


@dataclass(frozen=True, slots=True)
class ByCategoryFigures:
    """A figure chosen by a code input: ``{ category = input, values = { code = figure } }``."""

    category: str
    values: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class BandLookupParams(Params):
    """``min(multiplier × the band's value, cap)``: the band of ``key`` in a bands table; at an exact band edge
    (``edge = "lower_value"``) the smaller of the two neighbouring bands' values, flagged."""

    table: str
    key: str
    edge: str = "band"
    multiplier: str | ByCategoryFigures | None = None
    cap: str | ByCategoryFigures | None = None


@dataclass(frozen=True, slots=True)
class SumPart:
    id: str
    benefit: BenefitSpec


@dataclass(frozen=True, slots=True)
class SumParams(Params):
    parts: tuple[SumPart, ...]


@dataclass(frozen=True, slots=True)
class PerProjectParams(Params):
    """A program paid per project: ``each`` priced once per answer of ``projects`` (a list input), that answer
    standing for ``stands_for``; added up and held to ``cap`` (a per-applicant figure) across them."""

    projects: str
    stands_for: str
    each: BenefitSpec
    cap: str | None = None


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """One permission, obligation, label or piece of information of a non-monetary benefit."""

    type: ItemType
    text: Text
    article: str | None = None
    when: When | None = None
    confidence: Confidence | None = None  # default: the program's; SECONDARY flags the result
    source: Sources | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class NonMonetaryParams(Params):
    items: tuple[ItemSpec, ...]
    evaluated_price: EvaluatedPrice | None = None


@dataclass(frozen=True, slots=True)
class EvaluatedPrice:
    """A price evaluated after a deduction (a procurement preference): ``price`` × (1 − ``deduction`` %), quoted by
    the items as ``{price_amount}``, ``{deduction_percent}`` (the rate as given, 0–100) and ``{evaluated_amount}``;
    no amount of the result."""

    price: str        # a money input
    deduction: str    # a percent input


@dataclass(frozen=True, slots=True)
class LossCarryForwardParams(Params):
    """A longer loss carry-forward: items (which may quote the window years and the periods), and the value of
    the longer period as a later-years side figure (losses of the window × this year's CIT rate, "up to")."""

    items: tuple[ItemSpec, ...]
    losses: str  # a money-by-year input
    window_years: str
    general_years: str
    extended_years: str
    rates: Mapping[Regime, str]
    regime_programs: Mapping[Regime, str]


@dataclass(frozen=True, slots=True)
class BenefitSpec:
    kind: BenefitKind
    text: Text
    params: Params = field(default_factory=NoParams)
    unknown_note: Text | None = None
    pool: Text | None = None
    money_kind: MoneyKind | None = None  # None only while loading: the validator fills the kind's default
    effective_from: dt.date | None = None  # a dated row of ``[[benefits]]``
    effective_to: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return covers(self.effective_from, self.effective_to, day)

    def children(self) -> tuple[BenefitSpec, ...]:
        """The benefits it is made of: the cases of ``by_condition``, the parts of ``sum`` (else none)."""
        params = self.params
        if isinstance(params, ByConditionParams):
            return tuple(case.benefit for case in params.cases)
        if isinstance(params, SumParams):
            return tuple(part.benefit for part in params.parts)
        return ()

    def nodes(self) -> tuple[BenefitSpec, ...]:
        """This benefit and every benefit it is made of, at any depth."""
        return (self, *(node for child in self.children() for node in child.nodes()))

    def leaves(self) -> tuple[BenefitSpec, ...]:
        """The formulas it comes down to: itself, or its cases' and parts' leaves."""
        children = self.children()
        return tuple(leaf for child in children for leaf in child.leaves()) if children else (self,)


@dataclass(frozen=True, slots=True)
class SelfCheckTexts:
    likely_to_qualify: Text
    not_yet: Text
    needs_info: Text


@dataclass(frozen=True, slots=True)
class SelfCheckSpec:
    """A forward-looking self-check beside a program (e.g. high-tech recognition): its own criteria and outcome,
    never an amount; shown when the program is not eligible or needs information. ``if_certified``: the program's
    formula is shown beside it as a labelled figure that no amount and no total includes."""

    id: str
    text: Text
    outcome_text: SelfCheckTexts
    criteria: tuple[CriterionSpec, ...]
    if_certified: bool = True


# --- the program -------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ProgramSpec:
    id: str
    family: Family
    applies_to: AppliesTo
    certainty: Certainty
    name: Text
    summary: Text
    issuer: Text
    instrument: str
    sources: Sources
    effective: EffectiveSpec
    window: WindowSpec
    benefits: tuple[BenefitSpec, ...]  # ``[benefit]``, or the dated rows of ``[[benefits]]`` in date order
    checked: dt.date  # when the program's sources were last checked (docs/tables.md "Freshness")
    official_text: str | None = None
    depends_on: tuple[str, ...] = ()
    cohort: CohortSpec | None = None
    outcome: OutcomeSpec | None = None
    branches: tuple[BranchSpec, ...] = ()
    criteria: tuple[CriterionSpec, ...] = ()
    flags: tuple[FlagSpec, ...] = ()
    advisories: tuple[AdvisorySpec, ...] = ()
    figures: tuple[FigureSpec, ...] = ()
    documents: DocumentsSpec | None = None
    self_check: SelfCheckSpec | None = None
    input_limits: tuple[InputLimitSpec, ...] = ()
    added: dt.date | None = None  # the reference revision that added the program (absent: in it from the start)

    @property
    def benefit(self) -> BenefitSpec:
        """The current benefit: the only one, or the latest dated row (:meth:`benefit_on` gives a date's row)."""
        return self.benefits[-1]

    def benefit_on(self, day: dt.date) -> BenefitSpec | None:
        return next((row for row in self.benefits if row.covers(day)), None)

    def benefit_nodes(self) -> tuple[BenefitSpec, ...]:
        """Every benefit of the program: each dated row, and each case and part at any depth."""
        return tuple(node for row in self.benefits for node in row.nodes())

    @property
    def subject(self) -> Subject:
        """The profile the program is evaluated on (a product program reads its company's)."""
        return Subject.PERSON if self.applies_to == AppliesTo.PERSON else Subject.COMPANY


# --- reference tables --------------------------------------------------------------------------------------
class Row:
    """Base of reference-table rows; :meth:`as_dict` gives the row as written (keys given, in table order)."""

    __slots__ = ()

    def as_dict(self) -> dict[str, Any]:
        return {item.name: getattr(self, item.name) for item in fields(self)  # type: ignore[arg-type]
                if getattr(self, item.name) is not None}


@dataclass(frozen=True, slots=True)
class EnumRow(Row):
    code: str
    name: Text
    note: Text | None = None


@dataclass(frozen=True, slots=True)
class FigureRow(Row):
    key: str
    value: Decimal
    unit: str
    confidence: Confidence
    source: Sources
    effective_from: dt.date
    instrument: str
    effective_to: dt.date | None = None
    note: Text | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BracketRow(Row):
    upto: Decimal | None = None  # fields in the order tables write them (as_dict keeps it)
    rate: Decimal
    quick_deduction: Decimal | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class BandRow(Row):
    above: Decimal | None = None
    upto: Decimal | None = None
    value: Decimal


@dataclass(frozen=True, slots=True)
class SizeClassRow(Row):
    sector: str
    employees_sme: Decimal
    revenue_sme: Decimal
    employees_medium: Decimal
    revenue_medium: Decimal
    employees_small: Decimal
    revenue_small: Decimal


VersionRow: TypeAlias = BracketRow | BandRow | SizeClassRow


@dataclass(frozen=True, slots=True)
class VersionSpec:
    """One dated version of a brackets, bands or size-classes table."""

    instrument: str
    confidence: Confidence
    source: Sources
    rows: tuple[VersionRow, ...]
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    label: str | None = None
    note: Text | None = None

    def covers(self, day: dt.date) -> bool:
        return (self.effective_from is None or self.effective_from <= day) and (
            self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True, slots=True)
class CarryForwardRowSpec:
    """A period no enacted row covers (e.g. allowances only proposed): the row in force on ``use_row_in_force_on``
    is used instead, and every result that uses it carries the flag ``flag`` with ``text``."""

    key: str
    start: dt.date
    end: dt.date
    use_row_in_force_on: dt.date
    flag: str
    text: Text


@dataclass(frozen=True, slots=True)
class ReferenceTableSpec:
    name: str
    kind: ReferenceKind
    title: Text
    description: Text | None = None
    confidence: Confidence | None = None
    source: Sources | None = None
    method: TaxMethod | None = None
    unit: str | None = None
    basis: str | None = None
    key_unit: str | None = None
    value_unit: str | None = None
    enum_rows: tuple[EnumRow, ...] = ()
    figure_rows: tuple[FigureRow, ...] = ()
    versions: tuple[VersionSpec, ...] = ()
    carry_forward: tuple[CarryForwardRowSpec, ...] = ()


# --- derived quantities and stacking ------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class DerivedSpec:
    """A named quantity computed from inputs (``derived.toml``)."""

    name: str
    subject: Subject
    kind: DerivedKind
    label: Text  # the ``name`` key of the TOML entry: what people read
    first_inputs: tuple[str, ...] = ()  # first_known: the inputs, in order (the TOML key ``inputs``)
    to: str | None = None  # days/months/years_since: measured to this date input when given (else the as-of date)
    flag: AttachedFlag | None = None  # first_known: attached when a later input stands in for the first
    numerator: str | None = None
    denominator: str | None = None
    input: str | None = None
    numerator_label: Text | None = None
    denominator_label: Text | None = None
    table: str | None = None
    names_table: str | None = None
    sector: str | None = None
    employees: str | None = None
    revenue: str | None = None
    issue_date: str | None = None  # certificate_coverage: the most recent certificate's issue date
    previous_issue_date: str | None = None  # certificate_coverage: the certificate before it
    previous_exists: str | None = None  # certificate_coverage: yes/no, was there an earlier certificate
    span: str | None = None  # certificate_coverage: ``table.key`` of the tax years a certificate covers
    switch: str | None = None  # switched: the yes/no input that chooses
    if_yes: str | None = None  # switched: the input read when ``switch`` is yes (``input`` otherwise)

    @property
    def inputs(self) -> tuple[str, ...]:
        """The profile fields it is computed from."""
        names = (self.numerator, self.denominator, self.input, self.to, self.sector, self.employees, self.revenue,
                 *self.first_inputs, self.issue_date, self.previous_exists, self.previous_issue_date, self.switch,
                 self.if_yes)
        return tuple(name for name in names if name)


@dataclass(frozen=True, slots=True)
class StackingGroupSpec:
    id: str
    kind: StackingKind
    members: tuple[str, ...]
    confidence: Confidence
    source: Sources
    text: Text
    limit_inputs: tuple[str, ...] = ()
    limit_ratio: Decimal = Decimal(1)  # combined_limit: the share of the largest limit input
    floor_at_largest_member: bool = False  # combined_limit: never below the largest single member's amount
    flag_unknown_members: bool = False  # combined_limit: flag members whose amount is unknown
    when: ConditionSpec | None = None  # the group applies only when this test on a profile input holds
    when_unknown: AttachedFlag | None = None  # ... and, while that input is unanswered, applies with this flag
    effective_from: dt.date | None = None  # judged on the as-of date
    effective_to: dt.date | None = None

    def covers(self, day: dt.date) -> bool:
        return covers(self.effective_from, self.effective_to, day)


@dataclass(frozen=True, slots=True)
class Tables:
    """Every rule table, validated and cross-checked: the input of :mod:`.compile`."""

    root: str
    version: str
    sources: Mapping[str, SourceSpec]
    reference: Mapping[str, ReferenceTableSpec]
    derived: Mapping[str, DerivedSpec]
    programs: Mapping[str, tuple[ProgramSpec, str]]  # id -> (spec, file)
    stacking: tuple[StackingGroupSpec, ...]
    reference_revision: dt.date | None = None  # revision.toml: the policy reference revision encoded
