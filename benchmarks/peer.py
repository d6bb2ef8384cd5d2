"""A peer side by side: OpenFisca's web API ``/calculate`` beside our API assessment, same server, same client.

    python benchmarks/peer.py [--rounds 3] [--duration 10] [--connections 32] [--server sync|granian|nginx]

Installs nothing: needs OpenFisca's web API and country template, and says so when they are missing. Install them
with ``pip install -e '.[bench]'`` then ``pip install --no-deps 'openfisca-country-template>=8,<9'`` (the template's
own requirements pin gunicorn<23, below ours: ``pyproject.toml``). Serves OpenFisca's web API on its country template
(``benchmarks/openfisca_app.py``) and ours with the same gunicorn command and settings (``make run``'s: the
settings of ``calculator/gunicorn_conf.py``, ``--preload``, 2 sync workers), one after the other, the order
alternating over ``--rounds``, and measures each with the browser-like client (``httpload.py``):

* OpenFisca ``POST /calculate``: a household of two adults (salaries, rent, a tenant) asking for the template's
  benefit and tax variables: per person income tax, social security contribution, basic income and pension; per
  household housing allowance, parenting allowance, housing tax, total benefits, total taxes and disposable income;
* ours ``POST /api/v1/assessments?detail=figures``: the Futian example company, every program in the catalogue
  assessed, answered as figures (status, amounts by money kind and certainty, totals, flag codes, missing inputs; no
  sentences): the request comparable with ``/calculate``, whose answer is numbers too; the target's ratio;
* ours ``POST /api/v1/assessments`` beside it: the full answer (each program with its criteria, reasons, gaps and
  sources as sentences; no next questions, which only ``?questions=true`` ranks);
* each app's trivial answer (``GET /entities``, 1.8 kB, for OpenFisca: its ``GET /`` answers 300; ``GET /healthz`` for
  ours), for scale.

Prints req/s, p50/p99 and the workers' CPU ms per request, medians over the rounds, and the ratios of our CPU per
request to OpenFisca's (target <= 0.5 for the figures, issue #16; the full answer's ratio is printed beside it).
``--server granian`` serves both apps with granian's WSGI workers instead (``servers.py``: 2 workers of one Python
thread, each app with the same garbage-collector settings, ``benchmarks/tuned_app.py``), so the comparison stays
one server against itself. ``--server nginx`` puts nginx in front of ours only (``scripts/serve`` serves the
calculator alone), so it is not the default.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import load, servers
from benchmarks.httpload import Request

OPENFISCA_APP = "benchmarks.openfisca_app:create_app()"
MONTH, YEAR = "2026-01", "2026"
TARGET_RATIO = 0.5


def household() -> dict[str, Any]:
    """Two adults in one household, asking for the template's benefit and tax variables."""
    def person(birth: str, salary: int) -> dict[str, Any]:
        asked = {name: {MONTH: None} for name in ("income_tax", "social_security_contribution", "basic_income",
                                                  "pension")}
        return {"birth": {"ETERNITY": birth}, "salary": {MONTH: salary}, **asked}
    asked = {name: {MONTH: None} for name in ("housing_allowance", "parenting_allowance", "total_benefits",
                                              "total_taxes", "disposable_income")}
    return {"persons": {"Alicia": person("1980-01-01", 4000), "Javier": person("1984-01-01", 2500)},
            "households": {"_": {"adults": ["Alicia", "Javier"], "rent": {MONTH: 1100},
                                 "housing_occupancy_status": {MONTH: "tenant"}, "accommodation_size": {MONTH: 70},
                                 "housing_tax": {YEAR: None}, **asked}}}


THEIRS, FIGURES, FULL = "OpenFisca /calculate", "ours ?detail=figures", "ours full answer"
Measured = tuple[str, Request, str]  # (row, request, what the answer must contain)


def requests() -> dict[str, tuple[str, Request, list[Measured]]]:
    """app -> (gunicorn app, trivial request, the measured requests)."""
    body = json.dumps(household()).encode()
    ours = json.dumps(json.loads(load.EXAMPLE.read_text(encoding="utf-8")), ensure_ascii=False).encode()

    def assessment(query: str) -> Request:
        return Request("POST", f"/api/v1/assessments?lang=en&as_of={load.AS_OF}{query}",
                       {"Content-Type": "application/json"}, ours)

    return {
        "OpenFisca": (OPENFISCA_APP, Request("GET", "/entities"), [
            (THEIRS, Request("POST", "/calculate", {"Content-Type": "application/json"}, body),
             '"disposable_income"')]),
        "ours": (servers.OUR_APP, Request("GET", "/healthz"), [
            (FIGURES, assessment("&detail=figures"), '"detail":"figures"'), (FULL, assessment(""), '"criteria"')]),
    }


def check(base: str, request: Request, marker: str) -> bytes:
    status, _, answer = load.fetch(base, request)
    if status != 200 or marker.encode() not in answer:
        raise RuntimeError(f"{request.method} {request.path}: HTTP {status}, or the answer lacks {marker}")
    return answer


def run_app(spec: tuple[str, Request, list[Measured]], args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Each measured request's figures (and the trivial request's, as ``trivial``) on one server."""
    app, trivial, measured = spec
    kind = args.server if app == servers.OUR_APP or args.server != "nginx" else "sync"
    server = servers.Server(servers.Setup.of(kind), app=app, ready_path=trivial.path)
    try:
        server.start()
        answers = {row: check(server.base, request, marker) for row, request, marker in measured}
        options = argparse.Namespace(client="keepalive", close_delay=0.0, connections=args.connections,
                                     duration=args.duration)
        out = {"trivial": load.measure(server, [trivial], options)}
        for row, request, _ in measured:
            out[row] = {**load.measure(server, [request], options), "bytes": len(answers[row])}
            if app == servers.OUR_APP:
                out[row]["programs"] = len(json.loads(answers[row])["programs"])
        return out
    finally:
        server.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--server", choices=("sync", "granian", "nginx"), default="sync",
                        help="the server of both apps (nginx: in front of ours only, gunicorn sync for theirs)")
    args = parser.parse_args()
    missing = [m for m in ("openfisca_web_api", "openfisca_country_template") if importlib.util.find_spec(m) is None]
    if missing:
        print(f"not installed: {', '.join(missing)}. Install them: .venv/bin/pip install -e '.[bench]' && "
              ".venv/bin/pip install --no-deps 'openfisca-country-template>=8,<9'", file=sys.stderr)
        return 2
    specs = requests()
    runs: dict[str, list[dict[str, dict[str, Any]]]] = {name: [] for name in specs}
    print(f"peer: {servers.Setup.of(args.server).label}, 2 workers, calculator/gunicorn_conf.py settings; "
          f"browser-like client, {args.connections} connections, {args.duration} s per figure, {args.rounds} rounds; "
          f"reference loop {servers.reference_loop_us():.0f} us CPU")
    try:
        for round_ in range(args.rounds):
            names = list(specs) if round_ % 2 == 0 else list(reversed(specs))
            for name in names:
                runs[name].append(run_app(specs[name], args))
            print(f"  round {round_ + 1} done (load {os.getloadavg()[0]:.1f})", flush=True)
    except RuntimeError as exc:
        print(f"peer benchmark failed: {exc}", file=sys.stderr)
        return 2
    print(f"{'':<28}{'answer':>10}{'req/s':>9}{'p50 ms':>9}{'p99 ms':>9}{'CPU ms/req':>12}{'trivial CPU':>13}")
    cpu = {}
    for name, (_, _, measured) in specs.items():
        rs = runs[name]
        trivial = statistics.median(r["trivial"]["cpu_ms"] for r in rs)
        for row, _, _ in measured:
            med = {f: statistics.median(r[row][f] for r in rs) for f in ("rps", "p50", "p99", "cpu_ms")}
            cpu[row] = med["cpu_ms"]
            print(f"{row:<28}{rs[0][row]['bytes']:>9,}B{med['rps']:>9.1f}{med['p50']:>9.1f}{med['p99']:>9.1f}"
                  f"{med['cpu_ms']:>12.2f}{trivial:>13.2f}")
    programs = runs["ours"][0][FIGURES]["programs"]
    asked = sum(value is None for entity in household().values() for member in entity.values()
                for periods in member.values() if isinstance(periods, dict) for value in periods.values())
    print(f"ours: {programs} programs assessed per request; OpenFisca: {asked} values computed for 2 people in 1 "
          "household")
    ratio = cpu[FIGURES] / cpu[THEIRS]
    print(f"ratio of CPU per request, ours full answer / OpenFisca: {cpu[FULL] / cpu[THEIRS]:.2f} (no target)")
    print(f"ratio of CPU per request, ours figures / OpenFisca: {ratio:.2f} (target <= {TARGET_RATIO}) "
          f"{'met' if ratio <= TARGET_RATIO else 'MISSED'}")
    return 0 if ratio <= TARGET_RATIO else 1

if __name__ == "__main__":
    sys.exit(main())
