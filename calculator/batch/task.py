"""The work of one batch job, the same in every runner: assess ``folder/input`` into ``folder/result.xlsx``.

Every file the work makes is inside the job's folder (the writer's temporary sheets in ``folder/scratch``), so
deleting the folder deletes everything, whatever stopped the job. The server's limits come from the settings of
the process doing the work (``BATCH_MAX_*``), never from the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calculator.batch.jobs import FAILED, INPUT, RESULT, JobRequest, JobSink
from calculator.batch.previous import PreviousRun
from calculator.batch.run import MAX_ROWS, run_batch
from calculator.batch.texts import BatchFileError
from calculator.config import BATCH_MAX_UPLOAD
from calculator.i18n import LANGS, bilingual
from calculator.workbook.zipcheck import SheetLimits

SCRATCH = "scratch"


@dataclass(frozen=True)
class BatchExecutor:
    """:data:`calculator.batch.jobs.Execute` for the loaded catalogue and the server's limits."""

    catalogue: Any
    max_rows: int = MAX_ROWS
    max_bytes: int = BATCH_MAX_UPLOAD
    max_errors: int = 10_000
    limits: SheetLimits = field(default_factory=SheetLimits)   # cells, rows, …: checked before any row is built
    processes: int = 1                # worker processes assessing the rows (BATCH_PROCESSES; 1: none)

    @classmethod
    def from_config(cls, catalogue: Any, config: Any) -> BatchExecutor:
        limits = sheet_limits(config)
        return cls(catalogue, max_rows=limits.rows, max_bytes=int(config["BATCH_MAX_UPLOAD"]),
                   max_errors=int(config["BATCH_MAX_ERRORS"]), limits=limits,
                   processes=int(config["BATCH_PROCESSES"]))

    def __call__(self, request: JobRequest, folder: Path, sink: JobSink) -> dict[str, Any]:
        scratch = folder / SCRATCH
        scratch.mkdir(mode=0o700, exist_ok=True)
        as_of = dt.date.fromisoformat(request.as_of) if request.as_of else None
        since = PreviousRun.from_json(request.previous, self.max_rows) if request.previous else None
        summary = run_batch(
            self.catalogue, folder / INPUT, folder / RESULT, kind=request.kind, as_of=as_of, lang=request.lang,
            max_rows=self.max_rows, max_bytes=self.max_bytes, name=request.filename, limits=self.limits,
            max_errors=self.max_errors, scratch=scratch, processes=self.processes, since=since,
            on_progress=lambda p: sink.progress(p.rows_done, p.rows_total, p.rejected),
            on_error=lambda error: sink.error(error.as_dict()))
        return summary.as_dict() | {"line": summary.line(request.lang), "max_errors": self.max_errors}


def sheet_limits(config: Any) -> SheetLimits:
    """The limits of one upload (the roster, and a previous result workbook) from the settings."""
    return SheetLimits(rows=int(config["BATCH_MAX_ROWS"]), row_cells=int(config["BATCH_MAX_ROW_CELLS"]),
                       cells=int(config["BATCH_MAX_CELLS"]), shared_strings=int(config["BATCH_MAX_SHARED_STRINGS"]),
                       columns=int(config["BATCH_MAX_COLUMNS"]))


def failure(exc: BaseException) -> dict[str, str]:
    """What the job's page says when the work raised: an unusable file's own message, else that the batch could
    not be completed (the exception's text may hold the file's data: it is neither shown nor logged)."""
    if isinstance(exc, BatchFileError):
        return {lang: exc.render(lang) for lang in LANGS}
    return dict(bilingual(FAILED))
