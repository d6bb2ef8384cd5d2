"""Schemas of the rule tables: shape and types of each file (unknown keys, wrong types, unknown operators, missing
confidence), loaded into the typed specs of :mod:`.specs`. Checks that need more than one file (source keys
exist, fields exist in the profile schema, dated rows do not overlap, no UNCONFIRMED figure priced as an amount)
live in :mod:`.validate`.

Declarative data: schema declarations of the table format (hence over ~400 lines, by design); the few functions
here only pick a benefit's parameter schema by kind.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace
from decimal import Decimal
from typing import Any, ClassVar

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

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
    SourceQuality,
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
    DatedMixin,
    Number,
    Scalar,
    Strict,
    TableDate,
    WhenField,
    attached_flag_field,
    bilingual_field,
    confidence_field,
    figure_field,
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
    ByConditionParams,
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
    InputLimitSpec,
    NoParams,
    OutcomeSpec,
    Params,
    PeriodSpec,
    ProgramSpec,
    ReferenceTableSpec,
    SeeAlso,
    SelfCheckSpec,
    SelfCheckTexts,
    SizeClassRow,
    SourceSpec,
    StackingGroupSpec,
    SumParams,
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
    quality = Choice(SourceQuality, required=True)
    urls = fields.List(fields.String(), required=True)
    github = fields.List(fields.Dict(), load_default=list)
    supports = fields.String(required=True)

    @validates_schema
    def _quality_fits_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A secondary source is never presented as official, nor an official one as secondary."""
        secondary = data.get("type") == SourceType.SECONDARY
        if "quality" in data and secondary != (data["quality"] == SourceQuality.SECONDARY):
            raise ValidationError({"quality": [f"'{data['quality']}' does not fit type '{data.get('type')}': a "
                                               "secondary source has quality 'secondary', an official one "
                                               "'official_text' or 'official_press'"]})


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
    role = fields.String(validate=validate.OneOf(("context",)))


class SeeAlsoSchema(Strict):
    spec = SeeAlso
    program = fields.String(required=True, validate=validate.Regexp(ID_PATTERN))
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
    unknown_flag = attached_flag_field()
    gap_text = bilingual_field()
    see_also = fields.Nested(SeeAlsoSchema)

    @validates_schema
    def _special_cases(self, data: dict[str, Any], **kwargs: Any) -> None:
        op, value = data.get("op"), data.get("value")
        if data.get("boundary"):
            if op not in COMPARISONS or not isinstance(value, Decimal | dt.date):
                raise ValidationError("boundary = \"unknown\" needs gt, ge, lt or le with a number or a date.",
                                      "boundary")
            if not data.get("unknown_note"):
                raise ValidationError("boundary = \"unknown\" needs unknown_note (why the edge cannot be decided).",
                                      "unknown_note")
        yes_no = (Operator.IS_TRUE, Operator.IS_FALSE)
        if (data.get("unknown_outcome") == "flag") != bool(data.get("unknown_flag")):
            raise ValidationError("unknown_flag goes with (and only with) unknown_outcome = \"flag\".", "unknown_flag")
        if data.get("unknown_outcome") == "flag" and (op not in yes_no or data.get("branch")):
            raise ValidationError("unknown_outcome = \"flag\" goes with is_true / is_false on a criterion outside any "
                                  "branch (an unknown treated as met inside a branch could grant).", "unknown_outcome")
        if data.get("gap_text") and op not in yes_no:
            raise ValidationError("gap_text goes with is_true / is_false (numbers get computed gaps).", "gap_text")

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


class FlagSchema(DatedMixin):
    spec = FlagSpec
    code = name_field(required=True)
    when = WhenField()
    text = bilingual_field(required=True)
    confidence = confidence_field()
    source = sources_field()


class AdvisorySchema(DatedMixin):
    spec = AdvisorySpec
    text = bilingual_field(required=True)
    confidence = confidence_field()


class InputLimitSchema(Strict):
    spec = InputLimitSpec
    field = input_field(required=True)
    max = figure_field()
    min = figure_field()
    text = bilingual_field(required=True)
    when = fields.Nested(ConditionSchema)

    @validates_schema
    def _bounded(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data.get("max") and not data.get("min"):
            raise ValidationError("An input limit needs max, min or both (program figures).", "max")


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
    start_reason = bilingual_field()
    end_reason = bilingual_field()

    @validates_schema
    def _consistent(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("end_reason") and not data.get("end"):
            raise ValidationError("end_reason goes with an end date ('to').", "end_reason")
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
    checked by the parameter schema of the kind's registry entry. A row of ``[[benefits]]`` (``dated``) also takes
    ``effective_from`` / ``effective_to``. ``money_kind`` (what kind of money the amount is) defaults to the kind's
    first; a table may choose another the kind allows (see :func:`settle_money_kind` for ``sum`` and
    ``by_condition``)."""

    COMMON = ("kind", "text", "unknown_note", "pool", "money_kind")
    DATES = ("effective_from", "effective_to")

    def __init__(self, *, dated: bool = False, **kwargs: Any) -> None:
        self.dated = dated
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> BenefitSpec:
        return load_benefit(value, self.dated)


def load_benefit(value: Any, dated: bool = False) -> BenefitSpec:
    """One benefit table (also a case of ``by_condition`` or a part of ``sum``), as a :class:`BenefitSpec`."""
    if not isinstance(value, dict):
        raise ValidationError("Expected a table.")
    common_keys = BenefitField.COMMON + (BenefitField.DATES if dated else ())
    errors: dict[str, Any] = {}
    common: dict[str, Any] = {}
    try:
        schema = DatedBenefitSchema() if dated else CommonBenefitSchema()
        common = schema.load({k: v for k, v in value.items() if k in common_keys})
    except ValidationError as exc:
        errors.update(exc.messages_dict)
    kind = common.get("kind")
    if kind is None:
        raise ValidationError(errors)
    params: Params = NoParams()
    try:
        params = REGISTRY[kind].schema().load({k: v for k, v in value.items() if k not in common_keys})
    except ValidationError as exc:
        for name, messages in exc.messages_dict.items():
            errors[name] = [_kind_message(kind, name, m) for m in messages] if isinstance(messages, list) \
                else messages
    money_kind, params = settle_money_kind(kind, common.pop("money_kind", None), params, value, errors)
    if errors:
        raise ValidationError(errors)
    return BenefitSpec(params=params, money_kind=money_kind, **common)


def settle_money_kind(kind: BenefitKind, declared: MoneyKind | None, params: Params, raw: dict[str, Any],
                      errors: dict[str, Any]) -> tuple[MoneyKind | None, Params]:
    """The money kind of one benefit (and of its parts or cases). A formula: as declared, else its kind's default.
    A ``sum`` or ``by_condition``: parts and cases that declare none take the one declared on it; a sum's parts
    must all be that one kind (totals add a sum as one amount); a ``by_condition``'s cases may differ (the case
    that applies decides), and it reads as its first case's kind where none is declared."""
    if isinstance(params, SumParams | ByConditionParams):
        key = "parts" if isinstance(params, SumParams) else "cases"
        rows = raw.get(key) or []
        children = [part.benefit for part in params.parts] if isinstance(params, SumParams) else \
            [case.benefit for case in params.cases]
        if declared is not None:
            children = [replace(child, money_kind=declared) if isinstance(row, dict) and "money_kind" not in row
                        and declared in REGISTRY[child.kind].money_kinds else child
                        for row, child in zip(rows, children, strict=True)]
        kinds = [child.money_kind for child in children]
        if isinstance(params, SumParams):
            params = SumParams(parts=tuple(replace(part, benefit=child)
                                           for part, child in zip(params.parts, children, strict=True)))
            if len(set(kinds) | ({declared} if declared else set())) > 1:
                errors["money_kind"] = [f"The parts of a sum must be one kind of money (they are "
                                        f"{', '.join(str(k) for k in kinds)})."]
        else:
            params = ByConditionParams(cases=tuple(replace(case, benefit=child)
                                                   for case, child in zip(params.cases, children, strict=True)))
        return declared or kinds[0], params
    allowed = REGISTRY[kind].money_kinds
    money_kind = declared or allowed[0]
    if money_kind not in allowed:
        errors["money_kind"] = [f"Benefit kind '{kind}' is money of kind {', '.join(allowed)}, not '{money_kind}'."]
    return money_kind, params


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


class DatedBenefitSchema(CommonBenefitSchema, DatedMixin):
    pass


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
    checked = TableDate(required=True)
    added = TableDate()
    depends_on = fields.List(fields.String())
    effective = fields.Nested(EffectiveSchema, required=True)
    cohort = fields.Nested(CohortSchema)
    outcome = fields.Nested(OutcomeSchema)
    window = fields.Nested(WindowSchema, required=True)
    branches = fields.List(fields.Nested(BranchSchema))
    criteria = fields.List(fields.Nested(CriterionSchema))
    flags = fields.List(fields.Nested(FlagSchema))
    advisories = fields.List(fields.Nested(AdvisorySchema))
    benefit = BenefitField()
    benefits = fields.List(BenefitField(dated=True), validate=validate.Length(min=2))
    figures = fields.List(fields.Nested(FigureSchema))
    documents = fields.Nested(DocumentsSchema)
    self_check = fields.Nested(SelfCheckSchema)
    input_limits = fields.List(fields.Nested(InputLimitSchema))

    @validates_schema
    def _one_benefit(self, data: dict[str, Any], **kwargs: Any) -> None:
        if ("benefit" in data) == ("benefits" in data):
            raise ValidationError("Give either [benefit] or dated [[benefits]] rows (not both).", "benefit")

    @post_load
    def _build(self, data: dict[str, Any], **kwargs: Any) -> Any:
        single = data.pop("benefit", None)
        rows = [single] if single is not None else sorted(
            data.pop("benefits"), key=lambda row: row.effective_from or dt.date.min)
        data["benefits"] = rows
        return super()._build(data, **kwargs)


class RevisionSchema(Strict):
    """``revision.toml``: the policy reference revision the tables encode."""

    reference_revision = TableDate(required=True)


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
    issue_date = input_field()
    previous_issue_date = input_field()
    previous_exists = input_field()
    span = fields.String()
    first_inputs = fields.List(input_field(), data_key="inputs", validate=validate.Length(min=2))
    to = input_field()
    flag = attached_flag_field()
    switch = input_field()
    if_yes = input_field()

    SINCE = (DerivedKind.DAYS_SINCE, DerivedKind.MONTHS_SINCE, DerivedKind.YEARS_SINCE)
    # Kinds with their own parameters: (needed, optional). Keys are attribute names (``first_inputs`` is ``inputs``).
    KIND_PARAMETERS: ClassVar[dict[DerivedKind, tuple[set[str], set[str]]]] = {
        DerivedKind.SIZE_CLASS: ({"table", "names_table", "sector", "employees", "revenue"}, set()),
        DerivedKind.FIRST_KNOWN: ({"first_inputs"}, {"flag"}),
        DerivedKind.CERTIFICATE_COVERAGE: ({"issue_date", "previous_issue_date", "previous_exists", "span"}, set()),
        DerivedKind.SWITCHED: ({"switch", "if_yes", "input"}, set()),
    }
    OWN: ClassVar[set[str]] = {"table", "names_table", "sector", "employees", "revenue", "first_inputs", "flag",
                               "issue_date", "previous_issue_date", "previous_exists", "span", "numerator",
                               "denominator", "input", "to", "switch", "if_yes"}

    @validates_schema
    def _parameters(self, data: dict[str, Any], **kwargs: Any) -> None:
        kind = data["kind"]
        if data.get("to") and kind not in self.SINCE:
            raise ValidationError("'to' goes with days_since, months_since and years_since.", "to")
        if kind in self.KIND_PARAMETERS:
            needed, optional = self.KIND_PARAMETERS[kind]
            if needed - set(data):
                raise ValidationError(f"A {kind} takes {', '.join(sorted(needed))}.".replace(
                    "first_inputs", "inputs = [two or more, in order]"), "kind")
            extra = (set(data) & self.OWN) - needed - optional
            if extra:
                raise ValidationError(f"A {kind} does not take {', '.join(sorted(extra))}.", "kind")
            return
        if set(data) & (self.OWN - {"numerator", "denominator", "input", "to"}):
            raise ValidationError(f"'{kind}' takes only its inputs.", "kind")
        if kind == DerivedKind.RATIO:
            if not (data.get("numerator") and data.get("denominator")) or data.get("input"):
                raise ValidationError("A ratio takes numerator and denominator.", "kind")
        elif not data.get("input") or data.get("numerator") or data.get("denominator"):
            raise ValidationError(f"'{kind}' takes one input.", "kind")


class StackingGroupSchema(DatedMixin):
    spec = StackingGroupSpec
    id = fields.String(required=True, validate=validate.Regexp(ID_PATTERN))
    kind = Choice(StackingKind, required=True)
    members = fields.List(fields.String(), required=True, validate=validate.Length(min=2))
    limit_inputs = fields.List(input_field())
    limit_ratio = Number(validate=validate.Range(min=Decimal(0), max=Decimal(1), min_inclusive=False))
    floor_at_largest_member = fields.Boolean()
    flag_unknown_members = fields.Boolean()
    when = fields.Nested(ConditionSchema)
    when_unknown = attached_flag_field()
    confidence = confidence_field(required=True)
    source = sources_field(required=True)
    text = bilingual_field(required=True)

    @validates_schema
    def _limit(self, data: dict[str, Any], **kwargs: Any) -> None:
        combined = data["kind"] == StackingKind.COMBINED_LIMIT
        if combined != bool(data.get("limit_inputs")):
            raise ValidationError("limit_inputs goes with (and only with) kind = 'combined_limit'.", "limit_inputs")
        for key in ("limit_ratio", "floor_at_largest_member", "flag_unknown_members", "when", "when_unknown"):
            if key in data and not combined:
                raise ValidationError(f"{key} goes with kind = 'combined_limit'.", key)
        if ("when" in data) != ("when_unknown" in data):
            raise ValidationError("when and when_unknown go together (the flag shown while the input is "
                                  "unanswered).", "when_unknown")


class StackingFileSchema(Strict):

    groups = fields.List(fields.Nested(StackingGroupSchema), required=True)
