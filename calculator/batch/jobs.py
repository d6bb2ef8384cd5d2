"""Background batch jobs: the work runs on a thread of the process that took the upload; each job's state is a
file in the job's folder, so every worker process of the app can report on it and serve its download.

    runner = InProcessJobs(ttl=900, folder=…)      # folder shared by the app's workers (see calculator/web/batch.py)
    job_id = runner.submit(work, name="…", prepare=…)   # work(job_dir, report) -> dict (the summary)
    runner.status(job_id)        # JobStatus or None (unknown, expired, or deleted after download)
    runner.result_path(job_id)   # the finished workbook, or None
    runner.errors(job_id, start, limit)   # a page of the rejected-row messages
    runner.cleanup(job_id)       # delete a job's files now (after download); cleanup() removes expired jobs

Files live in a private folder (mode 0700, owned by this user), one sub-folder per job (the input, while the job
runs; ``status.json``; ``result.xlsx``; ``errors.jsonl``), deleted after download or after ``ttl`` seconds,
whichever comes first. A process that exits deletes the jobs it ran, finished or not: nothing with company data
outlives the server. A job whose process died while running is reported failed and its files are deleted.
A deployment across several machines replaces this class with a queue-backed one offering the same methods
(:class:`JobRunner`).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import secrets
import shutil
import stat
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Protocol

from calculator.i18n import LANGS, N_, bilingual

Report = Callable[[int, int | None, int], None]  # rows done, rows total (or None), rejected so far
Work = Callable[[Path, Report], dict[str, Any]]
FAILED = N_("The batch could not be completed.")
STOPPED = N_("The batch stopped because the server process running it ended. Please upload the file again.")


@dataclass
class JobStatus:
    id: str
    state: str = "queued"            # queued | running | done | failed
    rows_done: int = 0
    rows_total: int | None = None
    rejected: int = 0
    summary: dict[str, Any] | None = None
    error: dict[str, str] | None = None   # {"en": …, "zh": …} when the file was unusable
    created: float = 0.0             # wall-clock time (shared by processes)
    name: str = "result.xlsx"
    pid: int = 0                     # the process running the job


class JobRunner(Protocol):
    def submit(self, work: Work, *, name: str, prepare: Callable[[Path], None] | None = None) -> str: ...
    def status(self, job_id: str) -> JobStatus | None: ...
    def result_path(self, job_id: str) -> Path | None: ...
    def cleanup(self, job_id: str | None = None) -> None: ...


class InProcessJobs:
    """Jobs run on a small thread pool in this process; their state is kept in files any process can read."""

    RESULT = "result.xlsx"
    ERRORS = "errors.jsonl"
    STATUS = "status.json"

    def __init__(self, ttl: float = 900.0, workers: int = 1, root: str | Path | None = None,
                 folder: str | Path | None = None) -> None:
        """``folder``: the jobs' folder, shared by every process given the same path (made on first use, and
        refused unless it is a private folder of this user). Without it, a private folder of this runner's own
        is made with the first job (inside ``root`` if given) and removed when the runner goes away."""
        self.ttl = ttl
        self._parent = root
        self._folder = Path(folder) if folder is not None else None
        self._root: Path | None = None
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch")
        self._mine: set[str] = set()     # jobs this process ran: deleted when it exits
        self._lock = threading.Lock()
        self._finalizer = weakref.finalize(self, _remove, self._mine, None, os.getpid())

    @property
    def root(self) -> Path:
        """The folder holding the jobs (created on first use)."""
        with self._lock:
            if self._root is None:
                if self._folder is None:
                    self._root = Path(tempfile.mkdtemp(prefix="incentives-batch-", dir=self._parent))
                    self._finalizer.detach()
                    self._finalizer = weakref.finalize(self, _remove, self._mine, self._root, os.getpid(), True)
                else:
                    self._root = private_folder(self._folder)
                    self._finalizer.detach()
                    self._finalizer = weakref.finalize(self, _remove, self._mine, self._root, os.getpid())
            return self._root

    def job_dir(self, job_id: str) -> Path:
        if not job_id or not all(c.isalnum() or c in "-_" for c in job_id):
            raise ValueError("not a job id")
        return self.root / job_id

    # --- state files --------------------------------------------------------------------------------------
    def _save(self, status: JobStatus) -> None:
        directory = self.job_dir(status.id)
        partial = directory / f".{self.STATUS}.{os.getpid()}.{threading.get_ident()}"
        try:
            partial.write_text(json.dumps(asdict(status), ensure_ascii=False, default=str), encoding="utf-8")
            os.replace(partial, directory / self.STATUS)
        except FileNotFoundError:  # the job was deleted meanwhile (downloaded, expired)
            partial.unlink(missing_ok=True)

    def _load(self, job_id: str) -> JobStatus | None:
        try:
            return JobStatus(**json.loads((self.job_dir(job_id) / self.STATUS).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):  # no such job, being replaced, or not one of ours
            return None

    # --- the interface ------------------------------------------------------------------------------------
    def submit(self, work: Work, *, name: str, prepare: Callable[[Path], None] | None = None) -> str:
        """Create the job's folder (``prepare`` writes the input there), then run ``work`` in the background."""
        self.cleanup()
        job_id = secrets.token_urlsafe(18)
        directory = self.job_dir(job_id)
        directory.mkdir(mode=0o700)
        with self._lock:
            self._mine.add(job_id)
        if prepare is not None:
            prepare(directory)
        status = JobStatus(id=job_id, name=name, created=time.time(), pid=os.getpid())
        self._save(status)
        self._pool.submit(self._run, status, work, directory)
        return job_id

    def _run(self, status: JobStatus, work: Work, directory: Path) -> None:
        status.state = "running"
        self._save(status)

        def report(done: int, total: int | None, rejected: int) -> None:
            status.rows_done, status.rows_total, status.rejected = done, total, rejected
            self._save(status)

        try:
            status.summary = work(directory, report)
            status.state = "done"
            self._save(status)
        except Exception as exc:  # the page shows a message; never a 500
            render = getattr(exc, "render", None)
            status.error = {lang: render(lang) for lang in LANGS} if render else bilingual(FAILED)
            status.state = "failed"
            # A failed job keeps nothing but its state: not its partial error list, not a half-written result.
            for item in directory.iterdir():
                if item.name != self.STATUS:
                    shutil.rmtree(item) if item.is_dir() else item.unlink(missing_ok=True)
            self._save(status)
        finally:
            for leftover in directory.glob("input*"):
                leftover.unlink(missing_ok=True)

    def status(self, job_id: str) -> JobStatus | None:
        """The job's state as any process sees it; a job whose process died while running is failed."""
        self.cleanup()
        try:
            status = self._load(job_id)
        except ValueError:
            return None
        if status is None:
            return None
        if status.state in ("queued", "running") and status.pid != os.getpid() and not _alive(status.pid):
            status.state, status.error = "failed", bilingual(STOPPED)
            for item in self.job_dir(job_id).iterdir():
                if item.name != self.STATUS:
                    shutil.rmtree(item, ignore_errors=True) if item.is_dir() else item.unlink(missing_ok=True)
            self._save(status)
        return status

    def result_path(self, job_id: str) -> Path | None:
        status = self.status(job_id)
        if status is None or status.state != "done":
            return None
        path = self.job_dir(job_id) / self.RESULT
        return path if path.exists() else None

    def errors(self, job_id: str, start: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """The job's rejected-row messages from ``start`` (0-based), at most ``limit`` of them: read line by line,
        so a page of a 100,000-row error list costs neither the whole list in memory nor its parsing."""
        path = self.job_dir(job_id) / self.ERRORS
        if not path.exists():
            return []
        stop = None if limit is None else start + limit
        with path.open(encoding="utf-8") as handle:
            return [json.loads(line) for line in itertools.islice(handle, start, stop)]

    def cleanup(self, job_id: str | None = None) -> None:
        """Delete one job now, or every job older than ``ttl`` (finished or not), whichever process ran it."""
        if job_id is not None:
            with contextlib.suppress(ValueError):
                shutil.rmtree(self.job_dir(job_id), ignore_errors=True)
            return
        if self._root is None and self._folder is None:
            return  # no job was ever made here
        now = time.time()
        for directory in self.root.iterdir():
            status = self._load(directory.name) if directory.is_dir() else None
            created = status.created if status else _mtime(directory)
            if now - created > self.ttl:
                shutil.rmtree(directory, ignore_errors=True)

    def shutdown(self) -> None:
        """Finish the running jobs, then delete this process's jobs (and a private folder of its own)."""
        self._pool.shutdown(wait=True)
        self._finalizer()


def private_folder(path: Path) -> Path:
    """``path`` as a folder only this user can enter: made with mode 0700, or refused when it exists as something
    else (a link, another user's folder, a folder others can read), so nobody can prepare it in advance."""
    with contextlib.suppress(FileExistsError):
        path.mkdir(mode=0o700)
    info = path.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise RuntimeError(f"{path} is not a private folder of this user: batch jobs are refused")
    return path


def _remove(mine: set[str], root: Path | None, owner: int, whole: bool = False) -> None:
    """At exit (or shutdown), in the process that made them: delete the jobs this process ran; then the folder if
    it is this runner's own, or if nothing else is left in a shared one."""
    if root is None or os.getpid() != owner:
        return  # a forked copy of the runner: the jobs belong to the process that made them
    if whole:
        shutil.rmtree(root, ignore_errors=True)
        return
    for job_id in list(mine):
        shutil.rmtree(root / job_id, ignore_errors=True)
    with contextlib.suppress(OSError):
        root.rmdir()  # only when empty: another process's jobs stay


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return time.time()
