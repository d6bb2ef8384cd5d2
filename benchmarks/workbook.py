"""Workbook benchmark: one company with 50 people, built by the workbook builder vs a plain openpyxl write.

    python benchmarks/workbook.py [--people 50] [--rounds 15]

Reports the median time to build one workbook (``build_workbook``: rendering the document, every sheet,
styles, formulas, the chart, saving the .xlsx) and, in the same run, the median time to write *the same
cells* (read back from that workbook: same values, same formulas) with plain openpyxl: no styles, no
document, no chart; both openpyxl modes are timed and the faster one is the baseline. Targets (issue #5):
under 200 ms, and at most 2x the plain write. Exit code 1 when a target is missed. For the record it also
times the builder on openpyxl's write-only worksheets (not used: slower here, see docs/performance.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openpyxl import Workbook, load_workbook  # noqa: E402

from calculator.engine import assess, load_catalogue  # noqa: E402
from calculator.workbook import build_workbook  # noqa: E402
from calculator.workbook import cells as workbook_cells  # noqa: E402
from schemas.profile import AssessmentInputSchema  # noqa: E402

AS_OF = dt.date(2026, 11, 21)
TARGET_MS = 200.0
TARGET_RATIO = 2.0


def company_with_people(count: int) -> dict[str, Any]:
    """The Qianhai example company with ``count`` people drawn in turn from the example rosters."""
    qianhai = json.loads((ROOT / "examples" / "qianhai-hk-staff.json").read_text(encoding="utf-8"))
    roster = json.loads((ROOT / "examples" / "hr-roster-ten.json").read_text(encoding="utf-8"))["people"]
    pool = roster + qianhai["people"]
    people = []
    for index in range(count):
        person = dict(pool[index % len(pool)])
        person["ref"] = f"P{index + 1:03d} {person['ref']}"
        people.append(person)
    return {"company": qianhai["company"], "people": people}


def cells_of(data: bytes) -> list[tuple[str, list[list[Any]]]]:
    """Every sheet's cell values (formulas as their text) from a built workbook."""
    wb = load_workbook(io.BytesIO(data))
    return [(ws.title, [list(row) for row in ws.iter_rows(values_only=True)]) for ws in wb.worksheets]


def plain_write(sheets: list[tuple[str, list[list[Any]]]], write_only: bool) -> bytes:
    wb = Workbook(write_only=write_only)
    if not write_only:
        wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def median_ms(fn, rounds: int) -> float:
    fn()  # warm up (imports, caches)
    times = []
    gc.collect()
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    args = parser.parse_args()
    catalogue = load_catalogue()
    data = AssessmentInputSchema(choices=catalogue.choices).load(company_with_people(args.people))
    assessment = assess(catalogue, data, AS_OF)
    built = build_workbook(catalogue, assessment, args.lang)
    sheets = cells_of(built)
    cells = sum(1 for _, rows in sheets for row in rows for value in row if value is not None)

    ours = median_ms(lambda: build_workbook(catalogue, assessment, args.lang), args.rounds)
    plain_stream = median_ms(lambda: plain_write(sheets, True), args.rounds)
    plain_normal = median_ms(lambda: plain_write(sheets, False), args.rounds)
    workbook_cells.WRITE_ONLY = True  # for the record: the same builder on openpyxl's write-only worksheets
    try:
        ours_stream = median_ms(lambda: build_workbook(catalogue, assessment, args.lang), args.rounds)
    finally:
        workbook_cells.WRITE_ONLY = False
    baseline = min(plain_stream, plain_normal)
    ratio = ours / baseline

    print(f"workbook: one company with {args.people} people, lang {args.lang}, as of {AS_OF}, "
          f"tables {catalogue.tables_version}")
    print(f"  {len(sheets)} sheets, {cells:,} non-empty cells, {len(built):,} bytes")
    label = f"build_workbook (median of {args.rounds})"
    print(f"{label:<44}: {ours:8.1f} ms   (target < {TARGET_MS:.0f} ms)")
    print(f"plain openpyxl, same cells, write-only      : {plain_stream:8.1f} ms")
    print(f"plain openpyxl, same cells, normal mode     : {plain_normal:8.1f} ms")
    print(f"ratio build / faster plain write            : {ratio:8.2f}x   (target <= {TARGET_RATIO:.1f}x)")
    print(f"(the builder on write-only worksheets      : {ours_stream:8.1f} ms, not used: slower here)")
    met = ours < TARGET_MS and ratio <= TARGET_RATIO
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
