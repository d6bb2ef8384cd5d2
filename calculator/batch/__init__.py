"""Batch mode (no Flask here): templates, reading rosters safely, streaming assessment, the result workbook.
Other surfaces import from this package only (``tests/test_layers.py``).

    summary = run_batch(catalogue, "roster.xlsx", "out.xlsx", kind="people", lang="zh")
    summary.rows_in == summary.assessed + summary.rejected

Design and limits: ``docs/batch.md``.
"""

from __future__ import annotations

from calculator.batch.jobs import InProcessJobs
from calculator.batch.reader import MAX_FILE_BYTES, sniff
from calculator.batch.run import MAX_ROWS, Progress, RowError, Summary, run_batch
from calculator.batch.template import build_template, template_name
from calculator.batch.texts import BatchFileError, megabytes

__all__ = ["MAX_FILE_BYTES", "MAX_ROWS", "BatchFileError", "InProcessJobs", "Progress", "RowError", "Summary",
           "build_template", "megabytes", "run_batch", "sniff", "template_name"]
