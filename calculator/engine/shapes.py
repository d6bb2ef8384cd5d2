"""Schemas of the rule tables: shape and types of each file (unknown keys, wrong types, unknown operators, missing
confidence), loaded into the typed specs of :mod:`.specs`. Checks that need more than one file (source keys
exist, fields exist in the profile schema, dated rows do not overlap, no UNCONFIRMED figure priced as an amount)
live in :mod:`.validate`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from typing import Any, ClassVar

from marshmallow import ValidationError, fields, validate, validates_schema

from calculator.engine.benefits import REGISTRY
from calculator.engine.enums import (
    COMPARISONS,
    NO_VALUE,
    AppliesTo,
    BenefitKind,
    Certainty,
    DerivedKind,
    EffectiveBasis,
    Family,
    MoneyKind,
    Operator,
    ReferenceKind,
    SourceType,
    StackingKind,
    Status,
    Subject,
    TaxMethod,
    Unit,
    WindowMode,
)
from calculator.engine.shape_fields import (
    Choice,
    ConditionSchema,
    Number,
    Scalar,
    Strict,
    TableDate,
    bilingual_field,
    confidence_field,
    input_field,
    sources_field,
)
from calculator.engine.specs import (
    AdvisorySpec,
    BandLookup,
    BandRow,
    BenefitSpec,
    BracketRow,
    BranchSpec,
    CarryForwardRowSpec,
    CohortSpec,
    CriterionSpec,
    DerivedSpec,
    DocumentsSpec,
    EffectiveSpec,
    EnumRow,
    FigureRef,
    FigureRow,
    FigureSpec,
    FlagSpec,
    NoParams,
    OutcomeSpec,
    Params,
    PeriodSpec,
    ProgramSpec,
    ReferenceTableSpec,
    SelfCheckSpec,
    SelfCheckTexts,
    SizeClassRow,
    SourceSpec,
    StackingGroupSpec,
    UnknownFlagSpec,
    VersionSpec,
    WindowSpec,
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
NAME_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
KEY = "(key)"  # where the validator passes a TOML table's own name (no table writes this key)


def name_field(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Regexp(NAME_PATTERN), **kwargs)


class SourceSchema(Strict):
    spec = SourceSpec
    key = fields.String(required=True, data_key=KEY)  # the TOML table's name, set by the validator
    title = fields.String(required=True)
    section = fields.String(required=True)
    type = Choice(SourceType, required=True)
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

    spec = FigureSpec
    name = name_field(required=True)
    value = Number(required=True)
    unit = Choice(Unit, required=True)
    confidence = confidence_field(required=True)
    source = sources_field(required=True)


class UnknownFlagSchema(Strict):
    spec = UnknownFlagSpec
    code = name_field(required=True)
    text = bilingual_field(required=True)


class CriterionSchema(DatedRowMixin):
    spec = CriterionSpec
    id = name_field(required=True)
    text = bilingual_field(required=True)
    field = input_field(required=True)
    op = Choice(Operator, required=True)
    value = Scalar()
    unknown_values = fields.List(fields.String())
    unknown_note = bilingual_field()
    branch = fields.String()
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    boundary = fields.String(validate=validate.OneOf(("unknown",)))
    unknown_outcome = fields.String(validate=validate.OneOf(("missing", "flag")))
    unknown_flag = fields.Nested(UnknownFlagSchema)

    @validates_schema
    def _boundary_and_unknowns(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("boundary"):
            if data["op"] not in COMPARISONS or not isinstance(data.get("value"), Decimal | dt.date):
                raise ValidationError("boundary = \"unknown\" needs gt, ge, lt or le with a number or a date.",
                                      "boundary")
            if not data.get("unknown_note"):
                raise ValidationError("boundary = \"unknown\" needs unknown_note (why the edge is open).",
                                      "unknown_note")
        if (data.get("unknown_outcome") == "flag") != bool(data.get("unknown_flag")):
            raise ValidationError("unknown_flag goes with (and only with) unknown_outcome = \"flag\".", "unknown_flag")
        if data.get("unknown_outcome") == "flag":
            if data["op"] not in (Operator.IS_TRUE, Operator.IS_FALSE):
                raise ValidationError("unknown_outcome = \"flag\" needs is_true or is_false.", "unknown_outcome")
            if data.get("branch"):
                raise ValidationError("unknown_outcome = \"flag\" cannot sit in a branch (it could grant).",
                                      "unknown_outcome")

    @validates_schema
    def _value_matches_operator(self, data: dict[str, Any], **kwargs: Any) -> None:
        op, value = data["op"], data.get("value")
        if op in NO_VALUE:
            if value is not None:
                raise ValidationError(f"Operator '{op}' takes no value.", "value")
            return
        if value is None:
            raise ValidationError(f"Operator '{op}' needs a value.", "value")
        if op == Operator.BETWEEN and not (isinstance(value, tuple) and len(value) == 2):
            raise ValidationError("'between' takes [low, high].", "value")
        if op in (Operator.IN, Operator.NOT_IN) and not isinstance(value, tuple):
            raise ValidationError(f"'{op}' takes a list.", "value")
        if op in COMPARISONS and not isinstance(value, Decimal | dt.date | BandLookup | FigureRef):
            raise ValidationError(f"'{op}' takes a number, a date or a lookup.", "value")


class BranchSchema(Strict):
    spec = BranchSpec
    id = name_field(required=True)
    text = bilingual_field(required=True)
    flag = name_field()
    flag_text = bilingual_field()


class FlagSchema(Strict):
    spec = FlagSpec
    code = name_field(required=True)
    when = fields.Nested(ConditionSchema, required=True)
    text = bilingual_field(required=True)


class AdvisorySchema(Strict):
    spec = AdvisorySpec
    text = bilingual_field(required=True)
    confidence = confidence_field()


class EffectiveSchema(Strict):
    spec = EffectiveSpec
    start = TableDate(required=True, data_key="from")
    end = TableDate(data_key="to")
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    end_confidence = confidence_field()
    end_source = sources_field()
    valid_for_years = fields.Integer(validate=validate.Range(min=1, max=50))
    valid_for_confidence = confidence_field()
    valid_for_source = sources_field()
    basis = Choice(EffectiveBasis)
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
    spec = CohortSpec
    field = input_field(required=True)
    closed_from = TableDate(required=True)
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    text = bilingual_field(required=True)


class OutcomeSchema(Strict):
    spec = OutcomeSpec
    max_status = Choice(Status, (Status.NEEDS_INFO,), required=True)
    code = name_field(required=True)
    text = bilingual_field(required=True)


class PeriodSchema(Strict):
    spec = PeriodSpec
    opens = TableDate(required=True)
    closes = TableDate(required=True)
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    note = bilingual_field()


class WindowSchema(Strict):
    spec = WindowSpec
    mode = Choice(WindowMode, required=True)
    text = bilingual_field()
    periods = fields.List(fields.Nested(PeriodSchema))


class DocumentsSchema(Strict):
    spec = DocumentsSpec
    confidence = confidence_field(required=True)
    items = fields.List(bilingual_field(), required=True)


class BenefitField(fields.Field[BenefitSpec]):
    """``[benefit]``: ``kind``, ``text``, ``unknown_note``, ``pool``, ``money_kind`` and the kind's own parameters,
    checked by the parameter schema of the kind's registry entry. ``money_kind`` (what kind of money the amount is)
    defaults to the kind's first; a table may choose another the kind allows."""

    COMMON = ("kind", "text", "unknown_note", "pool", "money_kind")

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> BenefitSpec:
        if not isinstance(value, dict):
            raise ValidationError("Expected a table.")
        errors: dict[str, Any] = {}
        common: dict[str, Any] = {}
        try:
            common = CommonBenefitSchema().load({k: v for k, v in value.items() if k in self.COMMON})
        except ValidationError as exc:
            errors.update(exc.messages_dict)
        kind = common.get("kind")
        if kind is None:
            raise ValidationError(errors)
        params: Params = NoParams()
        try:
            params = REGISTRY[kind].schema().load({k: v for k, v in value.items() if k not in self.COMMON})
        except ValidationError as exc:
            for name, messages in exc.messages_dict.items():
                errors[name] = [_kind_message(kind, name, m) for m in messages] if isinstance(messages, list) \
                    else messages
        allowed = REGISTRY[kind].money_kinds
        money_kind = common.pop("money_kind", None) or allowed[0]
        if money_kind not in allowed:
            errors["money_kind"] = [f"Benefit kind '{kind}' is money of kind {', '.join(allowed)}, "
                                    f"not '{money_kind}'."]
        if errors:
            raise ValidationError(errors)
        return BenefitSpec(params=params, money_kind=money_kind, **common)


def _kind_message(kind: BenefitKind, name: str, message: Any) -> Any:
    if message == "Missing data for required field.":
        return f"Benefit kind '{kind}' needs '{name}'."
    if message == "Unknown field.":
        return f"Benefit kind '{kind}' does not take '{name}'."
    return message


class CommonBenefitSchema(Strict):
    kind = Choice(BenefitKind, required=True)
    text = bilingual_field(required=True)
    unknown_note = bilingual_field()
    pool = bilingual_field()
    money_kind = Choice(MoneyKind, (MoneyKind.CASH, MoneyKind.TAX_THIS_YEAR, MoneyKind.NON_CASH, MoneyKind.OBLIGATION))


class SelfCheckTextsSchema(Strict):
    spec = SelfCheckTexts
    likely_to_qualify = bilingual_field(required=True)
    not_yet = bilingual_field(required=True)
    needs_info = bilingual_field(required=True)


class SelfCheckSchema(Strict):
    spec = SelfCheckSpec
    id = name_field(required=True)
    text = bilingual_field(required=True)
    outcome_text = fields.Nested(SelfCheckTextsSchema, required=True)
    criteria = fields.List(fields.Nested(CriterionSchema), required=True, validate=validate.Length(min=1))
    if_certified = fields.Boolean()


class ProgramSchema(Strict):
    spec = ProgramSpec
    id = fields.String(required=True, validate=validate.Regexp(ID_PATTERN))
    family = Choice(Family, required=True)
    applies_to = Choice(AppliesTo, required=True)
    certainty = Choice(Certainty, required=True)
    name = bilingual_field(required=True)
    summary = bilingual_field(required=True)
    issuer = bilingual_field(required=True)
    instrument = fields.String(required=True)
    sources = sources_field(required=True)
    official_text = fields.String(validate=validate.URL(require_tld=True))
    depends_on = fields.List(fields.String())
    effective = fields.Nested(EffectiveSchema, required=True)
    cohort = fields.Nested(CohortSchema)
    outcome = fields.Nested(OutcomeSchema)
    window = fields.Nested(WindowSchema, required=True)
    branches = fields.List(fields.Nested(BranchSchema))
    criteria = fields.List(fields.Nested(CriterionSchema))
    flags = fields.List(fields.Nested(FlagSchema))
    advisories = fields.List(fields.Nested(AdvisorySchema))
    benefit = BenefitField(required=True)
    figures = fields.List(fields.Nested(FigureSchema))
    documents = fields.Nested(DocumentsSchema)
    self_check = fields.Nested(SelfCheckSchema)


# --- reference tables --------------------------------------------------------------------------------------
class EnumRowSchema(Strict):
    spec = EnumRow
    code = name_field(required=True)
    name = bilingual_field(required=True)
    note = bilingual_field()


class FigureRowSchema(DatedRowMixin):
    spec = FigureRow
    key = name_field(required=True)
    value = Number(required=True)
    unit = fields.String(required=True)
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    effective_from = TableDate(required=True)
    instrument = fields.String(required=True)


class BracketRowSchema(Strict):
    spec = BracketRow
    upto = Number()
    rate = Number(required=True)
    quick_deduction = Number()


class SizeClassRowSchema(Strict):
    spec = SizeClassRow
    sector = fields.String(required=True)
    employees_sme = Number(required=True)
    revenue_sme = Number(required=True)
    employees_medium = Number(required=True)
    revenue_medium = Number(required=True)
    employees_small = Number(required=True)
    revenue_small = Number(required=True)


class BandRowSchema(Strict):
    spec = BandRow
    above = Number()
    upto = Number()
    value = Number(required=True)


VERSION_ROWS: dict[ReferenceKind, type[Strict]] = {
    ReferenceKind.BRACKETS: BracketRowSchema, ReferenceKind.BANDS: BandRowSchema,
    ReferenceKind.SIZE_CLASSES: SizeClassRowSchema}


class VersionSchema(DatedRowMixin):
    spec = VersionSpec
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


class CarryForwardRowSchema(Strict):
    spec = CarryForwardRowSpec
    key = name_field(required=True)
    start = TableDate(required=True, data_key="from")
    end = TableDate(required=True, data_key="to")
    use_row_in_force_on = TableDate(required=True)
    flag = name_field(required=True)
    text = bilingual_field(required=True)

    @validates_schema
    def _dates_in_order(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data["end"] < data["start"]:
            raise ValidationError("'to' is before 'from'.", "to")


class ReferenceTableSchema(Strict):
    """A reference table; its rows are checked by the row schema of its kind and land in ``enum_rows``,
    ``figure_rows`` or each version's ``rows``."""

    spec = ReferenceTableSpec
    name = name_field(required=True)
    kind = Choice(ReferenceKind, required=True)
    title = bilingual_field(required=True)
    description = bilingual_field()
    confidence = confidence_field()
    source = sources_field()
    method = Choice(TaxMethod)
    unit = fields.String()
    basis = fields.String(validate=validate.OneOf(("hk_year_of_assessment",)))
    key_unit = fields.String()
    value_unit = fields.String()
    rows = fields.List(fields.Dict())
    versions = fields.List(fields.Nested(VersionSchema))
    carry_forward = fields.List(fields.Nested(CarryForwardRowSchema))

    @validates_schema
    def _shape_fits_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind = data["kind"]
        if kind in (ReferenceKind.ENUM, ReferenceKind.FIGURES) and not data.get("rows"):
            raise ValidationError(f"A '{kind}' table needs rows.", "rows")
        if kind in VERSION_ROWS and not data.get("versions"):
            raise ValidationError(f"A '{kind}' table needs versions.", "versions")
        if kind == ReferenceKind.BRACKETS and not data.get("method"):
            raise ValidationError("A brackets table needs a method.", "method")
        if kind == ReferenceKind.ENUM and (data.get("confidence") is None or data.get("source") is None):
            raise ValidationError("An enum table needs confidence and source (source may be []).", "confidence")
        if kind in VERSION_ROWS and data.get("rows"):
            raise ValidationError(f"A '{kind}' table has its rows inside versions.", "rows")
        if kind != ReferenceKind.FIGURES and data.get("carry_forward"):
            raise ValidationError("Only a 'figures' table carries rows forward.", "carry_forward")
        errors: dict[str, Any] = {}
        row_schema = {ReferenceKind.ENUM: EnumRowSchema, ReferenceKind.FIGURES: FigureRowSchema}.get(kind)
        if row_schema is not None:
            rows = _load_rows(row_schema, data.get("rows") or [], errors.setdefault("rows", {}))
            data["enum_rows" if kind == ReferenceKind.ENUM else "figure_rows"] = tuple(rows)
        if kind in VERSION_ROWS:
            for index, version in enumerate(data["versions"]):
                version_errors: dict[int, Any] = {}
                rows = _load_rows(VERSION_ROWS[kind], list(version.rows), version_errors)
                data["versions"][index] = replace(version, rows=tuple(rows))
                if version_errors:
                    errors.setdefault("versions", {})[index] = {"rows": version_errors}
        data.pop("rows", None)
        errors = {key: value for key, value in errors.items() if value}
        if errors:
            raise ValidationError(errors)


def _load_rows(schema: type[Strict], rows: list[Any], errors: dict[int, Any]) -> list[Any]:
    loaded = []
    for index, row in enumerate(rows):
        try:
            loaded.append(schema().load(row))
        except ValidationError as exc:
            errors[index] = exc.messages
    return loaded


class DerivedSchema(Strict):
    spec = DerivedSpec
    name = fields.String(required=True, data_key=KEY)  # the TOML table's name, set by the validator
    subject = Choice(Subject, required=True)
    kind = Choice(DerivedKind, required=True)
    numerator = input_field()
    denominator = input_field()
    input = input_field()
    label = bilingual_field(required=True, data_key="name")
    numerator_label = bilingual_field()
    denominator_label = bilingual_field()
    table = fields.String()
    names_table = fields.String()
    sector = input_field()
    employees = input_field()
    revenue = input_field()
    default = input_field()
    default_note = bilingual_field()
    issue_date = input_field()
    previous_issue_date = input_field()
    previous_exists = input_field()
    span = fields.String()

    KIND_PARAMETERS: ClassVar[dict[DerivedKind, tuple[set[str], set[str]]]] = {
        DerivedKind.SIZE_CLASS: ({"table", "names_table", "sector", "employees", "revenue"}, set()),
        DerivedKind.INPUT_DEFAULT: ({"input", "default"}, {"default_note"}),
        DerivedKind.CERTIFICATE_COVERAGE: ({"issue_date", "previous_issue_date", "previous_exists", "span"}, set()),
    }
    OWN: ClassVar[set[str]] = {"table", "names_table", "sector", "employees", "revenue", "default", "default_note",
                               "issue_date", "previous_issue_date", "previous_exists", "span", "numerator",
                               "denominator", "input"}

    @validates_schema
    def _parameters(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind = data["kind"]
        if kind in self.KIND_PARAMETERS:
            needed, optional = self.KIND_PARAMETERS[kind]
            if needed - set(data):
                raise ValidationError(f"A {kind} takes {', '.join(sorted(needed))}.", "kind")
            extra = (set(data) & self.OWN) - needed - optional
            if extra:
                raise ValidationError(f"A {kind} does not take {', '.join(sorted(extra))}.", "kind")
            return
        if set(data) & (self.OWN - {"numerator", "denominator", "input"}):
            raise ValidationError(f"'{kind}' takes only its inputs.", "kind")
        if kind == DerivedKind.RATIO:
            if not (data.get("numerator") and data.get("denominator")) or data.get("input"):
                raise ValidationError("A ratio takes numerator and denominator.", "kind")
        elif not data.get("input") or data.get("numerator") or data.get("denominator"):
            raise ValidationError(f"'{kind}' takes one input.", "kind")


class StackingGroupSchema(Strict):
    spec = StackingGroupSpec
    id = fields.String(required=True, validate=validate.Regexp(ID_PATTERN))
    kind = Choice(StackingKind, required=True)
    members = fields.List(fields.String(), required=True, validate=validate.Length(min=2))
    limit_inputs = fields.List(input_field())
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    text = bilingual_field(required=True)

    @validates_schema
    def _limit(self, data: dict[str, Any], **kwargs: Any) -> None:
        if (data["kind"] == StackingKind.COMBINED_LIMIT) != bool(data.get("limit_inputs")):
            raise ValidationError("limit_inputs goes with (and only with) kind = 'combined_limit'.", "limit_inputs")


class StackingFileSchema(Strict):

    groups = fields.List(fields.Nested(StackingGroupSchema), required=True)
