"""Describe the loaded catalogue for people and other programs: ids, names, dates, figures, sources."""

from __future__ import annotations

from typing import Any

from calculator.engine.model import Catalogue, Program, weakest


def _iso(day: Any) -> str | None:
    return day.isoformat() if day else None


def rests_on(program: Program) -> str:
    """The weakest confidence among everything the program's rules use (dates, criteria, figures)."""
    spec = program.spec
    levels = [spec["effective"]["confidence"]]
    levels += [c["confidence"] for c in spec["criteria"]]
    levels += [row.confidence for rows in program.figures.values() for row in rows]
    for key in ("end_confidence", "valid_for_confidence"):
        if spec["effective"].get(key):
            levels.append(spec["effective"][key])
    if spec.get("cohort"):
        levels.append(spec["cohort"]["confidence"])
    return weakest(*levels)


def describe_program(catalogue: Catalogue, program: Program) -> dict[str, Any]:
    """Everything a reviewer needs about one program, bilingual, JSON-ready."""
    spec = program.spec
    eff = spec["effective"]
    return {
        "id": program.id,
        "family": program.family,
        "applies_to": spec["applies_to"],
        "certainty": spec["certainty"],
        "name": spec["name"],
        "summary": spec["summary"],
        "issuer": spec["issuer"],
        "instrument": spec["instrument"],
        "effective": {
            "from": _iso(eff["start"]), "to": _iso(eff.get("end")), "basis": eff["basis"],
            "confidence": eff["confidence"], "source": eff["source"],
            "end_confidence": eff.get("end_confidence"),
            "valid_for_years": eff.get("valid_for_years"), "valid_for_confidence": eff.get("valid_for_confidence"),
            "note": eff.get("note"),
        },
        "cohort": None if not spec.get("cohort") else {
            "field": spec["cohort"]["field"], "closed_from": _iso(spec["cohort"]["closed_from"]),
            "confidence": spec["cohort"]["confidence"], "text": spec["cohort"]["text"]},
        "confidence": rests_on(program),
        "window": {"mode": spec["window"]["mode"], "text": spec["window"].get("text"),
                   "periods": [{"opens": _iso(p["opens"]), "closes": _iso(p["closes"]), "confidence": p["confidence"],
                                "source": p["source"]} for p in spec["window"]["periods"]]},
        "branches": [{"id": b["id"], "text": b["text"]} for b in spec["branches"]],
        "criteria": [
            {"id": c["id"], "text": c["text"], "input": c["field"], "op": c["op"], "value": _jsonable(c.get("value")),
             "branch": c.get("branch"), "confidence": c["confidence"], "source": c["source"],
             "effective_from": _iso(c.get("effective_from")), "effective_to": _iso(c.get("effective_to"))}
            for c in spec["criteria"]],
        "benefit": {"kind": spec["benefit"]["kind"], "text": spec["benefit"]["text"],
                    "pool": spec["benefit"].get("pool")},
        "figures": [
            {"name": row.name, "value": _jsonable(row.value), "unit": row.unit, "confidence": row.confidence,
             "source": list(row.source), "effective_from": _iso(row.effective_from),
             "effective_to": _iso(row.effective_to), "instrument": row.instrument, "note": row.note}
            for rows in program.figures.values() for row in rows],
        "advisories": [a["text"] for a in spec["advisories"]],
        "documents": spec.get("documents"),
        "depends_on": spec["depends_on"],
        "stacking": [{"group": g["id"], "kind": g["kind"], "members": g["members"], "text": g["text"],
                      "confidence": g["confidence"]} for g in catalogue.stacking if program.id in g["members"]],
        "sources": spec["sources"],
        "official_text": spec.get("official_text"),
    }


def describe_catalogue(catalogue: Catalogue) -> dict[str, Any]:
    return {
        "tables_version": catalogue.tables_version,
        "programs": [describe_program(catalogue, catalogue.programs[pid]) for pid in sorted(catalogue.programs)],
    }


def _jsonable(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, list | frozenset | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def field_usage(catalogue: Catalogue) -> dict[str, dict[str, list[str]]]:
    """For each subject (company / person) and profile field: the ids of the programs that use it
    (in criteria, flags, cohort, benefit inputs or item conditions, directly or through a derived value)."""
    keys = ("numerator", "denominator", "input", "sector", "employees", "revenue")
    derived_inputs = {name: [spec[k] for k in keys if spec.get(k)] for name, spec in catalogue.derived.items()}

    def inputs(name: str | None) -> list[str]:
        if not name:
            return []
        return derived_inputs.get(name, [name])

    usage: dict[str, dict[str, list[str]]] = {"company": {}, "person": {}}
    for program in catalogue.programs.values():
        spec, names = program.spec, []
        for crit in spec["criteria"]:
            names += inputs(crit["field"])
            if isinstance(crit.get("value"), dict) and "key" in crit["value"]:
                names += inputs(crit["value"]["key"])
        names += [n for item in spec["flags"] for n in inputs(item["when"]["field"])]
        if spec.get("cohort"):
            names.append(spec["cohort"]["field"])
        benefit = spec["benefit"]
        for key in ("base", "category", "count", "expensed", "amortised", "limit"):
            names += inputs(benefit.get(key))
        if isinstance(benefit.get("rate"), dict):
            names.append(benefit["rate"]["by"])
        if benefit.get("base_limit"):
            names += inputs(benefit["base_limit"]["of"])
        names += [n for item in benefit.get("items") or [] if item.get("when") for n in inputs(item["when"]["field"])]
        if benefit["kind"] in ("iit_excess_over_share", "iit_excess_over_hk_burden"):
            names += ["annual_gross_income", "special_deductions", "taxable_income", "iit_paid"]
        if benefit["kind"] == "iit_excess_over_hk_burden":
            names.append("fx_cny_per_hkd")
        target = usage[program.subject]
        for name in dict.fromkeys(names):
            target.setdefault(name, []).append(program.id)
    return usage
