"""What every benefit kind shares: the formula base class, what it is built and run with, its registry entry.

Every figure is read from the program's dated figures or a reference table (``table.key``) for the date
being assessed. A figure that is not in force on that date makes the amount unknown, never guessed.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, cast

from calculator.engine import tax
from calculator.engine.derived import Value
from calculator.engine.enums import BenefitKind, Confidence, MoneyKind, weakest
from calculator.engine.members import CONFIRMED, MONEY, UNKNOWN
from calculator.engine.model import BenefitOutcome, Figure, Flag
from calculator.engine.specs import (
    BenefitSpec,
    CapFromInput,
    CapRemaining,
    ConditionSpec,
    Params,
    ProgramSpec,
    ReferenceTableSpec,
    Text,
    When,
)
from calculator.engine.texts import flag

if TYPE_CHECKING:
    from calculator.engine.criteria import CompiledWhen
    from calculator.engine.model import ProgramResult
    from calculator.engine.reference import ReferenceTable
    from calculator.engine.shape_fields import Strict


ZERO = Decimal(0)
# A product of figures worked out for a day: its value, and what using its rows records (names, weakest confidence,
# the flags of rows carried forward)
Product = tuple[Decimal, tuple[str, ...], Confidence, tuple[Flag, ...]]
UNKNOWN_FIGURE = object()  # a figure with no row in force: the amount is unknown, never guessed
P = TypeVar("P", bound=Params)


@dataclass(slots=True)
class Context:
    """What a formula may look at besides the subject: dates, tables, and dependency results."""

    as_of: dt.date
    tax_year: int
    day: dt.date  # the date figures are read for (as-of, or 1 January of the tax year)
    reference: Mapping[str, ReferenceTable]
    resolved: Mapping[str, ProgramResult]  # program id -> result after stacking (dependencies only)


@dataclass(frozen=True, slots=True)
class Built:
    """What a formula is built with, once, at load time."""

    figures: Mapping[str, Sequence[Figure]]
    reference: Mapping[str, ReferenceTable]
    values: Mapping[str, Value]
    condition: Callable[[When, str, Text], CompiledWhen] = lambda cond, cid, text: _no_condition()


def _no_condition() -> CompiledWhen:
    raise RuntimeError("built without a condition compiler")


class Benefit(ABC, Generic[P]):
    """Base: figure resolution and bookkeeping shared by all kinds."""

    outcome = MONEY

    def __init__(self, spec: BenefitSpec, built: Built) -> None:
        self.spec = spec
        self.params: P = cast(P, spec.params)
        self.figures = built.figures
        self.reference = built.reference
        self.values = built.values
        self._rows: dict[tuple[str, dt.date], Figure | None] = {}
        self._products: dict[tuple[str, dt.date], Product | None] = {}

    def figure(self, ref: str, day: dt.date) -> Figure | None:
        """The row of a figure in force on ``day`` (tables are immutable once loaded, so look-ups are cached)."""
        key = (ref, day)
        try:
            return self._rows[key]
        except KeyError:
            if len(self._rows) > 4096:
                self._rows.clear()
            row = self._rows[key] = self._find(ref, day)
            return row

    def _find(self, ref: str, day: dt.date) -> Figure | None:
        if "." in ref:
            table, key = ref.split(".", 1)
            return self.reference[table].figure(key, day)
        for row in self.figures.get(ref, ()):
            if row.covers(day):
                return row
        return None

    def product(self, ref: str, day: dt.date, out: BenefitOutcome) -> Decimal | None:
        """A figure, or a product of figures written ``a*b``; records use and confidence on ``out``. Where every
        figure has a row in force, the value and the rows are worked out once per day (tables are immutable)."""
        key = (ref, day)
        try:
            found = self._products[key]
        except KeyError:
            found = self._product_rows(key)
        if found is None:  # a figure without a row in force: its flags are made on each use
            return self._product(ref, day, out)
        value, names, confidence, carried = found  # what use() records for each of its rows, in one step
        out.figures += names
        if confidence != CONFIRMED:
            out.confidence = weakest(out.confidence, confidence)
        if carried:
            out.flags += carried
        return value

    def _product_rows(self, key: tuple[str, dt.date]) -> Product | None:
        ref, day = key
        rows = [self.figure(part, day) for part in ref.split("*")]
        used = BenefitOutcome(MONEY)
        value = None if None in rows else self._product(ref, day, used)
        found = None if value is None else (value, tuple(used.figures), used.confidence, tuple(used.flags))
        if len(self._products) > 4096:
            self._products.clear()
        self._products[key] = found
        return found

    def _product(self, ref: str, day: dt.date, out: BenefitOutcome) -> Decimal | None:
        if "*" not in ref:
            row = self.figure(ref, day)
            if row is None:
                out.flags.append(flag("no_figure_in_force", name=ref))
                return None
            self.use(out, row)
            return Decimal(1) * row.value  # as the product of one figure (the same Decimal context applies)
        result = Decimal(1)
        for part in ref.split("*"):
            row = self.figure(part, day)
            if row is None:
                out.flags.append(flag("no_figure_in_force", name=part))
                return None
            self.use(out, row)
            result *= row.value
        return result

    def optional(self, ref: str | None, day: dt.date, out: BenefitOutcome) -> Decimal | None:
        return None if ref is None else self.product(ref, day, out)

    @staticmethod
    def use(out: BenefitOutcome, row: Figure) -> None:
        out.figures.append(row.name)
        if row.confidence != CONFIRMED:
            out.confidence = weakest(out.confidence, row.confidence)
        if row.carried is not None:
            out.flags.append(row.carried)

    def read(self, name: str, subject: Mapping[str, Any], ctx: Context, out: BenefitOutcome) -> Decimal | None:
        value = self.values[name]
        raw = value.get(subject, ctx.as_of)
        if raw is None:
            missing = out.missing
            for name in value.unanswered(subject):
                if name not in missing:
                    missing.append(name)
            return None
        stand_in = value.stand_in(subject)
        if stand_in is not None:
            out.flags.append(stand_in)
        return Decimal(raw)

    def cap_value(self, cap_ref: str | CapFromInput | None, out: BenefitOutcome, ctx: Context,
                  subject: Mapping[str, Any] | None = None) -> Decimal | None:
        """The cap: a figure; or the user's answer up to the ``max`` figure, else the ``default`` figure (flagged)."""
        if not cap_ref:
            return None
        if isinstance(cap_ref, CapFromInput):
            given = (subject or {}).get(cap_ref.input)
            if given is None:
                cap = self.product(cap_ref.default, ctx.day, out)
                if cap_ref.if_unanswered is not None:
                    out.flags.append(Flag(cap_ref.if_unanswered.code, text=cap_ref.if_unanswered.text))
            else:
                most = self.product(cap_ref.max, ctx.day, out)
                cap = None if most is None else min(Decimal(given), most)
        else:
            cap = self.product(cap_ref, ctx.day, out)
        out.cap = cap
        return cap

    def remaining(self, spec: CapRemaining, subject: Mapping[str, Any], ctx: Context,
                  out: BenefitOutcome) -> Decimal | object | None:
        """What is left of a cumulative cap, ``max(0, total − less)``: None when ``less`` is still needed,
        :data:`UNKNOWN_FIGURE` when the total has no figure in force."""
        total = self.product(spec.total, ctx.day, out)
        if total is None:
            return UNKNOWN_FIGURE
        less = subject.get(spec.less)
        if less is None:
            if spec.if_unanswered is None:
                out.missing.append(spec.less)
                return None
            out.flags.append(Flag(spec.if_unanswered.code, text=spec.if_unanswered.text))
            less = ZERO
        return max(ZERO, total - Decimal(less))

    @abstractmethod
    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        """The outcome of this formula for one subject."""

    def category_inputs(self) -> dict[str, set[str]]:
        """Code inputs the formula picks figures by, with the codes it names (a sum of parts enumerates them)."""
        return {}

    @staticmethod
    def unknown_amount(out: BenefitOutcome) -> BenefitOutcome:
        out.kind = UNKNOWN
        out.estimate = None
        return out


def clamp(amount: Decimal, floor: Decimal | None, cap: Decimal | None) -> Decimal:
    if floor is not None and amount > 0:
        amount = max(amount, floor)
    if cap is not None:
        amount = min(amount, cap)
    return amount


def merge(out: BenefitOutcome, *parts: tax.TaxFigures) -> None:
    for part in parts:
        for name in part.missing:
            if name not in out.missing:
                out.missing.append(name)
        out.flags.extend(part.flags)
        out.figures.extend(part.figures)
        out.confidence = weakest(out.confidence, part.confidence)


class ProgramChecks(Protocol):
    """What a kind's own cross-file check may ask of the validator (errors name file, program and field)."""

    @property
    def program(self) -> ProgramSpec: ...

    def error(self, field: str, message: str) -> None: ...

    def input_type(self, name: str) -> str | None: ...

    def code_table(self, name: str) -> ReferenceTableSpec | None: ...

    def table(self, name: str) -> ReferenceTableSpec | None: ...

    def condition(self, cond: ConditionSpec, field: str) -> None: ...

    def when(self, cond: When, field: str) -> None: ...

    def sources(self, keys: Sequence[str] | None, field: str) -> None: ...


@dataclass(frozen=True)
class KindEntry:
    """Everything about one benefit kind: adding a kind is adding one of these (and its name in BenefitKind).

    ``figures`` and ``values`` are parameter paths the validator resolves (``rate.when_true``, ``amounts.*``):
    figure references must name a figure in force somewhere, values a profile field or derived value.
    """

    kind: BenefitKind
    schema: type[Strict]  # the parameters (strict: unknown keys are errors); load() gives the typed Params
    benefit: type[Benefit[Any]]
    parameters: str  # docs/tables.md: the parameters, as a reader writes them
    amount: str  # docs/tables.md: what the formula gives
    figures: tuple[str, ...] = ()
    values: tuple[str, ...] = ()
    quoted: tuple[str, ...] = ()  # those of ``values`` only quoted in item texts (never change status, amount or items)
    tables: tuple[str, ...] = ()  # reference tables the formula reads
    inputs: tuple[str, ...] = ()  # profile fields the formula reads directly (the form shows which programs use them)
    check: Callable[[ProgramChecks, Any], None] | None = None  # further cross-file checks of the parameters
    conditions: tuple[str, ...] = field(default=())  # parameter paths holding conditions (items.*.when)
    flags: tuple[str, ...] = field(default=())  # parameter paths holding flags it attaches ({ code, text })
    # The kinds of money its amount may be (a table's ``money_kind`` picks one; the first is the default).
    money_kinds: tuple[MoneyKind, ...] = (MoneyKind.CASH, MoneyKind.TAX_THIS_YEAR)


def resolve(params: object, path: str) -> Iterator[tuple[str, Any]]:
    """The values at a dotted parameter path, with their field names (``*`` walks a mapping or a tuple)."""
    items: list[tuple[str, Any]] = [("benefit", params)]
    for part in path.split("."):
        found: list[tuple[str, Any]] = []
        for name, value in items:
            if part == "*" and isinstance(value, Mapping):
                found += [(f"{name}.{key}", item) for key, item in value.items()]
            elif part == "*" and isinstance(value, tuple):
                found += [(f"{name}[{index}]", item) for index, item in enumerate(value)]
            elif part != "*" and getattr(value, part, None) is not None:
                found.append((f"{name}.{part}", getattr(value, part)))
        items = found
    return iter(items)
