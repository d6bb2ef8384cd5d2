"""Describe the loaded catalogue for people and other programs: ids, names, dates, figures, sources."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Any

from calculator.engine.benefits import REGISTRY, resolve
from calculator.engine.catalogue import Catalogue, Program
from calculator.engine.enums import Confidence
from calculator.engine.specs import BandLookup, BenefitSpec, ByConditionParams, CriterionSpec, FigureRef, Text


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def rests_on(program: Program) -> Confidence:
    """The weakest confidence among everything the program's rules use (dates, criteria, figures)."""
    spec = program.spec
    eff = spec.effective
    levels = [eff.confidence, *(c.confidence for c in spec.criteria)]
    levels += [row.confidence for rows in program.figures.values() for row in rows]
    levels += [level for level in (eff.end_confidence, eff.valid_for_confidence) if level]
    if spec.cohort:
        levels.append(spec.cohort.confidence)
    return Confidence.weakest(*levels)


def _list(items: Sequence[str] | None) -> list[str] | None:
    return None if items is None else list(items)


def _text(text: Text | None) -> dict[str, str] | None:
    return None if text is None else dict(text)


def describe_program(catalogue: Catalogue, program: Program) -> dict[str, Any]:
    """Everything a reviewer needs about one program, bilingual, JSON-ready."""
    spec = program.spec
    eff = spec.effective
    cohort = spec.cohort
    return {
        "id": program.id,
        "family": program.family.value,
        "applies_to": spec.applies_to.value,
        "certainty": spec.certainty.value,
        "name": dict(spec.name),
        "summary": dict(spec.summary),
        "issuer": dict(spec.issuer),
        "instrument": spec.instrument,
        "effective": {
            "from": _iso(eff.start), "to": _iso(eff.end), "basis": eff.basis.value,
            "confidence": eff.confidence.value, "source": list(eff.source),
            "end_confidence": _value(eff.end_confidence),
            "valid_for_years": eff.valid_for_years, "valid_for_confidence": _value(eff.valid_for_confidence),
            "note": _text(eff.note), "start_reason": _text(eff.start_reason), "end_reason": _text(eff.end_reason),
        },
        "cohort": None if not cohort else {
            "field": cohort.field, "closed_from": _iso(cohort.closed_from),
            "confidence": cohort.confidence.value, "text": dict(cohort.text)},
        "confidence": rests_on(program).value,
        "window": {"mode": spec.window.mode.value, "text": _text(spec.window.text),
                   "periods": [{"opens": _iso(p.opens), "closes": _iso(p.closes), "confidence": p.confidence.value,
                                "source": list(p.source)} for p in spec.window.periods]},
        "branches": [{"id": b.id, "text": dict(b.text)} for b in spec.branches],
        "criteria": [_criterion(c) for c in spec.criteria],
        "self_check": None if spec.self_check is None else {
            "id": spec.self_check.id, "text": dict(spec.self_check.text), "if_certified": spec.self_check.if_certified,
            "criteria": [_criterion(c) for c in spec.self_check.criteria]},
        "benefit": _benefit(spec.benefit),
        "benefits": [_benefit(row) for row in spec.benefits],
        "figures": [
            {"name": row.name, "value": _jsonable(row.value), "unit": str(row.unit), "role": _role(spec, row.name),
             "confidence": row.confidence.value, "source": list(row.source), "effective_from": _iso(row.effective_from),
             "effective_to": _iso(row.effective_to), "instrument": row.instrument, "note": _text(row.note)}
            for rows in program.figures.values() for row in rows],
        "advisories": [dict(a.text) for a in spec.advisories],
        "dated_advisories": [{"text": dict(a.text), "confidence": a.confidence.value, "from": _iso(a.effective_from),
                              "to": _iso(a.effective_to)} for a in spec.advisories],
        "flags": [{"code": f.code, "text": dict(f.text), "from": _iso(f.effective_from), "to": _iso(f.effective_to),
                   "confidence": _value(f.confidence), "source": list(f.source), "conditional": f.when is not None}
                  for f in spec.flags],
        "input_limits": [{"field": limit.field, "max": limit.max, "min": limit.min, "text": dict(limit.text),
                          "when": None if limit.when is None else {"field": limit.when.field,
                                                                   "value": limit.when.value}}
                         for limit in spec.input_limits],
        "documents": None if spec.documents is None else {
            "confidence": spec.documents.confidence.value, "items": [dict(item) for item in spec.documents.items]},
        "depends_on": list(spec.depends_on),
        "stacking": [{"group": g.id, "kind": g.kind.value, "members": list(g.members), "text": dict(g.text),
                      "confidence": g.confidence.value} for g in catalogue.stacking if program.id in g.members],
        "sources": list(spec.sources),
        "official_text": spec.official_text,
        "checked": _iso(spec.checked), "added": _iso(spec.added),
    }


def _criterion(c: CriterionSpec) -> dict[str, Any]:
    return {"id": c.id, "text": dict(c.text), "input": c.field, "op": c.op.value, "value": _jsonable(c.value),
            "branch": c.branch, "confidence": c.confidence.value, "source": list(c.source),
            "effective_from": _iso(c.effective_from), "effective_to": _iso(c.effective_to)}


def _benefit(row: BenefitSpec) -> dict[str, Any]:
    return {"kind": row.kind.value, "money_kind": str(row.money_kind), "text": dict(row.text), "pool": _text(row.pool),
            "from": _iso(row.effective_from), "to": _iso(row.effective_to)}


def _role(spec: Any, name: str) -> str | None:
    return next((row.role for row in spec.figures if row.name == name), None)


def describe_catalogue(catalogue: Catalogue) -> dict[str, Any]:
    return {
        "tables_version": catalogue.tables_version,
        "reference_revision": _iso(catalogue.reference_revision),
        "programs": [describe_program(catalogue, catalogue.programs[pid]) for pid in sorted(catalogue.programs)],
    }


def _value(level: Confidence | None) -> str | None:
    return None if level is None else level.value


def _jsonable(value: object) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list | tuple | frozenset | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, BandLookup):
        return {"lookup": value.lookup, "key": value.key}
    if isinstance(value, FigureRef):
        return {"figure": value.figure}
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def field_usage(catalogue: Catalogue, outcome_only: bool = False) -> dict[str, dict[str, list[str]]]:
    """For each subject (company / person) and profile field: the ids of the programs that use it
    (in criteria, flags, cohort, benefit inputs or item conditions, directly or through a derived value).
    ``outcome_only``: only where it can change a result's status, amount or items (not in flags, input limits, the
    self-check beside a result, or only quoted in item texts)."""
    inputs = value_inputs(catalogue)
    usage: dict[str, dict[str, list[str]]] = {"company": {}, "person": {}}
    for program in catalogue.programs.values():
        spec, names = program.spec, []
        checked = spec.self_check.criteria if spec.self_check and not outcome_only else ()
        for crit in (*spec.criteria, *checked):
            names += criterion_fields(crit, inputs)
        if not outcome_only:
            names += [n for item in spec.flags if item.when for leaf in item.when.leaves for n in inputs(leaf.field)]
        if spec.cohort:
            names.append(spec.cohort.field)
        if not outcome_only:
            names += [limit.field for limit in spec.input_limits]
        names += benefit_fields(program, inputs, outcome_only)
        target = usage[program.subject]
        for name in dict.fromkeys(names):
            target.setdefault(name, []).append(program.id)
    return usage


def value_inputs(catalogue: Catalogue) -> Callable[[str | None], list[str]]:
    """A value's name (a profile field or a derived value) to the profile fields it rests on."""
    derived_inputs = {name: list(spec.inputs) for name, spec in catalogue.derived.items()}

    def inputs(name: str | None) -> list[str]:
        if not name:
            return []
        return derived_inputs.get(name, [name])

    return inputs


def criterion_fields(crit: CriterionSpec, inputs: Callable[[str | None], list[str]]) -> list[str]:
    """The profile fields a criterion reads (its value's, and a band's key); ``inputs`` as in
    :func:`benefit_fields`."""
    names = inputs(crit.field)
    if isinstance(crit.value, BandLookup):
        names = names + inputs(crit.value.key)
    return names


def benefit_fields(program: Program, inputs: Callable[[str | None], list[str]], outcome_only: bool) -> list[str]:
    """The profile fields the program's benefit formulas read (of every dated row, case and part), in the order
    :func:`field_usage` lists them; ``inputs`` turns a value's name into its profile inputs."""
    names: list[str] = []
    for benefit in program.spec.benefit_nodes():
        entry = REGISTRY[benefit.kind]
        params = benefit.params
        for path in entry.values if not outcome_only else [p for p in entry.values if p not in entry.quoted]:
            names += [n for _, name in resolve(params, path) for n in inputs(name)]
        for path in entry.conditions:
            names += [n for _, when in resolve(params, path) for leaf in when.leaves for n in inputs(leaf.field)]
        if isinstance(params, ByConditionParams):
            names += [n for case in params.cases for leaf in case.when.leaves for n in inputs(leaf.field)]
        names += entry.inputs
    return names
