"""Batch mode end to end on a generated staff roster: rows/s, peak RSS, and the ratio to plain I/O.

    .venv/bin/python benchmarks/batch.py [ROWS ...]      # default: 10000 100000

For each size: generate a roster (.xlsx, untimed), then in fresh processes (so peak RSS is per run):
1. the batch (read, validate, assess, write) through ``run_batch``;
2. the baseline with the same libraries: a plain openpyxl read-only read of the roster, plus a plain
   write-only write of the same cells as the batch's output (measured as read-and-rewrite of the output
   minus a plain read of it);
3. for the record, python-calamine reading the roster when it is installed (not a dependency).
Targets: peak RSS < 400 MB; 10k and 100k within 100 MB; batch / baseline <= 1.5.
"""

from __future__ import annotations

import datetime as dt
import json
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
    ws.append([header_text(n, fields[n]) for n in names])
    for i in range(rows):
        ws.append([f"E{i:06d}", rng.choice(["R&D", "Sales", "Ops", "研发"]), rng.choice(identities),
                   rng.choice(degrees), dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000)), 2025,
                   rng.randint(100_000, 3_000_000), 36000, rng.choice(["yes", "no", "unknown"]),
                   rng.choice([None, "qianhai", "hetao"]), rng.choice(["yes", "no"]), rng.choice(["yes", "no"])])
    wb.save(path)


def child(mode: str, source: str, out: str) -> None:
    started = time.perf_counter()
    result: dict[str, object] = {}
    if mode == "batch":
        from calculator.batch import run_batch
        from calculator.engine import load_catalogue

        catalogue = load_catalogue()
        started = time.perf_counter()
        summary = run_batch(catalogue, source, out, kind="people", as_of=dt.date(2026, 11, 21))
        result["rows"] = summary.rows_in
    elif mode == "baseline":
        from openpyxl import Workbook, load_workbook

        def read(path: str) -> float:
            t = time.perf_counter()
            wb = load_workbook(path, read_only=True)
            for ws in wb.worksheets:
                for _row in ws.iter_rows(values_only=True):
                    pass
            wb.close()
            return time.perf_counter() - t

        read_input = read(source)
        read_output = read(out)
        t = time.perf_counter()
        src = load_workbook(out, read_only=True)
        dst = Workbook(write_only=True)
        for ws in src.worksheets:
            target = dst.create_sheet(ws.title)
            for row in ws.iter_rows(values_only=True):
                target.append(row)
        dst.save(out + ".copy.xlsx")
        rewrite = time.perf_counter() - t
        result.update(read_input=read_input, write_output=max(rewrite - read_output, 0.0))
        started = time.perf_counter() - read_input - result["write_output"]
    elif mode == "calamine":
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(source)
        for _row in wb.get_sheet_by_index(0).iter_rows():
            pass
    result["seconds"] = time.perf_counter() - started
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


def run(mode: str, source: Path, out: Path) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", mode, str(source), str(out)], capture_output=True,
                          text=True, check=False)
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(sizes: list[int]) -> None:
    peaks = {}
    with tempfile.TemporaryDirectory() as tmp:
        for rows in sizes:
            source, out = Path(tmp) / f"roster-{rows}.xlsx", Path(tmp) / f"out-{rows}.xlsx"
            generate(source, rows)
            batch = run("batch", source, out)
            base = run("baseline", source, out)
            cal = run("calamine", source, out)
            ratio = batch["seconds"] / base["seconds"]
            peaks[rows] = batch["peak_mb"]
            print(f"{rows:>7} rows: batch {batch['seconds']:.1f} s = {rows / batch['seconds']:,.0f} rows/s, "
                  f"peak RSS {batch['peak_mb']:.0f} MB | baseline (openpyxl read {base['read_input']:.1f} s + "
                  f"write {base['write_output']:.1f} s) {base['seconds']:.1f} s | ratio {ratio:.2f} (target <= 1.5)"
                  + (f" | calamine read {cal['seconds']:.1f} s, peak {cal['peak_mb']:.0f} MB" if "seconds" in cal
                     else " | calamine not installed"))
    if len(peaks) > 1:
        low, high = min(peaks), max(peaks)
        print(f"peak RSS {low}: {peaks[low]:.0f} MB, {high}: {peaks[high]:.0f} MB, difference "
              f"{peaks[high] - peaks[low]:.0f} MB (target < 100); max {max(peaks.values()):.0f} MB (target < 400)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
