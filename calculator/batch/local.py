"""A private folder on this machine shared by the processes of one server, and the clock that keeps it clean.

Each process that uses the folder leaves a marker in ``.live`` (named by its process id and start time) while it
lives. Every entry of the folder (a job, an upload being checked, a queue worker's working copy) is tied to the
process that made it, so a reaper in any process can tell what a dead process left behind. When the last live
process leaves (or the first one arrives and finds no live one), everything in the folder is deleted: nothing
outlives the server. :class:`Reapers` runs each runner's ``reap`` on a timer in every process (restarted in a
forked child), so lifetimes hold on a server that gets no requests.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import logging
import os
import secrets
import shutil
import stat
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

log = logging.getLogger(__name__)
LIVE = ".live"
LOCK = ".lock"


def process_start(pid: int) -> str:
    """When process ``pid`` started (clock ticks since boot, from ``/proc``), or ``"0"`` where that is unknown:
    with the pid it names a process, so a pid reused by a new process is not taken for the old one."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        return text.rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return "0"


def this_process() -> str:
    """``<pid>.<start>``: this process, as entries and markers name it."""
    return f"{os.getpid()}.{process_start(os.getpid())}"


def alive(process: str) -> bool:
    """Whether the process named ``<pid>.<start>`` (see :func:`this_process`) still runs."""
    pid_text, _, start = process.partition(".")
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return start in ("", "0") or process_start(pid) in (start, "0")


def private_folder(path: Path) -> Path:
    """``path`` as a folder only this user can enter: made with mode 0700, or refused when it exists as something
    else (a link, another user's folder, a folder others can read), so nobody can prepare it in advance."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise RuntimeError(f"{path} is not a private folder of this user: batch jobs are refused")
    return path


def remove(path: Path) -> None:
    """Delete a file or a folder with everything in it; already gone is fine."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class LocalFolder:
    """The folder, made on first use (a server that runs no batch writes nothing), with the live markers."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._marker: Path | None = None     # this process's marker, once it has used the folder
        self._marked_by = 0                  # the pid that made the marker (a forked child makes its own)

    def exists(self) -> bool:
        return self.path.is_dir()

    def use(self) -> Path:
        """The folder, made private if missing, with this process marked live in it."""
        if self._marker is None or self._marked_by != os.getpid():
            with self.locked():
                marker = self.path / LIVE / f"{this_process()}.{secrets.token_hex(4)}"
                marker.touch()
            self._marker, self._marked_by = marker, os.getpid()
        return self.path

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """An exclusive lock on the folder across processes (made if missing), for decisions that count entries."""
        private_folder(self.path)
        (self.path / LIVE).mkdir(mode=0o700, exist_ok=True)
        with (self.path / LOCK).open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def others_alive(self) -> bool:
        """Whether another live process uses the folder (stale markers of dead processes are removed)."""
        found = False
        for marker in list((self.path / LIVE).iterdir()) if (self.path / LIVE).is_dir() else []:
            if self._marker is not None and marker == self._marker and self._marked_by == os.getpid():
                continue
            process = marker.name.rsplit(".", 1)[0]
            if alive(process):
                found = True
            else:
                marker.unlink(missing_ok=True)
        return found

    def wipe_if_alone(self) -> bool:
        """Start-up and exit clean-up: when no other live process uses the folder, everything in it was left by
        dead processes (or is this process's own): delete it all. True when it did."""
        if not self.exists():
            return False
        with self.locked():
            if self.others_alive():
                return False
            for entry in list(self.path.iterdir()):
                if entry.name not in (LIVE, LOCK):
                    remove(entry)
            if self._marker is not None and self._marked_by == os.getpid():
                self._marker.unlink(missing_ok=True)
                self._marker = None
            remove(self.path / LIVE)
            remove(self.path / LOCK)
        with contextlib.suppress(OSError):
            self.path.rmdir()
        return True

    def leave(self) -> None:
        """This process is done with the folder: its marker goes, and the whole folder when no other live process
        uses it (whether or not this one ever did: the last process of a stopping server cleans up after a
        sibling that was killed)."""
        if not self.exists():
            return
        if not self.wipe_if_alone() and self._marker is not None and self._marked_by == os.getpid():
            self._marker.unlink(missing_ok=True)
        self._marker = None

    # --- entries tied to a process ------------------------------------------------------------------------
    def new_entry(self, prefix: str) -> Path:
        """A fresh private folder ``<prefix>-<process>-<random>`` for this process's temporary work."""
        entry = self.use() / f"{prefix}-{this_process()}-{secrets.token_hex(8)}"
        entry.mkdir(mode=0o700)
        return entry

    def reap_entries(self, prefixes: tuple[str, ...], max_age: float) -> None:
        """Delete ``<prefix>-<process>-…`` entries whose process died, or older than ``max_age`` seconds, and the
        markers of dead processes."""
        if not self.exists():
            return
        now = time.time()
        live = self.path / LIVE
        for marker in list(live.iterdir()) if live.is_dir() else []:  # e.g. each of a queue worker's work horses
            if not alive(marker.name.rsplit(".", 1)[0]):
                marker.unlink(missing_ok=True)
        for entry in list(self.path.iterdir()):
            prefix, _, rest = entry.name.partition("-")
            if prefix not in prefixes:
                continue
            process = rest.rsplit("-", 1)[0]
            with contextlib.suppress(OSError):
                if not alive(process) or now - entry.lstat().st_mtime > max_age:
                    remove(entry)


class Reapable(Protocol):
    def reap(self) -> None: ...


class Reapers:
    """One daemon thread per process calling ``reap()`` of every live runner every ``period`` seconds (the shortest
    asked for). It is restarted in a forked child (gunicorn forks its workers after ``--preload``), so each process
    cleans up on its own clock whether or not requests arrive."""

    def __init__(self) -> None:
        self._runners: weakref.WeakKeyDictionary[Reapable, float] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    def add(self, runner: Reapable, period: float) -> None:
        with self._lock:
            self._runners[runner] = period
            self._start()

    def discard(self, runner: Reapable) -> None:
        with self._lock:
            self._runners.pop(runner, None)

    def _start(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._loop, name="batch-reaper", daemon=True)
            self._thread.start()

    def _loop(self) -> None:
        while True:
            with self._lock:
                runners = list(self._runners.items())
            if not runners:
                self._wake.wait(1.0)
                self._wake.clear()
                continue
            self._wake.wait(min(period for _, period in runners))
            self._wake.clear()
            for runner, _ in runners:
                try:
                    runner.reap()
                except Exception:  # a clean-up that failed once is tried again next period; nothing of a job logged
                    log.exception("batch clean-up failed; retried next period")

    def after_fork(self) -> None:
        """In a forked child: the parent's thread and lock are not there; start anew if runners are registered."""
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread = None
        with self._lock:
            if len(self._runners):
                self._start()


REAPERS = Reapers()
os.register_at_fork(after_in_child=REAPERS.after_fork)


class Leavers:
    """At exit, in each process: every runner leaves its folder (the last process out deletes it whole)."""

    def __init__(self) -> None:
        self._runners: weakref.WeakSet[Leaving] = weakref.WeakSet()
        atexit.register(self.run)

    def add(self, runner: Leaving) -> None:
        self._runners.add(runner)

    def run(self) -> None:
        for runner in list(self._runners):
            with contextlib.suppress(Exception):
                runner.leave()


class Leaving(Protocol):
    def leave(self) -> None: ...


LEAVERS = Leavers()
