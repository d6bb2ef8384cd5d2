"""Load benchmark: the real app under its server, driven by a browser-like client (connections held open).

    python benchmarks/load.py [--server nginx|sync|gthread|granian|uwsgi] [--duration 10]
                              [--connections 32] [--workers 2]
                              [--client keepalive|wrk] [--close-delay MS] [--gunicorn-path DIR] [--soak 600]

Starts the server (``servers.py``; default ``nginx``: ``scripts/serve``, what ``make serve`` runs in production)
on a free loopback port in its own process group, checks each request once (status, content type, content),
then measures each endpoint in turn for ``--duration`` seconds at ``--connections`` concurrent connections with
``httpload.py`` (keep-alive like a browser; ``--client wrk`` for wrk instead):

* ``GET /healthz``: the trivial endpoint of the same app, measured in the same run as the yardstick;
* ``GET /``: the home page;
* ``POST /company``: the company assessment through the real form path (CSRF token and session cookie from
  ``GET /company`` first), the Futian example, results page in English;
* ``POST /company/workbook``: the same form answered with the .xlsx workbook (reported, no target);
* ``POST /api/v1/assessments``: the same company as JSON (the full answer, the default: no next questions);
* ``POST /api/v1/assessments?detail=figures``: its figures alone (the request comparable with a peer's).

For each: req/s, p50/p99 latency (send to last byte, connect included when the server closed the connection),
the app server's CPU milliseconds per request (user + system time over the requests served, of every process of
the server apart from the front's: workers and master; on this shared 2-core machine far steadier than req/s), the
front's (nginx's, uWSGI's router's) CPU per request when there is one, and the client's own.
Then the results page size (bytes of HTML, each example company, both languages). ``--soak N`` then runs all five
in turn for N seconds, sampling the workers' memory every 30 s. Exit code 1 when a target is missed, 2 when the
run could not be made. Targets (issue #16): web assessment <= 2.5 ms CPU/request, API <= 1.5 ms, p99 < 50 ms for
both at 32 connections and 2 workers, results page HTML <= 60 kB for every example company.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import shutil
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import httpload, servers, wrkload
from benchmarks.httpload import Request

ROOT = servers.ROOT
EXAMPLES = ROOT / "examples"
EXAMPLE = EXAMPLES / "futian-hightech-scaleup.json"
AS_OF = "2026-11-21"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CPU_TARGETS = {"company": 2.5, "api": 1.5}   # ms of worker CPU per request
P99_TARGET_MS = 50.0
PAGE_TARGET = 60_000                          # bytes of results page HTML
GROWTH_TARGET = 0.10


@dataclass(frozen=True)
class Endpoint:
    name: str
    key: str
    request: Request
    expect: str
    marker: str = ""


# --- the requests ----------------------------------------------------------------------------------------------
def subject_form(head: str, values: dict[str, Any]) -> list[tuple[str, str]]:
    """A subject's answers as the web form posts them (lists as repeated fields plus a ``__present`` marker)."""
    form = []
    for key, value in values.items():
        if isinstance(value, list):
            form += [(f"{head}{key}", str(v)) for v in value]
            form.append((f"{head}{key}__present", "1"))
        else:
            form.append((f"{head}{key}", str(value)))
    return form


def company_form(example: Path = EXAMPLE) -> list[tuple[str, str]]:
    company = json.loads(example.read_text(encoding="utf-8"))["company"]
    return [*subject_form("company-", company), ("as_of", AS_OF)]


def csrf_session(base: str) -> tuple[str, str]:
    """(csrf token, Cookie header) from a real GET of the company form."""
    with urllib.request.urlopen(f"{base}/company?lang=en", timeout=10) as response:
        page = response.read().decode("utf-8")
        cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not token or not cookies:
        raise RuntimeError("the company form carried no CSRF token or no session cookie")
    return token.group(1), "; ".join(cookies)


def form_request(path: str, form: list[tuple[str, str]], session: tuple[str, str]) -> Request:
    body = urllib.parse.urlencode([("csrf_token", session[0]), *form]).encode()
    return Request("POST", path, {"Content-Type": "application/x-www-form-urlencoded", "Cookie": session[1]}, body)


def endpoints(base: str) -> list[Endpoint]:
    session = csrf_session(base)
    form = company_form()
    api_body = json.dumps(json.loads(EXAMPLE.read_text(encoding="utf-8")), ensure_ascii=False).encode()
    return [
        Endpoint("GET /healthz (trivial)", "trivial", Request("GET", "/healthz"), "application/json"),
        Endpoint("GET / (home page)", "home", Request("GET", "/?lang=en"), "text/html"),
        Endpoint("POST /company (web assessment)", "company", form_request("/company?lang=en", form, session),
                 "text/html", 'class="totals"'),
        Endpoint("POST /company/workbook", "workbook", form_request("/company/workbook?lang=en", form, session),
                 XLSX),
        Endpoint("POST /api/v1/assessments", "api",
                 Request("POST", f"/api/v1/assessments?lang=en&as_of={AS_OF}",
                         {"Content-Type": "application/json"}, api_body), "application/json", '"programs"'),
        Endpoint("POST /api/v1/assessments?detail=figures", "api-figures",
                 Request("POST", f"/api/v1/assessments?lang=en&as_of={AS_OF}&detail=figures",
                         {"Content-Type": "application/json"}, api_body), "application/json", '"detail":"figures"'),
    ]


def fetch(base: str, request: Request) -> tuple[int, str, bytes]:
    """(status, content type, body) of one request made with urllib."""
    r = urllib.request.Request(base + request.path, data=request.body or None, method=request.method,
                               headers=request.headers)
    try:
        with urllib.request.urlopen(r, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("Content-Type", ""), exc.read()


def check_once(base: str, endpoint: Endpoint) -> None:
    """Each request answers 200 with the expected content before it is measured (so errors are not timed)."""
    status, kind, body = fetch(base, endpoint.request)
    if status != 200:
        raise RuntimeError(f"{endpoint.name}: HTTP {status}")
    if not kind.startswith(endpoint.expect):
        raise RuntimeError(f"{endpoint.name}: content type {kind!r}, expected {endpoint.expect!r}")
    if endpoint.marker and endpoint.marker.encode() not in body:
        raise RuntimeError(f"{endpoint.name}: the answer lacks {endpoint.marker!r}")


def page_sizes(base: str) -> list[tuple[str, str, int, int]]:
    """(example, language, HTML bytes, gzip bytes) of the results page for every example with a company."""
    session = csrf_session(base)
    rows = []
    for example in sorted(EXAMPLES.glob("*.json")):
        if "company" not in json.loads(example.read_text(encoding="utf-8")):
            continue
        for lang in ("en", "zh"):
            status, _, body = fetch(base, form_request(f"/company?lang={lang}", company_form(example), session))
            if status != 200 or b'class="totals"' not in body:
                raise RuntimeError(f"results page for {example.stem} ({lang}): HTTP {status}, no totals")
            rows.append((example.stem, lang, len(body), len(gzip.compress(body, 6))))
    return rows


# --- measuring ---------------------------------------------------------------------------------------------------
def settle(base: str, timeout: float = 30.0, path: str = "/healthz") -> None:
    """Wait until the server has finished earlier requests (five /healthz answers in a row within 20 ms each):
    wrk stops at its deadline with requests still queued at the workers, and they must not land in the next
    endpoint's figures."""
    deadline = time.monotonic() + timeout
    fast = 0
    while fast < 5 and time.monotonic() < deadline:
        started = time.monotonic()
        with urllib.request.urlopen(base + path, timeout=10) as response:
            response.read()
        fast = fast + 1 if time.monotonic() - started < 0.020 else 0
    if fast < 5:
        raise RuntimeError(f"the server did not settle within {timeout:.0f} s")


def measure(server: servers.Server, requests: list[Request], args: argparse.Namespace) -> dict[str, Any]:
    """One run of ``requests`` (in turn on every connection): figures plus CPU per request of the workers,
    nginx (when in front) and the client."""
    settle(server.base, path=server.ready_path)
    workers, front = server.server_pids(), server.front_pids()
    before = servers.cpu_seconds(workers), servers.cpu_seconds(front)
    load = os.getloadavg()[0]
    if getattr(args, "client", "keepalive") == "wrk":
        result = wrkload.run(server.base, requests, args.connections, args.duration)
        settle(server.base, path=server.ready_path)  # what wrk left queued is served (and counted) first
    else:
        result = httpload.run(servers.HOST, server.port, requests, args.connections, args.duration,
                              args.close_delay / 1000)
    after = servers.cpu_seconds(workers), servers.cpu_seconds(front)
    n = max(result.requests, 1)
    return {"requests": result.requests, "rps": result.rps, "p50": result.percentile(50),
            "p99": result.percentile(99), "errors": result.errors, "cpu_ms": (after[0] - before[0]) / n * 1000,
            "front_ms": (after[1] - before[1]) / n * 1000, "client_ms": result.client_cpu_s / n * 1000,
            "reconnects": max(0, result.connections_opened - args.connections) / n, "load": load,
            "busy": (after[0] - before[0]) / max(result.duration_s * len(server.worker_pids()), 1e-9)}


# --- the report --------------------------------------------------------------------------------------------------
def table(rows: list[tuple[str, dict[str, Any]]], trivial: dict[str, Any]) -> str:
    lines = [f"{'endpoint':<32}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>9}{'errors':>7}{'CPU ms/req':>11}"
             f"{'/ trivial':>10}{'busy':>6}{'nginx ms':>9}{'client ms':>10}{'conn/req':>9}{'load':>6}"]
    for name, r in rows:
        lines.append(f"{name:<32}{r['rps']:>8.1f}{r['p50']:>8.1f}{r['p99']:>9.1f}{r['errors']:>7}{r['cpu_ms']:>11.2f}"
                     f"{r['cpu_ms'] / trivial['cpu_ms']:>10.1f}{r['busy']:>6.0%}{r['front_ms']:>9.2f}"
                     f"{r['client_ms']:>10.2f}{r['reconnects']:>9.2f}{r['load']:>6.1f}")
    lines.append("(CPU ms/req: the app server's user + system time over the requests served (workers and master,\n"
                 " the front apart); / trivial: that figure over /healthz's in this run; busy: that CPU time over the\n"
                 " run's length x workers (workers left waiting show here); nginx ms, client ms: the same for the\n"
                 " front (nginx, uWSGI's router) and for this client;\n"
                 " conn/req: connections opened per request beyond the first ones;\n"
                 " load: the machine's 1-minute load average at the start)")
    return "\n".join(lines)


def verdicts(results: dict[str, dict[str, Any]], pages: list[tuple[str, str, int, int]]) -> list[tuple[str, str, bool]]:
    out = []
    for key, label in (("company", "web assessment"), ("api", "API assessment")):
        cpu, p99 = results[key]["cpu_ms"], results[key]["p99"]
        out.append((f"{label}: CPU <= {CPU_TARGETS[key]} ms/request", f"{cpu:.2f} ms", cpu <= CPU_TARGETS[key]))
        out.append((f"{label}: p99 < {P99_TARGET_MS:.0f} ms", f"{p99:.1f} ms", p99 < P99_TARGET_MS))
    largest = max(pages, key=lambda row: row[2])
    out.append((f"results page <= {PAGE_TARGET // 1000} kB, every example",
                f"{largest[2] / 1000:.1f} kB ({largest[0]}, {largest[1]})", largest[2] <= PAGE_TARGET))
    errors = sum(r["errors"] for r in results.values())
    out.append(("no errors in the measured runs", str(errors), errors == 0))
    return out


def soak(server: servers.Server, specs: list[Endpoint], args: argparse.Namespace) -> list[tuple[str, str, bool]]:
    """The five requests in turn on every connection for ``args.soak`` seconds, memory sampled every 30 s."""
    pids = server.worker_pids()
    samples = [(0.0, [servers.rss_kib(p) for p in pids])]

    async def run() -> httpload.Result:
        task = asyncio.create_task(httpload.measure(servers.HOST, server.port, [s.request for s in specs],
                                                    args.connections, args.soak, args.close_delay / 1000))
        started = time.monotonic()
        while not task.done():
            await asyncio.wait([task], timeout=30)
            if not task.done():
                samples.append((time.monotonic() - started, [servers.rss_kib(p) for p in pids]))
        return task.result()

    r = asyncio.run(run())
    samples.append((r.duration_s, [servers.rss_kib(p) for p in pids]))
    same = server.worker_pids() == pids
    first, last = samples[0][1], samples[-1][1]
    growth = max((b - a) / a for a, b in zip(first, last, strict=True)) if all(first) else float("inf")
    print(f"soak: {args.soak} s, the five requests in turn, {args.connections} connections: {r.requests} requests, "
          f"{r.rps:.1f} req/s, p50 {r.percentile(50):.1f} ms, p99 {r.percentile(99):.1f} ms, {r.errors} errors")
    for at, sizes in samples:
        print(f"  t={at:6.0f} s  worker RSS (MiB): " + ", ".join(f"{s / 1024:.1f}" for s in sizes))
    return [("soak: zero errors", str(r.errors), r.errors == 0),
            ("soak: same workers throughout (none restarted)", str(same), same),
            (f"soak: worker RSS growth < {GROWTH_TARGET:.0%}", f"{growth:+.1%} (worst worker)", growth < GROWTH_TARGET)]


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--server", choices=("nginx", "sync", "gthread", "granian", "uwsgi"),
                        default="nginx")
    parser.add_argument("--duration", type=int, default=10, help="seconds per endpoint (1-300)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (1-256)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (1-16)")
    parser.add_argument("--threads", type=int, default=None,
                        help="gthread: threads per worker (default 4); granian: Python threads per worker (default 1)")
    parser.add_argument("--keep-alive", type=int, default=2, help="gthread: keep-alive seconds")
    parser.add_argument("--client", choices=("keepalive", "wrk"), default="keepalive")
    parser.add_argument("--close-delay", type=float, default=0.0,
                        help="ms the client takes to close a connection the server closed (a network round trip)")
    parser.add_argument("--gunicorn-path", help="a directory with another gunicorn (pip install --target)")
    parser.add_argument("--skip", nargs="*", default=[], help="endpoint keys not to measure (e.g. workbook home)")
    parser.add_argument("--soak", type=int, default=0, help="then all five in turn for this many seconds (0-3600)")
    args = parser.parse_args(argv)
    if not (1 <= args.duration <= 300 and 1 <= args.connections <= 256 and 1 <= args.workers <= 16
            and 0 <= args.soak <= 3600 and 0 <= args.close_delay <= 2000):
        parser.error("an option is out of its range")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.client == "wrk" and not wrkload.available():
        print("wrk is not installed: apt-get install wrk (Debian)", file=sys.stderr)
        return 2
    if args.server == "nginx" and not (shutil.which("nginx") or Path("/usr/sbin/nginx").exists()):
        print("nginx is not installed (make system), or measure gunicorn alone with --server sync", file=sys.stderr)
        return 2
    threads = args.threads or (1 if args.server == "granian" else 4)
    setup = servers.Setup(args.server, args.workers, threads, args.keep_alive, args.gunicorn_path)
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"incentives-load-{os.getpid()}.log"
    server = servers.Server(setup, log=log)
    try:
        server.start()
        specs = [e for e in endpoints(server.base) if e.key not in args.skip]
        for spec in specs:
            check_once(server.base, spec)
        with urllib.request.urlopen(f"{server.base}/healthz", timeout=5) as response:
            tables = json.load(response)["tables_version"]
        print(f"load: {setup.label}, {args.workers} workers on {server.base}; client {args.client}, "
              f"{args.connections} connections, close delay {args.close_delay:g} ms, {args.duration} s per endpoint; "
              f"{os.cpu_count()} CPUs, tables {tables}; reference loop {servers.reference_loop_us():.0f} us CPU")
        results = {spec.key: measure(server, [spec.request], args) for spec in specs}
        print(table([(spec.name, results[spec.key]) for spec in specs], results["trivial"]))
        pages = page_sizes(server.base)
        print("results page (POST /company), bytes of HTML (gzip -6 in brackets, nginx does not compress):")
        for stem, lang, size, packed in pages:
            print(f"  {stem:<28} {lang}  {size:>8,}  ({packed:,})")
        checks = verdicts(results, pages) if {"company", "api"} <= results.keys() else []
        if args.soak:
            checks += soak(server, specs, args)
        print("targets:")
        for label, figure, met in checks:
            print(f"  {label:<46} {figure:<30} {'met' if met else 'MISSED'}")
        missed = [label for label, _, met in checks if not met]
        print("targets met" if not missed else f"targets missed: {len(missed)} of {len(checks)}")
        return 1 if missed else 0
    except (RuntimeError, OSError, ValueError) as exc:
        print(f"load benchmark failed: {exc}", file=sys.stderr)
        if log.exists():
            print(log.read_text(errors="replace")[-4000:], file=sys.stderr)
        return 2
    finally:
        server.stop()
        log.unlink(missing_ok=True)


if __name__ == "__main__":
    sys.exit(main())
