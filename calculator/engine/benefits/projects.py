"""A program paid per project (``per_project``): several projects in one year, each priced by the program's own
formula with its own answer, added up, and held to the per-applicant annual cap across them, said where it binds.
Without a list of projects the formula prices the one project the profile describes, as before."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields

from calculator.engine.benefits.base import Benefit, Built, Context, KindEntry, ProgramChecks
from calculator.engine.benefits.composite import build_child, merge_outcome
from calculator.engine.enums import BenefitKind
from calculator.engine.members import MONEY, UNKNOWN
from calculator.engine.model import BenefitOutcome, Estimate
from calculator.engine.shape_fields import Strict, figure_field, input_field
from calculator.engine.specs import BenefitSpec, PerProjectParams
from calculator.engine.texts import flag

ZERO = Decimal(0)


class PerProject(Benefit[PerProjectParams]):
    def __init__(self, spec: BenefitSpec, built: Built) -> None:
        super().__init__(spec, built)
        self.each = build_child(self.params.each, built)

    def compute(self, subject: Mapping[str, Any], ctx: Context) -> BenefitOutcome:
        params = self.params
        projects = subject.get(params.projects)
        if projects is None:  # not answered: the one project the profile describes
            return self.each.compute(subject, ctx)
        out = BenefitOutcome(MONEY)
        total = Estimate(ZERO, ZERO)
        each: list[Estimate | None] = []
        for answer in projects:
            found = self.each.compute({**subject, params.stands_for: answer}, ctx)
            merge_outcome(out, found)
            if found.kind == UNKNOWN or found.estimate is None:
                # a project whose own answer is unknown asks for the list's answer, not the single field's
                out.missing = [params.projects if name == params.stands_for else name for name in out.missing]
                return self.unknown_amount(out)
            each.append(found.estimate)
            total = total + found.estimate
        out.details = {"projects": each}
        cap = None if params.cap is None else self.product(params.cap, ctx.day, out)
        if params.cap is not None and cap is None:
            return self.unknown_amount(out)
        out.estimate = total
        if cap is not None:
            out.cap = cap
            binds = total.high > cap
            out.flags.append(flag("project_cap_binds" if binds else "projects_priced", count=len(each),
                                  total_amount=total.high, cap_amount=cap))
            out.estimate = Estimate(min(total.low, cap), min(total.high, cap))
        return out


class EachField(fields.Field[BenefitSpec]):
    """The formula priced once per project: a benefit of any priced kind but ``per_project`` and the composites."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> BenefitSpec:
        from calculator.engine.shapes import load_benefit

        if not isinstance(value, dict):
            raise ValidationError("'each' is a table: a benefit (kind and its keys).")
        benefit = load_benefit(value)
        if benefit.kind in (BenefitKind.PER_PROJECT, BenefitKind.SUM, BenefitKind.BY_CONDITION,
                            BenefitKind.NON_MONETARY, BenefitKind.LOSS_CARRY_FORWARD):
            raise ValidationError({"kind": [f"'each' cannot be of kind '{benefit.kind}'."]})
        return benefit


class PerProjectSchema(Strict):
    spec = PerProjectParams
    projects = input_field(required=True)
    stands_for = input_field(required=True)
    each = EachField(required=True)
    cap = figure_field()


def check_projects(checks: ProgramChecks, params: PerProjectParams) -> None:
    if checks.input_type(params.projects) != "ProjectValues":
        checks.error("benefit.projects", f"'{params.projects}' is not a list-of-projects input")
    if checks.input_type(params.stands_for) is None:
        checks.error("benefit.stands_for", f"'{params.stands_for}' is not a profile field")


ENTRIES = (
    KindEntry(BenefitKind.PER_PROJECT, PerProjectSchema, PerProject,
              "`projects` (a list-of-projects input: one answer per project), `stands_for` (the single input each "
              "answer stands for), `each` (the formula priced per project: a kind and its keys), optional `cap` "
              "(per applicant, across the projects)",
              "each project priced by `each` with its own answer, added up, at most `cap` (flagged where it binds); "
              "without a list, `each` prices the one project the profile describes",
              figures=("cap",), values=("projects", "stands_for"), check=check_projects),
)
