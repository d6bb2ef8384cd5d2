"""What the two job runners share (:mod:`.inprocess`: files on this machine; :mod:`.redis_jobs`: Redis): the upload
folder, the owner's view of a job (found, owned, not expired, its runner still alive), the reads and the delete
built on it, and how a failed job is logged. Each runner supplies its storage: ``_find``, ``_remove``,
``_checked``, ``_error_page`` and ``_open_result``."""

from __future__ import annotations

import contextlib
import logging
import traceback
from abc import ABC, abstractmethod
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from calculator.batch.jobs import JobStatus, expired, owns, valid_id
from calculator.batch.local import LocalFolder, remove
from calculator.batch.texts import BatchFileError


class RunnerBase(ABC):
    """The :class:`~calculator.batch.jobs.JobRunner` contract's parts that do not depend on where jobs are kept."""

    local: LocalFolder

    # --- each runner's storage --------------------------------------------------------------------------
    @abstractmethod
    def _find(self, job_id: str) -> JobStatus | None:
        """The job's stored state, whoever owns it; None when there is none."""

    @abstractmethod
    def _remove(self, job_id: str) -> None:
        """Everything of the job."""

    @abstractmethod
    def _checked(self, job_id: str, status: JobStatus) -> JobStatus:
        """The state after failing an unfinished job whose runner died (as it is when nothing was to do)."""

    @abstractmethod
    def _error_page(self, job_id: str, start: int, limit: int | None) -> list[dict[str, Any]]:
        """One page of the job's row errors, from ``start``, at most ``limit`` (all when None)."""

    @abstractmethod
    def _open_result(self, job_id: str) -> IO[bytes] | None:
        """The result workbook to stream, or None when there is none."""

    # --- the contract -----------------------------------------------------------------------------------
    @contextlib.contextmanager
    def upload(self) -> Iterator[Path]:
        entry = self.local.new_entry("upload")
        try:
            yield entry
        finally:
            remove(entry)

    def status(self, job_id: str, owner: str) -> JobStatus | None:
        """The job as any process sees it; None when unknown, expired, deleted or another owner's."""
        if not valid_id(job_id):
            return None
        status = self._find(job_id)
        if status is None or not owns(status.owner, owner):
            return None
        if expired(status, 0):
            self._remove(job_id)
            return None
        return self._checked(job_id, status)

    def errors(self, job_id: str, owner: str, start: int = 0, limit: int | None = None) -> list[dict[str, Any]]:
        """A page of the rejected-row messages ([] for a job this owner cannot see)."""
        if self.status(job_id, owner) is None:
            return []
        return self._error_page(job_id, start, limit)

    def result(self, job_id: str, owner: str) -> IO[bytes] | None:
        status = self.status(job_id, owner)
        if status is None or status.state != "done":
            return None
        return self._open_result(job_id)

    def delete(self, job_id: str, owner: str) -> bool:
        if self.status(job_id, owner) is None:
            return False
        self._remove(job_id)
        return True


def log_failure(log: logging.Logger, exc: Exception) -> None:
    """A job failed: a bad file is the user's to fix (its message is on the page); anything else is a bug, logged
    with where it happened, never the data it happened on."""
    if not isinstance(exc, BatchFileError):
        log.error("batch job failed: %s\n%s", type(exc).__name__, "".join(traceback.format_tb(exc.__traceback__)))
