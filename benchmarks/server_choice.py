"""Which server setup, measured: gunicorn version, worker class, keep-alive, nginx in front (issue #16 item 4).

    python benchmarks/server_choice.py [--rounds 2] [--duration 6] [--connections 32]
        [--setups sync sync@23.0.0 gthread nginx nginx@23.0.0 granian granian:2 uwsgi]
        [--clients keepalive delay20 wrk]
        [--versions DIR]

Each setup (``servers.py``; ``KIND[:THREADS[:BACKPRESSURE]]``, see ``setup_of``; ``@VERSION``: the same with the
gunicorn installed in ``DIR/VERSION`` by ``pip install --target DIR/VERSION gunicorn==VERSION``, the installed one
otherwise) is started once per round and measured with each client on the trivial endpoint, the web assessment and
the API assessment:

* ``keepalive``: the browser-like client (``httpload.py``) closing its end at once when the server closes;
* ``delay20``: the same, closing 20 ms later (a browser one 20 ms round trip away: the FIN exchange);
* ``wrk``: wrk, which never leaves a closed connection open.

Setups are taken in a different order each round and the median over rounds is printed, with the machine's load
average, because this 2-core machine is shared: compare figures within one run. A setup that cannot start is
reported and skipped.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks import load, servers, wrkload

CLIENTS = {"keepalive": ("keepalive", 0.0), "delay20": ("keepalive", 20.0), "wrk": ("wrk", 0.0)}
ENDPOINTS = ("trivial", "company", "api")
KINDS = ("sync", "gthread", "nginx", "granian", "uwsgi")


def setup_of(name: str, versions: str) -> servers.Setup:
    """``KIND[:THREADS[:BACKPRESSURE]][@VERSION]``: ``granian:2:8`` is granian with 2 blocking threads and at most 8
    requests per worker, ``gthread:4`` gunicorn's gthread with 4 threads, ``nginx@23.0.0`` the front on gunicorn 23."""
    spec, _, version = name.partition("@")
    kind, *numbers = spec.split(":")
    if kind not in KINDS or len(numbers) > 2 or not all(n.isdigit() for n in numbers):
        raise SystemExit(f"{name}: expected KIND[:THREADS[:BACKPRESSURE]][@VERSION], KIND one of {', '.join(KINDS)}")
    path = Path(versions) / version if version else None
    if path and not (path / "gunicorn").is_dir():
        raise SystemExit(f"{name}: no gunicorn in {path} (pip install --target {path} gunicorn=={version})")
    threads = int(numbers[0]) if numbers else (1 if kind == "granian" else 4)
    backpressure = int(numbers[1]) if len(numbers) > 1 else None
    return servers.Setup(kind=kind, threads=threads, backpressure=backpressure,
                         gunicorn_path=str(path) if path else None)


def run_setup(name: str, args: argparse.Namespace) -> dict[tuple[str, str], dict[str, Any]]:
    server = servers.Server(setup_of(name, args.versions))
    out = {}
    try:
        server.start()
        specs = {e.key: e for e in load.endpoints(server.base)}
        for client in args.clients:
            kind, delay = CLIENTS[client]
            options = argparse.Namespace(client=kind, close_delay=delay, connections=args.connections,
                                         duration=args.duration)
            for key in args.endpoints:
                out[(client, key)] = load.measure(server, [specs[key].request], options)
    finally:
        server.stop()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--setups", nargs="+", default=["sync", "sync@23.0.0", "gthread", "nginx", "nginx@23.0.0"])
    parser.add_argument("--clients", nargs="+", choices=sorted(CLIENTS), default=["keepalive", "delay20", "wrk"])
    parser.add_argument("--endpoints", nargs="+", choices=ENDPOINTS, default=list(ENDPOINTS))
    parser.add_argument("--versions", default="/tmp/gunicorn-versions",
                        help="DIR/VERSION holds gunicorn VERSION (pip install --target DIR/VERSION gunicorn==VERSION)")
    args = parser.parse_args()
    if "wrk" in args.clients and not wrkload.available():
        args.clients.remove("wrk")
        print("(wrk is not installed: its column is left out)")
    labels = {name: setup_of(name, args.versions).label for name in args.setups}
    figures: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    failed: dict[str, str] = {}
    for round_ in range(args.rounds):
        order = args.setups[round_ % len(args.setups):] + args.setups[:round_ % len(args.setups)]
        for name in order:
            if name in failed:
                continue
            try:
                for (client, key), r in run_setup(name, args).items():
                    figures.setdefault((name, client, key), []).append(r)
            except RuntimeError as exc:
                failed[name] = str(exc)
            print(f"round {round_ + 1}: {labels[name]} done (load {os.getloadavg()[0]:.1f})", flush=True)
    print(f"\n{args.connections} connections, 2 workers, {args.duration} s per figure, median of {args.rounds} rounds; "
          f"reference loop {servers.reference_loop_us():.0f} us CPU")
    print(f"{'setup':<34}{'client':<11}{'endpoint':<9}{'req/s':>8}{'p50 ms':>8}{'p99 ms':>9}{'CPU ms':>8}"
          f"{'busy':>6}{'front ms':>9}{'all ms':>8}{'client ms':>10}{'errors':>7}{'load':>6}")
    for name in args.setups:
        if name in failed:
            print(f"{labels[name]:<34}could not start: {failed[name]}")
            continue
        for client in args.clients:
            for key in args.endpoints:
                runs = figures[(name, client, key)]
                m = {f: statistics.median(r[f] for r in runs) for f in
                     ("rps", "p50", "p99", "cpu_ms", "busy", "front_ms", "client_ms", "load")}
                errors = sum(r["errors"] for r in runs)
                total = statistics.median(r["cpu_ms"] + r["front_ms"] for r in runs)
                print(f"{labels[name]:<34}{client:<11}{key:<9}{m['rps']:>8.1f}{m['p50']:>8.1f}{m['p99']:>9.1f}"
                      f"{m['cpu_ms']:>8.2f}{m['busy']:>6.0%}{m['front_ms']:>9.2f}{total:>8.2f}{m['client_ms']:>10.2f}"
                      f"{errors:>7}{m['load']:>6.1f}")
    print("(CPU ms: the server's processes apart from the front, per request; front ms: nginx's or uWSGI's router's;\n"
          " all ms: the two together; busy: CPU ms over the run's length x workers)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
