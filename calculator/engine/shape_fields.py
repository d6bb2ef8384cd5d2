"""Building blocks of the rule-table schemas: strict schemas that build typed specs, and the value fields.

Kept apart from :mod:`.shapes` so the benefit kinds (which declare their own parameter schemas) can use them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from decimal import Decimal
from enum import StrEnum
from typing import Any, ClassVar

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from calculator.engine.enums import Confidence, Operator
from calculator.engine.specs import (
    AttachedFlag,
    BandLookup,
    CompoundConditionSpec,
    ConditionSpec,
    CriterionValue,
    FigureRef,
    Literal,
    When,
)


class Strict(Schema):
    """Unknown keys are errors; ``load`` returns an instance of ``spec`` (lists become tuples)."""

    spec: ClassVar[type[Any] | None] = None

    class Meta:
        unknown = RAISE

    @post_load
    def _build(self, data: dict[str, Any], **kwargs: Any) -> Any:
        if self.spec is None:
            return data
        return self.spec(**{key: tuple(value) if isinstance(value, list) else value for key, value in data.items()})


class TableDate(fields.Field[dt.date]):
    """A TOML date (``2024-12-18``), never a date-time."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValidationError("Expected a date written as YYYY-MM-DD (no quotes, no time).")
        return value


class Number(fields.Field[Decimal]):
    """An exact number: TOML integer or decimal (loaded as Decimal), never a bool."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise ValidationError("Expected a number.")
        return Decimal(value)


def _literal(value: Any) -> Literal:
    return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value


class Scalar(fields.Field[CriterionValue]):
    """A criterion value: number, text, bool, date, a list of those, or a reference-table look-up."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> CriterionValue:
        if isinstance(value, dict):
            if set(value) == {"figure"} and isinstance(value["figure"], str) and "." in value["figure"]:
                return FigureRef(value["figure"])
            if set(value) != {"lookup", "key"} or not all(isinstance(v, str) for v in value.values()):
                raise ValidationError("A threshold from a table is written { lookup = \"bands_table\", key = "
                                      "\"input\" } or { figure = \"figures_table.key\" }.")
            return BandLookup(lookup=value["lookup"], key=value["key"])
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, list | dict) or not isinstance(item, bool | int | Decimal | str | dt.date):
                raise ValidationError("Expected a number, text, true/false, a date, or a list of them.")
        if isinstance(value, list):
            return tuple(_literal(v) for v in value)
        return _literal(value)


class Choice(fields.Field[StrEnum]):
    """A code of a string enum, loaded as the enum member (the error lists the choices)."""

    def __init__(self, enum: type[StrEnum], choices: Iterable[str] | None = None, **kwargs: Any) -> None:
        self.enum = enum
        self.allowed = [m.value for m in enum] if choices is None else list(choices)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> StrEnum:
        if not isinstance(value, str):
            raise ValidationError("Not a valid string.")
        if value not in self.allowed:
            raise ValidationError(f"Must be one of: {', '.join(self.allowed)}.")
        return self.enum(value)


class BilingualSchema(Strict):
    zh = fields.String(required=True, validate=validate.Length(min=1))
    en = fields.String(required=True, validate=validate.Length(min=1))


def bilingual_field(**kwargs: Any) -> fields.Nested:
    return fields.Nested(BilingualSchema, **kwargs)


def sources_field(**kwargs: Any) -> fields.List[str]:
    return fields.List(fields.String(), **kwargs)


def confidence_field(**kwargs: Any) -> Choice:
    return Choice(Confidence, **kwargs)


def figure_field(**kwargs: Any) -> fields.String:
    """A figure reference: a program figure's name, ``table.key`` of a figures table, or a product ``a*b``."""
    return fields.String(**kwargs)


def input_field(**kwargs: Any) -> fields.String:
    """The name of a profile field or a derived value."""
    return fields.String(**kwargs)


class ConditionSchema(Strict):
    """A test on one input (the ``when`` of a flag or an item)."""

    spec = ConditionSpec
    field = input_field(required=True)
    op = Choice(Operator, required=True)
    value = Scalar()


NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def name_pattern(text: str) -> bool:
    """``text`` is a lower_case name (ids of criteria, flags, parts)."""
    return bool(NAME.match(text))


class WhenField(fields.Field[When]):
    """A ``when``: one test (``{ field, op, value }``), or ``{ any = [tests] }`` / ``{ all = [tests] }`` (two or more
    tests, one level: no ``any`` inside ``all``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> When:
        if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in ("any", "all"):
            mode, items = next(iter(value.items()))
            if not isinstance(items, list) or len(items) < 2:
                raise ValidationError({mode: ["Give a list of at least two tests."]})
            loaded, errors = [], {}
            for index, item in enumerate(items):
                try:
                    loaded.append(ConditionSchema().load(item))
                except ValidationError as exc:
                    errors[index] = exc.messages
            if errors:
                raise ValidationError({mode: errors})
            return CompoundConditionSpec(mode=mode, items=tuple(loaded))
        condition: ConditionSpec = ConditionSchema().load(value)
        return condition


class AttachedFlagSchema(Strict):
    """``{ code = "…", text = { zh, en } }``: a flag a rule attaches to its special case."""

    spec = AttachedFlag
    code = fields.String(required=True, validate=validate.Regexp(NAME))
    text = bilingual_field(required=True)


def attached_flag_field(**kwargs: Any) -> fields.Nested:
    return fields.Nested(AttachedFlagSchema, **kwargs)


class DatedMixin(Strict):
    """``effective_from`` / ``effective_to`` of a row (both inclusive, in order)."""

    effective_from = TableDate()
    effective_to = TableDate()

    @validates_schema
    def _in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            raise ValidationError("effective_to is before effective_from.", "effective_to")
