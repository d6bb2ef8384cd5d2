"""Schemas for rule tables: programs, reference tables, derived quantities, stacking groups, sources.

These check shape and types (unknown keys, wrong types, unknown operators, missing confidence). Checks that
need more than one file (source keys exist, fields exist in the profile schema, dated rows do not overlap,
no UNCONFIRMED figure priced as an amount) live in ``calculator.engine.loader``.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

CONFIDENCE = ("CONFIRMED", "SECONDARY", "UNCONFIRMED")
FAMILIES = ("financial_support", "talent", "procurement", "regulatory")
APPLIES_TO = ("company", "person", "product")
CERTAINTY = ("determined", "competitive", "not_monetary")
OPERATORS = ("eq", "ne", "gt", "ge", "lt", "le", "between", "in", "not_in", "is_true", "is_false",
             "contains", "not_contains", "is_known")
REFERENCE_KINDS = ("enum", "figures", "brackets", "bands", "size_classes")
STACKING_KINDS = ("choose_one", "take_higher", "combined_limit", "warning")
UNITS = ("CNY", "HKD", "ratio", "years", "days", "months", "people")
WINDOW_MODES = ("annual_guide", "at_filing", "rolling", "by_call", "none")
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class Strict(Schema):
    class Meta:
        unknown = RAISE


class TableDate(fields.Field):
    """A TOML date (``2024-12-18``), never a date-time."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, dt.datetime) or not isinstance(value, dt.date):
            raise ValidationError("Expected a date written as YYYY-MM-DD (no quotes, no time).")
        return value


class Number(fields.Field):
    """An exact number: TOML integer or decimal (loaded as Decimal), never a bool."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            raise ValidationError("Expected a number.")
        return Decimal(value)


class Scalar(fields.Field):
    """A criterion value: number, text, bool, date, a list of those, or a reference-table lookup."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, dict):
            if set(value) == {"figure"} and isinstance(value["figure"], str) and "." in value["figure"]:
                return dict(value)
            if set(value) != {"lookup", "key"} or not all(isinstance(v, str) for v in value.values()):
                raise ValidationError("A threshold from a table is written { lookup = \"bands_table\", key = "
                                      "\"input\" } or { figure = \"figures_table.key\" }.")
            return dict(value)
        items = value if isinstance(value, list) else [value]
        for item in items:
            if isinstance(item, list | dict) or not isinstance(item, bool | int | Decimal | str | dt.date):
                raise ValidationError("Expected a number, text, true/false, a date, or a list of them.")
        if isinstance(value, list):
            return [Decimal(v) if isinstance(v, int) and not isinstance(v, bool) else v for v in value]
        return Decimal(value) if isinstance(value, int) and not isinstance(value, bool) else value


def bilingual_field(**kwargs: Any) -> fields.Nested:
    return fields.Nested(BilingualSchema, **kwargs)


def sources_field(**kwargs: Any) -> fields.List:
    return fields.List(fields.String(), **kwargs)


def confidence_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.OneOf(CONFIDENCE), **kwargs)


class BilingualSchema(Strict):
    zh = fields.String(required=True, validate=validate.Length(min=1))
    en = fields.String(required=True, validate=validate.Length(min=1))


class SourceSchema(Strict):
    title = fields.String(required=True)
    section = fields.String(required=True)
    type = fields.String(required=True, validate=validate.OneOf(("official", "secondary", "official_draft")))
    urls = fields.List(fields.String(), required=True)
    github = fields.List(fields.Dict(), load_default=list)
    supports = fields.String(required=True)


class DatedRowMixin(Strict):
    effective_from = TableDate()
    effective_to = TableDate()
    instrument = fields.String()
    note = bilingual_field()

    @validates_schema
    def _dates_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        start, end = data.get("effective_from"), data.get("effective_to")
        if start and end and end < start:
            raise ValidationError("effective_to is before effective_from.", "effective_to")


class FigureSchema(DatedRowMixin):
    """One figure of a program: value, unit, confidence and source (dated rows share a name)."""

    name = fields.String(required=True, validate=validate.Regexp(NAME_PATTERN))
    value = Number(required=True)
    unit = fields.String(required=True, validate=validate.OneOf(UNITS))
    confidence = confidence_field(required=True)
    source = sources_field(required=True)


class ConditionSchema(Strict):
    field = fields.String(required=True)
    op = fields.String(required=True, validate=validate.OneOf(OPERATORS))
    value = Scalar()


class CriterionSchema(DatedRowMixin):
    id = fields.String(required=True, validate=validate.Regexp(NAME_PATTERN))
    text = bilingual_field(required=True)
    field = fields.String(required=True)
    op = fields.String(required=True, validate=validate.OneOf(OPERATORS))
    value = Scalar()
    unknown_values = fields.List(fields.String())
    unknown_note = bilingual_field()
    branch = fields.String()
    confidence = confidence_field(required=True)
    source = sources_field(required=True)

    @validates_schema
    def _value_matches_operator(self, data: dict[str, Any], **kwargs: Any) -> None:
        op, value = data["op"], data.get("value")
        if op in ("is_true", "is_false", "is_known"):
            if value is not None:
                raise ValidationError(f"Operator '{op}' takes no value.", "value")
            return
        if value is None:
            raise ValidationError(f"Operator '{op}' needs a value.", "value")
        if op == "between" and not (isinstance(value, list) and len(value) == 2):
            raise ValidationError("'between' takes [low, high].", "value")
        if op in ("in", "not_in") and not isinstance(value, list):
            raise ValidationError(f"'{op}' takes a list.", "value")
        if op in ("gt", "ge", "lt", "le") and not isinstance(value, Decimal | dt.date | dict):
            raise ValidationError(f"'{op}' takes a number, a date or a lookup.", "value")


class BranchSchema(Strict):
    id = fields.String(required=True, validate=validate.Regexp(NAME_PATTERN))
    text = bilingual_field(required=True)
    flag = fields.String(validate=validate.Regexp(NAME_PATTERN))
    flag_text = bilingual_field()


class FlagSchema(Strict):
    code = fields.String(required=True, validate=validate.Regexp(NAME_PATTERN))
    when = fields.Nested(ConditionSchema, required=True)
    text = bilingual_field(required=True)


class AdvisorySchema(Strict):
    text = bilingual_field(required=True)
    confidence = confidence_field(load_default="UNCONFIRMED")


class EffectiveSchema(Strict):
    start = TableDate(required=True, data_key="from")
    end = TableDate(data_key="to")
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    end_confidence = confidence_field()
    end_source = sources_field()
    valid_for_years = fields.Integer(validate=validate.Range(min=1, max=50))
    valid_for_confidence = confidence_field()
    valid_for_source = sources_field()
    basis = fields.String(load_default="as_of", validate=validate.OneOf(("as_of", "tax_year")))
    note = bilingual_field()

    @validates_schema
    def _consistent(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("end") and data["end"] < data["start"]:
            raise ValidationError("'to' is before 'from'.", "to")
        if data.get("end") and not data.get("end_confidence"):
            raise ValidationError("An end date needs end_confidence.", "end_confidence")
        if data.get("valid_for_years") and not data.get("valid_for_confidence"):
            raise ValidationError("valid_for_years needs valid_for_confidence.", "valid_for_confidence")


class CohortSchema(Strict):
    field = fields.String(required=True)
    closed_from = TableDate(required=True)
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    text = bilingual_field(required=True)


class OutcomeSchema(Strict):
    max_status = fields.String(required=True, validate=validate.OneOf(("needs_info",)))
    code = fields.String(required=True, validate=validate.Regexp(NAME_PATTERN))
    text = bilingual_field(required=True)


class PeriodSchema(Strict):
    opens = TableDate(required=True)
    closes = TableDate(required=True)
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    note = bilingual_field()


class WindowSchema(Strict):
    mode = fields.String(required=True, validate=validate.OneOf(WINDOW_MODES))
    text = bilingual_field()
    periods = fields.List(fields.Nested(PeriodSchema), load_default=list)


class DocumentsSchema(Strict):
    confidence = confidence_field(required=True)
    items = fields.List(bilingual_field(), required=True)


class RateChoiceSchema(Strict):
    by = fields.String(required=True)
    when_true = fields.String(required=True)
    when_false = fields.String(required=True)


class RateRef(fields.Field):
    """A figure name, or a choice of figures by a yes/no input."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str):
            return value
        if isinstance(value, dict):
            return RateChoiceSchema().load(value)
        raise ValidationError("Expected a figure name or { by = ..., when_true = ..., when_false = ... }.")


# Each benefit kind: (required parameters, optional parameters).
BENEFIT_KINDS: dict[str, tuple[set[str], set[str]]] = {
    "fixed": ({"amount"}, set()),
    "up_to": ({"cap"}, set()),
    "percent_of_base": ({"base", "rate"}, {"cap", "floor", "base_limit"}),
    "by_category": ({"category", "amounts"}, {"when_unknown"}),
    "per_head": ({"count", "amount"}, {"cap"}),
    "tiered": ({"base", "table"}, {"cap"}),
    "cit_rate_differential": ({"base", "from_rate", "to_rate"}, set()),
    "rd_super_deduction": ({"expensed", "amortised", "extra_rate", "limit", "rates", "regime_programs"}, set()),
    "iit_excess_over_share": ({"share", "cap"}, set()),
    "iit_excess_over_hk_burden": (set(), set()),
    "unknown": (set(), set()),
    "non_monetary": ({"items"}, set()),
}


class BenefitSchema(Strict):
    kind = fields.String(required=True, validate=validate.OneOf(tuple(BENEFIT_KINDS)))
    text = bilingual_field(required=True)
    unknown_note = bilingual_field()
    pool = bilingual_field()
    amount = fields.String()
    cap = fields.String()
    floor = fields.String()
    base = fields.String()
    rate = RateRef()
    category = fields.String()
    amounts = fields.Dict(keys=fields.String(), values=fields.String())
    when_unknown = fields.String(validate=validate.OneOf(("range", "up_to_max", "needs_info")))
    base_limit = fields.Nested(lambda: BaseLimitSchema())
    count = fields.String()
    table = fields.String()
    from_rate = fields.String()
    to_rate = fields.String()
    expensed = fields.String()
    amortised = fields.String()
    extra_rate = fields.String()
    limit = fields.String()
    rates = fields.Dict(keys=fields.String(validate=validate.OneOf(("standard", "hnte", "small_low_profit"))),
                        values=fields.String())
    regime_programs = fields.Dict(keys=fields.String(validate=validate.OneOf(("hnte", "small_low_profit"))),
                                  values=fields.String())
    share = fields.String()
    items = fields.List(fields.Nested(lambda: NonMonetaryItemSchema()))

    @validates_schema
    def _parameters_fit_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        required, optional = BENEFIT_KINDS[data["kind"]]
        given = set(data) - {"kind", "text", "unknown_note", "pool"}
        errors: dict[str, list[str]] = {}
        for name in sorted(required - given):
            errors[name] = [f"Benefit kind '{data['kind']}' needs '{name}'."]
        for name in sorted(given - required - optional):
            errors[name] = [f"Benefit kind '{data['kind']}' does not take '{name}'."]
        if errors:
            raise ValidationError(errors)


class BaseLimitSchema(Strict):
    """Limit a formula's base to ``rate × input`` (e.g. premium counted up to 3% of the insured amount)."""

    rate = fields.String(required=True)
    of = fields.String(required=True)


class NonMonetaryItemSchema(Strict):
    type = fields.String(required=True, validate=validate.OneOf(("permission", "obligation", "label", "information")))
    text = bilingual_field(required=True)
    article = fields.String()
    when = fields.Nested(ConditionSchema)
    confidence = confidence_field()          # default: the program's; SECONDARY flags the result
    source = sources_field()
    effective_from = TableDate()             # an item that applies later (or earlier) than the program
    effective_to = TableDate()

    @validates_schema
    def _sourced(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("confidence") == "SECONDARY" and not data.get("source"):
            raise ValidationError("A SECONDARY item needs its source.", "source")


class ProgramSchema(Strict):
    id = fields.String(required=True, validate=validate.Regexp(ID_PATTERN))
    family = fields.String(required=True, validate=validate.OneOf(FAMILIES))
    applies_to = fields.String(required=True, validate=validate.OneOf(APPLIES_TO))
    certainty = fields.String(required=True, validate=validate.OneOf(CERTAINTY))
    name = bilingual_field(required=True)
    summary = bilingual_field(required=True)
    issuer = bilingual_field(required=True)
    instrument = fields.String(required=True)
    sources = sources_field(required=True)
    official_text = fields.String(validate=validate.URL(require_tld=True))
    depends_on = fields.List(fields.String(), load_default=list)
    effective = fields.Nested(EffectiveSchema, required=True)
    cohort = fields.Nested(CohortSchema)
    outcome = fields.Nested(OutcomeSchema)
    window = fields.Nested(WindowSchema, required=True)
    branches = fields.List(fields.Nested(BranchSchema), load_default=list)
    criteria = fields.List(fields.Nested(CriterionSchema), load_default=list)
    flags = fields.List(fields.Nested(FlagSchema), load_default=list)
    advisories = fields.List(fields.Nested(AdvisorySchema), load_default=list)
    benefit = fields.Nested(BenefitSchema, required=True)
    figures = fields.List(fields.Nested(FigureSchema), load_default=list)
    documents = fields.Nested(DocumentsSchema)


class EnumRowSchema(Strict):
    code = fields.String(required=True, validate=validate.Regexp(NAME_PATTERN))
    name = bilingual_field(required=True)
    note = bilingual_field()


class FigureRowSchema(DatedRowMixin):
    key = fields.String(required=True, validate=validate.Regexp(NAME_PATTERN))
    value = Number(required=True)
    unit = fields.String(required=True)
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    effective_from = TableDate(required=True)
    instrument = fields.String(required=True)


class BracketRowSchema(Strict):
    upto = Number()
    rate = Number(required=True)
    quick_deduction = Number()


class SizeClassRowSchema(Strict):
    sector = fields.String(required=True)
    employees_sme = Number(required=True)
    revenue_sme = Number(required=True)
    employees_medium = Number(required=True)
    revenue_medium = Number(required=True)
    employees_small = Number(required=True)
    revenue_small = Number(required=True)


class BandRowSchema(Strict):
    above = Number()
    upto = Number()
    value = Number(required=True)


class VersionSchema(DatedRowMixin):
    effective_from = TableDate()
    label = fields.String()
    instrument = fields.String(required=True)
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    rows = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1))

    @validates_schema
    def _dated_or_labelled(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("effective_from") and not data.get("label"):
            raise ValidationError("A version needs effective_from (or, when the source gives no date, a label).",
                                  "effective_from")


class ReferenceTableSchema(Strict):
    name = fields.String(required=True, validate=validate.Regexp(NAME_PATTERN))
    kind = fields.String(required=True, validate=validate.OneOf(REFERENCE_KINDS))
    title = bilingual_field(required=True)
    description = bilingual_field()
    confidence = confidence_field()
    source = sources_field()
    method = fields.String(validate=validate.OneOf(("quick_deduction", "marginal")))
    unit = fields.String()
    basis = fields.String(validate=validate.OneOf(("hk_year_of_assessment",)))
    key_unit = fields.String()
    value_unit = fields.String()
    rows = fields.List(fields.Dict())
    versions = fields.List(fields.Nested(VersionSchema))

    @validates_schema
    def _shape_fits_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind = data["kind"]
        if kind in ("enum", "figures") and not data.get("rows"):
            raise ValidationError(f"A '{kind}' table needs rows.", "rows")
        if kind in ("brackets", "bands", "size_classes") and not data.get("versions"):
            raise ValidationError(f"A '{kind}' table needs versions.", "versions")
        if kind == "brackets" and not data.get("method"):
            raise ValidationError("A brackets table needs a method.", "method")
        if kind == "enum" and (data.get("confidence") is None or data.get("source") is None):
            raise ValidationError("An enum table needs confidence and source (source may be []).", "confidence")
        row_schema = {"enum": EnumRowSchema, "figures": FigureRowSchema}.get(kind)
        if row_schema is not None:
            errors = {}
            loaded = []
            for index, row in enumerate(data.get("rows") or []):
                try:
                    loaded.append(row_schema().load(row))
                except ValidationError as exc:
                    errors[index] = exc.messages
            if errors:
                raise ValidationError({"rows": errors})
            data["rows"] = loaded
        if kind in ("brackets", "bands", "size_classes"):
            row_schema = {"brackets": BracketRowSchema, "bands": BandRowSchema,
                          "size_classes": SizeClassRowSchema}[kind]
            errors = {}
            for v_index, version in enumerate(data["versions"]):
                loaded = []
                for r_index, row in enumerate(version["rows"]):
                    try:
                        loaded.append(row_schema().load(row))
                    except ValidationError as exc:
                        errors.setdefault(v_index, {}).setdefault("rows", {})[r_index] = exc.messages
                version["rows"] = loaded
            if errors:
                raise ValidationError({"versions": errors})


class DerivedSchema(Strict):
    subject = fields.String(required=True, validate=validate.OneOf(("company", "person")))
    kind = fields.String(required=True, validate=validate.OneOf(
        ("ratio", "percent", "days_since", "months_since", "years_since", "size_class")))
    numerator = fields.String()
    denominator = fields.String()
    input = fields.String()
    name = bilingual_field(required=True)
    numerator_label = bilingual_field()
    denominator_label = bilingual_field()
    table = fields.String()
    names_table = fields.String()
    sector = fields.String()
    employees = fields.String()
    revenue = fields.String()

    @validates_schema
    def _parameters(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["kind"] == "size_class":
            needed = {"table", "names_table", "sector", "employees", "revenue"}
            if needed - set(data):
                raise ValidationError(f"A size_class takes {', '.join(sorted(needed))}.", "kind")
        elif data["kind"] == "ratio":
            if not (data.get("numerator") and data.get("denominator")) or data.get("input"):
                raise ValidationError("A ratio takes numerator and denominator.", "kind")
        elif not data.get("input") or data.get("numerator") or data.get("denominator"):
            raise ValidationError(f"'{data['kind']}' takes one input.", "kind")


class StackingGroupSchema(Strict):
    id = fields.String(required=True, validate=validate.Regexp(ID_PATTERN))
    kind = fields.String(required=True, validate=validate.OneOf(STACKING_KINDS))
    members = fields.List(fields.String(), required=True, validate=validate.Length(min=2))
    limit_inputs = fields.List(fields.String())
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    text = bilingual_field(required=True)

    @validates_schema
    def _limit(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data["kind"] == "combined_limit") != bool(data.get("limit_inputs")):
            raise ValidationError("limit_inputs goes with (and only with) kind = 'combined_limit'.", "limit_inputs")


class StackingFileSchema(Strict):
    groups = fields.List(fields.Nested(StackingGroupSchema), required=True)
