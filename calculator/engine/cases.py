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

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from calculator.engine.enums import Outcome, Status, Subject
from calculator.engine.evaluate import assess
from calculator.engine.model import Catalogue, ProgramResult
from calculator.engine.shape_fields import Choice, Number, TableDate
from calculator.engine.texts import NOT_IN_FORCE
from calculator.engine.validate import TableError
from calculator.i18n import t
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


class ExpectSchema(Schema):
    class Meta:
        unknown = RAISE

    status = Choice(Status, required=True)
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
    reason_text = fields.String()
    criteria_unknown = fields.List(fields.String())
    adjustments = fields.List(fields.Nested(AdjustmentExpectSchema))
    context = fields.List(fields.String())
    input_error = fields.String()


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


def _jsonish(value: Any) -> Any:
    """TOML values back to what a JSON profile would hold (Decimal → str, date → ISO)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonish(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonish(v) for v in value]
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
        data["company"] = _jsonish(spec["company"])
    if "people" in spec:
        data["people"] = _jsonish(spec["people"])
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
    return result, problems


def compare(result: ProgramResult, expect: dict[str, Any]) -> list[str]:
    problems = []
    if result.status != expect["status"]:
        problems.append(f"status {result.status!r}, expected {expect['status']!r} "
                        f"(missing={result.missing}, failed={result.reasons})")
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
    for name in expect.get("missing", []):
        if name not in result.missing:
            problems.append(f"missing should include {name!r}, got {result.missing}")
    codes = [f.code for f in result.flags]
    for code in expect.get("flags", []):
        if code not in codes:
            problems.append(f"flag {code!r} absent; flags {codes}")
    for code in expect.get("not_flags", []):
        if code in codes:
            problems.append(f"flag {code!r} should be absent")
    failed = result.reasons
    if "failed" in expect and sorted(expect["failed"]) != sorted(failed):
        problems.append(f"failed criteria {failed}, expected {expect['failed']}")
    if "excluded_by" in expect and (result.excluded_by is None or result.excluded_by.group != expect["excluded_by"]):
        problems.append(f"excluded_by {result.excluded_by and result.excluded_by.group!r}, "
                        f"expected {expect['excluded_by']!r}")
    if expect.get("included") and result.excluded_by is not None:
        problems.append(f"should not be excluded, but excluded by {result.excluded_by.group}")
    got_items = sorted(i.item.text["en"] for i in (result.benefit.items if result.benefit else []))
    for text in expect.get("items", []):
        if not any(text in g for g in got_items):
            problems.append(f"no item containing {text!r}; items {got_items}")
    for text in expect.get("not_items", []):
        if any(text in g for g in got_items):
            problems.append(f"an item contains {text!r}, which should be absent")
    problems += compare_more(result, expect)
    for gap in expect.get("gaps", []):
        match = next((g for g in result.gaps if g.criterion == gap["criterion"]), None)
        if match is None:
            problems.append(f"no gap for {gap['criterion']!r}; gaps {[g.criterion for g in result.gaps]}")
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


def compare_more(result: ProgramResult, expect: dict[str, Any]) -> list[str]:
    """The not-in-force reason, criteria left unknown, and context figures."""
    problems = []
    reason = result.reason
    if "reason" in expect and (reason is None or reason.code != expect["reason"]):
        problems.append(f"reason {reason and reason.code!r}, expected {expect['reason']!r}")
    if "reason_text" in expect:
        text = "" if reason is None else t(NOT_IN_FORCE[reason.code], "en", **reason.params) + " " + (
            reason.text["en"] if reason.text else "")
        if expect["reason_text"] not in text:
            problems.append(f"reason text {text!r} does not contain {expect['reason_text']!r}")
    unknown = [c.id for c in result.criteria if c.result is None]
    for cid in expect.get("criteria_unknown", []):
        if cid not in unknown:
            problems.append(f"criterion {cid!r} should be unknown; unknown: {unknown}")
    context = [f.name for f in (result.benefit.context if result.benefit else [])]
    if "context" in expect and sorted(context) != sorted(expect["context"]):
        problems.append(f"context figures {context}, expected {expect['context']}")
    return problems
