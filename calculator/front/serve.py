"""Serve the calculator in production: nginx in front of gunicorn's sync workers.

    incentives-serve [--host 127.0.0.1] [--port 8000] [--workers 2]     # from an installed wheel
    python -m calculator.front [...]                                     # the same
    scripts/serve [...]   /   make serve                                 # the same, from the checkout

Runs as the current user, no root needed: gunicorn listens on a socket in a private folder (mode 0700, made for
this run and removed when it stops), nginx on ``--host:--port``; nginx's configuration, its own error pages and its
temporary files are in the same folder, which is also gunicorn's working directory (nothing is read from wherever
the command was started). Stops both when either stops, on Ctrl-C or on SIGTERM. Production settings come from the
environment as for the app (``INCENTIVES_ENV_NAME=production`` and ``INCENTIVES_SECRET_KEY``; nginx then adds
HSTS); settings the app refuses stop this command before anything starts, with the app's message. Fails loudly when
nginx is not installed (``make system`` installs Debian's ``nginx``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from calculator import gunicorn_conf

NAME = "incentives-serve"
WORKER_TIMEOUT = int(gunicorn_conf.timeout)  # gunicorn kills a worker silent this long; nginx waits longer


def find_nginx() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx")
                                           if os.access(p, os.X_OK)), None)
    if found is None:
        sys.exit(f"{NAME}: nginx is not installed; the production front needs it. Install Debian's package "
                 "`nginx` (from a checkout: `make system`, or scripts/install-system-packages.sh nginx).")
    return found


def wait_for_socket(path: Path, process: subprocess.Popen, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"{NAME}: gunicorn stopped at start (exit {process.returncode})")
        try:
            with socket.socket(socket.AF_UNIX) as probe:
                probe.connect(str(path))
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"{NAME}: gunicorn did not start")


def prepare(run: Path, host: str, port: int) -> None:
    """The app's settings (a production app refuses to start without its secret key: so does this), then
    nginx.conf and nginx's own pages in ``run``."""
    from calculator.app import create_app
    from calculator.front.files import nginx_conf, write_pages

    app = create_app()
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run / "tmp" / sub).mkdir(mode=0o700, parents=True)
    write_pages(app, run / "pages")
    (run / "nginx.conf").write_text(nginx_conf(run, app.config, host, port, WORKER_TIMEOUT), encoding="utf-8")


def gunicorn_command(run: Path, workers: int) -> list[str]:
    """The README's gunicorn command (packaged settings, the app preloaded), on the private socket."""
    return [sys.executable, "-m", "gunicorn", "--config", "python:calculator.gunicorn_conf", "--preload",
            "--workers", str(workers), "--worker-class", "sync", "--bind", f"unix:{run}/gunicorn.sock",
            # nginx bounds request lines, headers and their number (8000 bytes each, 32 kB in all): gunicorn's
            # own, smaller limit on the number of headers would answer in its own format
            "--limit-request-fields", "32768", "calculator.app:create_app()"]


def main(argv: list[str] | None = None) -> int:
    from calculator.config import ConfigError

    parser = argparse.ArgumentParser(prog=NAME, description="Serve the calculator: nginx in front of gunicorn.")
    parser.add_argument("--host", default="127.0.0.1", help="address nginx listens on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port nginx listens on (default 8000)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers (default 2)")
    args = parser.parse_args(argv)
    nginx = find_nginx()
    run = Path(tempfile.mkdtemp(prefix="incentives-front-"))  # mode 0700, this user's
    processes: list[subprocess.Popen] = []
    stopping = False

    def stop(*_args: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        prepare(run, args.host, args.port)
        processes.append(subprocess.Popen(gunicorn_command(run, args.workers), cwd=run))
        wait_for_socket(run / "gunicorn.sock", processes[0], 60)
        command = [nginx, "-p", str(run), "-c", str(run / "nginx.conf"), "-e", "stderr"]
        subprocess.run([*command, "-t", "-q"], check=True)
        processes.append(subprocess.Popen([*command, "-g", "daemon off;"]))
        print(f"Serving on http://{args.host}:{args.port} (nginx in front of {args.workers} gunicorn workers; "
              "Ctrl-C to stop). Nothing you enter is stored.", flush=True)
        while not stopping and all(p.poll() is None for p in processes):
            time.sleep(0.2)
        return 0 if stopping else 1
    except ConfigError as exc:
        print(f"{NAME}: the settings cannot be used: {exc}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError:
        print(f"{NAME}: nginx refused its configuration", file=sys.stderr)
        return 1
    finally:
        for process in reversed(processes):
            if process.poll() is None:
                process.terminate()
        for process in reversed(processes):
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(run, ignore_errors=True)


def run() -> None:
    """The console script's entry point."""
    sys.exit(main())


if __name__ == "__main__":
    run()
