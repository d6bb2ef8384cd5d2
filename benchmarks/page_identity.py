"""Pages and answers byte for byte, before and after a change: write them from one checkout, compare with another.

    python benchmarks/page_identity.py write DIR [--count 150]    # with the checkout's own .venv
    python benchmarks/page_identity.py compare DIR_BEFORE DIR_AFTER

``write`` posts, through the Flask test client with CSRF checks on (as in production), in English and Chinese:
the results page (``POST /company``, ``POST /talent``) and the page of questions of every example and of
``--count`` generated profiles (a company with one person each, ``benchmarks/profiles.py``), a program's page,
``POST /api/v1/assessments?questions=true`` (the ranking as the API shows it) for the examples and the first
generated profiles, and error pages (a form with errors, a missing CSRF token, an unknown page, a body too large).
Each answer is written to DIR as a file; CSRF tokens are masked. ``compare`` names every answer that differs and
exits 1 if any does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.profiles import blank_refused, generate
from benchmarks.snapshots import command_line
from calculator.app import create_app
from calculator.engine.cases import jsonish
from calculator.web.travel import hidden_fields

EXAMPLES = Path(sys.modules["calculator"].__file__).resolve().parents[1] / "examples"  # the checkout under test
AS_OF = "2026-11-21"
LANGS = ("en", "zh")
TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*(")')


def accepted(service: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The profile without the answers the schema refuses (generated numbers ignore some fields' bounds), so most
    generated profiles reach the results page; every fourth is kept as generated (its form comes back with errors)."""
    blank_refused(service, data, AS_OF)
    return data


def subjects(count: int) -> list[tuple[str, dict[str, Any]]]:
    """(name, assessment input) of the examples and ``count`` generated profiles."""
    out = [(path.stem, json.loads(path.read_text(encoding="utf-8"))) for path in sorted(EXAMPLES.glob("*.json"))]
    app = create_app({"TESTING": True})
    service = app.extensions["service"]
    for index, profile in enumerate(generate(count, app.extensions["catalogue"].choices)):
        data = jsonish(profile)
        out.append((f"gen{index:03d}", data if index % 4 == 3 else accepted(service, data)))
    return out


def write(target: Path, count: int) -> None:
    target.mkdir(parents=True, exist_ok=True)
    app = create_app({"TESTING": True})
    client = app.test_client()
    page = client.get("/company?lang=en").get_data(as_text=True)
    token = TOKEN.search(page)
    assert token, "no CSRF token on the company form"
    csrf = token.group(0).split('value="')[1].rstrip('"')
    written = 0

    def keep(key: str, response: Any) -> None:
        nonlocal written
        body = TOKEN.sub(r"\1-\2", response.get_data(as_text=True))
        (target / f"{key}.txt").write_text(f"{response.status_code}\n{body}", encoding="utf-8")
        written += 1

    def post(path: str, fields: list[tuple[str, str]]) -> Any:
        return client.post(path, data=urllib.parse.urlencode([("csrf_token", csrf), *fields]),
                           content_type="application/x-www-form-urlencoded")

    for index, (name, data) in enumerate(subjects(count)):
        company = {"company": data["company"]} if data.get("company") else None
        people = {"people": data["people"]} if data.get("people") else None
        for lang in LANGS:
            if company:
                fields = hidden_fields(company, AS_OF)
                keep(f"{name}-company-{lang}", post(f"/company?lang={lang}", fields))
                if index < 12:
                    keep(f"{name}-company-questions-{lang}", post(f"/company/questions?lang={lang}", fields))
            if people:
                fields = hidden_fields(people, AS_OF)
                keep(f"{name}-talent-{lang}", post(f"/talent?lang={lang}", fields))
                if index < 12:
                    keep(f"{name}-talent-questions-{lang}", post(f"/talent/questions?lang={lang}", fields))
            if index < 40:
                keep(f"{name}-api-{lang}", client.post(f"/api/v1/assessments?questions=true&lang={lang}",
                                                       json={**data, "as_of": AS_OF}))
    futian = json.loads((EXAMPLES / "futian-hightech-scaleup.json").read_text(encoding="utf-8"))
    fields = hidden_fields({"company": futian["company"]}, AS_OF)
    for lang in LANGS:
        keep(f"program-{lang}", post(f"/company/program/sz-hnte-cit-rate?lang={lang}", fields))
        bad = [(k, "lots" if k.endswith("employees") else v) for k, v in fields]
        keep(f"error-form-{lang}", post(f"/company?lang={lang}", bad))
        keep(f"error-csrf-{lang}", client.post(f"/company?lang={lang}", data=urllib.parse.urlencode(fields),
                                                 content_type="application/x-www-form-urlencoded"))
        keep(f"error-404-{lang}", client.get(f"/nowhere?lang={lang}"))
        keep(f"error-413-{lang}", post(f"/company?lang={lang}", [("company-name", "x" * 3_000_000)]))
    print(f"{written} answers written to {target}")


def digest(path: Path) -> bytes:
    return hashlib.sha256(path.read_bytes()).digest()


def compare(before: Path, after: Path) -> int:
    names = sorted(p.name for p in before.glob("*.txt"))
    others = {p.name for p in after.glob("*.txt")}
    differ = [n for n in names if n not in others or digest(before / n) != digest(after / n)]
    missing = sorted(others - set(names))
    for name in differ[:40]:
        print("differs:", name)
    for name in missing[:10]:
        print("only after:", name)
    statuses: dict[str, int] = {}
    for name in names:
        status = (before / name).read_text(encoding="utf-8").split("\n", 1)[0]
        statuses[status] = statuses.get(status, 0) + 1
    print(f"{len(names)} answers compared (statuses {statuses}): {len(differ)} differ, {len(missing)} only after")
    return 1 if differ or missing else 0


def options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("dir", type=Path)
    parser.add_argument("--count", type=int, default=150)


def main() -> int:
    return command_line(__doc__ or "", lambda args: write(args.dir, args.count), compare, options)


if __name__ == "__main__":
    sys.exit(main())
