"""The cross-file checks of one program: sources, dates, criteria against the profile fields and reference
tables, flags, and its benefit through the kind's registry entry (used by :mod:`.validate`)."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from calculator.engine.benefits import REGISTRY, resolve
from calculator.engine.enums import COMPARISONS, Certainty, Confidence, Operator, Outcome, ReferenceKind
from calculator.engine.specs import (
    BandLookup,
    BenefitSpec,
    ByConditionParams,
    CompoundConditionSpec,
    ConditionSpec,
    CriterionSpec,
    FigureRef,
    ProgramSpec,
    ReferenceTableSpec,
    SumParams,
    When,
)

if TYPE_CHECKING:
    from calculator.engine.validate import Validator

NUMERIC_TYPES = {"Money", "Count", "Percent", "Year", "Ratio", "Area"}
UNCONFIRMED_FIGURE = "UNCONFIRMED figures never enter a rule table"
Dates = tuple[dt.date | None, dt.date | None]


def overlaps(rows: Sequence[Dates]) -> bool:
    ordered = sorted(rows, key=lambda r: r[0] or dt.date.min)
    return any(end is None or (start or dt.date.min) <= end for (_, end), (start, _) in itertools.pairwise(ordered))


def program_dates(spec: ProgramSpec) -> dict[str, list[Dates]]:
    """Each figure's dated rows, with the program's dates where a row gives none."""
    out: dict[str, list[Dates]] = {}
    for row in spec.figures:
        out.setdefault(row.name, []).append((row.effective_from or spec.effective.start,
                                             row.effective_to or spec.effective.end))
    return out



class ProgramCheck:
    """The cross-file checks of one program (also what a benefit kind's own check may ask)."""

    def __init__(self, validator: Validator, spec: ProgramSpec, where: str) -> None:
        self.validator, self.spec, self.where = validator, spec, where
        self.subject = spec.subject

    @property
    def program(self) -> ProgramSpec:
        return self.spec

    def error(self, field: str, message: str) -> None:
        self.validator.error(self.where, field, message)

    def sources(self, keys: Sequence[str] | None, field: str) -> None:
        self.validator.check_sources(keys, self.where, field)

    def input_type(self, name: str) -> str | None:
        return self.validator.input_type(self.subject, name)

    def code_table(self, name: str) -> ReferenceTableSpec | None:
        return self.validator.code_table(self.subject, name)

    def table(self, name: str) -> ReferenceTableSpec | None:
        return self.validator.reference.get(name)

    def run(self) -> None:
        spec = self.spec
        self.sources(spec.sources, "sources")
        eff = spec.effective
        self.sources(eff.source, "effective.source")
        self.sources(eff.end_source, "effective.end_source")
        self.sources(eff.valid_for_source, "effective.valid_for_source")
        for index, period in enumerate(spec.window.periods):
            self.sources(period.source, f"window.periods[{index}].source")
            if period.confidence == Confidence.UNCONFIRMED:
                self.error(f"window.periods[{index}].confidence", "UNCONFIRMED dates never enter a rule table")
        if spec.cohort:
            self.sources(spec.cohort.source, "cohort.source")
            if self.validator.fields[self.subject].get(spec.cohort.field, {}).get("type") != "Day":
                self.error("cohort.field", f"'{spec.cohort.field}' is not a date input")
        self.figures()
        self.criteria()
        for index, item in enumerate(spec.flags):
            self.sources(item.source, f"flags[{index}].source")
            if item.when is not None:
                self.when(item.when, f"flags[{index}].when")
        self.input_limits()
        for index, row in enumerate(spec.benefits):
            self.benefit(row, "benefit" if len(spec.benefits) == 1 else f"benefits[{index}]")
        if len(spec.benefits) > 1:
            self.benefit_rows()
        self.self_check()

    def self_check(self) -> None:
        """A self-check's criteria are checked like the program's (they have no branches and never grant)."""
        check = self.spec.self_check
        if check is None:
            return
        ids = [c.id for c in check.criteria]
        if len(set(ids)) != len(ids):
            self.error("self_check.criteria", "duplicate criterion ids")
        for index, crit in enumerate(check.criteria):
            field = f"self_check.criteria[{index}] ('{crit.id}')"
            self.sources(crit.source, f"{field}.source")
            if crit.branch is not None:
                self.error(f"{field}.branch", "a self-check has no branches")
            self.condition(crit, field)
        if check.if_certified and REGISTRY[self.spec.benefit.kind].benefit.outcome != Outcome.MONEY:
            self.error("self_check.if_certified", "the program's benefit gives no amount to show 'if certified'")

    def figures(self) -> None:
        for index, row in enumerate(self.spec.figures):
            self.sources(row.source, f"figures[{index}].source")
            if row.confidence == Confidence.UNCONFIRMED:
                self.error(f"figures[{index}] ('{row.name}').confidence",
                           f"{UNCONFIRMED_FIGURE} (show the amount as unknown instead)")
        for name, rows in program_dates(self.spec).items():
            if overlaps(rows):
                self.error(f"figures ('{name}')", "dated rows overlap")

    def criteria(self) -> None:
        spec = self.spec
        branch_ids = [b.id for b in spec.branches]
        if len(set(branch_ids)) != len(branch_ids):
            self.error("branches", "duplicate branch ids")
        rows_by_id: dict[str, list[Dates]] = {}
        for index, crit in enumerate(spec.criteria):
            field = f"criteria[{index}] ('{crit.id}')"
            self.sources(crit.source, f"{field}.source")
            if crit.branch is not None and crit.branch not in branch_ids:
                self.error(f"{field}.branch", f"unknown branch '{crit.branch}'")
            if crit.branch and crit.confidence == Confidence.UNCONFIRMED:
                self.error(f"{field}.confidence",
                           "an UNCONFIRMED condition inside a branch could grant a benefit; it may only withhold")
            if crit.unknown_values and crit.op not in (Operator.IN, Operator.EQ):
                self.error(f"{field}.unknown_values", "only with 'in' or 'eq'")
            self.condition(crit, field)
            rows_by_id.setdefault(crit.id, []).append((crit.effective_from, crit.effective_to))
        for cid, rows in rows_by_id.items():
            if len(rows) > 1 and overlaps(rows):
                self.error(f"criteria ('{cid}')", "dated rows with the same id overlap")
        for branch in branch_ids:
            if not any(c.branch == branch for c in spec.criteria):
                self.error("branches", f"branch '{branch}' has no criteria")

    def when(self, cond: When, field: str) -> None:
        """Each test of a ``when`` (one, or the list of an ``any`` / ``all``)."""
        if isinstance(cond, CompoundConditionSpec):
            for index, leaf in enumerate(cond.items):
                self.condition(leaf, f"{field}.{cond.mode}[{index}]")
        else:
            self.condition(cond, field)

    def input_limits(self) -> None:
        names = {row.name for row in self.spec.figures if row.role != "context"}
        for index, limit in enumerate(self.spec.input_limits):
            field = f"input_limits[{index}]"
            if self.validator.fields[self.subject].get(limit.field, {}).get("type") not in NUMERIC_TYPES:
                self.error(f"{field}.field", f"'{limit.field}' is not a numeric {self.subject} profile field")
            for key in ("max", "min"):
                ref = getattr(limit, key)
                if ref is not None and ref not in names:
                    self.error(f"{field}.{key}", f"'{ref}' is not a figure of this program")

    def condition(self, cond: ConditionSpec | CriterionSpec, field: str) -> None:
        """A criterion or a ``when``: its input exists, the operator suits its type, codes and look-ups exist."""
        ftype = self.input_type(cond.field)
        if ftype is None:
            self.error(f"{field}.field", f"'{cond.field}' is not a {self.subject} profile field or derived value")
            return
        op, literal = cond.op, cond.value
        numeric = ftype in NUMERIC_TYPES or ftype.startswith("Derived:")
        if op in (Operator.IS_TRUE, Operator.IS_FALSE) and ftype != "TriState":
            self.error(f"{field}.op", f"'{op}' needs a yes/no/unknown input; '{cond.field}' is {ftype}")
        if op in (Operator.CONTAINS, Operator.NOT_CONTAINS) and ftype != "CodeList":
            self.error(f"{field}.op", f"'{op}' needs a list input; '{cond.field}' is {ftype}")
        if (op in COMPARISONS or op == Operator.BETWEEN) and not (numeric or ftype == "Day"):
            self.error(f"{field}.op", f"'{op}' needs a number or date; '{cond.field}' is {ftype}")
        if ftype in ("Code", "CodeList") and literal is not None and not isinstance(literal, BandLookup | FigureRef):
            table = self.code_table(cond.field)
            codes = {row.code for row in table.enum_rows} if table is not None else set()
            for item in literal if isinstance(literal, tuple) else (literal,):
                if table is not None and item not in codes:
                    self.error(f"{field}.value", f"'{item}' is not a code of table '{table.name}'")
        if isinstance(literal, FigureRef) and not self.validator.figure_row(literal.figure):
            self.error(f"{field}.value.figure", f"'{literal.figure}' is not a row of a figures table")
        elif isinstance(literal, BandLookup):
            table = self.table(literal.lookup)
            if table is None or table.kind != ReferenceKind.BANDS:
                self.error(f"{field}.value.lookup", f"'{literal.lookup}' is not a bands reference table")
            if self.input_type(literal.key) is None:
                self.error(f"{field}.value.key",
                           f"'{literal.key}' is not a {self.subject} profile field or derived value")

    def figure_ref(self, ref: str, field: str, period: Dates | None = None) -> None:
        """Each factor of a figure reference names a reference row or a program figure that is not context-only
        and, for a dated benefit row (``period``), has a row overlapping it."""
        rows = program_dates(self.spec)
        roles = {row.name: row.role for row in self.spec.figures}
        for part in ref.split("*"):
            if "." in part:
                if not self.validator.figure_row(part):
                    self.error(field, f"'{part}' is not a row of a figures reference table")
            elif part not in rows:
                self.error(field, f"'{part}' is not a figure of this program")
            elif roles.get(part) == "context":
                self.error(field, f"'{part}' is a context figure (shown, never computed into an amount)")
            elif period is not None and not any(_meet(period, dates) for dates in rows[part]):
                self.error(field, f"'{part}' has no row in force during this benefit row's period")

    def benefit(self, row: BenefitSpec, where: str) -> None:
        """One benefit (a dated row, or the only one), its cases and parts, through their registry entries."""
        period = (row.effective_from, row.effective_to) if len(self.spec.benefits) > 1 else None
        for benefit, path_to in _walk(row, where):
            entry = REGISTRY[benefit.kind]
            for path in entry.figures:
                for field, ref in resolve(benefit.params, path):
                    if isinstance(ref, str):
                        self.figure_ref(ref, _at(path_to, field), period)
            for path in entry.values:
                for field, name in resolve(benefit.params, path):
                    if self.input_type(name) is None:
                        self.error(_at(path_to, field),
                                   f"'{name}' is not a {self.subject} profile field or derived value")
            for path in entry.conditions:
                for field, cond in resolve(benefit.params, path):
                    self.when(cond, _at(path_to, field))
            for table_name in entry.tables:
                if table_name not in self.validator.reference:
                    self.error(f"{path_to}.kind", f"needs reference table '{table_name}'")
            if entry.check is not None:
                entry.check(_Within(self, path_to), benefit.params)
        if self.spec.certainty == Certainty.NOT_MONETARY and REGISTRY[row.kind].benefit.outcome != Outcome.NON_MONETARY:
            self.error("certainty", "'not_monetary' programs need a benefit kind without an amount "
                                    "('non_monetary', 'loss_carry_forward')")

    def benefit_rows(self) -> None:
        """Dated rows do not overlap and cover the program's period without a gap."""
        rows = self.spec.benefits
        eff = self.spec.effective
        dates = [(row.effective_from, row.effective_to) for row in rows]
        if overlaps(dates):
            self.error("benefits", "dated rows overlap")
            return
        if rows[0].effective_from is not None and rows[0].effective_from > eff.start:
            self.error("benefits", f"no row covers {eff.start} (the program's start)")
        for before, after in itertools.pairwise(rows):
            if before.effective_to is None or after.effective_from is None:
                self.error("benefits", "only the first row may leave effective_from open, only the last "
                           "effective_to")
                return
            if after.effective_from != before.effective_to + dt.timedelta(days=1):
                self.error("benefits", f"no row covers {before.effective_to + dt.timedelta(days=1)}")
        last = rows[-1].effective_to
        if last is not None and (eff.end is None or last < eff.end):
            self.error("benefits", f"no row covers {last + dt.timedelta(days=1)}")


def _walk(benefit: BenefitSpec, where: str) -> list[tuple[BenefitSpec, str]]:
    """A benefit and the benefits it is made of, each with its path (``benefit.cases[1]``, ``benefit.parts[0]``)."""
    params = benefit.params
    key = "cases" if isinstance(params, ByConditionParams) else "parts" if isinstance(params, SumParams) else None
    out = [(benefit, where)]
    for index, child in enumerate(benefit.children()):
        out += _walk(child, f"{where}.{key}[{index}]")
    return out


def _meet(a: Dates, b: Dates) -> bool:
    """Two periods (open ends unbounded) share at least a day."""
    return (a[0] or dt.date.min) <= (b[1] or dt.date.max) and (b[0] or dt.date.min) <= (a[1] or dt.date.max)


def _at(where: str, field: str) -> str:
    """A benefit parameter's path under its row (``benefits[1].cap``), as ``resolve`` names it (``benefit.cap``)."""
    return where + field.removeprefix("benefit")


class _Within:
    """The checks a kind's own check may ask, with errors named under its row (``benefits[1].…``)."""

    def __init__(self, checks: ProgramCheck, where: str) -> None:
        self.checks, self.where = checks, where

    def __getattr__(self, name: str) -> Any:
        return getattr(self.checks, name)

    def error(self, field: str, message: str) -> None:
        self.checks.error(_at(self.where, field), message)
