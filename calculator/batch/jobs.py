"""Background batch jobs: the contract between the web layer and whatever runs the jobs.

    runner = make_runner(config, catalogue)           # InProcessJobs, or RedisJobs when INCENTIVES_REDIS_URL is set
    with runner.upload() as folder:                   # a private folder for the upload while it is checked
        ...save the file as folder / "input", check it...
        job_id = runner.submit(request, folder / "input", owner)   # raises QueueFull at BATCH_MAX_QUEUED
    runner.status(job_id, owner)          # JobStatus, or None: unknown, expired, deleted, or another owner's
    runner.errors(job_id, owner, start, limit)        # a page of the rejected-row messages
    runner.result(job_id, owner)          # the finished workbook as an open binary file, or None
    runner.delete(job_id, owner)          # "delete now": the job and everything kept for it
    runner.reap()                         # delete expired jobs and what dead processes left (also on a timer)

A job belongs to its owner (a random id kept in the browser session's signed cookie): every call names it, and
another owner's job is answered exactly like a job that does not exist. Everything kept for a job (the upload
until the job ends; the state, the rejected-row messages and the workbook until then) is deleted ``ttl`` seconds
after the upload at the latest, or at "delete now"; downloading does not delete it. Work is described by a
:class:`JobRequest` (plain data, so a queue can carry it) and done by an :data:`Execute` function.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from calculator.i18n import N_

FAILED = N_("The batch could not be completed.")
STOPPED = N_("The batch stopped because the server process running it ended. Please upload the file again.")
BUSY = N_("The server is busy: at most {limit} batch jobs may wait or run at once. Please try again in a few "
          "minutes.")
INPUT, RESULT = "input", "result.xlsx"     # names inside a job's working folder
ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class JobRequest:
    """What one upload asks for, besides the file: plain data (a queue carries it as JSON)."""

    filename: str                    # the uploaded file's name, shown in the workbook
    download: str                    # the workbook's file name when downloaded
    lang: str = "en"
    kind: str | None = None          # companies | people | None (recognised from the header)
    as_of: str | None = None         # ISO date; None: the day the job runs
    previous: str | None = None      # a previous result's run, compact (batch.previous.PreviousRun.as_json)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class JobStatus:
    """What the job's page shows."""

    id: str
    state: str = "queued"            # queued | running | done | failed
    rows_done: int = 0
    rows_total: int | None = None
    rejected: int = 0
    summary: dict[str, Any] | None = None
    error: dict[str, str] | None = None   # {"en": …, "zh": …} when the file was unusable or the job stopped
    created: float = 0.0             # wall-clock time of the upload
    expires: float = 0.0             # when everything kept for the job is deleted at the latest
    name: str = RESULT               # the download's file name
    owner: str = ""                  # the runner's bookkeeping, never shown: the owner's digest (owner_key) …
    process: str = ""                # … and the process running the job (local.this_process())

    @property
    def active(self) -> bool:
        return self.state in ACTIVE


class JobSink(Protocol):
    """Where a running job reports: progress, and each rejected-row message (the work keeps at most the configured
    number; see ``BATCH_MAX_ERRORS``). Either raises :class:`JobGone` once the job was deleted meanwhile."""

    def progress(self, done: int, total: int | None, rejected: int) -> None: ...
    def error(self, message: dict[str, Any]) -> None: ...


# The work itself: read ``folder / INPUT``, write ``folder / RESULT`` (temporary files inside ``folder``), report to
# the sink, return the summary shown on the page. Raises BatchFileError (or anything) when the file is unusable.
Execute = Callable[[JobRequest, Path, JobSink], dict[str, Any]]


class JobGone(Exception):
    """The job was deleted (expired, or "delete now") while it ran: the work stops."""


class QueueFull(Exception):
    """``BATCH_MAX_QUEUED`` jobs are already waiting or running."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} batch jobs may wait or run at once")
        self.limit = limit


class JobRunner(Protocol):
    """Everything the web layer uses of a job runner (in-process or queue-backed)."""

    def upload(self) -> AbstractContextManager[Path]: ...
    def submit(self, request: JobRequest, upload: Path, owner: str) -> str: ...
    def status(self, job_id: str, owner: str) -> JobStatus | None: ...
    def errors(self, job_id: str, owner: str, start: int = 0, limit: int | None = None) -> list[dict[str, Any]]: ...
    def result(self, job_id: str, owner: str) -> IO[bytes] | None: ...
    def delete(self, job_id: str, owner: str) -> bool: ...
    def reap(self) -> None: ...
    def shutdown(self) -> None: ...


def owner_key(owner: str) -> str:
    """What is stored to recognise an owner: a digest, so stored state never holds the session's id itself."""
    return hashlib.sha256(b"incentives batch owner\0" + owner.encode()).hexdigest()


def owns(stored: str | None, owner: str | None) -> bool:
    """Whether ``owner`` is the job's owner (constant time; an empty owner owns nothing)."""
    return bool(stored) and bool(owner) and hmac.compare_digest(str(stored), owner_key(str(owner)))


def valid_id(job_id: str) -> bool:
    """Job ids are ``secrets.token_urlsafe(18)``: 24 URL-safe characters."""
    return 16 <= len(job_id) <= 64 and all(c.isalnum() or c in "-_" for c in job_id)


def expired(status: JobStatus, period: float, now: float | None = None) -> bool:
    """True once the job's time is up, or would be before the reaper's next run: the reaper deletes a job one
    period early rather than late, so nothing is kept past ``expires``."""
    return (now if now is not None else time.time()) + period >= status.expires


def make_runner(config: Any, catalogue: Any, folder: Path) -> JobRunner:
    """The runner the settings ask for: jobs on Redis (RQ) when ``REDIS_URL`` is set, else in this process.
    ``folder``: this machine's private folder for uploads being checked (and, in-process, the jobs)."""
    from calculator.batch.task import BatchExecutor

    execute = BatchExecutor.from_config(catalogue, config)
    options = {"ttl": float(config["BATCH_TTL"]), "max_queued": int(config["BATCH_MAX_QUEUED"]),
               "period": float(config["BATCH_REAP_SECONDS"]), "folder": folder, "execute": execute}
    if config.get("REDIS_URL"):
        from calculator.config import ConfigError

        try:
            from redis.exceptions import RedisError

            from calculator.batch.redis_jobs import RedisJobs
        except ImportError as exc:
            raise ConfigError(f"INCENTIVES_REDIS_URL needs the queue extra (pip install '.[queue]'): {exc}") from None
        try:
            return RedisJobs(str(config["REDIS_URL"]), **options)
        except (OSError, RedisError) as exc:
            raise ConfigError(f"INCENTIVES_REDIS_URL: Redis cannot be reached ({exc})") from None
    from calculator.batch.inprocess import InProcessJobs

    return InProcessJobs(**options)
