"""Batch mode (no Flask here): templates, reading rosters safely, streaming assessment, the result workbook, and
the background jobs that run it. Other surfaces import from this package only (``tests/test_layers.py``).

    summary = run_batch(catalogue, "roster.xlsx", "out.xlsx", kind="people", lang="zh")
    summary.rows_in == summary.assessed + summary.rejected

    runner = make_runner(config, catalogue, folder)   # the JobRunner contract (calculator/batch/jobs.py)

Every row goes through the application service (:mod:`calculator.service`), whichever runner does the work.
Design and limits: ``docs/batch.md``.
"""

from __future__ import annotations

from calculator.batch.jobs import BUSY, INPUT, JobRequest, JobRunner, QueueFull, make_runner
from calculator.batch.parallel import default_processes
from calculator.batch.previous import PreviousRun, read_previous
from calculator.batch.reader import MAX_FILE_BYTES, sniff
from calculator.batch.run import MAX_ROWS, run_batch
from calculator.batch.summary import Progress, RowError, Summary
from calculator.batch.task import sheet_limits
from calculator.batch.template import build_template, template_name
from calculator.batch.texts import BatchFileError, megabytes

__all__ = ["BUSY", "INPUT", "MAX_FILE_BYTES", "MAX_ROWS", "BatchFileError", "JobRequest", "JobRunner", "PreviousRun",
           "Progress", "QueueFull", "RowError", "Summary", "build_template", "default_processes", "make_runner",
           "megabytes", "read_previous", "run_batch", "sheet_limits", "sniff", "template_name"]
