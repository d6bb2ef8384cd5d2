"""The servers the load benchmarks measure, started on a free loopback port and stopped in a ``finally``.

* ``sync``: ``make run``'s command (gunicorn with ``calculator/gunicorn_conf.py``, ``--preload``, sync workers);
* ``gthread``: the same with gunicorn's threaded worker (``--threads``, ``--keep-alive``);
* ``nginx``: ``scripts/serve``, the production front (nginx in front of gunicorn's sync workers), as shipped;
* ``granian``: granian's WSGI interface (Rust: HTTP parsing, keep-alive and I/O on its runtime threads), ``workers``
  processes of ``threads`` Python blocking threads each, ``backpressure`` requests at most in a worker at once;
* ``uwsgi``: uWSGI (``pyuwsgi``'s wheel): its HTTP router (C, keep-alive to clients) in front of ``workers``
  preforked processes, as nginx is in front of gunicorn.

granian and uWSGI serve ``benchmarks/tuned_app.py``: the same app with ``make run``'s garbage-collector settings
(gunicorn's ``post_worker_init``). ``gunicorn_path`` puts a directory first on ``PYTHONPATH`` for gunicorn (``pip
install --target DIR gunicorn==23.0.0``), to measure another gunicorn version with everything else unchanged. Each
server runs in its own process group; CPU time is read from ``/proc`` (a process's figure there includes all its
threads, those of a Rust runtime too) for every process of the group apart from the front's (``server_pids``) and,
for the fronts (nginx, uWSGI's router), for the front's own processes (``front_pids``).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
OUR_APP = "calculator.app:create_app()"
TUNED_APP = "benchmarks.tuned_app:app"   # granian and uWSGI: the app named by INCENTIVES_WSGI_TARGET, GC-tuned


@dataclass(frozen=True)
class Setup:
    kind: str = "sync"              # sync | gthread | nginx | granian | uwsgi
    workers: int = 2
    threads: int = 4                # gthread: threads per worker; granian: blocking (Python) threads per worker
    keepalive: int = 2              # gthread only: seconds an idle kept-alive connection is held
    gunicorn_path: str | None = None
    backpressure: int | None = None  # granian only: requests at most in one worker at once (granian's default: 512)

    @classmethod
    def of(cls, kind: str, workers: int = 2) -> Setup:
        """``kind`` with its default threads: 1 Python thread per granian worker (the app is CPU-bound), 4 for
        gunicorn's gthread."""
        return cls(kind, workers, threads=1 if kind == "granian" else 4)

    @property
    def label(self) -> str:
        if self.kind == "granian":
            bp = f" bp{self.backpressure}" if self.backpressure else ""
            return f"granian {module_version('granian')} x{self.threads}{bp}"
        if self.kind == "uwsgi":
            return f"uWSGI {module_version('uwsgi')} http router"
        name = {"sync": "gunicorn sync", "gthread": f"gunicorn gthread x{self.threads} ka{self.keepalive}",
                "nginx": "nginx + gunicorn sync"}[self.kind]
        return f"{name} {gunicorn_version(self.gunicorn_path)}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def environment(gunicorn_path: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCENTIVES_")}
    env["INCENTIVES_SECRET_KEY"] = secrets.token_hex(32)   # every worker accepts the others' CSRF tokens
    env["PYTHON"] = sys.executable                          # scripts/serve runs this interpreter
    if gunicorn_path:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [gunicorn_path, env.get("PYTHONPATH", "")]))
    return env


def gunicorn_version(gunicorn_path: str | None) -> str:
    code = "import gunicorn; print(gunicorn.__version__)"
    done = subprocess.run([sys.executable, "-c", code], env=environment(gunicorn_path), capture_output=True,
                          text=True, check=False, timeout=30)
    return done.stdout.strip() or "?"


def module_version(distribution: str) -> str:
    """The installed version of a distribution (``pyuwsgi`` for ``uwsgi``), ``not installed`` when absent."""
    from importlib import metadata

    for name in ({"uwsgi": "pyuwsgi"}.get(distribution, distribution), distribution):
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return "not installed"


class Server:
    """One server under test: ``start()`` returns its base URL; ``stop()`` ends its whole process group."""

    def __init__(self, setup: Setup, app: str = OUR_APP, log: Path | None = None, ready_path: str = "/healthz") -> None:
        self.setup = setup
        self.app = app
        self.ready_path = ready_path
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        self.log = log
        self.process: subprocess.Popen | None = None
        self.scratch: tempfile.TemporaryDirectory | None = None

    def uwsgi_socket(self, name: str) -> str:
        """A unix socket of uWSGI's (``workers``: between its router and its workers; ``stats``: its stats server,
        which names the workers), in a directory only this user can enter."""
        if self.scratch is None:
            self.scratch = tempfile.TemporaryDirectory(prefix="incentives-uwsgi-")
        return str(Path(self.scratch.name) / f"{name}.sock")

    def uwsgi_workers(self) -> list[int]:
        """uWSGI's worker pids, from its stats server (pyuwsgi cannot rename its processes: all read ``uwsgi``)."""
        try:
            with socket.socket(socket.AF_UNIX) as sock:
                sock.settimeout(2)
                sock.connect(self.uwsgi_socket("stats"))
                data = b"".join(iter(lambda: sock.recv(65536), b""))
            return sorted(int(w["pid"]) for w in json.loads(data)["workers"] if w.get("pid"))
        except (OSError, ValueError, KeyError):
            return []

    def command(self) -> list[str]:
        s = self.setup
        if s.kind == "granian":
            command = [str(Path(sys.executable).with_name("granian")), "--interface", "wsgi", "--host", HOST,
                       "--port", str(self.port), "--workers", str(s.workers), "--blocking-threads", str(s.threads),
                       "--log-level", "warning", "--no-ws"]
            return [*command, *(["--backpressure", str(s.backpressure)] if s.backpressure else []), TUNED_APP]
        if s.kind == "uwsgi":
            return [str(Path(sys.executable).with_name("uwsgi")), "--master", "--processes", str(s.workers),
                    "--http", f"{HOST}:{self.port}", "--http-keepalive", "--socket", self.uwsgi_socket("workers"),
                    "--stats", self.uwsgi_socket("stats"), "--module", TUNED_APP, "--need-app", "--die-on-term",
                    "--disable-logging", "--buffer-size", "16384"]
        if s.kind == "nginx":
            if self.app != OUR_APP:
                raise ValueError("scripts/serve serves the calculator only")
            return [str(ROOT / "scripts" / "serve"), "--host", HOST, "--port", str(self.port),
                    "--workers", str(s.workers)]
        command = [str(Path(sys.executable).with_name("gunicorn")), "--config", "python:calculator.gunicorn_conf",
                   "--preload", "--workers", str(s.workers), "--bind", f"{HOST}:{self.port}",
                   "--log-level", "warning"]
        if s.kind == "gthread":
            command += ["--worker-class", "gthread", "--threads", str(s.threads), "--keep-alive", str(s.keepalive)]
        return [*command, self.app]

    def start(self, timeout: float = 90.0) -> str:
        out = self.log.open("ab") if self.log else subprocess.DEVNULL
        env = environment(self.setup.gunicorn_path)
        if self.setup.kind in ("granian", "uwsgi"):
            env["INCENTIVES_WSGI_TARGET"] = self.app
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.setup.label}: exited with code {self.process.returncode}")
            if len(self.worker_pids()) == self.setup.workers and self.answers():
                return self.base
            time.sleep(0.2)
        raise RuntimeError(f"{self.setup.label}: did not answer within {timeout:.0f} s")

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(self.base + self.ready_path, timeout=2) as response:
                return response.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def stop(self) -> None:
        """TERM to the process group, KILL after 15 s."""
        try:
            if self.process is None or self.process.poll() is not None:
                return
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        finally:
            if self.scratch is not None:
                self.scratch.cleanup()
                self.scratch = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- processes and their CPU time ----------------------------------------------------------------------
    def masters(self, name: str) -> list[int]:
        """Processes of the group whose command line mentions ``name`` and whose parent does not."""
        assert self.process is not None
        table = processes()
        group = [pid for pid, (ppid, cmd) in table.items() if descends(pid, self.process.pid, table)]
        return [pid for pid in group if name in table[pid][1] and name not in table.get(table[pid][0], (0, ""))[1]]

    def group(self) -> dict[int, tuple[int, str]]:
        """pid -> (parent pid, command line) for the server's process and its descendants."""
        if self.process is None:
            return {}
        table = processes()
        return {pid: row for pid, row in table.items() if descends(pid, self.process.pid, table)}

    @property
    def backend(self) -> str:
        """The app server: ``gunicorn``, ``granian`` or ``uwsgi`` (behind nginx for ``nginx``)."""
        kind = self.setup.kind
        return {"nginx": "gunicorn", "sync": "gunicorn", "gthread": "gunicorn"}.get(kind, kind)

    def worker_pids(self) -> list[int]:
        """The processes that run the app: gunicorn's workers, granian's worker processes, uWSGI's workers."""
        if self.process is None:
            return []
        if self.setup.kind == "uwsgi":
            return self.uwsgi_workers()
        group = self.group()
        if self.setup.kind == "nginx":  # the app server started by calculator/front/serve.py
            masters = {pid for pid, (_, cmd) in group.items() if f" -m {self.backend} " in cmd}
        else:
            masters = {self.process.pid}
        return sorted(pid for pid, (ppid, _) in group.items() if ppid in masters)

    def front_pids(self) -> list[int]:
        """The front's processes: nginx's master and workers (``nginx``), uWSGI's HTTP router (``uwsgi``)."""
        if self.process is None:
            return []
        if self.setup.kind == "uwsgi":
            workers = set(self.uwsgi_workers())
            return sorted(pid for pid, (ppid, _) in self.group().items()
                          if ppid == self.process.pid and workers and pid not in workers)
        if self.setup.kind != "nginx":
            return []
        masters = self.masters("nginx")
        return sorted(masters + [pid for pid, (ppid, _) in processes().items() if ppid in masters])

    def server_pids(self) -> list[int]:
        """Every process of the server apart from the front's: the workers, and the master or main process that
        starts them (which may do work per request: counted rather than assumed idle)."""
        front = set(self.front_pids())
        return sorted(pid for pid in self.group() if pid not in front)


def processes() -> dict[int, tuple[int, str]]:
    """pid -> (parent pid, command line) for every process visible in /proc."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        table[int(entry.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), cmd)
    return table


def descends(pid: int, ancestor: int, table: dict[int, tuple[int, str]]) -> bool:
    while pid and pid in table:
        if pid == ancestor:
            return True
        pid = table[pid][0]
    return False


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time the processes have used so far (from /proc/<pid>/stat)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def reference_loop_us(repeats: int = 30) -> float:
    """CPU microseconds of a fixed piece of pure Python (``sum(range(10000))``), median of ``repeats``: printed
    beside every figure so that runs on a busier or quieter machine can be compared: other tenants' load raises
    every CPU figure, this one with them (docs/performance.md)."""
    import statistics

    times = []
    for _ in range(repeats):
        started = time.thread_time()
        for _ in range(10):
            sum(range(10000))
        times.append((time.thread_time() - started) / 10 * 1e6)
    return statistics.median(times)
