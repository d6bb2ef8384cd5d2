"""The embedded job runner (no service needed): the work runs on a thread of the process that took the upload;
each job's state is a file in the job's folder, so every worker process of the server answers its page and serves
its download.

Folder layout (a private folder of this user, shared by the server's processes; see :mod:`calculator.batch.local`):
``job-<id>/`` holds ``status.json`` (written atomically), ``input`` (until the job ends), ``errors.jsonl``,
``result.xlsx`` and ``scratch/`` (the writer's temporary sheets, gone when the job ends); ``upload-<process>-…/``
holds an upload while it is checked. Lifetimes, enforced by a reaper on a timer in every process, by start-up and
by exit: a job is deleted ``ttl`` seconds after its upload (or at "delete now"); a job whose process died is
marked failed and its data deleted; the last process to leave deletes the folder.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import queue
import secrets
import sys
import threading
import time
import traceback
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from calculator.batch.jobs import (
    INPUT,
    RESULT,
    STOPPED,
    Execute,
    JobGone,
    JobRequest,
    JobStatus,
    QueueFull,
    expired,
    owner_key,
)
from calculator.batch.local import LEAVERS, REAPERS, LocalFolder, alive, remove, this_process
from calculator.batch.runner_base import RunnerBase, log_failure
from calculator.batch.task import SCRATCH, failure
from calculator.i18n import bilingual

log = logging.getLogger(__name__)
STATUS, ERRORS = "status.json", "errors.jsonl"


class InProcessJobs(RunnerBase):
    """Jobs on a small pool of daemon threads in each process; their state in files any process can read."""

    def __init__(self, *, folder: Path, execute: Execute, ttl: float = 900.0, max_queued: int = 10,
                 period: float = 10.0, workers: int = 1) -> None:
        self.ttl, self.max_queued, self.period, self.workers = ttl, max_queued, period, workers
        self.execute = execute
        self.local = LocalFolder(Path(folder))
        self._pid = 0                       # the process the threads below belong to (a forked child starts anew)
        self._queue: queue.Queue[tuple[str, JobRequest] | None] = queue.Queue()
        self._mine: set[str] = set()        # jobs this process queued and has not finished
        self._closed = False
        self.local.wipe_if_alone()          # start-up: whatever a dead server left is deleted
        self.reap()
        REAPERS.add(self, period)
        LEAVERS.add(self)

    # --- files ------------------------------------------------------------------------------------------
    def _dir(self, job_id: str) -> Path:
        return self.local.path / f"job-{job_id}"

    def _save(self, directory: Path, status: JobStatus) -> None:
        partial = directory / f".{STATUS}.{os.getpid()}.{threading.get_ident()}"
        try:
            partial.write_text(json.dumps(asdict(status), ensure_ascii=False, default=str), encoding="utf-8")
            os.replace(partial, directory / STATUS)
        except FileNotFoundError:  # the job was deleted meanwhile (expired, or deleted by its owner)
            partial.unlink(missing_ok=True)
            raise JobGone from None

    @staticmethod
    def _load(directory: Path) -> JobStatus | None:
        try:
            return JobStatus(**json.loads((directory / STATUS).read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):  # no such job, or not one of ours
            return None

    def _stop(self, directory: Path, status: JobStatus) -> None:
        """The process running the job ended: failed, and nothing of the file's data kept."""
        status.state, status.error = "failed", dict(bilingual(STOPPED))
        with contextlib.suppress(JobGone):
            self._save(directory, status)
        _clear(directory)

    # --- storage for RunnerBase ------------------------------------------------------------------------
    def _find(self, job_id: str) -> JobStatus | None:
        return self._load(self._dir(job_id))

    def _remove(self, job_id: str) -> None:
        remove(self._dir(job_id))

    def _checked(self, job_id: str, status: JobStatus) -> JobStatus:
        if status.active and not alive(status.process):
            self._stop(self._dir(job_id), status)
        return status

    def _error_page(self, job_id: str, start: int, limit: int | None) -> list[dict[str, Any]]:
        """Read line by line (a long list costs neither memory nor parsing)."""
        stop = None if limit is None else start + limit
        try:
            with (self._dir(job_id) / ERRORS).open(encoding="utf-8") as handle:
                return [json.loads(line) for line in itertools.islice(handle, start, stop)]
        except FileNotFoundError:
            return []

    def _open_result(self, job_id: str) -> IO[bytes] | None:
        try:
            return (self._dir(job_id) / RESULT).open("rb")  # still readable if deleted while being sent
        except FileNotFoundError:
            return None

    # --- the contract (upload, status, errors, result, delete: RunnerBase) --------------------------------
    def submit(self, request: JobRequest, upload: Path, owner: str) -> str:
        """Take the checked upload (moved into the job's folder) and queue the job, unless ``max_queued`` jobs of
        this server are already waiting or running."""
        self.local.use()
        job_id = secrets.token_urlsafe(18)
        directory = self._dir(job_id)
        now = time.time()
        with self.local.locked():
            if self._active() >= self.max_queued:
                raise QueueFull(self.max_queued)
            directory.mkdir(mode=0o700)
            self._save(directory, JobStatus(id=job_id, created=now, expires=now + self.ttl, name=request.download,
                                            owner=owner_key(owner), process=this_process()))
        os.replace(upload, directory / INPUT)
        self._threads().put((job_id, request))
        self._mine.add(job_id)
        return job_id

    def reap(self) -> None:
        """Delete expired jobs (one period early, so none outlives ``ttl``), fail the jobs of dead processes, and
        delete uploads and working copies that dead processes left. Reads only, unless something is to go."""
        if not self.local.exists():
            return
        now = time.time()
        for entry in list(self.local.path.iterdir()):
            if not entry.name.startswith("job-"):
                continue
            status = self._load(entry)
            if status is None:
                with contextlib.suppress(OSError):
                    if now - entry.lstat().st_mtime > max(60.0, self.period):  # made, never filled: a crash
                        remove(entry)
            elif expired(status, self.period, now):
                remove(entry)
            elif status.active and not alive(status.process):
                self._stop(entry, status)
        self.local.reap_entries(("upload", "run"), self.ttl)

    def leave(self) -> None:
        """At exit: this process's unfinished jobs are failed (their data deleted), then the folder is left (and
        deleted whole if no other process of the server is alive)."""
        if self._pid == os.getpid():
            for job_id in list(self._mine):
                status = self._load(self._dir(job_id))
                if status is not None and status.active:
                    self._stop(self._dir(job_id), status)
        self.local.leave()

    def shutdown(self) -> None:
        """Stop taking work and leave now (tests; at exit the same happens by itself)."""
        self._closed = True
        REAPERS.discard(self)
        if self._pid == os.getpid():
            for _ in range(self.workers):
                self._queue.put(None)
        self.leave()

    # --- the work -----------------------------------------------------------------------------------------
    def _active(self) -> int:
        count = 0
        for entry in self.local.path.iterdir():
            status = self._load(entry) if entry.name.startswith("job-") else None
            if status is not None and status.active and alive(status.process) and not expired(status, 0):
                count += 1
        return count

    def _threads(self) -> queue.Queue[tuple[str, JobRequest] | None]:
        """This process's queue, its daemon threads started on first use (anew in a forked child)."""
        if self._pid != os.getpid():
            self._pid, self._queue, self._mine = os.getpid(), queue.Queue(), set()
            for number in range(self.workers):
                threading.Thread(target=self._loop, args=(self._queue,), name=f"batch-{number}", daemon=True).start()
        return self._queue

    def _loop(self, work: queue.Queue[tuple[str, JobRequest] | None]) -> None:
        while (item := work.get()) is not None:
            try:
                self._run(*item)
            except Exception:  # never kill the thread; nothing of the job's data is logged
                log.error("batch job thread failed: %s", "".join(traceback.format_tb(sys.exc_info()[2])))
            finally:
                self._mine.discard(item[0])

    def _run(self, job_id: str, request: JobRequest) -> None:
        directory = self._dir(job_id)
        status = self._load(directory)
        if status is None or status.state != "queued" or self._closed:
            return  # deleted or expired while it waited
        status.state = "running"
        sink = _FolderSink(self, directory, status)
        try:
            self._save(directory, status)
            status.summary = self.execute(request, directory, sink)
            sink.close()
            current = self._load(directory)
            if current is None or current.state != "running":
                return  # deleted, or taken for dead meanwhile: its data is not brought back
            status.state = "done"
            self._save(directory, status)
        except JobGone:
            return
        except Exception as exc:  # the page shows a message; never a 500, never the exception's text
            status.state, status.error = "failed", failure(exc)
            log_failure(log, exc)
            _clear(directory)  # a failed job keeps nothing but its state
            with contextlib.suppress(JobGone):
                self._save(directory, status)
        finally:
            sink.close()
            remove(directory / INPUT)
            remove(directory / SCRATCH)


class _FolderSink:
    """Progress into ``status.json``; rejected-row messages appended to ``errors.jsonl``."""

    def __init__(self, runner: InProcessJobs, directory: Path, status: JobStatus) -> None:
        self.runner, self.directory, self.status = runner, directory, status
        self._errors: IO[str] | None = None

    def progress(self, done: int, total: int | None, rejected: int) -> None:
        self.status.rows_done, self.status.rows_total, self.status.rejected = done, total, rejected
        self.runner._save(self.directory, self.status)

    def error(self, message: dict[str, Any]) -> None:
        if self._errors is None:
            try:
                self._errors = (self.directory / ERRORS).open("w", encoding="utf-8")
            except FileNotFoundError:
                raise JobGone from None
        self._errors.write(json.dumps(message, ensure_ascii=False, default=str) + "\n")

    def close(self) -> None:
        if self._errors is not None:
            with contextlib.suppress(OSError):
                self._errors.close()
            self._errors = None


def _clear(directory: Path) -> None:
    """Everything of a job but its state."""
    with contextlib.suppress(OSError):
        for item in list(directory.iterdir()):
            if item.name != STATUS:
                remove(item)
