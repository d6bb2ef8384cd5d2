"""marshmallow schemas of the API contract: requests, the assessment document, the catalogue, reference tables,
errors. flask-smorest turns them into the OpenAPI document.

Requests are the profile input schema itself (``schemas.profile.AssessmentInputSchema``): declared with
``@blp.arguments``, and loaded by the application service's instance of the same class (codes and names of the
loaded catalogue), so the documented body is the validated one.

Responses: the views return documents built by the engine (``to_document``, ``describe_catalogue``) as orjson
bytes, not dumps of these schemas (a dump costs as much CPU as the whole assessment: benchmarks/api.py), so the
schemas cannot hide a difference; they are strict (no unknown keys), every key that is always present is
``required``, and the tests validate real answers against the served document (tests/test_api.py,
tests/test_api_contract.py, schemathesis).

Declarative data: schema declarations only (hence over ~400 lines, by design).
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from calculator.api.errors import ApiMessage
from calculator.engine import (
    PRICED_KINDS,
    AppliesTo,
    BenefitKind,
    Certainty,
    Confidence,
    Family,
    MoneyKind,
    Operator,
    ReferenceKind,
    SelfCheckOutcome,
    StackingKind,
    Status,
    WindowMode,
)
from calculator.i18n import LANGS
from schemas.absent import AbsentDefaults
from schemas.as_of import AS_OF_MAX, AS_OF_MIN, AsOf
from schemas.fields import BoundedList
from schemas.profile import MAX_PEOPLE, AssessmentInputSchema, Part, PersonSchema

APPLIES_TO, BENEFIT_KINDS, CERTAINTY = tuple(AppliesTo), tuple(BenefitKind), tuple(Certainty)
CONFIDENCE, FAMILIES, OPERATORS = tuple(Confidence), tuple(Family), tuple(Operator)
REFERENCE_KINDS, STACKING_KINDS, WINDOW_MODES = tuple(ReferenceKind), tuple(StackingKind), tuple(WindowMode)
STATUSES = tuple(Status)
MONEY_KINDS = tuple(k for k in MoneyKind if k != MoneyKind.TAX_LATER_YEARS)  # a program's amount is never later-years
SELF_CHECK_OUTCOMES = tuple(SelfCheckOutcome)
RESULTS = ("met", "not_met", "unknown")
WINDOW_STATES = ("open", "upcoming", "closed", "continuous", "unknown", "not_applicable")


def _d(text: str) -> dict[str, str]:
    return {"description": text}


def req(field_class: type[fields.Field], *args: Any, description: str = "", **kwargs: Any) -> fields.Field:
    """A key that is always present."""
    return field_class(*args, required=True, metadata=_d(description) if description else {}, **kwargs)


def opt(field_class: type[fields.Field], *args: Any, description: str = "", **kwargs: Any) -> fields.Field:
    """A key that is always present and may be null."""
    return field_class(*args, required=True, allow_none=True, metadata=_d(description) if description else {},
                       **kwargs)


def one_of(*choices: str, description: str = "") -> fields.String:
    return req(fields.String, validate=validate.OneOf(choices), description=description)


def strings(description: str = "") -> fields.List:
    return req(fields.List, fields.String(), description=description)


# --- shared pieces ----------------------------------------------------------------------------------------
class BilingualSchema(Schema):
    """A text in both languages."""

    zh = req(fields.String)
    en = req(fields.String)


class FieldErrorSchema(Schema):
    field = req(fields.String, description="Path of the input at fault: `company.revenue_latest`, "
                                           "`people[1].identity`, `as_of`; `_schema` for the body as a whole.")
    message = req(fields.String, description="What is wrong, in the requested language.")


class ErrorSchema(Schema):
    """Every error answer (4xx and 5xx) has this shape."""

    status = req(fields.Integer, description="The HTTP status, repeated.")
    error = req(fields.String, description="A stable code: validation_failed, malformed_json, "
                                           "unsupported_media_type, payload_too_large, unknown_program, "
                                           "unknown_table, not_found, method_not_allowed, internal_error…")
    message = req(fields.String, description="For people, in the requested language (zh or en).")
    errors = req(fields.List, fields.Nested(FieldErrorSchema),
                 description="One entry per input at fault (empty when no field is at fault).")


class GithubRefSchema(Schema):
    repository = req(fields.String)
    path = req(fields.String)
    commit = req(fields.String)


class SourceSchema(Schema):
    """A cited source."""

    key = req(fields.String)
    title = req(fields.String)
    type = one_of("official", "secondary", "official_draft")
    quality = one_of("official_text", "official_press", "secondary",
                     description="How much weight the source bears: the official text itself, an official press "
                                 "report or release about it, or a secondary summary.")
    quality_text = fields.String(metadata={"description": "The quality in the document's language (assessment "
                                                          "documents only)."})
    urls = strings()
    github = req(fields.List, fields.Nested(GithubRefSchema), description="Copies of the text kept on GitHub.")


# --- the assessment document (docs/contract.md) -------------------------------------------------------------
class MoneySchema(Schema):
    """A range in CNY (equal ends when determined)."""

    low = req(fields.Float, description="CNY, rounded half-up to 2 decimals.")
    high = req(fields.Float, description="CNY, rounded half-up to 2 decimals.")
    currency = one_of("CNY")
    text = req(fields.String, description="The range as people read it, in the requested language.")


class FlagSchema(Schema):
    code = req(fields.String, description="e.g. secondary_source, amount_unknown, competitive_up_to, "
                                          "may_have_expired, exclusive_pending, combined_support_limited")
    text = req(fields.String)
    confidence = fields.String(validate=validate.OneOf(CONFIDENCE), metadata=_d(
        "Only on a rule table's flag that states the confidence of the fact behind it (never the result's)."))
    program = fields.String(metadata=_d("Only on a pointer (code see_also): the id of the program to look at."))


class SeeAlsoSchema(Schema):
    program = req(fields.String, description="The id of the program to look at instead.")
    name = req(fields.String)
    text = req(fields.String)


class CriterionSchema(Schema):
    """One condition of a program and how the profile met it."""

    id = req(fields.String)
    result = one_of(*RESULTS)
    required = req(fields.String, description="The condition's threshold as text.")
    actual = req(fields.String, description="The profile's value as text.")
    text = req(fields.String, description="The whole line: condition, value, result.")
    condition = req(fields.String)
    input = req(fields.String, description="The profile field (or derived value) the condition reads.")
    input_label = req(fields.String)
    branch = opt(fields.String, description="The alternative this condition belongs to, if any.")
    confidence = one_of(*CONFIDENCE)
    note = fields.String(metadata=_d("Only when the engine adds a remark."))
    see_also = fields.Nested(SeeAlsoSchema, metadata=_d("Only when the table points from this condition to another "
                                                        "program."))


class MissingInputSchema(Schema):
    field = req(fields.String, description="A profile field name.")
    label = req(fields.String)


class GapSchema(Schema):
    """A near miss: the change that would meet a failed numeric condition, and what it would unlock."""

    criterion = req(fields.String)
    input = req(fields.String)
    input_label = req(fields.String)
    unit = req(fields.String)
    current = opt(fields.Float)
    required = opt(fields.Float)
    change = opt(fields.Float, description="Null for waiting periods (see on_date).")
    direction = one_of("increase", "decrease", "wait", "expired", "condition",
                       description="condition: a yes/no condition to meet; the text says what to do.")
    on_date = opt(fields.Date, description="For wait/expired: the date the condition is met or lapsed.")
    unlocks = opt(fields.Nested, MoneySchema, description="What the program would then be worth, when eligible (in a "
                                                           "self-check: the if-certified figure, never an amount).")
    unlocks_status = opt(fields.String, validate=validate.OneOf(STATUSES))
    also_needs = strings("Other failed conditions (criterion ids) that would still block it.")
    text = req(fields.String)


class SideFigureSchema(MoneySchema):
    """A labelled figure beside a result that no amount and no total includes (later years, if certified)."""

    note = req(fields.String, description="Why it is shown apart, in the requested language.")


class SelfCheckSchema(Schema):
    """A forward-looking self-check beside a program (e.g. high-tech recognition): never an amount."""

    id = req(fields.String)
    title = req(fields.String)
    outcome = one_of(*SELF_CHECK_OUTCOMES)
    outcome_text = req(fields.String)
    text = req(fields.String, description="What the outcome means for this program (next step).")
    confidence = one_of(*CONFIDENCE)
    criteria = req(fields.List, fields.Nested(CriterionSchema))
    reasons = strings("The self-check conditions not met, as sentences.")
    missing = req(fields.List, fields.Nested(MissingInputSchema))
    gaps = req(fields.List, fields.Nested(GapSchema))
    if_certified = opt(fields.Nested, SideFigureSchema, description="What a certificate would unlock; in no total.")


class BenefitItemSchema(Schema):
    type = one_of("permission", "obligation", "label", "information", "advisory")
    type_text = req(fields.String, description="The type in the requested language.")
    text = req(fields.String)
    article = opt(fields.String)
    applies = one_of(*RESULTS)
    confidence = opt(fields.String, validate=validate.OneOf(CONFIDENCE),
                     description="The item's own confidence, when the table states it.")


class ContextFigureSchema(Schema):
    name = req(fields.String)
    value = req(fields.String, description="The figure as people read it.")
    note = opt(fields.String)
    confidence = one_of(*CONFIDENCE)


class BenefitSchema(Schema):
    kind = one_of(*BENEFIT_KINDS)
    formula = req(fields.String)
    outcome = fields.String(validate=validate.OneOf(("money", "unknown", "non_monetary")),
                            metadata=_d("Absent when the program was not priced (not eligible, not in force)."))
    cap = fields.Float(metadata=_d("CNY; only when a cap applies."))
    pool = fields.String(metadata=_d("Only for programs paid from a limited pool."))
    items = fields.List(fields.Nested(BenefitItemSchema), metadata=_d("Only for non-monetary benefits."))
    context = fields.List(fields.Nested(ContextFigureSchema), metadata=_d(
        "Only beside an unknown amount: sourced figures shown as context, never an estimate."))


class ExcludedBySchema(Schema):
    group = req(fields.String)
    kind = one_of(*STACKING_KINDS)
    chosen = strings("The program ids kept instead.")
    text = req(fields.String)


class PeriodSchema(Schema):
    opens = req(fields.Date)
    closes = req(fields.Date)


class WindowSchema(Schema):
    state = one_of(*WINDOW_STATES)
    mode = one_of(*WINDOW_MODES)
    opens = opt(fields.Date)
    closes = opt(fields.Date)
    next = opt(fields.Nested, PeriodSchema)
    last = opt(fields.Nested, PeriodSchema)
    text = req(fields.String)


class EffectiveSchema(Schema):
    from_ = req(fields.Date, data_key="from")
    to = opt(fields.Date)


class ProgramResultSchema(Schema):
    """One program for one subject (the company, or one person)."""

    id = req(fields.String, description="Stable program id (public contract).")
    family = one_of(*FAMILIES)
    family_name = req(fields.String)
    name = req(fields.String)
    applies_to = one_of(*APPLIES_TO)
    subject = one_of("company", "person")
    person = opt(fields.Integer, description="Index in people[] when the subject is a person.")
    person_ref = opt(fields.String)
    status = one_of(*STATUSES)
    status_text = req(fields.String)
    certainty = one_of(*CERTAINTY)
    certainty_text = req(fields.String)
    money_kind = one_of(*MONEY_KINDS, description="What kind of money the amount is (totals add each kind apart).")
    money_kind_text = req(fields.String)
    confidence = one_of(*CONFIDENCE)
    estimate = opt(fields.Nested, MoneySchema)
    amount = req(fields.String)
    later_years = opt(fields.Nested, SideFigureSchema, description="Value usable only in later years (\"up to\"); "
                                                                    "never in the amount or any total.")
    if_certified = opt(fields.Nested, SideFigureSchema, description="Beside a self-check: what a certificate would "
                                                                     "unlock; never in the amount or any total.")
    benefit = req(fields.Nested, BenefitSchema)
    flags = req(fields.List, fields.Nested(FlagSchema))
    criteria = req(fields.List, fields.Nested(CriterionSchema))
    reasons = strings("For not_eligible: the failed conditions that decide it.")
    not_in_force_reason = opt(fields.String)
    missing = req(fields.List, fields.Nested(MissingInputSchema), description="For needs_info: inputs to find out.")
    gaps = req(fields.List, fields.Nested(GapSchema))
    self_check = opt(fields.Nested, SelfCheckSchema)
    excluded_by = opt(fields.Nested, ExcludedBySchema)
    window = req(fields.Nested, WindowSchema)
    summary = req(fields.String)
    issuer = req(fields.String)
    instrument = req(fields.String)
    effective = req(fields.Nested, EffectiveSchema)
    official_text = opt(fields.String)
    advisories = strings()
    documents = strings()
    sources = req(fields.List, fields.Nested(SourceSchema))
    checked = req(fields.Date, description="When the program's sources were last checked.")
    checked_text = req(fields.String, description="The checked date and the policy reference revision, as read.")


class SumSchema(Schema):
    low = req(fields.Float)
    high = req(fields.Float)
    text = req(fields.String)
    programs = req(fields.Integer, description="Programs counted in the sum.")


class KindTotalSchema(Schema):
    """One kind of money (cash, or tax saved this year): determined and competitive ("up to") apart."""

    determined = req(fields.Nested, SumSchema)
    competitive = req(fields.Nested, SumSchema, description="\"Up to\" amounts (reviewed or budget-limited).")
    unknown_amounts = req(fields.Integer)
    text = req(fields.String, description="Both parts as one sentence.")


class CountSchema(Schema):
    programs = req(fields.Integer)


class MoneyTotalsFields(Schema):
    cash = req(fields.Nested, KindTotalSchema)
    tax_this_year = req(fields.Nested, KindTotalSchema)
    later_years = req(fields.Nested, SumSchema, description="Labelled, never added to anything.")
    if_certified = req(fields.Nested, SumSchema, description="Labelled, never added to anything.")
    non_cash = req(fields.Nested, CountSchema)
    obligations = req(fields.Nested, CountSchema)
    needs_info = req(fields.Integer)


class FamilyTotalSchema(MoneyTotalsFields):
    name = req(fields.String)


class ByFamilySchema(Schema):
    financial_support = req(fields.Nested, FamilyTotalSchema)
    talent = req(fields.Nested, FamilyTotalSchema)
    procurement = req(fields.Nested, FamilyTotalSchema)
    regulatory = req(fields.Nested, FamilyTotalSchema)


class AdjustmentSchema(Schema):
    group = req(fields.String)
    family = one_of(*FAMILIES)
    kind = one_of(*PRICED_KINDS)
    certainty = one_of(Certainty.DETERMINED, Certainty.COMPETITIVE)
    low = req(fields.Float)
    high = req(fields.Float)
    text = req(fields.String)


class TotalsSchema(MoneyTotalsFields):
    """Totals after stacking, each kind of money apart (docs/contract.md): only what can be had together."""

    currency = one_of("CNY")
    by_family = req(fields.Nested, ByFamilySchema)
    adjustments = req(fields.List, fields.Nested(AdjustmentSchema), description="Combined limits applied.")


class StakeSchema(MoneySchema):
    open_ended = req(fields.Boolean, description="It can be more: an amount grows with the figure given, or rests "
                                                 "on answers not given yet.")


class ByMoneyKindSchema(Schema):
    """The money at stake per kind: only the kinds with something at stake are present."""

    cash = fields.Nested(MoneySchema)
    tax_this_year = fields.Nested(MoneySchema)


class SettledProgramSchema(Schema):
    id = req(fields.String)
    name = req(fields.String)
    money_kind = one_of("cash", "tax_this_year", "tax_later_years", "non_cash", "obligation")
    at_stake = req(fields.Nested, MoneySchema, description="The spread between the program's best and worst outcome "
                                                           "over the question's answers.")
    open_ended = req(fields.Boolean)
    together_with = req(fields.List, fields.Nested(MissingInputSchema),
                        description="Other inputs the program still needs: the answer settles it with them.")


class QuestionSchema(Schema):
    """An unanswered input, ranked by the money its answer settles (docs/contract.md)."""

    field = req(fields.String, description="The profile field: the same as a program's missing[].field.")
    label = req(fields.String)
    kind = one_of("yes_no", "code", "codes", "number", "amount", "date")
    rank = req(fields.Integer, description="1 for the question worth most.")
    programs = req(fields.List, fields.Nested(SettledProgramSchema))
    at_stake = req(fields.Nested, StakeSchema, description="Summed over the programs settled (cash and this year's "
                                                           "tax; of an exclusive stacking group only the largest).")
    by_kind = req(fields.Nested, ByMoneyKindSchema)
    text = req(fields.String, description="\"Settles N programs worth up to CNY X\" in the requested language.")


class QuestionsSummarySchema(Schema):
    programs = req(fields.Integer, description="Programs the questions settle.")
    at_stake = req(fields.Nested, StakeSchema)
    by_kind = req(fields.Nested, ByMoneyKindSchema)
    text = req(fields.String)


class SizeClassSchema(Schema):
    code = opt(fields.String, validate=validate.OneOf(("micro", "small", "medium", "large")))
    text = opt(fields.String)
    why = req(fields.String)
    standard = req(fields.String)
    confidence = opt(fields.String, validate=validate.OneOf(CONFIDENCE))
    missing = req(fields.List, fields.Nested(MissingInputSchema))


class CompanySummarySchema(Schema):
    name = opt(fields.String)
    totals = req(fields.Nested, TotalsSchema)
    size_class = opt(fields.Nested, SizeClassSchema, description="The SME size class (2011 standard) and why.")
    questions = req(fields.List, fields.Nested(QuestionSchema), description="The next questions, best first.")
    questions_summary = opt(fields.Nested, QuestionsSummarySchema, description="Null when there is nothing to ask.")


class PersonSummarySchema(Schema):
    index = req(fields.Integer)
    ref = opt(fields.String)
    department = opt(fields.String)
    inherited_from_company = req(fields.List, fields.Nested(MissingInputSchema),
                                 description="Fields taken from the company (zones, tax year).")
    totals = req(fields.Nested, TotalsSchema)
    questions = req(fields.List, fields.Nested(QuestionSchema), description="The next questions, best first.")
    questions_summary = opt(fields.Nested, QuestionsSummarySchema, description="Null when there is nothing to ask.")


class AssessmentSchema(Schema):
    """The assessment document: the same document `incentives evaluate` prints (docs/contract.md)."""

    as_of = req(fields.Date)
    tables_version = req(fields.String, description="Content hash of the rule tables used.")
    reference_revision = opt(fields.Date, description="The policy reference revision the rule tables encode.")
    engine_version = req(fields.String)
    lang = one_of("zh", "en")
    company = opt(fields.Nested, CompanySummarySchema)
    people = req(fields.List, fields.Nested(PersonSummarySchema))
    programs = req(fields.List, fields.Nested(ProgramResultSchema))
    totals = req(fields.Nested, TotalsSchema)
    disclaimer = req(fields.String)


# --- the figures view (?detail=figures): numbers and codes, no sentences -------------------------------------------
class ExclusionFiguresSchema(Schema):
    group = req(fields.String, description="The stacking group.")
    kind = one_of(*STACKING_KINDS)
    chosen = strings("The program ids kept instead.")


class ProgramFiguresSchema(Schema):
    """One program for one subject, figures only: the same values as the full document's keys of the same name."""

    id = req(fields.String, description="Stable program id (public contract).")
    family = one_of(*FAMILIES)
    subject = one_of("company", "person")
    person = opt(fields.Integer, description="Index in people[] when the subject is a person.")
    person_ref = opt(fields.String)
    status = one_of(*STATUSES)
    certainty = one_of(*CERTAINTY)
    money_kind = one_of(*MONEY_KINDS)
    confidence = one_of(*CONFIDENCE)
    estimate = opt(fields.Nested, MoneySchema)
    later_years = opt(fields.Nested, MoneySchema, description="Never in the amount or any total.")
    if_certified = opt(fields.Nested, MoneySchema, description="Never in the amount or any total.")
    flags = strings("The codes of the program's flags.")
    missing = strings("For needs_info: the profile fields to find out.")
    excluded_by = opt(fields.Nested, ExclusionFiguresSchema)


class CompanyFiguresSchema(Schema):
    name = opt(fields.String)
    totals = req(fields.Nested, TotalsSchema)
    size_class = opt(fields.String, validate=validate.OneOf(("micro", "small", "medium", "large")),
                     description="The SME size class (2011 standard); null until classified.")


class PersonFiguresSchema(Schema):
    index = req(fields.Integer)
    ref = opt(fields.String)
    department = opt(fields.String)
    inherited_from_company = strings("Fields taken from the company (zones, tax year).")
    totals = req(fields.Nested, TotalsSchema)


class AssessmentFiguresSchema(Schema):
    """The assessment's figures (`?detail=figures`): the full document's statuses, amounts and totals, without the
    sentences (docs/contract.md, "Views"). No next questions."""

    as_of = req(fields.Date)
    tables_version = req(fields.String, description="Content hash of the rule tables used.")
    reference_revision = opt(fields.Date, description="The policy reference revision the rule tables encode.")
    engine_version = req(fields.String)
    lang = one_of("zh", "en")
    detail = one_of("figures")
    company = opt(fields.Nested, CompanyFiguresSchema)
    people = req(fields.List, fields.Nested(PersonFiguresSchema))
    programs = req(fields.List, fields.Nested(ProgramFiguresSchema))
    totals = req(fields.Nested, TotalsSchema)


# The answer of POST /assessments: the full document, or its figures (?detail=figures).
ASSESSMENT_ANSWER = {"oneOf": [{"$ref": "#/components/schemas/Assessment"},
                               {"$ref": "#/components/schemas/AssessmentFigures"}]}


# --- the catalogue (calculator.engine.describe) -----------------------------------------------------------------
class CatalogueEffectiveSchema(Schema):
    from_ = req(fields.Date, data_key="from")
    to = opt(fields.Date)
    basis = one_of("as_of", "tax_year")
    confidence = one_of(*CONFIDENCE)
    source = strings("Source keys.")
    end_confidence = opt(fields.String, validate=validate.OneOf(CONFIDENCE))
    valid_for_years = opt(fields.Integer)
    valid_for_confidence = opt(fields.String, validate=validate.OneOf(CONFIDENCE))
    note = opt(fields.Nested, BilingualSchema)
    start_reason = opt(fields.Nested, BilingualSchema, description="The program's own sentence when not yet in force.")
    end_reason = opt(fields.Nested, BilingualSchema, description="The program's own sentence when no longer in force.")


class CohortSchema(Schema):
    field = req(fields.String)
    closed_from = req(fields.Date)
    confidence = one_of(*CONFIDENCE)
    text = req(fields.Nested, BilingualSchema)


class CataloguePeriodSchema(Schema):
    opens = req(fields.Date)
    closes = req(fields.Date)
    confidence = one_of(*CONFIDENCE)
    source = strings()


class CatalogueWindowSchema(Schema):
    mode = one_of(*WINDOW_MODES)
    text = opt(fields.Nested, BilingualSchema)
    periods = req(fields.List, fields.Nested(CataloguePeriodSchema))


class BranchSchema(Schema):
    id = req(fields.String)
    text = req(fields.Nested, BilingualSchema)


class ConditionSchema(Schema):
    """One condition as written in the rule table."""

    id = req(fields.String)
    text = req(fields.Nested, BilingualSchema)
    input = req(fields.String)
    op = one_of(*OPERATORS)
    value = fields.Raw(required=True, allow_none=True, metadata=_d(
        "A number, text, true/false, a date, a list of them, {figure: name} or {lookup: table, key: input}; "
        "null for operators without a value."))
    branch = opt(fields.String)
    confidence = one_of(*CONFIDENCE)
    source = strings()
    effective_from = opt(fields.Date)
    effective_to = opt(fields.Date)


class CatalogueBenefitSchema(Schema):
    kind = one_of(*BENEFIT_KINDS)
    money_kind = one_of(*MONEY_KINDS, description="What kind of money the amount is.")
    text = req(fields.Nested, BilingualSchema)
    pool = opt(fields.Nested, BilingualSchema)
    from_ = opt(fields.Date, data_key="from", description="A dated row's first day (null: from the program's start).")
    to = opt(fields.Date, description="A dated row's last day (null: to the program's end).")


class DatedAdvisorySchema(Schema):
    text = req(fields.Nested, BilingualSchema)
    confidence = one_of(*CONFIDENCE)
    from_ = opt(fields.Date, data_key="from")
    to = opt(fields.Date)


class CatalogueFlagSchema(Schema):
    code = req(fields.String)
    text = req(fields.Nested, BilingualSchema)
    from_ = opt(fields.Date, data_key="from")
    to = opt(fields.Date)
    confidence = opt(fields.String, validate=validate.OneOf(CONFIDENCE))
    source = strings()
    conditional = req(fields.Boolean, description="Shown only when its condition holds.")


class InputLimitSchema(Schema):
    field = req(fields.String)
    max = opt(fields.String, description="The program figure bounding it from above.")
    min = opt(fields.String)
    text = req(fields.Nested, BilingualSchema)
    when = opt(fields.Dict, description="Only while this field has this code (or one of these codes): "
                                        "{field, value}.")


class CatalogueSelfCheckSchema(Schema):
    """A forward-looking self-check beside the program: its own conditions; never an amount."""

    id = req(fields.String)
    text = req(fields.Nested, BilingualSchema)
    if_certified = req(fields.Boolean, description="Whether the program's formula is shown beside it, labelled.")
    criteria = req(fields.List, fields.Nested(ConditionSchema))


class FigureSchema(Schema):
    """One dated figure with its confidence and source."""

    name = req(fields.String)
    value = req(fields.Float)
    unit = req(fields.String)
    confidence = one_of(*CONFIDENCE)
    source = strings()
    effective_from = opt(fields.Date)
    effective_to = opt(fields.Date)
    instrument = opt(fields.String)
    note = opt(fields.Nested, BilingualSchema)
    role = opt(fields.String, validate=validate.OneOf(("context",)),
               description="context: shown beside a result, never computed into an amount.")


class DocumentsSchema(Schema):
    confidence = one_of(*CONFIDENCE)
    items = req(fields.List, fields.Nested(BilingualSchema))


class StackingSchema(Schema):
    group = req(fields.String)
    kind = one_of(*STACKING_KINDS)
    members = strings()
    text = req(fields.Nested, BilingualSchema)
    confidence = one_of(*CONFIDENCE)


class ProgramEntrySchema(Schema):
    """A program as the rule tables define it, in both languages: conditions, figures, dates and sources."""

    id = req(fields.String)
    family = one_of(*FAMILIES)
    applies_to = one_of(*APPLIES_TO)
    certainty = one_of(*CERTAINTY)
    name = req(fields.Nested, BilingualSchema)
    summary = req(fields.Nested, BilingualSchema)
    issuer = req(fields.Nested, BilingualSchema)
    instrument = req(fields.String)
    effective = req(fields.Nested, CatalogueEffectiveSchema)
    cohort = opt(fields.Nested, CohortSchema)
    confidence = one_of(*CONFIDENCE)
    window = req(fields.Nested, CatalogueWindowSchema)
    branches = req(fields.List, fields.Nested(BranchSchema))
    criteria = req(fields.List, fields.Nested(ConditionSchema))
    self_check = opt(fields.Nested, CatalogueSelfCheckSchema)
    benefit = req(fields.Nested, CatalogueBenefitSchema, description="The current benefit (the latest dated row).")
    benefits = req(fields.List, fields.Nested(CatalogueBenefitSchema), description="Every dated row, in date order.")
    figures = req(fields.List, fields.Nested(FigureSchema))
    advisories = req(fields.List, fields.Nested(BilingualSchema))
    dated_advisories = req(fields.List, fields.Nested(DatedAdvisorySchema),
                           description="The advisories with their confidence and the dates they show on.")
    flags = req(fields.List, fields.Nested(CatalogueFlagSchema))
    input_limits = req(fields.List, fields.Nested(InputLimitSchema))
    documents = opt(fields.Nested, DocumentsSchema)
    depends_on = strings()
    stacking = req(fields.List, fields.Nested(StackingSchema))
    sources = strings("Source keys; the sources themselves are in `sources` next to the program.")
    official_text = opt(fields.String)
    checked = req(fields.Date, description="When the program's sources were last checked.")
    added = opt(fields.Date, description="The policy reference revision that added the program (null: from the "
                                         "first revision).")


class CatalogueSchema(Schema):
    """Every program, with the sources they cite."""

    tables_version = req(fields.String)
    reference_revision = opt(fields.Date, description="The policy reference revision the rule tables encode.")
    programs = req(fields.List, fields.Nested(ProgramEntrySchema))
    sources = req(fields.Dict, keys=fields.String(), values=fields.Nested(SourceSchema),
                  description="Every source cited, by key.")


class ProgramDetailSchema(Schema):
    """One program, with the sources it cites."""

    tables_version = req(fields.String)
    program = req(fields.Nested, ProgramEntrySchema)
    sources = req(fields.Dict, keys=fields.String(), values=fields.Nested(SourceSchema))


# --- reference tables -------------------------------------------------------------------------------------------
class ChoiceSchema(Schema):
    code = req(fields.String, description="The value to send in a profile.")
    name = req(fields.Nested, BilingualSchema)
    note = opt(fields.Nested, BilingualSchema)


class FigureRowSchema(Schema):
    key = req(fields.String)
    value = req(fields.Float)
    unit = req(fields.String)
    confidence = one_of(*CONFIDENCE)
    source = strings()
    effective_from = req(fields.Date)
    effective_to = opt(fields.Date)
    instrument = req(fields.String)
    note = opt(fields.Nested, BilingualSchema)


class VersionRowSchema(Schema):
    """A row of a dated version: a tax bracket (upto, rate, quick_deduction), a band (above, upto, value) or an
    SME size class (sector and its limits). Only the keys of the table's kind are present."""

    above = fields.Float()
    upto = fields.Float()
    rate = fields.Float()
    quick_deduction = fields.Float()
    value = fields.Float()
    sector = fields.String()
    employees_sme = fields.Float()
    revenue_sme = fields.Float()
    employees_medium = fields.Float()
    revenue_medium = fields.Float()
    employees_small = fields.Float()
    revenue_small = fields.Float()


class VersionSchema(Schema):
    effective_from = opt(fields.Date)
    effective_to = opt(fields.Date)
    label = opt(fields.String)
    confidence = one_of(*CONFIDENCE)
    source = strings()
    instrument = req(fields.String)
    note = opt(fields.Nested, BilingualSchema)
    rows = req(fields.List, fields.Nested(VersionRowSchema))


class ReferenceTableSchema(Schema):
    """A reference table. Enum tables (districts, degrees, identities…) list their `choices` for building forms;
    figure tables list dated `figures`; brackets, bands and size classes list dated `versions`."""

    tables_version = req(fields.String)
    name = req(fields.String)
    kind = one_of(*REFERENCE_KINDS)
    title = req(fields.Nested, BilingualSchema)
    description = opt(fields.Nested, BilingualSchema)
    confidence = opt(fields.String, validate=validate.OneOf(CONFIDENCE))
    source = strings()
    method = opt(fields.String)
    unit = opt(fields.String)
    basis = opt(fields.String)
    key_unit = opt(fields.String)
    value_unit = opt(fields.String)
    used_by = strings("Profile fields answered from this table, e.g. company.registration_district.")
    choices = req(fields.List, fields.Nested(ChoiceSchema),
                  description="Enum tables: the allowed codes. A profile may also answer `unknown`.")
    figures = req(fields.List, fields.Nested(FigureRowSchema))
    versions = req(fields.List, fields.Nested(VersionSchema))


class ReferenceSummarySchema(Schema):
    name = req(fields.String)
    kind = one_of(*REFERENCE_KINDS)
    title = req(fields.Nested, BilingualSchema)
    description = opt(fields.Nested, BilingualSchema)
    used_by = strings()


class ReferenceIndexSchema(Schema):
    tables_version = req(fields.String)
    tables = req(fields.List, fields.Nested(ReferenceSummarySchema))


class VersionInfoSchema(Schema):
    version = req(fields.String, description="Application version.")
    api_version = one_of("v1")
    tables_version = req(fields.String, description="Content hash of the rule tables loaded at start-up.")


# --- requests ---------------------------------------------------------------------------------------------------
# The request bodies are the profile input schema itself: flask-smorest documents these classes, and the API's
# argument parser loads every body with the application service's instance of the same class, built with the loaded
# catalogue's codes and their names (calculator/api/views.py, ApiParser).
class AssessmentRequestSchema(AssessmentInputSchema):
    """A company, its people, or both (the same input as `incentives evaluate`). Unknown is always allowed: leave
    a field out, send null, or answer "unknown". Codes may also be given by their names in either language
    (`南山区`, `Nanshan`), dates as people write them (`2020/5/1`, `2020年5月1日`), money as `120万`."""


def _at_least_one(people: list[Any]) -> None:
    if not people:
        raise ValidationError(ApiMessage("at_least_one_person"))


class PeopleRequestSchema(AssessmentInputSchema):
    """People assessed alone, without a company (an HR roster)."""

    class Meta:
        exclude = ("company",)

    people = BoundedList(Part(PersonSchema), required=True, max_items=MAX_PEOPLE, too_many="too_many_people",
                         validate=_at_least_one, metadata={"minItems": 1, "maxItems": MAX_PEOPLE})

    def handle_error(self, error: ValidationError, data: Any, *, many: bool, **kwargs: Any) -> None:
        """A company sent here is named as such, not as an unknown field."""
        messages = error.messages
        if isinstance(messages, dict) and "company" in messages:
            others = {key: value for key, value in messages.items() if key != "company"}
            raise ValidationError({"company": [ApiMessage("no_company_here")], **others}) from None


def _check_lang(value: str) -> None:
    if value not in LANGS:
        raise ValidationError(ApiMessage("lang_choice"))


class AssessmentQuerySchema(AbsentDefaults):  # loaded without marshmallow's calls for absent parameters
    as_of = AsOf(metadata={
        "description": f"Assessment date (YYYY-MM-DD, {AS_OF_MIN} to {AS_OF_MAX}; 20261121, 2026/11/21 and "
                       "2026年11月21日 are read too); default today.",
        "x-minimum": AS_OF_MIN.isoformat(), "x-maximum": AS_OF_MAX.isoformat()})
    lang = fields.String(validate=_check_lang, metadata={
        "description": "Language of texts and messages; overrides Accept-Language.", "enum": ["zh", "en"]})


def _check_detail(value: str) -> None:
    if value not in ("full", "figures"):
        raise ValidationError(ApiMessage("detail_choice"))


def _check_questions(value: str) -> None:
    if value not in ("true", "false"):
        raise ValidationError(ApiMessage("questions_choice"))


class AssessmentAnswerQuerySchema(AssessmentQuerySchema):
    """The query of the assessment endpoints: the date and language, and how much of the answer to write."""

    detail = fields.String(validate=_check_detail, load_default="full", metadata={
        "description": "`full` (default): the whole document; `figures`: statuses, amounts, totals, flag codes and "
                       "missing inputs, no sentences (schema AssessmentFigures).", "enum": ["full", "figures"]})
    questions = fields.String(validate=_check_questions, load_default="false", metadata={
        "description": "`true`: rank the next questions (company.questions, people[].questions); they re-evaluate "
                       "programs, so they are left out (empty) unless asked. Full answer only.",
        "enum": ["true", "false"]})

    @validates_schema
    def _questions_need_the_full_answer(self, data: dict[str, Any], **kwargs: Any) -> None:
        if data.get("detail") == "figures" and data.get("questions") == "true":
            raise ValidationError(ApiMessage("questions_with_figures"), "questions")


class LanguageHeaderSchema(Schema):
    accept_language = fields.String(data_key="Accept-Language", metadata=_d(
        "Used when ?lang= is absent: any zh-* (zh-CN, zh-Hans, zh-TW…) gives Chinese; otherwise English."))
