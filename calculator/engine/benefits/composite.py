"""Benefits made of other benefits: dated rows (``[[benefits]]``), a formula chosen by a condition
(``by_condition``) and a sum of parts (``sum``). Each kind: its class, its parameter schema and its registry entry.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate

from calculator.engine.benefits.base import Benefit, Built, Context, KindEntry, ProgramChecks
from calculator.engine.enums import BenefitKind, weakest
from calculator.engine.members import MONEY, UNKNOWN
from calculator.engine.model import BenefitOutcome, Estimate
from calculator.engine.shape_fields import Strict, WhenField, name_pattern
from calculator.engine.specs import BenefitCase, BenefitSpec, ByConditionParams, NoParams, SumParams, SumPart
from calculator.engine.texts import flag


def build_child(spec: BenefitSpec, built: Built) -> Benefit[Any]:
    from calculator.engine.benefits import build

    return build(spec, built)


# --- dated rows ----------------------------------------------------------------------------------------------
class DatedRows(Benefit[NoParams]):
    """The row of ``[[benefits]]`` whose period holds the assessed day (found once per day); its formula text goes
    with the outcome."""

    def __init__(self, rows: Sequence[BenefitSpec], built: Built) -> None:
        super().__init__(BenefitSpec(kind=rows[-1].kind, text=rows[-1].text, money_kind=rows[-1].money_kind), built)
        self.rows = [(row, build_child(row, built)) for row in rows]
        self.days: dict[dt.date, tuple[BenefitSpec, Benefit[Any]] | None] = {}  # the row covering each day

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        day = ctx.day
        try:
            found = self.days[day]
        except KeyError:
            if len(self.days) > 512:
                self.days.clear()
            found = self.days[day] = next(((row, benefit) for row, benefit in self.rows if row.covers(day)), None)
        if found is not None:
            row, benefit = found
            out = benefit.compute(subject, ctx)
            out.text = out.text or row.text
            out.money_kind = out.money_kind or row.money_kind
            return out
        # the loader makes the rows cover the program's period, so this is a defect, shown as such
        return self.unknown_amount(BenefitOutcome(MONEY, flags=[flag("no_figure_in_force",
                                                                                  name="benefit")]))


def build_rows(rows: Sequence[BenefitSpec], built: Built) -> Benefit[Any]:
    """A program's benefit: its one formula, or a dispatcher over its dated rows."""
    if len(rows) == 1 and rows[0].effective_from is None and rows[0].effective_to is None:
        return build_child(rows[0], built)
    return DatedRows(rows, built)


# --- a formula chosen by a condition -------------------------------------------------------------------------
class ByCondition(Benefit[ByConditionParams]):
    """The first case whose ``when`` holds is computed; a ``when`` not yet decidable before it asks its inputs."""

    def __init__(self, spec: BenefitSpec, built: Built) -> None:
        super().__init__(spec, built)
        self.cases = [(case, built.condition(case.when, f"case_{index}", case.benefit.text),
                       build_child(case.benefit, built)) for index, case in enumerate(self.params.cases)]

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        for case, when, benefit in self.cases:
            decided = when.evaluate(subject, ctx.as_of)
            if decided.result is None:
                out = BenefitOutcome(MONEY, missing=list(decided.missing))
                return out if out.missing else self.unknown_amount(out)
            if decided.result:
                out = benefit.compute(subject, ctx)
                out.text = out.text or case.benefit.text
                out.money_kind = out.money_kind or case.benefit.money_kind
                return out
        return self.unknown_amount(BenefitOutcome(MONEY, flags=[flag("no_case_applies")]))


class CaseField(fields.Field[BenefitCase]):
    """One case: ``when`` plus a benefit of any kind but ``by_condition`` (its keys as in ``[benefit]``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> BenefitCase:
        from calculator.engine.shapes import load_benefit

        if not isinstance(value, dict) or "when" not in value:
            raise ValidationError("A case is a table with a 'when' and a benefit.")
        errors: dict[str, Any] = {}
        when = None
        try:
            when = WhenField().deserialize(value["when"])
        except ValidationError as exc:
            errors["when"] = exc.messages
        benefit = None
        try:
            benefit = load_benefit({k: v for k, v in value.items() if k != "when"})
        except ValidationError as exc:
            errors.update(exc.messages_dict)
        if benefit is not None and benefit.kind == BenefitKind.BY_CONDITION:
            errors["kind"] = ["A case cannot itself be by_condition."]
        if errors or when is None or benefit is None:
            raise ValidationError(errors)
        return BenefitCase(when=when, benefit=benefit)


class ByConditionSchema(Strict):
    spec = ByConditionParams
    cases = fields.List(CaseField(), required=True, validate=validate.Length(min=2))


def check_cases(checks: ProgramChecks, params: ByConditionParams) -> None:
    for index, case in enumerate(params.cases):
        checks.when(case.when, f"benefit.cases[{index}].when")


# --- a sum of parts ------------------------------------------------------------------------------------------
class Sum(Benefit[SumParams]):
    """The parts added up. An unanswered category several parts read (e.g. the recognition level) is one answer,
    so the sum is computed for each of its codes and the range taken across them, not across each part."""

    def __init__(self, spec: BenefitSpec, built: Built) -> None:
        super().__init__(spec, built)
        self.parts = [(part, build_child(part.benefit, built)) for part in self.params.parts]
        read: dict[str, list[set[str]]] = {}
        for _, benefit in self.parts:
            for name, codes in benefit.category_inputs().items():
                read.setdefault(name, []).append(codes)
        self.shared = {name: sorted(set().union(*codes)) for name, codes in read.items() if len(codes) > 1}

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        open_inputs = [name for name in self.shared if subject.get(name) is None]
        if not open_inputs:
            return self.total(subject, ctx)
        totals = [self.total({**subject, **dict(zip(open_inputs, codes, strict=True))}, ctx)
                  for codes in itertools.product(*(self.shared[name] for name in open_inputs))]
        out = totals[0]
        for other in totals[1:]:
            merge_outcome(out, other)
            if out.estimate is not None and other.estimate is not None:
                out.estimate = Estimate(min(out.estimate.low, other.estimate.low),
                                        max(out.estimate.high, other.estimate.high))
        out.flags += [flag("range_unanswered", question=name) for name in open_inputs]
        return out

    def total(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        out = BenefitOutcome(MONEY)
        estimate: Estimate | None = Estimate(Decimal(0), Decimal(0))
        parts: dict[str, Estimate | None] = {}
        for part, benefit in self.parts:
            found = benefit.compute(subject, ctx)
            merge_outcome(out, found)
            if found.kind == UNKNOWN:
                out.flags.append(flag("no_figure_in_force", name=part.id))
                return self.unknown_amount(out)
            parts[part.id] = found.estimate
            estimate = None if estimate is None or found.estimate is None else estimate + found.estimate
        out.estimate = estimate
        out.details = {"parts": parts}
        return out


def merge_outcome(out: BenefitOutcome, part: BenefitOutcome) -> None:
    """Missing inputs, flags (one per code), figures and the weakest confidence of a part, into ``out``."""
    out.missing += [name for name in part.missing if name not in out.missing]
    codes = {item.code for item in out.flags}
    out.flags += [item for item in part.flags if item.code not in codes]
    out.figures += [name for name in part.figures if name not in out.figures]
    out.confidence = weakest(out.confidence, part.confidence)


class PartField(fields.Field[SumPart]):
    """One part: ``id`` plus a benefit of any kind but ``sum`` and ``by_condition``."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> SumPart:
        from calculator.engine.shapes import load_benefit

        if not isinstance(value, dict) or not isinstance(value.get("id"), str) or not name_pattern(value["id"]):
            raise ValidationError("A part is a table with an 'id' (lower_case) and a benefit.")
        benefit = load_benefit({k: v for k, v in value.items() if k != "id"})
        if benefit.kind in (BenefitKind.SUM, BenefitKind.BY_CONDITION, BenefitKind.NON_MONETARY):
            raise ValidationError({"kind": [f"A part cannot be of kind '{benefit.kind}'."]})
        return SumPart(id=value["id"], benefit=benefit)


class SumSchema(Strict):
    spec = SumParams
    parts = fields.List(PartField(), required=True, validate=validate.Length(min=2))


def check_parts(checks: ProgramChecks, params: SumParams) -> None:
    ids = [part.id for part in params.parts]
    if len(set(ids)) != len(ids):
        checks.error("benefit.parts", "part ids must be distinct")


ENTRIES = (
    KindEntry(BenefitKind.SUM, SumSchema, Sum,
              "`parts = [{ id, kind, …the part's own parameters }]` (one money kind: parts that declare none take the "
              "sum's)",
              "the parts added up; an unanswered category several parts read gives the range across its codes",
              check=check_parts),
    KindEntry(BenefitKind.BY_CONDITION, ByConditionSchema, ByCondition,
              "`cases = [{ when, kind, text, …the case's own parameters }]` (`when`: one test or `{ any / all = "
              "[tests] }`)",
              "the first case whose `when` holds; a `when` that cannot be decided yet asks its inputs; no case: "
              "amount unknown", check=check_cases),
)
