"""A batch's rows assessed in worker processes: in order, with every row error, in bounded memory.

The process running the batch reads the rows and writes the one workbook; workers validate and assess::

    for chunk in assessed(job, rows, processes):      # chunks come back in the order the rows were read
        for errors, lines in chunk.rows:               # per row: its errors, or what it writes
            ...
        ...chunk.per_program, chunk.departments...     # the chunk's per-program and per-department sums, to add up

Rows go out in chunks of :data:`CHUNK_ROWS`, and at most :data:`CHUNKS_PER_PROCESS` chunks per worker are out at
once (read but not yet written), so the rows held never exceed :func:`rows_in_flight`, whatever the file's size.
Each worker loads the rule tables once, when it starts (its initializer), never per row. With one process, or a
file no bigger than the rows the workers would hold at once, the same chunks are assessed in this process: no
pool, no pickling (starting workers would cost more than such a file), the same code path for every row.

Workers are forked when this process runs no other thread (the CLI: nothing to load, the tables are inherited);
otherwise (a web server, a queue worker with its lease thread: forking a process with threads can copy a lock
held by another thread) they are started afresh (``spawn``) and load the tables from the catalogue's folder,
refusing to work if the tables there are not the version this process loaded. Not from a fork server: that keeps
a socket in a folder of its own in the system's temporary folder, and a job makes no file outside its own folder.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any

from calculator.batch.columns import Mapping
from calculator.batch.row import RowContext, add_departments, assess_row, new_per_program
from calculator.batch.rowxml import ROW_SHEETS, RowXml, StyleKey
from calculator.batch.sheets import NUMBER_FORMATS, columns, money_format
from calculator.batch.summary import RowError

CHUNK_ROWS = 100          # rows sent to a worker at once: about 0.7 MB of sheet XML back for a staff roster
PARENT_CHECK = 1.0        # seconds between a worker's checks that the process running the batch is still there
CHUNKS_PER_PROCESS = 4    # chunks out per worker: one being assessed, three waiting, so no worker idles while the
                          # writing process is off the core or waits for an earlier chunk (rows are written in order)

RowOutcome = tuple[list[RowError] | None, list[tuple[str, Any]]]


def default_processes() -> int:
    """The cores this process may use (its CPU affinity where the system says, else the machine's)."""
    counted = getattr(os, "process_cpu_count", None)  # Python 3.13+
    if counted is not None:
        return max(1, counted() or 1)
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on every system
        return max(1, os.cpu_count() or 1)


def rows_in_flight(processes: int, chunk_rows: int = CHUNK_ROWS) -> int:
    """The most rows read from the file and not yet handed back for writing, at any moment."""
    return chunk_rows * (CHUNKS_PER_PROCESS * processes if processes > 1 else 1)


@dataclass
class RowJob:
    """What every row of one file is assessed with: plain data (and the catalogue, which a forked worker inherits;
    a worker started afresh gets its folder and version instead and loads it)."""

    catalogue: Any
    sheet: str
    mapping: Mapping
    kind: str
    as_of: Any
    lang: str
    programs: list[str]               # the ids of the programs in the writer's columns, in order
    root: str = ""
    tables_version: str = ""
    figures: bool = False             # rows hand back their figures too (a run compared with a previous result)
    styles: dict[StyleKey, int] = field(default_factory=dict)  # the workbook's style indexes (ResultWriter.styles)

    def __post_init__(self) -> None:
        if self.catalogue is not None:
            self.root, self.tables_version = str(self.catalogue.root), self.catalogue.tables_version

    def __getstate__(self) -> dict[str, Any]:
        return self.__dict__ | {"catalogue": None}


@dataclass
class Chunk:
    """A chunk's rows assessed, in order, and its sums: per program, and per department (added up here, in the order
    the rows came, without ``MAX_DEPARTMENTS``' cap, which the process running the batch applies as it adds the
    chunks up in order, so the same departments are kept: one dict per chunk rather than one per row to pickle,
    their amounts being Decimals, which pickle as text)."""

    rows: list[RowOutcome] = field(default_factory=list)
    per_program: dict[str, dict[str, Any]] = field(default_factory=dict)
    departments: dict[str, list[Any]] = field(default_factory=dict)


class _Lines:
    """A writer that keeps the rows written, the large sheets' rows as finished XML encoded in UTF-8
    (:mod:`calculator.batch.rowxml`: the process running the batch numbers and appends them, in order). Bytes, not
    str: a worker hands back about 7 MB of rows per 1,000 roster rows, and pickling them as str (encoded to UTF-8
    and decoded again on each side) cost more CPU than the rest of the hand-over; bytes are copied as they are."""

    def __init__(self, programs: list[Any], xml: RowXml) -> None:
        self.programs, self.xml = programs, xml
        self.lines: list[tuple[str, Any]] = []

    def row(self, key: str, values: list[Any]) -> None:
        self.lines.append((key, self.xml.row(key, values).encode() if key in ROW_SHEETS else values))


class _Assessor:
    """Assesses chunks of rows of one file; made once per worker process (or once, in this process)."""

    def __init__(self, job: RowJob) -> None:
        catalogue = job.catalogue
        if catalogue is None:
            from calculator.engine import load_catalogue

            catalogue = load_catalogue(job.root)
            if catalogue.tables_version != job.tables_version:
                raise RuntimeError(f"the rule tables in {job.root} changed since the batch started "
                                   f"({job.tables_version} then, {catalogue.tables_version} now)")
        self.context = RowContext.make(catalogue, job.sheet, job.mapping, job.kind, job.as_of, job.lang,
                                       job.figures)
        self.programs = [catalogue.programs[p] for p in job.programs]
        cols = {key: columns(key, job.lang, job.kind, self.programs) for key in ROW_SHEETS}
        self.xml = RowXml(cols, {"money": money_format(job.lang), **NUMBER_FORMATS}, job.styles, job.lang)

    def __call__(self, rows: list[tuple[int, list[Any]]]) -> Chunk:
        chunk = Chunk(per_program=new_per_program(self.programs))
        for number, cells in rows:
            lines, departments = _Lines(self.programs, self.xml), {}
            errors = assess_row(self.context, number, cells, lines, chunk.per_program, departments)
            chunk.rows.append((errors, lines.lines if errors is None else []))
            if errors is None:
                add_departments(chunk.departments, departments)
        return chunk


_assessor: _Assessor | None = None   # in a worker process: made by its initializer


def _start(job: RowJob) -> None:
    global _assessor
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the process running the batch: it stops the pool
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None:
        threading.Thread(target=_end_when_orphaned, args=(parent.pid, PARENT_CHECK), daemon=True,
                         name="parent-watch").start()
    _assessor = _Assessor(job)
    # What the worker holds now (the rule tables, inherited or loaded) lives as long as it does: kept out of the
    # collector's full passes, which would walk it (and, in a forked worker, copy its pages) about once per worker
    # for nothing (measured: 40 ms per worker for 10,000 roster rows). The process running the batch freezes only
    # while a forked pool runs (see assessed).
    gc.freeze()


def _end_when_orphaned(parent: int, period: float) -> None:
    """End this worker once the process running the batch is gone (killed alone: ``kill -9`` of its process id,
    the OOM killer choosing it). Its pool cannot stop the workers then: each holds both ends of the pool's queue and
    would wait for work forever with the rule tables loaded. The system gives an orphan a new parent, so a parent id
    other than the one it started with means the batch is over."""
    while os.getppid() == parent:
        time.sleep(period)
    os._exit(1)


def _work(rows: list[tuple[int, list[Any]]]) -> Chunk:
    assert _assessor is not None, "the worker's initializer did not run"
    return _assessor(rows)


def chunks(rows: Iterable[tuple[int, list[Any]]], size: int) -> Iterator[list[tuple[int, list[Any]]]]:
    chunk: list[tuple[int, list[Any]]] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def start_method() -> str:
    """``fork`` in a process with no other thread, else ``spawn`` (see the module's docstring)."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def assessed(job: RowJob, rows: Iterable[tuple[int, list[Any]]], processes: int,
             chunk_rows: int | None = None, expected_rows: int | None = None) -> Iterator[Chunk]:
    """The rows assessed, chunk by chunk, in the order read; see the module's docstring. A file that fits in the
    chunks the workers would hold at once is assessed in this process: starting workers would cost more. A file
    ``expected_rows`` says is larger (the rows its sheet declares, an upper bound: blank lines are not rows)
    starts its workers at once, each chunk going out as soon as it is read; otherwise the chunks the workers would
    hold are read first, to see."""
    chunk_rows = chunk_rows or CHUNK_ROWS
    pieces = chunks(rows, chunk_rows)
    limit = rows_in_flight(processes, chunk_rows) // chunk_rows
    large = processes > 1 and expected_rows is not None and expected_rows > limit * chunk_rows
    first = [] if large else list(islice(pieces, limit))
    if processes <= 1 or (not large and len(first) < limit):
        assess = _Assessor(job)
        for rows_chunk in chain(first, pieces):
            yield assess(rows_chunk)
        return
    method = start_method()
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context(method),
                               initializer=_start, initargs=(job,))
    freeze = method == "fork" and gc.get_freeze_count() == 0
    if freeze:
        # What this process holds now, its forked workers share until one side writes to it: kept out of this
        # process's full collections (which write to every object they walk, so copy its page) while the pool
        # runs, as Python advises for a fork without exec (measured: 2,000-3,500 fewer page copies, 0.1 s less CPU
        # for 10,000 roster rows). Only with fork, so with no other thread, and only if nothing else froze objects
        # here (a server that froze its tables keeps them frozen); unfrozen when the pool ends.
        gc.freeze()
    try:
        pending: deque[Future[Chunk]] = deque(pool.submit(_work, rows_chunk)
                                              for rows_chunk in chain(first, islice(pieces, limit - len(first))))
        del first
        while pending:  # one chunk handed back, then one more read: never more than `limit` out
            yield pending.popleft().result()
            rows_chunk = next(pieces, None)
            if rows_chunk is not None:
                pending.append(pool.submit(_work, rows_chunk))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        if freeze:
            gc.unfreeze()


def add_into(total: dict[str, Any], part: dict[str, Any]) -> None:
    """Add ``part``'s numbers into ``total``, key by key (nested dicts too); keys missing in ``total`` are taken."""
    for key, value in part.items():
        if key not in total:
            total[key] = value
        elif isinstance(value, dict):
            add_into(total[key], value)
        else:
            total[key] += value
