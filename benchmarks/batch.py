"""Batch mode end to end on a generated staff roster: rows/s on 1 and N processes, peak RSS, ratio to plain I/O.

    .venv/bin/python benchmarks/batch.py [--jobs N] [ROWS ...]   # default: all cores; 10000 100000 rows

For each size: generate a roster (.xlsx, untimed), then in fresh processes (so peak RSS is per run):
1. the batch (read, validate, assess, write) through ``run_batch`` with ``processes=1`` (in-process, no pool)
   and ``processes=N`` (worker processes, ``calculator.batch.parallel``): wall time, CPU of the process writing
   the workbook and of its workers, peak RSS of each;
2. the fastest plain I/O for the same cells: reading the roster with python-calamine (when installed; not a
   dependency) and with openpyxl read-only, and writing the batch's output cells with XlsxWriter constant_memory
   and with openpyxl write-only (a write is measured as read-and-rewrite of the output minus a plain read of it,
   all in CPU seconds); the faster reader plus the faster writer is the baseline.
Printed: rows/s for 1 and N processes; where the time goes (per phase: before the rows, the rows, after them; CPU
of the writing process and of the workers; how long the writing process waited for a worker's chunk and each
worker spent between its chunks); the scaling ratio in wall time (1 process / N; the machine is shared, so the load
average is printed beside it: only on idle cores is it the figure) and the most N idle cores can give by CPU
accounting (CPU on one process / (before + max(rows, (rows + workers) / N) + after): only the writing process
works before and after the rows, so those phases cannot overlap the workers; see ``_estimate``), and batch (CPU,
1 process) / baseline.
Targets: 100k rows <= 1.5x the fastest plain I/O on one core; >= 1.7x faster on 2 cores than 1; peak RSS < 300 MB
and flat in rows.


The one-off comparison of the result writers alone (XlsxWriter constant_memory against openpyxl write-only, the
figures in docs/performance.md) was made with this script's ``--writers`` mode at commit 970321a.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def generate(path: Path, rows: int) -> None:
    from openpyxl import Workbook

    from calculator.batch.columns import FIELDS, header_text

    fields = FIELDS["person"]
    names = ["ref", "department", "identity", "degree", "introduction_date", "tax_year", "annual_gross_income",
             "special_deductions", "pays_iit_in_shenzhen", "employer_zone_flags", "works_in_zone",
             "recognised_high_end_or_shortage_talent"]
    rng = random.Random(7)
    identities = ["mainland", "hk_permanent_resident", "foreign_national", "taiwan_resident"]
    degrees = ["phd", "master", "bachelor_fulltime", "college"]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("People 人员")
    ws.append([header_text(n, fields[n], "en") for n in names])
    for i in range(rows):
        ws.append([f"E{i:06d}", rng.choice(["R&D", "Sales", "Ops", "研发"]), rng.choice(identities),
                   rng.choice(degrees), dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000)), 2025,
                   rng.randint(100_000, 3_000_000), 36000, rng.choice(["yes", "no", "unknown"]),
                   rng.choice([None, "qianhai", "hetao"]), rng.choice(["yes", "no"]), rng.choice(["yes", "no"])])
    wb.save(path)


def _phases(result: dict[str, object]) -> None:
    """Time the batch's phases in this process (the one running the batch and writing the workbook), in CPU and wall
    seconds: before the rows (opening and checking the file, the header), the rows (reading, handing out, writing
    what comes back, while workers assess), and after them (the About and Sources sheets, saving the package); and
    how long this process waited for a worker's chunk. Each worker notes its chunks' wall and CPU in a file."""
    import concurrent.futures

    from calculator.batch import parallel

    clock, wall = time.process_time, time.perf_counter
    marks: dict[str, tuple[float, float]] = {}
    real_assessed, real_work, real_result = parallel.assessed, parallel._work, concurrent.futures.Future.result
    waited = [0.0]

    def assessed(*args: object, **kwargs: object) -> object:
        marks["rows"] = clock(), wall()
        yield from real_assessed(*args, **kwargs)
        marks["after"] = clock(), wall()

    def waiting(self: concurrent.futures.Future, timeout: float | None = None) -> object:
        started = wall()
        try:
            return real_result(self, timeout)
        finally:
            waited[0] += wall() - started

    parallel.assessed, concurrent.futures.Future.result = assessed, waiting
    parallel._work = _timed_work  # forked workers inherit it; it calls the real one
    _timed_work.real = real_work  # type: ignore[attr-defined]
    result["marks"], result["waited"] = marks, waited


def _timed_work(rows: object) -> object:
    started, cpu = time.perf_counter(), time.process_time()
    chunk = _timed_work.real(rows)  # type: ignore[attr-defined]
    with open(os.path.join(os.environ["BATCH_BENCH_WORKERS"], f"{os.getpid()}.txt"), "a") as notes:
        notes.write(f"{started} {time.perf_counter()} {time.process_time() - cpu}\n")
    return chunk


def _worker_notes(folder: str, started: float) -> list[dict[str, float]]:
    """Per worker: chunks, CPU inside them, and the wall time from its first chunk's start to its last chunk's
    end that it spent outside a chunk (handing results back, taking rows, waiting for them or for a core)."""
    found = []
    for name in sorted(os.listdir(folder)):
        spans = [tuple(map(float, line.split())) for line in Path(folder, name).read_text().splitlines()]
        busy = sum(end - start for start, end, _ in spans)
        first, last = min(s[0] for s in spans), max(s[1] for s in spans)
        found.append({"chunks": len(spans), "cpu": sum(s[2] for s in spans), "first": first - started,
                      "outside": last - first - busy})
    return found


def child(mode: str, source: str, out: str, processes: str = "1") -> None:
    """One measurement in this process. Times are CPU seconds unless named wall (the machine is shared: other
    jobs move wall time far more than CPU time)."""
    clock = time.process_time
    started = clock()
    result: dict[str, object] = {}
    if mode == "batch":
        from calculator.batch import run_batch
        from calculator.engine import load_catalogue

        catalogue = load_catalogue()
        notes = tempfile.mkdtemp(prefix="batch-bench-")
        os.environ["BATCH_BENCH_WORKERS"] = notes
        _phases(result)
        started, wall = clock(), time.perf_counter()
        summary = run_batch(catalogue, source, out, kind="people", as_of=dt.date(2026, 11, 21),
                            processes=int(processes))
        ended, result["wall"] = clock(), time.perf_counter() - wall
        marks = result.pop("marks")
        (rows_cpu, rows_wall), (after_cpu, after_wall) = marks["rows"], marks["after"]  # type: ignore[index]
        result["phases_cpu"] = [rows_cpu - started, after_cpu - rows_cpu, ended - after_cpu]
        result["phases_wall"] = [rows_wall - wall, after_wall - rows_wall, wall + result["wall"] - after_wall]
        result["waited"] = result["waited"][0]  # type: ignore[index]
        result["workers"] = _worker_notes(notes, rows_wall)
        shutil.rmtree(notes, ignore_errors=True)
        result["rows"] = summary.rows_in
        workers = resource.getrusage(resource.RUSAGE_CHILDREN)   # the pool's processes, all ended and waited for
        result["workers_cpu"] = workers.ru_utime + workers.ru_stime
        result["workers_peak_mb"] = workers.ru_maxrss / 1024     # the largest worker
    elif mode == "baseline":
        result.update(baseline(source, out))
        started = clock() - min(result["read_openpyxl"], result.get("read_calamine", 1e9)) - min(
            result["write_xlsxwriter"], result["write_openpyxl"])
    result.setdefault("seconds", clock() - started)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def baseline(source: str, out: str) -> dict[str, float]:
    """Plain reads of the roster and plain writes of the output's cells, each library on its own (CPU s)."""
    clock = time.process_time
    found: dict[str, float] = {"read_openpyxl": _plain_read(source)}
    calamine = _calamine_read(source)
    if calamine is not None:
        found["read_calamine"] = calamine
    read_output = _plain_read(out)
    for name, rewrite in (("write_xlsxwriter", _xlsxwriter_rewrite), ("write_openpyxl", _openpyxl_rewrite)):
        t = clock()
        rewrite(out)
        found[name] = max(clock() - t - read_output, 0.0)
    return found


def _plain_read(path: str) -> float:
    """CPU seconds to read every row of every sheet with openpyxl (read-only)."""
    from openpyxl import load_workbook

    t = time.process_time()
    wb = load_workbook(path, read_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    wb.close()
    return time.process_time() - t


def _calamine_read(path: str) -> float | None:
    """CPU seconds to read the first sheet with python-calamine, or None when it is not installed."""
    try:
        from python_calamine import CalamineWorkbook
    except ImportError:
        return None
    t = time.process_time()
    book = CalamineWorkbook.from_path(path)
    for _row in book.get_sheet_by_index(0).iter_rows():
        pass
    return time.process_time() - t


def _xlsxwriter_rewrite(out: str) -> None:
    """Read ``out`` with openpyxl and write its cells again with XlsxWriter (constant memory)."""
    import xlsxwriter
    from openpyxl import load_workbook

    src = load_workbook(out, read_only=True)
    dst = xlsxwriter.Workbook(out + ".copy.xlsx", {"constant_memory": True, "strings_to_formulas": False,
                                                  "strings_to_urls": False, "strings_to_numbers": False})
    for ws in src.worksheets:
        target = dst.add_worksheet(ws.title)
        for r, row in enumerate(ws.iter_rows(values_only=True)):
            for c, value in enumerate(row):
                if isinstance(value, str):
                    target.write_string(r, c, value)
                elif isinstance(value, dt.datetime):
                    target.write_datetime(r, c, value)
                elif value is not None:
                    target.write_number(r, c, value)
    dst.close()


def _openpyxl_rewrite(out: str) -> None:
    """Read ``out`` with openpyxl and write its rows again with openpyxl (write-only)."""
    from openpyxl import Workbook, load_workbook

    src = load_workbook(out, read_only=True)
    dst = Workbook(write_only=True)
    for ws in src.worksheets:
        target = dst.create_sheet(ws.title)
        for row in ws.iter_rows(values_only=True):
            target.append(row)
    dst.save(out + ".copy.xlsx")


def _phases_text(found: dict[str, Any]) -> str:
    before, during, after = found["phases_cpu"]
    return f"before the rows {before:.1f} s, rows {during:.1f} s, after them {after:.1f} s"


def _utilisation(many: dict[str, Any], jobs: int) -> str:
    """Wall time per phase of the parallel run, how long the writing process waited for workers, and how long each
    worker spent between its chunks (waiting for rows, handing back results, or waiting for a core)."""
    before, during, after = many["phases_wall"]
    workers = "; ".join(f"{w['chunks']} chunks, {w['cpu']:.1f} s CPU in them, first at {w['first']:.2f} s, "
                        f"{w['outside']:.1f} s wall between them" for w in many["workers"])
    return (f"wall before the rows {before:.1f} s (one process: the workers have nothing yet), rows {during:.1f} s "
            f"(the writing process waited {many['waited']:.1f} s of it for a worker's chunk), after them "
            f"{after:.1f} s (the About and Sources sheets, saving: the large sheets' rows were deflated during the "
            f"rows on a thread of the writing process, the other large parts deflated on {jobs} threads); workers: "
            f"{workers or 'none started'}")


def _estimate(one: dict[str, Any], many: dict[str, Any], jobs: int) -> str:
    """What N idle cores can give at most, from CPU seconds: before and after the rows only the writing process
    works (the workers have nothing yet or nothing left: they cannot overlap), and during the rows the writing
    process and the workers share the N cores. The writing process's CPU during the rows includes its thread
    deflating the large sheets' rows (``calculator.batch.spool``), which can run beside its main thread, and the
    saving's deflating on N threads is counted as one process's, so this errs on the low side; stalls (the writing
    process or a worker waiting for the other) are not in it, which is why the utilisation is printed beside it."""
    before, during, after = many["phases_cpu"]
    bound = before + max(during, (during + many["workers_cpu"]) / jobs) + after
    shared = max(many["seconds"], (many["seconds"] + many["workers_cpu"]) / jobs)
    return (f"at most {one['seconds'] / bound:.2f}x on {jobs} idle cores (CPU on 1 process / (before + max(rows, "
            f"(rows + workers) / {jobs}) + after) = {one['seconds']:.1f} / {bound:.1f} s; the model used until "
            f"2026-12-04, which let the phases before and after the rows overlap the workers, said "
            f"{one['seconds'] / shared:.2f}x)")


def run(mode: str, source: Path, out: Path, processes: int = 1) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(source), str(out), str(processes)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{mode} failed: {done.stderr.strip()[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(sizes: list[int], jobs: int) -> None:
    peaks: dict[int, float] = {}
    print(f"{os.cpu_count()} cores; {jobs} processes for the parallel run; load average at start "
          f"{os.getloadavg()[0]:.1f} (CPU s unless wall)")
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            source, out = Path(tmp) / f"roster-{rows}.xlsx", Path(tmp) / f"out-{rows}.xlsx"
            generate(source, rows)
            one = run("batch", source, out, 1)
            load_one = os.getloadavg()[0]
            many = run("batch", source, Path(tmp) / f"out-{rows}-n.xlsx", jobs)
            load_many = os.getloadavg()[0]
            base = run("baseline", source, out)
            reader = "read_calamine" if base.get("read_calamine", 1e9) < base["read_openpyxl"] else "read_openpyxl"
            writer = "write_xlsxwriter" if base["write_xlsxwriter"] <= base["write_openpyxl"] else "write_openpyxl"
            fastest = base[reader] + base[writer]
            peaks[rows] = max(one["peak_mb"], many["peak_mb"], many["workers_peak_mb"])
            print(f"{rows:>7} rows, 1 process: {one['wall']:.1f} s wall = {rows / one['wall']:,.0f} rows/s; "
                  f"CPU {one['seconds']:.1f} s = {rows / one['seconds']:,.0f} rows/s ({_phases_text(one)}); "
                  f"peak RSS {one['peak_mb']:.0f} MB (load {load_one:.1f})")
            print(f"{'':>7}       {jobs} processes: {many['wall']:.1f} s wall = {rows / many['wall']:,.0f} rows/s; "
                  f"CPU: writing process {many['seconds']:.1f} s ({_phases_text(many)}), workers "
                  f"{many['workers_cpu']:.1f} s, together {many['seconds'] + many['workers_cpu']:.1f} s; peak RSS "
                  f"{many['peak_mb']:.0f} MB + largest worker {many['workers_peak_mb']:.0f} MB (load {load_many:.1f})")
            print(f"{'':>7}       where the time goes: {_utilisation(many, jobs)}")
            print(f"{'':>7}       scaling 1 -> {jobs}: {one['wall'] / many['wall']:.2f}x wall (target >= 1.7 on 2 "
                  f"cores; meaningful only on idle cores: load above); {_estimate(one, many, jobs)}")
            calamine = f"{base['read_calamine']:.1f} s" if "read_calamine" in base else "not installed"
            print(f"{'':>7}       plain I/O: read openpyxl {base['read_openpyxl']:.1f} s, calamine {calamine}"
                  + f"; write XlsxWriter {base['write_xlsxwriter']:.1f} s, openpyxl {base['write_openpyxl']:.1f} s; "
                  f"fastest {fastest:.1f} s ({reader[5:]} + {writer[6:]}); batch on 1 core / fastest "
                  f"{one['seconds'] / fastest:.2f}x (target <= 1.5); batch / the product's own I/O (openpyxl + "
                  f"XlsxWriter) {one['seconds'] / (base['read_openpyxl'] + base['write_xlsxwriter']):.2f}x")
    if len(peaks) > 1:
        low, high = min(peaks), max(peaks)
        print(f"largest peak RSS of any process: {low} rows {peaks[low]:.0f} MB, {high} rows {peaks[high]:.0f} MB "
              f"(target < 300, flat in rows); load average at end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:6])
    else:
        args = sys.argv[1:]
        jobs = 0
        if args[:1] == ["--jobs"]:
            jobs, args = int(args[1]), args[2:]
        from calculator.batch.parallel import default_processes

        main([int(a) for a in args] or [10_000, 100_000], jobs or default_processes())
