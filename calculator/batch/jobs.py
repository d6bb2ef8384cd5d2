"""Background batch jobs behind a small interface, with an in-process (thread) default.

    runner = InProcessJobs(ttl=900)
    job_id = runner.submit(work, input_path=…, name="…")   # work(job_dir, report) -> dict (the summary)
    runner.status(job_id)        # JobStatus or None (unknown or expired)
    runner.result_path(job_id)   # the finished workbook, or None
    runner.cleanup(job_id)       # delete a job's files now (after download); cleanup() removes expired jobs

A deployment with several processes replaces :class:`InProcessJobs` with a queue-backed class offering the
same four methods (:class:`JobRunner`). Files live in a private temporary directory (mode 0700), one
sub-directory per job, deleted after download or after ``ttl`` seconds, whichever comes first.
"""

from __future__ import annotations

import itertools
import json
import secrets
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

Report = Callable[[int, int | None, int], None]  # rows done, rows total (or None), rejected so far
Work = Callable[[Path, Report], dict[str, Any]]


@dataclass
class JobStatus:
    id: str
    state: str = "queued"            # queued | running | done | failed
    rows_done: int = 0
    rows_total: int | None = None
    rejected: int = 0
    summary: dict[str, Any] | None = None
    error: dict[str, str] | None = None   # {"en": …, "zh": …} when the file was unusable
    created: float = field(default_factory=time.monotonic)
    name: str = "result.xlsx"


class JobRunner(Protocol):
    def submit(self, work: Work, *, name: str, prepare: Callable[[Path], None] | None = None) -> str: ...
    def status(self, job_id: str) -> JobStatus | None: ...
    def result_path(self, job_id: str) -> Path | None: ...
    def cleanup(self, job_id: str | None = None) -> None: ...


class InProcessJobs:
    """Jobs run on a small thread pool in this process; state is kept in memory, files on disk."""

    RESULT = "result.xlsx"
    ERRORS = "errors.jsonl"

    def __init__(self, ttl: float = 900.0, workers: int = 1, root: str | Path | None = None) -> None:
        self.ttl = ttl
        self._parent = root
        self._root: Path | None = None
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="batch")
        self._jobs: dict[str, JobStatus] = {}
        self._lock = threading.Lock()

    @property
    def root(self) -> Path:
        """The private folder for this runner's jobs (mode 0700), created with the first job and removed when
        the runner is shut down or garbage-collected, or the process exits: an app that never runs a batch
        leaves nothing in the temporary folder."""
        with self._lock:
            if self._root is None:
                self._root = Path(tempfile.mkdtemp(prefix="incentives-batch-", dir=self._parent))
                self._finalizer = weakref.finalize(self, shutil.rmtree, self._root, ignore_errors=True)
            return self._root

    def job_dir(self, job_id: str) -> Path:
        return self.root / job_id

    def submit(self, work: Work, *, name: str, prepare: Callable[[Path], None] | None = None) -> str:
        """Create the job's directory (``prepare`` writes the input there), then run ``work`` in the background."""
        self.cleanup()
        job_id = secrets.token_urlsafe(18)
        directory = self.job_dir(job_id)
        directory.mkdir(mode=0o700)
        if prepare is not None:
            prepare(directory)
        status = JobStatus(id=job_id, name=name)
        with self._lock:
            self._jobs[job_id] = status
        self._pool.submit(self._run, status, work, directory)
        return job_id

    def _run(self, status: JobStatus, work: Work, directory: Path) -> None:
        status.state = "running"

        def report(done: int, total: int | None, rejected: int) -> None:
            status.rows_done, status.rows_total, status.rejected = done, total, rejected

        try:
            status.summary = work(directory, report)
            status.state = "done"
        except Exception as exc:  # the page shows a message; never a 500
            render = getattr(exc, "render", None)
            status.error = {"en": render("en"), "zh": render("zh")} if render else {
                "en": "The batch could not be completed.", "zh": "批量测算未能完成。"}
            status.state = "failed"
            # A failed job keeps nothing: not its partial error list, not a half-written result.
            shutil.rmtree(directory, ignore_errors=True)
        finally:
            for leftover in directory.glob("input*"):
                leftover.unlink(missing_ok=True)

    def status(self, job_id: str) -> JobStatus | None:
        self.cleanup()
        with self._lock:
            return self._jobs.get(job_id)

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
        """Delete one job now, or every job older than ``ttl`` (finished or not)."""
        now = time.monotonic()
        with self._lock:
            if job_id is not None:
                doomed = [job_id] if job_id in self._jobs else []
            else:
                doomed = [j for j, s in self._jobs.items() if now - s.created > self.ttl]
            for key in doomed:
                self._jobs.pop(key, None)
        for key in doomed:
            shutil.rmtree(self.job_dir(key), ignore_errors=True)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True)
        if self._root is not None:
            self._finalizer()  # removes the folder, once
