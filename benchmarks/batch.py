"""Batch mode end to end on a generated staff roster: rows/s, peak RSS, and the ratio to plain I/O.

    .venv/bin/python benchmarks/batch.py [ROWS ...]      # default: 10000 100000

For each size: generate a roster (.xlsx, untimed), then in fresh processes (so peak RSS is per run):
1. the batch (read, validate, assess, write) through ``run_batch``;
2. the baseline with the same libraries: a plain openpyxl read-only read of the roster, plus a plain
   XlsxWriter constant_memory write of the same cells as the batch's output (measured as read-and-rewrite
   of the output minus a plain read of it);
3. for the record, python-calamine reading the roster when it is installed (not a dependency).
Targets: peak RSS < 400 MB; 10k and 100k within 100 MB; batch / baseline <= 1.5.

    .venv/bin/python benchmarks/batch.py --writers [ROWS ...]   # default: 10000 100000

The result writer alone, XlsxWriter constant_memory (``calculator/batch/writer.py``) against openpyxl
write-only (``benchmarks/openpyxl_batch_writer.py``, how it wrote before): the writer calls the batch makes for
the first 500 rows of the generated roster are recorded, then replayed to ROWS input rows in a fresh process
per writer (every sheet, the same cells); time (wall and CPU) from opening the writer to the saved file, and
peak RSS.
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
    ws.append([header_text(n, fields[n]) for n in names])
    for i in range(rows):
        ws.append([f"E{i:06d}", rng.choice(["R&D", "Sales", "Ops", "研发"]), rng.choice(identities),
                   rng.choice(degrees), dt.date(2015, 1, 1) + dt.timedelta(days=rng.randint(0, 3000)), 2025,
                   rng.randint(100_000, 3_000_000), 36000, rng.choice(["yes", "no", "unknown"]),
                   rng.choice([None, "qianhai", "hetao"]), rng.choice(["yes", "no"]), rng.choice(["yes", "no"])])
    wb.save(path)


def child(mode: str, source: str, out: str) -> None:
    """One measurement in this process; times are CPU seconds (the machine is shared: other jobs move wall
    time far more than CPU time; the batch and the baseline are single-threaded)."""
    clock = time.process_time
    started = clock()
    result: dict[str, object] = {}
    if mode == "batch":
        from calculator.batch import run_batch
        from calculator.engine import load_catalogue

        catalogue = load_catalogue()
        started = clock()
        summary = run_batch(catalogue, source, out, kind="people", as_of=dt.date(2026, 11, 21))
        result["rows"] = summary.rows_in
    elif mode == "baseline":
        import xlsxwriter
        from openpyxl import load_workbook

        def read(path: str) -> float:
            t = clock()
            wb = load_workbook(path, read_only=True)
            for ws in wb.worksheets:
                for _row in ws.iter_rows(values_only=True):
                    pass
            wb.close()
            return clock() - t

        read_input = read(source)
        read_output = read(out)
        t = clock()
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
        rewrite = clock() - t
        result.update(read_input=read_input, write_output=max(rewrite - read_output, 0.0))
        started = clock() - read_input - result["write_output"]
    elif mode.startswith("writer-"):
        result.update(replay_writer(mode.removeprefix("writer-"), source, out))
    elif mode == "calamine":
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(source)
        for _row in wb.get_sheet_by_index(0).iter_rows():
            pass
    result.setdefault("seconds", clock() - started)
    result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result))


RECORDED = 500


def record(source: str) -> tuple[list[Any], list[list[tuple[str, list[Any]]]]]:
    """The batch's writer calls for the first rows of ``source``, grouped per input row (not timed)."""
    from calculator.batch import run as batch_run
    from calculator.batch.columns import KINDS
    from calculator.batch.writer import ResultWriter
    from calculator.engine import load_catalogue

    groups: list[list[tuple[str, list[Any]]]] = []

    class Recorder(ResultWriter):
        def row(self, key: str, values: list[Any]) -> None:
            if key == "totals":
                groups.append([])
            if groups and key in ("totals", "matrix", "detail", "rejected"):
                groups[-1].append((key, list(values)))

        def save(self, path: Any) -> None:
            self.discard()

    catalogue = load_catalogue()
    batch_run.ResultWriter = Recorder
    batch_run.run_batch(catalogue, source, os.devnull, kind="people", as_of=dt.date(2026, 11, 21),
                        max_rows=RECORDED)
    programs = [p for p in catalogue.programs.values() if p.subject == KINDS["people"]]
    return programs, groups


def replay_writer(which: str, source: str, out: str) -> dict[str, float]:
    """Time one writer writing the recorded rows again and again, up to the roster's row count."""
    from benchmarks.openpyxl_batch_writer import OpenpyxlResultWriter
    from calculator.batch.writer import ResultWriter

    rows = int(Path(source).stem.rsplit("-", 1)[1])
    programs, groups = record(source)
    cls = ResultWriter if which == "xlsxwriter" else OpenpyxlResultWriter
    started, cpu = time.perf_counter(), time.process_time()
    writer = cls("en", "people", programs)
    for index in range(rows):
        for key, values in groups[index % len(groups)]:
            writer.row(key, [index + 2, *values[1:]])
    writer.summary([("rows", rows)], [[p.id, p.spec["name"]["en"], 1, 2, 3, 4, 5, 6.0, 7.0] for p in programs],
                   [["R&D", rows, 1, 2.0, 3.0]])
    writer.save(out)
    return {"seconds": time.perf_counter() - started, "cpu": time.process_time() - cpu, "bytes": os.path.getsize(out)}


def writers(sizes: list[int]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        peaks: dict[str, dict[int, float]] = {"xlsxwriter": {}, "openpyxl": {}}
        for rows in sizes:
            source = Path(tmp) / f"roster-{rows}.xlsx"
            generate(source, RECORDED)
            for which in peaks:
                got = run(f"writer-{which}", source, Path(tmp) / f"out-{which}-{rows}.xlsx")
                peaks[which][rows] = got["peak_mb"]
                print(f"{rows:>7} rows, {which:<10}: {got['seconds']:6.1f} s (CPU {got['cpu']:.1f} s), "
                      f"peak RSS {got['peak_mb']:.0f} MB, file {got['bytes'] / 1e6:.1f} MB")
        for which, by_rows in peaks.items():
            print(f"{which}: peak RSS by rows {', '.join(f'{r}: {mb:.0f} MB' for r, mb in by_rows.items())}")


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
            print(f"{rows:>7} rows (CPU s): batch {batch['seconds']:.1f} s = {rows / batch['seconds']:,.0f} rows/s, "
                  f"peak RSS {batch['peak_mb']:.0f} MB | baseline (openpyxl read {base['read_input']:.1f} s + "
                  f"XlsxWriter write {base['write_output']:.1f} s) {base['seconds']:.1f} s | ratio {ratio:.2f} "
                  "(target <= 1.5)"
                  + (f" | calamine read {cal['seconds']:.1f} s, peak {cal['peak_mb']:.0f} MB" if "seconds" in cal
                     else " | calamine not installed"))
    if len(peaks) > 1:
        low, high = min(peaks), max(peaks)
        print(f"peak RSS {low}: {peaks[low]:.0f} MB, {high}: {peaks[high]:.0f} MB, difference "
              f"{peaks[high] - peaks[low]:.0f} MB (target < 100); max {max(peaks.values()):.0f} MB (target < 400)")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(*sys.argv[2:5])
    elif len(sys.argv) > 1 and sys.argv[1] == "--writers":
        writers([int(a) for a in sys.argv[2:]] or [10_000, 100_000])
    else:
        main([int(a) for a in sys.argv[1:]] or [10_000, 100_000])
