"""Every API assessment answer for a fixed set of requests, to compare two versions of the code byte for byte.

    python benchmarks/api_answers.py --root /work/main --out /tmp/main.jsonl [--generated 300]
    python benchmarks/api_answers.py --compare /tmp/main.jsonl /tmp/branch.jsonl

Runs ``POST /api/v1/assessments`` (and ``/assessments/people``) through the Flask test client of the code under
``--root`` for: the example profiles and ``--generated`` generated ones (benchmarks/profiles.py, a company with one
to three people, sent as JSON the way a client writes them), in both languages, every view (the full answer,
``?detail=figures``, ``?questions=true``); and error answers (422s: values out of range, unknown codes, wrong
types, unknown fields, a date before the founding, bad query values; 400/415 bodies). Each line holds the
request's key, the status, the headers that carry meaning, the body's length and SHA-256 (and an error's body as
text). ``--compare`` reports every difference and exits 1 when there is one. Nothing is timed. It runs with
``PYTHONHASHSEED=0`` (it restarts itself so): the order of "unknown field" errors follows Python's string hashing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import sys
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

AS_OF = "2026-11-21"
HEADERS = ("Content-Type", "Content-Language", "Cache-Control", "Vary")


def plain(profile: Any) -> Any:
    """A generated profile as a client's JSON: amounts as numbers, or as text for every seventh, dates as ISO text."""
    return json.loads(json.dumps(profile, default=_client_value))


def _client_value(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value) if value % 7 == 0 else (int(value) if value == value.to_integral_value() else float(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"not in a generated profile: {value!r}")


def broken(rng: random.Random, profile: dict[str, Any]) -> dict[str, Any]:
    """A generated profile with one to three wrong answers (what a 422 names)."""
    out = json.loads(json.dumps(profile))
    wrongs = [("revenue_latest", -5), ("employees", "many"), ("registration_district", "atlantis"),
              ("founding_date", "31/31/2020"), ("employees", 10**12), ("rd_expense_latest", [1]),
              ("unknown_field", 1), ("hightech_certified", "perhaps"), ("industry_codes", "ai"),
              ("revenue_latest", "12 apples")]
    for name, value in rng.sample(wrongs, rng.randint(1, 3)):
        out["company"][name] = value
    if out.get("people") and rng.random() < 0.5:
        out["people"][0]["degree"] = "wizard"
        out["people"][0]["annual_gross_income"] = -1
    return out


def repaired(service: Any, profile: dict[str, Any]) -> dict[str, Any] | None:
    """A generated profile with every answer the schema refuses left blank, so that it is assessed; None when
    blanks do not help (an answer required by another)."""
    from benchmarks.profiles import blank_refused  # the checkout's under --root, as generate()

    out = json.loads(json.dumps(profile))
    return out if blank_refused(service, out, AS_OF, rounds=6) else None


def profiles(generated: int, root: Path) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """(name, body) of the examples and ``generated`` valid generated profiles; and of 20 generated as they come."""
    from benchmarks.profiles import generate
    from calculator.app import create_app

    app = create_app({"TESTING": True})
    service = app.extensions["service"]
    choices = app.extensions["catalogue"].choices
    bodies: list[tuple[str, Any]] = []
    for path in sorted((root / "examples").glob("*.json")):
        bodies.append((path.stem, json.loads(path.read_text(encoding="utf-8"))))
    rng = random.Random(1204)
    raw: list[tuple[str, Any]] = []
    for index, profile in enumerate(generate(generated * 2, choices, seed=20261204)):
        more = rng.randint(0, 2)
        if more:
            profile["people"] += generate(1, choices, seed=index, people=more)[0]["people"]
        if index < 20:
            raw.append((f"unrepaired-{index}", plain(profile)))
        fixed = repaired(service, plain(profile))
        if fixed is not None and len(bodies) < generated + 4:
            bodies.append((f"generated-{index}", fixed))
    return bodies, raw


def requests(generated: int, root: Path) -> Iterator[tuple[str, str, Any, str]]:
    """(key, path with query, JSON body or raw text, content type)."""
    bodies, raw = profiles(generated, root)
    rng = random.Random(1205)
    views = ("", "&detail=figures", "&questions=true", "&detail=full&questions=false")
    for name, body in bodies:
        for lang in ("en", "zh"):
            for view in views:
                endpoint = "/api/v1/assessments" if "company" in body else "/api/v1/assessments/people"
                yield f"{name}/{lang}/{view}", f"{endpoint}?as_of={AS_OF}&lang={lang}{view}", body, "application/json"
            if body.get("company"):
                people = {"people": body.get("people") or []}
                if people["people"]:
                    yield (f"{name}/{lang}/people", f"/api/v1/assessments/people?as_of={AS_OF}&lang={lang}", people,
                           "application/json")
    for name, body in raw:
        for lang in ("en", "zh"):
            yield f"{name}/{lang}", f"/api/v1/assessments?as_of={AS_OF}&lang={lang}", body, "application/json"
    for name, body in bodies[: max(len(bodies) // 3, 4)]:
        if "company" not in body:
            continue
        bad = broken(rng, body)
        for lang in ("en", "zh"):
            yield f"{name}/{lang}/broken", f"/api/v1/assessments?as_of={AS_OF}&lang={lang}", bad, "application/json"
    example = bodies[0][1]
    odd = [("as_of-early", "/api/v1/assessments?as_of=1990-01-01&lang=en", example, "application/json"),
           ("as_of-bad", "/api/v1/assessments?as_of=yesterday&lang=zh", example, "application/json"),
           ("detail-bad", f"/api/v1/assessments?as_of={AS_OF}&detail=all", example, "application/json"),
           ("questions-figures", f"/api/v1/assessments?as_of={AS_OF}&detail=figures&questions=true", example,
            "application/json"),
           ("lang-bad", f"/api/v1/assessments?as_of={AS_OF}&lang=fr", example, "application/json"),
           ("not-json", f"/api/v1/assessments?as_of={AS_OF}", "company=1", "text/plain"),
           ("malformed", f"/api/v1/assessments?as_of={AS_OF}&lang=zh", "{\"company\": ", "application/json"),
           ("empty-object", f"/api/v1/assessments?as_of={AS_OF}", {}, "application/json"),
           ("people-with-company", f"/api/v1/assessments/people?as_of={AS_OF}", example, "application/json"),
           ("people-none", f"/api/v1/assessments/people?as_of={AS_OF}&lang=zh", {"people": []}, "application/json"),
           ("list-body", f"/api/v1/assessments?as_of={AS_OF}", [1, 2], "application/json")]
    yield from odd


def snapshot(root: Path, out: Path, generated: int) -> None:
    sys.path.insert(0, str(root))
    from calculator.app import create_app

    app = create_app({"TESTING": True})
    client = app.test_client()
    with out.open("w", encoding="utf-8") as sink:
        for key, path, body, kind in requests(generated, root):
            data = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
            response = client.post(path, data=data, content_type=kind)
            raw = response.get_data()
            line = {"key": key, "status": response.status_code,
                    "headers": {name: response.headers.get(name) for name in HEADERS},
                    "sha256": hashlib.sha256(raw).hexdigest(), "bytes": len(raw)}
            if response.status_code != 200:
                line["body"] = raw.decode("utf-8")
            sink.write(json.dumps(line, ensure_ascii=False) + "\n")


def compare(first: Path, second: Path) -> int:
    def read(path: Path) -> dict[str, dict[str, Any]]:
        return {row["key"]: row for row in map(json.loads, path.read_text(encoding="utf-8").splitlines())}

    a, b = read(first), read(second)
    differences = sorted(set(a) ^ set(b))
    for key in differences:
        print(f"only in one: {key}")
    statuses: dict[int, int] = {}
    for key in sorted(set(a) & set(b)):
        statuses[a[key]["status"]] = statuses.get(a[key]["status"], 0) + 1
        for part in ("status", "headers", "sha256"):
            if a[key][part] != b[key][part]:
                differences.append(key)
                print(f"{key}: {part} differs")
                break
    print(f"{len(a)} and {len(b)} answers compared (statuses {dict(sorted(statuses.items()))}), "
          f"{len(differences)} differ")
    return 1 if differences else 0


def main(argv: list[str] | None = None) -> int:
    if os.environ.get("PYTHONHASHSEED") != "0":
        os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "PYTHONHASHSEED": "0"})
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--out", type=Path)
    parser.add_argument("--generated", type=int, default=300)
    parser.add_argument("--compare", nargs=2, type=Path)
    args = parser.parse_args(argv)
    if args.compare:
        return compare(*args.compare)
    if args.out is None:
        parser.error("--out or --compare")
    snapshot(args.root.resolve(), args.out, args.generated)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
