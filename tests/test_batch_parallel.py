"""Batch rows assessed in worker processes: the same workbook and the same row errors, in row order, as in one
process; ``--jobs`` refuses what is not a number of processes; the rows held at once are bounded; the web's
runners take the number of processes from ``BATCH_PROCESSES`` and use the same code."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from calculator.batch import parallel, run_batch
from calculator.batch import row as batch_row
from calculator.batch.jobs import INPUT, RESULT, JobRequest
from calculator.batch.task import BatchExecutor
from calculator.cli import main
from calculator.config import DEFAULTS, ConfigError, finish
from tests.conftest import AS_OF
from tests.processes import alive, children

HEADER = ["ref", "department", "identity", "degree", "introduction_date", "tax_year", "annual_gross_income",
          "pays_iit_in_shenzhen", "works_in_zone"]
DEPARTMENTS = ["R&D", "Sales", "Ops", "研发", "法务", "Finance"]


def roster(path: Path, rows: int) -> Path:
    """A people roster: good rows, and every seventh row bad in one or two cells; blank lines between some."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "People"
    ws.append(HEADER)
    for i in range(rows):
        row: list[Any] = [f"E{i:04d}", DEPARTMENTS[i % len(DEPARTMENTS)], ["mainland", "foreign_national"][i % 2],
                          ["phd", "master", "bachelor_fulltime"][i % 3],
                          dt.date(2018, 1, 1) + dt.timedelta(days=29 * (i % 80)),
                          2025, 150_000 + 9_000 * i, ["yes", "no", "unknown"][i % 3], ["yes", "no"][i % 2]]
        if i % 7 == 3:
            row[3] = "doctor"            # not a degree
        if i % 14 == 10:
            row[6], row[7] = "lots", "maybe"  # two errors in one row
        ws.append(row)
        if i % 40 == 39:
            ws.append([])
    wb.save(path)
    return path


def parts(path: Path) -> dict[str, bytes]:
    """Every part of the package but its creation time."""
    with zipfile.ZipFile(path) as package:
        return {name: package.read(name) for name in package.namelist() if name != "docProps/core.xml"}


def pools(monkeypatch) -> list[str]:
    """Chunks of 5 rows (so a small file is worth workers); returns the start method of every pool started."""
    monkeypatch.setattr(parallel, "CHUNK_ROWS", 5)
    methods: list[str] = []
    real = parallel.start_method
    monkeypatch.setattr(parallel, "start_method", lambda: methods.append(real()) or methods[-1])
    return methods


def test_jobs_2_writes_the_same_workbook_and_row_errors_in_row_order_as_jobs_1(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(batch_row, "MAX_DEPARTMENTS", 4)  # the per-department cap applies the same way too
    methods = pools(monkeypatch)
    src = roster(tmp_path / "roster.xlsx", 260)           # 52 chunks: both workers get many
    codes = [main(["batch", str(src), "-o", str(tmp_path / f"jobs{n}.xlsx"), "--as-of", AS_OF.isoformat(),
                   "--jobs", str(n)]) for n in (1, 2)]
    assert codes == [3, 3]  # some rows rejected, the workbook written
    assert len(methods) == 1  # one pool, for --jobs 2
    one, two = parts(tmp_path / "jobs1.xlsx"), parts(tmp_path / "jobs2.xlsx")
    assert one.keys() == two.keys() and all(one[name] == two[name] for name in one)  # byte for byte
    book = openpyxl.load_workbook(tmp_path / "jobs2.xlsx", read_only=True)
    rejected = list(book["Rejected rows"].iter_rows(min_row=2, values_only=True))
    totals = [r for r in book["Summary"].iter_rows(min_row=2, values_only=True) if isinstance(r[0], int)]
    bad = [i for i in range(260) if i % 7 == 3 or i % 14 == 10]
    assert len(totals) == 260 - len(bad) and [r[1] for r in totals] == [f"E{i:04d}" for i in range(260) if i not in bad]
    rows = [r[1] for r in rejected]
    assert rows == sorted(rows) and len(set(rows)) == len(bad)  # every bad row, in row order
    departments = {r[0] for r in book["About this batch"].iter_rows(values_only=True)}
    assert "(other departments)" in departments and "Finance" not in departments


def test_row_errors_reach_the_job_in_row_order_with_their_row_numbers(catalogue, tmp_path, monkeypatch):
    methods = pools(monkeypatch)
    src = roster(tmp_path / "roster.xlsx", 120)
    seen: dict[int, list[dict[str, Any]]] = {}
    for processes in (1, 2):
        seen[processes] = []
        summary = run_batch(catalogue, src, tmp_path / f"o{processes}.xlsx", as_of=AS_OF, processes=processes,
                            on_error=lambda error, n=processes: seen[n].append(error.as_dict()))
        assert (summary.rows_in, summary.rejected) == (120, sum(1 for i in range(120) if i % 7 == 3 or i % 14 == 10))
    assert len(methods) == 1 and seen[1] == seen[2]
    assert len(seen[2]) > summary.rejected  # a row with two bad cells has two messages
    numbers = [e["row"] for e in seen[2]]
    assert numbers == sorted(numbers)
    first_bad = next(e for e in seen[2] if e["field"] == "degree")
    assert (first_bad["row"], first_bad["column"], first_bad["value"]) == (5, "D", "doctor")  # E0003, below the header


@pytest.mark.parametrize("value", ["0", "-2", "1.5", "two", " "])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_jobs_must_be_a_whole_number_of_processes(tmp_path, capsys, value, lang):
    src = roster(tmp_path / "roster.xlsx", 3)
    code = main(["batch", str(src), "-o", str(tmp_path / "o.xlsx"), "--lang", lang, f"--jobs={value}"])
    err = capsys.readouterr().err
    assert code == 2 and not (tmp_path / "o.xlsx").exists()
    assert err.startswith("--jobs: ") and value in err
    assert ("进程" in err) == (lang == "zh") and ("processes" in err) == (lang == "en")


def counting(in_flight: list[int], chunk_rows: int):
    """``parallel.assessed`` with small chunks, recording the rows read and not yet handed back at each chunk."""
    real = parallel.assessed

    def assessed(job, rows, processes, _chunk_rows=None, expected_rows=None):
        drawn = 0

        def read():
            nonlocal drawn
            for row in rows:
                drawn += 1
                yield row

        returned = 0
        for chunk in real(job, read(), processes, chunk_rows, expected_rows):
            in_flight.append(drawn - returned)
            returned += len(chunk.rows)
            yield chunk

    return assessed


@pytest.mark.parametrize("processes", [1, 2])
def test_rows_in_flight_never_exceed_the_bound(catalogue, tmp_path, monkeypatch, processes):
    src = roster(tmp_path / "roster.xlsx", 90)
    in_flight: list[int] = []
    monkeypatch.setattr(parallel, "assessed", counting(in_flight, chunk_rows=4))
    if processes == 1:  # in this process: no pool at all
        monkeypatch.setattr(parallel, "ProcessPoolExecutor", None)
    summary = run_batch(catalogue, src, tmp_path / "o.xlsx", as_of=AS_OF, processes=processes)
    assert summary.rows_in == 90 and len(in_flight) == 23  # 90 rows in chunks of 4
    bound = parallel.rows_in_flight(processes, 4)
    assert bound == (4 if processes == 1 else 4 * parallel.CHUNKS_PER_PROCESS * 2)
    assert max(in_flight) == bound  # reached (the workers are kept busy) and never passed


def test_the_web_runners_assess_with_batch_processes_the_same_way(catalogue, tmp_path, monkeypatch):
    """The executor every runner calls, run on a thread as the in-process runner does (so the workers start
    afresh and load the rule tables themselves), gives the same workbook as one process."""
    methods = pools(monkeypatch)
    config = {**DEFAULTS, "BATCH_PROCESSES": 2}
    finish(config)
    executor = BatchExecutor.from_config(catalogue, config)
    assert executor.processes == 2
    folders = {}
    for processes in (1, 2):
        folder = folders[processes] = tmp_path / f"job{processes}"
        folder.mkdir()
        roster(folder / INPUT, 150)
        work = executor if processes == 2 else BatchExecutor.from_config(catalogue, config | {"BATCH_PROCESSES": 1})
        sink = Sink()
        thread = threading.Thread(target=lambda w=work, f=folder, s=sink: s.done.append(
            w(JobRequest("roster.xlsx", "result.xlsx", as_of=AS_OF.isoformat()), f, s)))
        thread.start()
        thread.join(120)
        assert sink.done and sink.done[0]["rows_in"] == 150
        folders[processes] = (folder, sink)
    (one, sink_one), (two, sink_two) = folders[1], folders[2]
    assert methods == ["spawn"]  # one pool, for the job with two processes; none for one process
    assert sink_one.errors == sink_two.errors and sink_two.reports[-1] == sink_one.reports[-1]
    first, second = parts(one / RESULT), parts(two / RESULT)
    assert all(first[name] == second[name] for name in first)


class Sink:
    """A job's sink (calculator.batch.jobs.JobSink) that keeps what it is told."""

    def __init__(self) -> None:
        self.errors: list[dict[str, Any]] = []
        self.reports: list[tuple[int, int | None, int]] = []
        self.done: list[dict[str, Any]] = []

    def progress(self, done: int, total: int | None, rejected: int) -> None:
        self.reports.append((done, total, rejected))

    def error(self, message: dict[str, Any]) -> None:
        self.errors.append(message)


def test_a_forking_batch_freezes_what_its_workers_share_only_while_they_run(catalogue, tmp_path, monkeypatch):
    """gc.freeze around a forked pool (no page copied for the collector's sake), undone after; a process that froze
    objects itself (a server its tables) keeps them frozen, and no more."""
    import gc

    methods = pools(monkeypatch)
    src = roster(tmp_path / "roster.xlsx", 60)
    during: list[int] = []
    gc.unfreeze()  # whatever an earlier test left frozen
    run_batch(catalogue, src, tmp_path / "o.xlsx", as_of=AS_OF, processes=2,
              on_error=lambda error: during.append(gc.get_freeze_count()))
    assert len(methods) == 1 and during and (min(during) > 0) == (methods == ["fork"])  # fork: no other thread
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen, during[:] = gc.get_freeze_count(), []
        run_batch(catalogue, src, tmp_path / "o.xlsx", as_of=AS_OF, processes=2,
                  on_error=lambda error: during.append(gc.get_freeze_count()))
        assert during and max(during) <= frozen and gc.get_freeze_count() > 0  # none added, none thawed (freed: gone)
    finally:
        gc.unfreeze()


def test_a_file_within_the_rows_in_flight_is_assessed_without_starting_workers(catalogue, tmp_path, monkeypatch):
    monkeypatch.setattr(parallel, "ProcessPoolExecutor", None)  # starting workers would fail
    src = roster(tmp_path / "roster.xlsx", 60)
    assert parallel.rows_in_flight(2) > 60
    summary = run_batch(catalogue, src, tmp_path / "o.xlsx", as_of=AS_OF, processes=2)
    assert (summary.rows_in, summary.assessed + summary.rejected) == (60, 60)


@pytest.mark.parametrize("value", [0, -1, 1.5, "2"])
def test_batch_processes_is_a_whole_number_of_at_least_one(value):
    with pytest.raises(ConfigError, match="BATCH_PROCESSES"):
        finish({**DEFAULTS, "BATCH_PROCESSES": value})


def test_workers_end_when_the_process_running_the_batch_is_killed(tmp_path):
    """kill -9 of the process running a batch alone (the OOM killer choosing it) leaves no worker behind holding the
    rule tables: the pool's workers wait on a queue whose ends they hold themselves, so only their own check of
    their parent (every PARENT_CHECK) can end them."""
    src = roster(tmp_path / "roster.xlsx", 3000)
    batch = subprocess.Popen([str(Path(sys.executable).with_name("incentives")), "batch", str(src), "-o",
                              str(tmp_path / "out.xlsx"), "--as-of", AS_OF.isoformat(), "--jobs", "2"],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        while len(workers := children(batch.pid)) < 2:  # until its two workers start, or it ends without them
            assert batch.poll() is None, f"the batch ended before its workers started: {batch.stderr.read()!r}"
            time.sleep(0.05)
    finally:
        batch.kill()
        batch.wait()
    # Not a speed limit: a worker ends at its first check after the kill; thirty checks is a liveness bound only.
    checks = 30
    while any(alive(pid) for pid in workers) and checks:
        time.sleep(parallel.PARENT_CHECK)
        checks -= 1
    assert not any(alive(pid) for pid in workers), "the killed batch's workers are still running"
    assert not (tmp_path / "out.xlsx").exists()
