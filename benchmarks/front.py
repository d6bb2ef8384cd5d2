"""Which front survives slow clients: measured, not assumed (docs/security.md, "Production front").

    .venv/bin/python benchmarks/front.py [--seconds 40] [--slow 3 16]

For each candidate front, one normal client fetches a page over and over (a fresh connection each time, a 10 s
deadline per answer), first alone (the baseline, measured in the same run), then while N slowloris connections
each send one byte of a request header every 5 s, reconnecting whenever they are dropped:

* ``gunicorn sync``: ``make run``'s command, 2 sync workers, nothing in front;
* ``gunicorn gthread``: 2 workers × 4 threads, nothing in front;
* ``nginx + gunicorn sync``: ``scripts/serve`` (what the README's production section runs).

Prints, per front and attack size: answers, failures (no answer within 10 s), p50 / p99 latency and the ratio of
the p99 under attack to the baseline's p99.
"""

from __future__ import annotations

import argparse
import http.client
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PAGE = "/programs?lang=en"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fronts(port: int) -> dict[str, list[str]]:
    gunicorn = [str(BIN / "gunicorn"), "--preload", "--bind", f"127.0.0.1:{port}", "--workers", "2"]
    return {
        "gunicorn sync": [*gunicorn, "--worker-class", "sync", "wsgi:app"],
        "gunicorn gthread": [*gunicorn, "--worker-class", "gthread", "--threads", "4", "wsgi:app"],
        "nginx + gunicorn sync": [str(ROOT / "scripts" / "serve"), "--port", str(port)],
    }


def start(command: list[str], port: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCENTIVES_")} | {"PYTHON": sys.executable}
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if fetch(port) is not None:
            return server
        time.sleep(0.2)
    stop(server)
    raise SystemExit(f"{command[0]} did not start")


def stop(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def fetch(port: int) -> float | None:
    """Seconds to a complete 200 answer on a fresh connection, or None (error, or nothing within 10 s)."""
    started = time.perf_counter()
    try:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        connection.request("GET", PAGE, headers={"Connection": "close"})
        response = connection.getresponse()
        response.read()
        connection.close()
        return time.perf_counter() - started if response.status == 200 else None
    except OSError:
        return None


def slowloris(port: int, until: float) -> None:
    """One attacker: a request header trickled a byte every 5 s; reconnects when dropped."""
    while time.monotonic() < until:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
                while time.monotonic() < until:
                    time.sleep(5)
                    sock.sendall(b"X")
        except OSError:
            time.sleep(0.1)


def measure(port: int, seconds: float, slow: int) -> dict[str, float]:
    until = time.monotonic() + seconds
    attackers = [threading.Thread(target=slowloris, args=(port, until), daemon=True) for _ in range(slow)]
    for thread in attackers:
        thread.start()
    time.sleep(1 if slow else 0)  # let the attackers take their connections first
    latencies: list[float] = []
    failures = 0
    while time.monotonic() < until:
        took = fetch(port)
        if took is None:
            failures += 1
        else:
            latencies.append(took)
    for thread in attackers:
        thread.join(timeout=15)
    ordered = sorted(latencies) or [float("nan")]
    return {"answers": len(latencies), "failures": failures, "p50": statistics.median(ordered),
            "p99": ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=40, help="length of each measurement (default 40)")
    parser.add_argument("--slow", type=int, nargs="+", default=[3, 16], help="slowloris connections to try")
    args = parser.parse_args()
    print(f"{'front':24} {'slow':>4} {'answers':>8} {'failed':>7} {'p50 ms':>8} {'p99 ms':>8} {'p99 ratio':>9}")
    for name, command in fronts(free_port()).items():
        port = int(command[command.index("--port") + 1]) if "--port" in command else int(
            command[command.index("--bind") + 1].rsplit(":", 1)[1])
        server = start(command, port)
        try:
            base = measure(port, args.seconds / 2, 0)
            rows = [(0, base)] + [(n, measure(port, args.seconds, n)) for n in args.slow]
        finally:
            stop(server)
        for slow, row in rows:
            print(f"{name:24} {slow:>4} {row['answers']:>8} {row['failures']:>7} {row['p50'] * 1000:>8.1f} "
                  f"{row['p99'] * 1000:>8.1f} {row['p99'] / base['p99']:>9.1f}", flush=True)


if __name__ == "__main__":
    main()
