"""The rule tables as typed, immutable objects: what :mod:`.validate` produces and everything else reads.

Each class mirrors one part of the TOML format described in ``docs/tables.md``; attribute names are the TOML
keys (``effective.from``/``to`` are ``start``/``end``). Optional keys are ``None`` when absent, lists are
tuples, bilingual texts are ``{"zh": …, "en": …}`` mappings. Declarative data.
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


@dataclass(frozen=True, slots=True)
class UnknownFlagSpec:
    """The flag shown instead of asking, when a criterion's unknown answer only flags."""

    code: str
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
    boundary: str | None = None  # "unknown": a value exactly at the threshold is unknown, not met or failed
    unknown_outcome: str | None = None  # "flag": an unanswered input only flags (no needs_info); default "missing"
    unknown_flag: UnknownFlagSpec | None = None


@dataclass(frozen=True, slots=True)
class BranchSpec:
    id: str
    text: Text
    flag: str | None = None
    flag_text: Text | None = None


@dataclass(frozen=True, slots=True)
class FlagSpec:
    code: str
    when: ConditionSpec
    text: Text


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
    """A rate chosen by a yes/no input: ``{ by = input, when_true = figure, when_false = figure }``."""

    by: str
    when_true: str
    when_false: str


@dataclass(frozen=True, slots=True)
class BaseLimit:
    """Limit a formula's base to ``rate × of`` (e.g. premium counted up to 3% of the insured amount)."""

    rate: str
    of: str


@dataclass(frozen=True, slots=True)
class PercentOfBaseParams(Params):
    base: str
    rate: str | RateChoice
    cap: str | None = None
    floor: str | None = None
    base_limit: BaseLimit | None = None


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
class ItemSpec:
    """One permission, obligation, label or piece of information of a non-monetary benefit."""

    type: ItemType
    text: Text
    article: str | None = None
    when: ConditionSpec | None = None
    confidence: Confidence | None = None  # default: the program's; SECONDARY flags the result
    source: Sources | None = None
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class NonMonetaryParams(Params):
    items: tuple[ItemSpec, ...]


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
    benefit: BenefitSpec
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
    default: str | None = None  # input_default: the input used when ``input`` is not answered
    default_note: Text | None = None  # input_default: shown (as a flag) when the default is used
    issue_date: str | None = None  # certificate_coverage: the most recent certificate's issue date
    previous_issue_date: str | None = None  # certificate_coverage: the certificate before it
    previous_exists: str | None = None  # certificate_coverage: yes/no, was there an earlier certificate
    span: str | None = None  # certificate_coverage: ``table.key`` of the tax years a certificate covers

    @property
    def inputs(self) -> tuple[str, ...]:
        """The profile fields it is computed from."""
        names = (self.numerator, self.denominator, self.input, self.default, self.sector, self.employees,
                 self.revenue, self.issue_date, self.previous_exists, self.previous_issue_date)
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
