"""Criteria compiled once into closures that answer True / False / None (unknown) for a subject.

A missing input makes a criterion unknown, never failed (three-valued logic). ``in`` criteria may name
``unknown_values``: answers for which the reference cannot say yes or no (e.g. whether an HK entry-scheme
resident counts as a Hong Kong resident), which also give unknown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from calculator.engine.conditions import CompiledWhen, WhenResult, combine_all, combine_any, condition_criterion
from calculator.engine.derived import INFINITY, Value
from calculator.engine.enums import NO_VALUE, Confidence, DerivedKind, Operator
from calculator.engine.model import CriterionResult
from calculator.engine.specs import CriterionSpec

if TYPE_CHECKING:
    from calculator.engine.reference import ReferenceTable

# Conditions (``when``, :mod:`.conditions`) are compiled from criteria: importers of this module find them here too.
__all__ = ["EXPRESSIONS", "TESTS", "Compiled", "CompiledWhen", "FigureThreshold", "Subject", "Test", "Threshold",
           "WhenResult", "combine_all", "combine_any", "compile_criterion", "condition_criterion", "specialise"]

Test = Callable[[Any, Any], bool]  # (the subject's answer, the required value) -> met?
Subject = Mapping[str, Any]  # a validated profile: answers by field name

TESTS: dict[Operator, Test] = {
    Operator.EQ: lambda a, b: a == b,
    Operator.NE: lambda a, b: a != b,
    Operator.GT: lambda a, b: a > b,
    Operator.GE: lambda a, b: a >= b,
    Operator.LT: lambda a, b: a < b,
    Operator.LE: lambda a, b: a <= b,
    Operator.BETWEEN: lambda a, b: b[0] <= a <= b[1],
    Operator.IN: lambda a, b: a in b,
    Operator.NOT_IN: lambda a, b: a not in b,
    Operator.IS_TRUE: lambda a, b: a is True,
    Operator.IS_FALSE: lambda a, b: a is False,
    Operator.CONTAINS: lambda a, b: b in a,
    Operator.NOT_CONTAINS: lambda a, b: b not in a,
    Operator.IS_KNOWN: lambda a, b: True,
}


@dataclass
class Threshold:
    """A right-hand side looked up from a bands table, keyed by another value."""

    table: ReferenceTable
    key: Value

    def resolve(self, subject: Subject, as_of: dt.date) -> tuple[Decimal | None, Confidence, tuple[str, ...]]:
        key = self.key.get(subject, as_of)
        if key is None:
            return None, Confidence.CONFIRMED, self.key.inputs
        found = self.table.band_value(Decimal(key), as_of)
        if found is None:
            return None, Confidence.UNCONFIRMED, ()
        value, version = found
        return value, version.confidence, ()


class Compiled:
    """One criterion ready to run; ``evaluate`` returns a :class:`CriterionResult`.

    Everything that does not depend on the subject is read from the spec once, here.
    """

    __slots__ = (
        "blank",
        "branch",
        "confidence",
        "decide",
        "end",
        "fast",
        "field",
        "id",
        "inline",
        "op",
        "reads",
        "required",
        "spec",
        "start",
        "takes_no_value",
        "test",
        "text",
        "unit",
        "unknown_note",
        "unknown_values",
        "value",
    )

    def __init__(self, spec: CriterionSpec, value: Value, required: Any, test: Test,
                 unknown_values: frozenset[str]) -> None:
        self.spec, self.value, self.required, self.test = spec, value, required, test
        self.unknown_values = unknown_values
        self.id, self.op, self.text, self.confidence = spec.id, spec.op, spec.text, spec.confidence
        self.branch, self.unknown_note = spec.branch, spec.unknown_note
        self.start, self.end = spec.effective_from, spec.effective_to
        self.field, self.unit = value.name, value.unit
        self.takes_no_value = self.op in NO_VALUE
        self.fast: Callable[[Subject, dt.date, dt.date | None], CriterionResult] = self.evaluate
        # only the result (True / False / None) of ``fast``, for a condition that shows something (see specialise)
        self.decide: Callable[..., bool | None] = self.result
        self.reads: frozenset[str] | None = None  # the only inputs ``fast`` reads, where specialise knows them
        # for a profile input compared (_TEMPLATE): the comparison and the result of an unanswered input, which a
        # program's generated criteria inline (criteria_code); else None
        self.inline: str | None = None
        self.blank: CriterionResult | None = None
        # ``fast`` is replaced by generated code where possible (see specialise)

    @property
    def dated(self) -> bool:
        return self.start is not None or self.end is not None

    def in_force(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def result(self, subject: Subject, as_of: dt.date, day: dt.date | None = None) -> bool | None:
        """Only the result of :attr:`fast` (True / False / None)."""
        return self.fast(subject, as_of, day).result

    def evaluate(self, subject: Subject, as_of: dt.date, day: dt.date | None = None) -> CriterionResult:
        """Evaluate on ``as_of``; thresholds from tables are read for ``day`` (the tax year's, for tax reliefs)."""
        if self.value.explain is not None:  # a derived yes/no with its own reasons and missing inputs
            found = self.value.explain(subject, as_of)
            result = None if found.result is None else self.test(found.result, self.required)
            return CriterionResult(self, result, found.result, self.required, self.confidence, found.missing,
                                   found.note, self.id)
        actual = self.value.get(subject, as_of)
        required = self.required
        confidence = self.confidence
        missing: tuple[str, ...] = ()
        note = None
        if isinstance(required, Threshold | FigureThreshold):
            required, threshold_confidence, missing = required.resolve(subject, day or as_of)
            if threshold_confidence != Confidence.CONFIRMED and confidence == Confidence.CONFIRMED:
                confidence = threshold_confidence
        if actual is None:
            result = None
            missing = self.value.unanswered(subject) + missing
        elif required is None and not self.takes_no_value:
            result = None
        elif (self.unknown_values and isinstance(actual, str) and actual in self.unknown_values) or (
                self.spec.boundary and actual == required):  # an answer the reference cannot judge, or an open edge
            result, note = None, self.unknown_note
        else:
            result = self.test(actual, required)
        return CriterionResult(self, result, actual, required, confidence, missing, note, self.id)


# The comparison each operator makes, as Python source over the actual value ``a`` and required value ``R``.
EXPRESSIONS: dict[Operator, str] = {
    Operator.EQ: "a == R", Operator.NE: "a != R", Operator.GT: "a > R", Operator.GE: "a >= R",
    Operator.LT: "a < R", Operator.LE: "a <= R", Operator.BETWEEN: "R[0] <= a <= R[1]", Operator.IN: "a in R",
    Operator.NOT_IN: "a not in R", Operator.IS_TRUE: "a is True", Operator.IS_FALSE: "a is False",
    Operator.CONTAINS: "R in a", Operator.NOT_CONTAINS: "R not in a", Operator.IS_KNOWN: "True",
}
# An unanswered input gives the same result for every subject: BLANK, made once (it holds no answer).
_TEMPLATE = """
def evaluate(subject, as_of, day=None):
    a = subject.get(FIELD)
    if a is None:
        return BLANK
    return CR(SELF, {expression}, a, R, CONF, (), None, ID)
"""

# The same checks answering only the result (a ``when`` that shows an item or a flag reads nothing else).
_DECIDE_TEMPLATE = """
def decide(subject, as_of, day=None):
    a = subject.get(FIELD)
    return None if a is None else {expression}
"""
_DECIDE_UNKNOWN_VALUES_TEMPLATE = """
def decide(subject, as_of, day=None):
    a = subject.get(FIELD)
    if a is None or (isinstance(a, str) and a in UNKNOWN):
        return None
    return {expression}
"""
_DECIDE_READ_TEMPLATE = """
def decide(subject, as_of, day=None):
{read}
    return None if a is None else {expression}
"""

_DERIVED_TEMPLATE = """
def evaluate(subject, as_of, day=None):
{read}
    if a is None:
        return CR(SELF, None, None, R, CONF, tuple(n for n in INPUTS if subject.get(n) is None), None, ID)
    return CR(SELF, {expression}, a, R, CONF, (), None, ID)
"""

# A derived value read inline (the same steps as its getter in :mod:`.derived`), or through its getter.
_READS: dict[DerivedKind | None, str] = {
    DerivedKind.RATIO: """
    n = subject.get(NUM)
    d = subject.get(DEN)
    if n is None or d is None:
        a = None
    elif d == 0:
        a = ZERO if n == 0 else INFINITY
    else:
        a = Decimal(n) / Decimal(d)""",
    DerivedKind.PERCENT: """
    a = subject.get(SOURCE)
    if a is not None:
        a = Decimal(a) / 100""",
    DerivedKind.DAYS_SINCE: """
    a = subject.get(SOURCE)
    if a is not None:
        a = Decimal((as_of - a).days)""",
}
_GETTER = """
    a = GET(subject, as_of)"""

# A threshold looked up from a table for the day (the generic path's steps, for a value without unknown answers).
_THRESHOLD_TEMPLATE = """
def evaluate(subject, as_of, day=None):
{read}
    R, found, missing = RESOLVE(subject, day or as_of)
    conf = found if found != CONFIRMED and CONF == CONFIRMED else CONF
    if a is None:
        return CR(SELF, None, None, R, conf, UNANSWERED(subject) + missing, None, ID)
    if R is None:
        return CR(SELF, None, a, R, conf, missing, None, ID)
    return CR(SELF, {expression}, a, R, conf, missing, None, ID)
"""

# An input with answers the reference cannot judge (unknown, with the criterion's note).
_UNKNOWN_VALUES_TEMPLATE = """
def evaluate(subject, as_of, day=None):
    a = subject.get(FIELD)
    if a is None:
        return BLANK
    if isinstance(a, str) and a in UNKNOWN:
        return CR(SELF, None, a, R, CONF, (), NOTE, ID)
    return CR(SELF, {expression}, a, R, CONF, (), None, ID)
"""

# A value that says itself which inputs an unknown waits for (e.g. switched).
_NEEDS_TEMPLATE = """
def evaluate(subject, as_of, day=None):
    a = GET(subject, as_of)
    if a is None:
        return CR(SELF, None, None, R, CONF, NEEDS(subject), None, ID)
    return CR(SELF, {expression}, a, R, CONF, (), None, ID)
"""

# A derived yes/no that explains itself (missing inputs, a sentence).
_EXPLAINED_TEMPLATE = """
def evaluate(subject, as_of, day=None):
    found = EXPLAIN(subject, as_of)
    a = found.result
    if a is None:
        return CR(SELF, None, None, R, CONF, found.missing, found.note, ID)
    return CR(SELF, {expression}, a, R, CONF, found.missing, found.note, ID)
"""


@dataclass
class FigureThreshold:
    """A right-hand side read from a dated figures table (``{ figure = "table.key" }``); what it reads for a day is
    kept (tables are immutable once loaded)."""

    table: ReferenceTable
    key: str
    days: dict[dt.date, tuple[Decimal | None, Confidence, tuple[str, ...]]] = field(
        default_factory=dict, compare=False, repr=False)

    def resolve(self, subject: Subject, as_of: dt.date) -> tuple[Decimal | None, Confidence, tuple[str, ...]]:
        found = self.days.get(as_of)
        if found is None:
            row = self.table.figure(self.key, as_of)
            found = (None, Confidence.UNCONFIRMED, ()) if row is None else (row.value, row.confidence, ())
            if len(self.days) > 512:
                self.days.clear()
            self.days[as_of] = found
        return found


def specialise(compiled: Compiled) -> None:
    """Replace the generic ``evaluate`` by generated code for the common cases (an input, a derived value, a
    threshold from a bands or figures table, a derived yes/no that explains itself, an input with answers the
    reference cannot judge, or a value that says itself what it needs, compared as the operator says): the read and
    the comparison inlined, as a hand-written check would be. Open edges and the rarer combinations keep the
    generic path."""
    value = compiled.value
    threshold = isinstance(compiled.required, Threshold | FigureThreshold)
    if compiled.spec.boundary or (threshold and compiled.takes_no_value) or (
            compiled.required is None and not compiled.takes_no_value):
        return
    namespace: dict[str, Any] = {
        "CR": CriterionResult, "SELF": compiled, "R": compiled.required, "CONF": compiled.confidence,
        "FIELD": compiled.field, "ID": compiled.id, "GET": value.get,
        "INPUTS": value.inputs, "Decimal": Decimal, "ZERO": Decimal(0), "INFINITY": INFINITY,
        "CONFIRMED": Confidence.CONFIRMED, "UNANSWERED": value.unanswered, "EXPLAIN": value.explain,
        "NEEDS": value.needs, "UNKNOWN": compiled.unknown_values, "NOTE": compiled.unknown_note,
        "BLANK": CriterionResult(compiled, None, None, compiled.required, compiled.confidence, (compiled.field,), None,
                                 compiled.id)}
    if threshold:
        namespace["RESOLVE"] = compiled.required.resolve
    source = _source(compiled, namespace, threshold)
    if source is None:
        return  # the generic path
    exec(source, namespace)  # source built from fixed templates
    compiled.fast = namespace["evaluate"]
    decide = _decide_source(compiled)
    if decide is not None:
        exec(decide, namespace)  # source built from fixed templates
        compiled.decide = namespace["decide"]


def _decide_source(compiled: Compiled) -> str | None:
    """The source of ``decide`` (the result of ``fast`` alone) for the checks generated without a threshold or a
    value that explains itself (None: ``decide`` reads the result of ``fast``)."""
    value, expression = compiled.value, EXPRESSIONS[compiled.op]
    if isinstance(compiled.required, Threshold | FigureThreshold) or value.explain is not None:
        return None
    if value.needs is not None:
        return _DECIDE_READ_TEMPLATE.format(read=_GETTER, expression=expression)
    if value.kind is None:
        template = _DECIDE_UNKNOWN_VALUES_TEMPLATE if compiled.unknown_values else _DECIDE_TEMPLATE
        return template.format(expression=expression)
    if compiled.unknown_values:
        return None
    read = _READS.get(value.kind) if value.spec is not None and value.spec.to is None else None
    return _DECIDE_READ_TEMPLATE.format(read=read or _GETTER, expression=expression)


def _source(compiled: Compiled, namespace: dict[str, Any], threshold: bool) -> str | None:
    """The generated check's source for ``compiled`` (None: no template fits; the generic path runs)."""
    value, expression = compiled.value, EXPRESSIONS[compiled.op]
    if compiled.unknown_values or value.needs:
        if threshold or value.explain is not None or (compiled.unknown_values and (value.needs or value.kind)):
            return None
        template = _UNKNOWN_VALUES_TEMPLATE if compiled.unknown_values else _NEEDS_TEMPLATE
        return template.format(expression=expression)
    if value.explain is not None:
        return None if threshold else _EXPLAINED_TEMPLATE.format(expression=expression)
    if value.kind is None:
        if threshold:
            return _THRESHOLD_TEMPLATE.format(read=_GETTER, expression=expression)
        compiled.reads = frozenset([compiled.field])
        compiled.inline, compiled.blank = expression, namespace["BLANK"]
        return _TEMPLATE.format(expression=expression)
    read = _inline_read(compiled, namespace) or _GETTER
    return (_THRESHOLD_TEMPLATE if threshold else _DERIVED_TEMPLATE).format(read=read, expression=expression)


def _inline_read(compiled: Compiled, namespace: dict[str, Any]) -> str | None:
    """The source reading a derived value inline (None: read through its getter), its names added to ``namespace``;
    sets ``compiled.reads`` when every input the code reads is known (for a threshold, also its key's)."""
    value, required = compiled.value, compiled.required
    spec = value.spec
    read = _READS.get(value.kind) if spec is not None and spec.to is None else None
    if spec is None or read is None:
        return None
    namespace.update(NUM=str(spec.numerator), DEN=str(spec.denominator), SOURCE=str(spec.input))
    reads = set(value.inputs)  # what the inline read and the missing inputs look at
    if isinstance(required, Threshold):
        if required.key.kind is not None:
            return read
        reads.add(required.key.name)
    compiled.reads = frozenset(reads)
    return read


def compile_criterion(spec: CriterionSpec, value: Value, threshold: Threshold | FigureThreshold | None) -> Compiled:
    """A criterion ready to run: ``fast`` is the generated code production runs, ``evaluate`` the generic path."""
    required: Any = threshold if threshold is not None else spec.value
    if spec.op in (Operator.IN, Operator.NOT_IN) and isinstance(required, tuple):
        required = frozenset(required)
    compiled = Compiled(spec, value, required, TESTS[spec.op], frozenset(spec.unknown_values))
    specialise(compiled)
    return compiled

