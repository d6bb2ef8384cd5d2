"""Random but plausible profiles (already validated shapes) for benchmarks and differential tests."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from schemas.profile import field_catalogue

FIELDS = field_catalogue()
TRI = (True, False, None)


def _value(rng: random.Random, kind_of: str, name: str, meta: dict[str, Any], choices: dict[str, set[str]]) -> Any:
    kind = meta["type"]
    if rng.random() < 0.12:
        return None
    if kind == "Money":
        low = -5_000_000 if (kind_of, name) == ("company", "taxable_income") else 0
        spans = (rng.randint(low, 3_000_000), rng.randint(0, 80_000_000), rng.randint(0, 400_000_000))
        return Decimal(rng.choice(spans))
    if kind == "Percent":
        return Decimal(rng.randint(30, 100))
    if kind == "Ratio":
        return Decimal("0.92")
    if kind == "Count":
        return rng.randint(0, 600)
    if kind == "Year":
        return rng.choice([2022, 2023, 2024, 2025, 2026])
    if kind == "TriState":
        return rng.choice(TRI)
    if kind == "Day":
        return dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 4300))
    if kind == "Code":
        return rng.choice(sorted(choices[meta["table"]]))
    if kind == "CodeList":
        return rng.sample(sorted(choices[meta["table"]]), rng.randint(0, 2))
    return None


def subject(rng: random.Random, kind: str, choices: dict[str, set[str]]) -> dict[str, Any]:
    out = {name: _value(rng, kind, name, meta, choices) for name, meta in FIELDS[kind].items()}
    for name in ("name", "uscc", "ref", "department"):
        if name in out:
            out[name] = None
    if kind == "company" and out.get("st_staff") is not None and out.get("employees") is not None:
        out["st_staff"] = min(out["st_staff"], out["employees"])
    return out


def generate(count: int, choices: dict[str, set[str]], seed: int = 20261121, people: int = 1) -> list[dict[str, Any]]:
    """``count`` assessments, each a company with ``people`` people."""
    rng = random.Random(seed)
    return [{"company": subject(rng, "company", choices),
             "people": [subject(rng, "person", choices) for _ in range(people)]} for _ in range(count)]


def blank_refused(service: Any, data: dict[str, Any], as_of: str, rounds: int = 10) -> bool:
    """Leave blank, in place, every answer the schema refuses (the generator knows neither the fields' bounds nor
    the rules between fields), a round at a time; True once the profile is accepted."""
    from calculator.service import InputRejected

    for _ in range(rounds):
        try:
            service.check(data, as_of, "en")
            return True
        except InputRejected as exc:
            for error in exc.errors:
                path = error.as_dict()["field"].split(".")
                holder: Any = data
                for part in path[:-1]:
                    holder = holder[int(part)] if part.isdigit() else holder.get(part, {})
                if isinstance(holder, dict) and path[-1] in holder:
                    holder[path[-1]] = None
    return False
