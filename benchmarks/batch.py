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
Printed: rows/s for 1 and N processes, the scaling ratio (wall time 1 / wall time N; the machine is shared, so
the load average is printed beside it) and the ratio a machine with N idle cores would show (CPU on one process
/ the larger of: the writing process's CPU, the CPU of all the processes (writing and workers) shared by N cores),
and batch (CPU, 1 process) / baseline.
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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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
        started, wall = clock(), time.perf_counter()
        summary = run_batch(catalogue, source, out, kind="people", as_of=dt.date(2026, 11, 21),
                            processes=int(processes))
        result["wall"] = time.perf_counter() - wall
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
            # The writing process and the N workers share the N cores: on idle cores the run takes at least the
            # writing process's CPU, and at least all the CPU shared by N. (Until 2026-12-04 this figure left the
            # writing process's share out, which overstates it; it is printed beside, to compare with earlier runs.)
            idle = one["seconds"] / max(many["seconds"], (many["seconds"] + many["workers_cpu"]) / jobs)
            idle_old = one["seconds"] / max(many["seconds"], many["workers_cpu"] / jobs)
            peaks[rows] = max(one["peak_mb"], many["peak_mb"], many["workers_peak_mb"])
            print(f"{rows:>7} rows, 1 process: {one['wall']:.1f} s wall = {rows / one['wall']:,.0f} rows/s; "
                  f"CPU {one['seconds']:.1f} s = {rows / one['seconds']:,.0f} rows/s; peak RSS {one['peak_mb']:.0f} MB "
                  f"(load {load_one:.1f})")
            print(f"{'':>7}       {jobs} processes: {many['wall']:.1f} s wall = {rows / many['wall']:,.0f} rows/s; "
                  f"CPU: writing process {many['seconds']:.1f} s, workers {many['workers_cpu']:.1f} s; peak RSS "
                  f"{many['peak_mb']:.0f} MB + largest worker {many['workers_peak_mb']:.0f} MB (load {load_many:.1f})")
            print(f"{'':>7}       scaling 1 -> {jobs}: {one['wall'] / many['wall']:.2f}x wall (target >= 1.7 on 2 "
                  "cores); "
                  f"{idle:.2f}x on {jobs} idle cores (CPU on 1 / the larger of: the writing process, all processes' "
                  f"CPU / {jobs}; leaving the writing process's share out, as before: {idle_old:.2f}x)")
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
