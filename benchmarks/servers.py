"""The servers the load benchmarks measure, started on a free loopback port and stopped in a ``finally``.

* ``sync``: ``make run``'s command (gunicorn with ``calculator/gunicorn_conf.py``, ``--preload``, sync workers);
* ``gthread``: the same with gunicorn's threaded worker (``--threads``, ``--keep-alive``);
* ``nginx``: ``scripts/serve``, the production front (nginx in front of gunicorn's sync workers), as shipped.

``gunicorn_path`` puts a directory first on ``PYTHONPATH`` for gunicorn (``pip install --target DIR
gunicorn==23.0.0``), to measure another gunicorn version with everything else unchanged. Each server runs in its
own process group; CPU time is read from ``/proc`` for the gunicorn workers and, for ``nginx``, for nginx's own
processes.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
OUR_APP = "calculator.app:create_app()"


@dataclass(frozen=True)
class Setup:
    kind: str = "sync"              # sync | gthread | nginx
    workers: int = 2
    threads: int = 4                # gthread only
    keepalive: int = 2              # gthread only: seconds an idle kept-alive connection is held
    gunicorn_path: str | None = None

    @property
    def label(self) -> str:
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

    def command(self) -> list[str]:
        s = self.setup
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
        self.process = subprocess.Popen(self.command(), cwd=ROOT, env=environment(self.setup.gunicorn_path),
                                        stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
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
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass

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

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        table = processes()
        return sorted(pid for pid, (ppid, _) in table.items() if ppid in self.masters("gunicorn"))

    def front_pids(self) -> list[int]:
        """nginx's master and workers (``nginx`` setups only)."""
        if self.process is None or self.setup.kind != "nginx":
            return []
        masters = self.masters("nginx")
        return sorted(masters + [pid for pid, (ppid, _) in processes().items() if ppid in masters])


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
