"""Golden cases: examples written next to each program (``programs/<id>.cases.toml``) and checked by tests.

A case names itself in a sentence (the test id), gives a profile and an as-of date, and states what an analyst
expects for that program: status, amount (``low``/``high``, or ``amount = "unknown"`` / ``"none"``), and
optionally missing inputs, flags, the stacking group that excludes it, failed criteria and gaps.

    [[case]]
    name = "a Longhua AI firm buying 2,000,000 of compute gets 30% = 600,000"
    as_of = 2026-11-21
    company = { operating_district = "longhua", ... }   # and/or people = [ {...} ], person = 0
    expect = { status = "eligible", low = 600000, high = 600000 }
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from calculator.engine.catalogue import Catalogue
from calculator.engine.enums import Outcome, SideKind, Status, Subject
from calculator.engine.evaluate import assess
from calculator.engine.model import Gap, ProgramResult, SubjectResult
from calculator.engine.shape_fields import Choice, Number, TableDate
from calculator.engine.validate import TableError
from calculator.i18n import fill
from schemas.messages import flatten_errors
from schemas.profile import AssessmentInputSchema

REASONS = ("before_start", "after_end", "tax_year_before", "tax_year_after", "cohort_closed")


class GapExpectSchema(Schema):
    class Meta:
        unknown = RAISE

    criterion = fields.String(required=True)
    input = fields.String()
    change = Number()
    on_date = TableDate()
    unlocks_low = Number()
    unlocks_high = Number()
    unlocks_status = Choice(Status)


class AdjustmentExpectSchema(Schema):
    class Meta:
        unknown = RAISE

    group = fields.String(required=True)
    low = Number(required=True)
    high = Number(required=True)


class SelfCheckExpectSchema(Schema):
    class Meta:
        unknown = RAISE

    outcome = fields.String(required=True, validate=validate.OneOf(("likely_to_qualify", "not_yet", "needs_info")))
    failed = fields.List(fields.String())
    missing = fields.List(fields.String())
    if_certified_low = Number()
    if_certified_high = Number()
    gaps = fields.List(fields.Nested(GapExpectSchema))


class SideExpectSchema(Schema):
    class Meta:
        unknown = RAISE

    low = Number()
    high = Number()
    years = Number()


class Absent(fields.Field):  # type: ignore[type-arg]
    """``"absent"``, or the nested expectation."""

    def __init__(self, nested: type[Schema], **kwargs: Any) -> None:
        self.nested = nested
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if value == "absent":
            return value
        if not isinstance(value, dict):
            raise ValidationError('Expected "absent" or a table.')
        return self.nested().load(value)


class ExpectSchema(Schema):
    class Meta:
        unknown = RAISE

    status = Choice(Status)  # required, except with input_error (a refused profile has no result)
    low = Number()
    high = Number()
    amount = fields.String(validate=validate.OneOf(("unknown", "none", "non_monetary")))
    missing = fields.List(fields.String())
    flags = fields.List(fields.String())
    not_flags = fields.List(fields.String())
    failed = fields.List(fields.String())
    excluded_by = fields.String()
    included = fields.Boolean(validate=validate.Equal(True, error="'false' checks nothing (write excluded_by)."))
    gaps = fields.List(fields.Nested(GapExpectSchema))
    items = fields.List(fields.String())
    not_items = fields.List(fields.String())
    reason = fields.String(validate=validate.OneOf(REASONS))
    reason_text = fields.String()  # English: part of a reason, the not-in-force sentence, a flag or a side figure
    criteria_unknown = fields.List(fields.String())  # criteria reported unknown (without being asked, or asked)
    money_kind = fields.String(validate=validate.OneOf(("cash", "tax_this_year", "non_cash", "obligation")))
    later_years = Absent(SideExpectSchema)  # the side figure beside the amount, never in it
    self_check = Absent(SelfCheckExpectSchema)
    adjustments = fields.List(fields.Nested(AdjustmentExpectSchema))
    context = fields.List(fields.String())
    input_error = fields.String()

    @validates_schema
    def _status_or_refusal(self, data: dict[str, Any], **kwargs: Any) -> None:
        if "input_error" not in data and "status" not in data:
            raise ValidationError("Missing data for required field.", "status")


class CaseSchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True)
    note = fields.String()
    as_of = TableDate(required=True)
    company = fields.Dict()
    people = fields.List(fields.Dict())
    person = fields.Integer()
    expect = fields.Nested(ExpectSchema, required=True)


@dataclass
class Case:
    program: str
    file: str
    spec: dict[str, Any]
    index: int = 0  # its position in the file

    @property
    def name(self) -> str:
        return str(self.spec["name"])


def jsonish(value: Any) -> Any:
    """TOML values back to what a JSON profile would hold (Decimal → str, date → ISO)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: jsonish(v) for k, v in value.items()}
    if isinstance(value, list):
        return [jsonish(v) for v in value]
    return value


def load_cases(root: Path) -> list[Case]:
    """Every case file under ``root/programs``; any malformed file or case raises TableError listing them all
    (see :mod:`.case_check`, which also checks the cases against the loaded catalogue)."""
    from calculator.engine.case_check import read_cases

    cases, errors = read_cases(root)
    if errors:
        raise TableError(errors)
    return cases


def case_input(spec: dict[str, Any]) -> dict[str, Any]:
    """The case's profile as a JSON request would carry it."""
    data: dict[str, Any] = {}
    if "company" in spec:
        data["company"] = jsonish(spec["company"])
    if "people" in spec:
        data["people"] = jsonish(spec["people"])
    return data


def run_case(catalogue: Catalogue, case: Case) -> tuple[ProgramResult | None, list[str]]:
    """Evaluate a case; return the program's result and a list of mismatches (empty when it passes). A case
    expecting ``input_error`` passes when the profile is refused on that field (there is then no result)."""
    spec = case.spec
    data = case_input(spec)
    expect = spec["expect"]
    try:
        loaded = AssessmentInputSchema(choices=catalogue.choices).load(data)
    except ValidationError as exc:
        fields_refused = [e["field"] for e in flatten_errors(exc.messages, "en")]
        if "input_error" in expect:
            wanted = expect["input_error"]
            if any(f == wanted or f.endswith("." + wanted) for f in fields_refused):
                return None, []
            return None, [f"refused on {fields_refused}, expected a refusal on {wanted!r}"]
        raise AssertionError(f"case profile invalid: {flatten_errors(exc.messages, 'en')}") from None
    if "input_error" in expect:
        return None, [f"the profile was accepted; expected a refusal on {expect['input_error']!r}"]
    assessment = assess(catalogue, loaded, spec["as_of"])
    subject = assessment.people[spec.get("person", 0)] if catalogue.programs[case.program].subject == Subject.PERSON \
        else assessment.company
    if subject is None:
        raise AssertionError("the case gives no subject for this program")
    result = next(r for r in subject.results if r.id == case.program)
    problems = compare(result, expect)
    if "adjustments" in expect:
        got = sorted((a.group, round(a.amount.low, 2), round(a.amount.high, 2)) for a in subject.adjustments)
        wanted = sorted((a["group"], round(a["low"], 2), round(a["high"], 2)) for a in expect["adjustments"])
        if got != wanted:
            problems.append(f"adjustments (group, low, high; a cut is negative) {got}, expected {wanted}")
    if "reason_text" in expect:
        problems += reason_text_problems(catalogue, subject, result, expect["reason_text"])
    return result, problems


def reason_text_problems(catalogue: Catalogue, subject: SubjectResult, result: ProgramResult,
                         wanted: str) -> list[str]:
    """Whether a reason, the not-in-force sentence, a flag or a side figure's note (English, as shown) contains
    ``wanted``."""
    from calculator.engine.report import Reporter

    doc = Reporter(catalogue, "en").program(subject, result, None)
    texts = [*doc["reasons"], doc["not_in_force_reason"] or "", *(f["text"] for f in doc["flags"]),
             *(doc[side]["note"] for side in ("later_years", "if_certified") if doc[side])]
    if not any(wanted in text for text in texts):
        return [f"no reason, not-in-force sentence or flag contains {wanted!r}: {texts}"]
    return []


def compare(result: ProgramResult, expect: dict[str, Any]) -> list[str]:
    """Every way `result` differs from the golden case's `expect` table, one sentence each."""
    problems = compare_status(result, expect)
    problems += compare_amount(result, expect)
    problems += compare_flags(result, expect)
    problems += compare_items(result, expect)
    problems += compare_gaps(result.gaps, expect.get("gaps", []))
    problems += compare_money(result, expect)
    if "self_check" in expect:
        problems += compare_self_check(result, expect["self_check"])
    return problems


def compare_status(result: ProgramResult, expect: dict[str, Any]) -> list[str]:
    """The status, the missing inputs, the failed criteria and the stacking exclusion."""
    problems = []
    if result.status != expect["status"]:
        problems.append(f"status {result.status!r}, expected {expect['status']!r} "
                        f"(missing={result.missing}, failed={result.reasons})")
    for name in expect.get("missing", []):
        if name not in result.missing:
            problems.append(f"missing should include {name!r}, got {result.missing}")
    failed = result.reasons
    if "failed" in expect and sorted(expect["failed"]) != sorted(failed):
        problems.append(f"failed criteria {failed}, expected {expect['failed']}")
    if "excluded_by" in expect and (result.excluded_by is None or result.excluded_by.group != expect["excluded_by"]):
        problems.append(f"excluded_by {result.excluded_by and result.excluded_by.group!r}, "
                        f"expected {expect['excluded_by']!r}")
    if expect.get("included") and result.excluded_by is not None:
        problems.append(f"should not be excluded, but excluded by {result.excluded_by.group}")
    return problems


def compare_amount(result: ProgramResult, expect: dict[str, Any]) -> list[str]:
    """The low/high estimate and the kind of amount (unknown, non-monetary, none)."""
    problems = []
    estimate = result.benefit.estimate if result.benefit else None
    if "low" in expect or "high" in expect:
        if estimate is None:
            problems.append(f"no amount, expected {expect.get('low')}..{expect.get('high')}")
        else:
            for key in ("low", "high"):
                if key in expect and round(getattr(estimate, key), 2) != round(expect[key], 2):
                    problems.append(f"{key} {getattr(estimate, key)}, expected {expect[key]}")
    amount = expect.get("amount")
    if amount == "unknown" and (result.benefit is None or result.benefit.kind != Outcome.UNKNOWN):
        problems.append(f"amount should be unknown, got {estimate}")
    if amount == "non_monetary" and (result.benefit is None or result.benefit.kind != Outcome.NON_MONETARY):
        problems.append("benefit should be non-monetary")
    if amount == "none" and result.estimate is not None:
        problems.append(f"expected no amount, got {result.estimate}")
    return problems


def compare_flags(result: ProgramResult, expect: dict[str, Any]) -> list[str]:
    """Flags that must be raised and flags that must not."""
    codes = [f.code for f in result.flags]
    problems = [f"flag {code!r} absent; flags {codes}" for code in expect.get("flags", []) if code not in codes]
    problems += [f"flag {code!r} should be absent" for code in expect.get("not_flags", []) if code in codes]
    return problems


def compare_items(result: ProgramResult, expect: dict[str, Any]) -> list[str]:
    """Benefit items (English text) that must and must not appear."""
    got_items = sorted(fill(i.item.text["en"], dict(i.params), "en") if i.params else i.item.text["en"]
                       for i in (result.benefit.items if result.benefit else []))
    problems = [f"no item containing {text!r}; items {got_items}"
                for text in expect.get("items", []) if not any(text in g for g in got_items)]
    problems += [f"an item contains {text!r}, which should be absent"
                 for text in expect.get("not_items", []) if any(text in g for g in got_items)]
    return problems


def compare_money(result: ProgramResult, expect: dict[str, Any]) -> list[str]:
    """The not-in-force reason, open criteria, context figures, the kind of money and the later-years figure."""
    problems = []
    context = [f.name for f in (result.benefit.context if result.benefit else [])]
    if "context" in expect and sorted(context) != sorted(expect["context"]):
        problems.append(f"context figures {context}, expected {expect['context']}")
    if "reason" in expect and (result.reason is None or result.reason.code != expect["reason"]):
        problems.append(f"not-in-force reason {result.reason and result.reason.code!r}, expected {expect['reason']!r}")
    unknown = [c.id for c in result.criteria if c.result is None]
    for cid in expect.get("criteria_unknown", []):
        if cid not in unknown:
            problems.append(f"criterion {cid!r} should be unknown; unknown: {unknown}")
    if "money_kind" in expect and result.money_kind != expect["money_kind"]:
        problems.append(f"money kind {result.money_kind!r}, expected {expect['money_kind']!r}")
    if "later_years" in expect:
        side = result.side(SideKind.LATER_YEARS)
        want = expect["later_years"]
        if want == "absent":
            if side is not None:
                problems.append(f"no later-years figure expected, got {side.estimate}")
        elif side is None:
            problems.append("a later-years figure is expected beside the amount")
        else:
            problems += [f"later_years {key} {getattr(side.estimate, key)}, expected {want[key]}"
                         for key in ("low", "high") if key in want and round(getattr(side.estimate, key), 2)
                         != round(want[key], 2)]
            if "years" in want and side.params.get("years") != want["years"]:
                problems.append(f"later_years period {side.params.get('years')} years, expected {want['years']}")
    return problems


def compare_self_check(result: ProgramResult, want: Any) -> list[str]:
    check = result.self_check
    if want == "absent":
        return [] if check is None else [f"no self-check expected, got {check.outcome!r}"]
    if check is None:
        return ["a self-check is expected beside the result"]
    problems = []
    if check.outcome != want["outcome"]:
        problems.append(f"self-check {check.outcome!r}, expected {want['outcome']!r} (failed {check.reasons}, "
                        f"missing {check.missing})")
    if "failed" in want and sorted(want["failed"]) != sorted(check.reasons):
        problems.append(f"self-check failed {check.reasons}, expected {want['failed']}")
    problems += [f"self-check missing should include {name!r}, got {check.missing}"
                 for name in want.get("missing", []) if name not in check.missing]
    for key, attr in (("if_certified_low", "low"), ("if_certified_high", "high")):
        if key in want:
            got = getattr(check.if_certified, attr) if check.if_certified else None
            if got is None or round(got, 2) != round(want[key], 2):
                problems.append(f"self-check {key} {got}, expected {want[key]}")
    return problems + compare_gaps(check.gaps, want.get("gaps", []))


def compare_gaps(gaps: list[Gap], wanted: list[dict[str, Any]]) -> list[str]:
    problems = []
    for gap in wanted:
        match = next((g for g in gaps if g.criterion == gap["criterion"]), None)
        if match is None:
            problems.append(f"no gap for {gap['criterion']!r}; gaps {[g.criterion for g in gaps]}")
            continue
        if "input" in gap and match.input != gap["input"]:
            problems.append(f"gap input {match.input!r}, expected {gap['input']!r}")
        if "change" in gap and (match.change is None or round(match.change, 2) != round(gap["change"], 2)):
            problems.append(f"gap change {match.change}, expected {gap['change']}")
        if "on_date" in gap and match.on_date != gap["on_date"]:
            problems.append(f"gap date {match.on_date}, expected {gap['on_date']}")
        for key, attr in (("unlocks_low", "low"), ("unlocks_high", "high")):
            if key in gap:
                got_value = getattr(match.unlocks, attr) if match.unlocks else None
                if got_value is None or round(got_value, 2) != round(gap[key], 2):
                    problems.append(f"gap {key} {got_value}, expected {gap[key]}")
        if "unlocks_status" in gap and match.unlocks_status != gap["unlocks_status"]:
            problems.append(f"gap unlocks_status {match.unlocks_status}, expected {gap['unlocks_status']}")
    return problems

