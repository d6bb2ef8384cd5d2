"""Workbook benchmark: the builder (XlsxWriter) vs a plain write of the same cells, per real workbook.

    python benchmarks/workbook.py [--people 50] [--rounds 15] [--lang zh] [--people-only]

Workbooks: each example profile, and one company with ``--people`` people (the Qianhai example with people
drawn in turn from the example rosters). For each it reports the median time to build the workbook
(``build_workbook``: rendering the document, every sheet, styles, formulas, the chart, the .xlsx bytes), and
in the same run the median time to write *the same cells* (read back from that workbook: same values, same
formulas) plainly, with no styles, document or chart: with XlsxWriter in memory, openpyxl write-only and
openpyxl normal mode; the fastest is the baseline. Times are CPU time (see :func:`median_ms`). For the
record it also builds the same workbook on openpyxl's public API (``benchmarks/openpyxl_book.py``, normal
and write-only mode), and reports each builder's peak Python memory for one build (tracemalloc, measured
apart from the timings). For the workbook with people it also times, in the same run, the part of the build
that is the engine's: rendering the document (``to_document``, which ``build_workbook`` calls). The load
average is printed before and after (the machine is shared; compare figures within one run).
Targets (issue #5), on the workbook with people: under 200 ms, and at most 2x the fastest plain write.
Exit code 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import io
import json
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import xlsxwriter  # noqa: E402
from openpyxl import Workbook, load_workbook  # noqa: E402

from benchmarks import openpyxl_book  # noqa: E402
from calculator.engine import assess, load_catalogue, to_document  # noqa: E402
from calculator.workbook import build_workbook, builder, cells  # noqa: E402
from schemas.profile import AssessmentInputSchema  # noqa: E402

AS_OF = dt.date(2026, 11, 21)
TARGET_MS = 200.0
TARGET_RATIO = 2.0
BUILDERS = {"xlsxwriter": cells.Book, "openpyxl normal": openpyxl_book.Book,
            "openpyxl write-only": openpyxl_book.WriteOnlyBook}


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


def plain_openpyxl(sheets: list[tuple[str, list[list[Any]]]], write_only: bool) -> bytes:
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


def plain_xlsxwriter(sheets: list[tuple[str, list[list[Any]]]]) -> bytes:
    out = io.BytesIO()
    wb = xlsxwriter.Workbook(out, cells.OPTIONS)
    for title, rows in sheets:
        ws = wb.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    (ws.write_formula if value.startswith("=") else ws.write_string)(r, c, value)
                elif isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value)
                else:
                    ws.write_number(r, c, value)
    wb.close()
    return out.getvalue()


def median_ms(fn: Callable[[], Any], rounds: int) -> float:
    """Median CPU time of ``rounds`` calls after a warm-up (imports, caches). CPU time, not wall time: the
    machine is shared, and other jobs' load moves wall time far more; a build does no I/O but writing
    (openpyxl: to temporary files), so on a quiet machine the two agree."""
    fn()
    times = []
    gc.collect()
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def peak_mb(fn: Callable[[], Any]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def with_book(book: type, fn: Callable[[], Any]) -> Callable[[], Any]:
    def run() -> Any:
        builder.Book = book
        try:
            return fn()
        finally:
            builder.Book = cells.Book
    return run


def measure(name: str, catalogue: Any, profile: dict[str, Any], lang: str, rounds: int) -> dict[str, Any]:
    data = AssessmentInputSchema(choices=catalogue.choices).load(profile)
    assessment = assess(catalogue, data, AS_OF)
    built = build_workbook(catalogue, assessment, lang)
    sheets = cells_of(built)
    count = sum(1 for _, rows in sheets for row in rows for value in row if value is not None)
    result: dict[str, Any] = {"name": name, "cells": count, "bytes": len(built), "build": {}, "peak": {}}
    for label, book in BUILDERS.items():
        build = with_book(book, lambda: build_workbook(catalogue, assessment, lang))
        result["build"][label] = median_ms(build, rounds if label == "xlsxwriter" else max(3, rounds // 3))
        result["peak"][label] = peak_mb(build)
    result["plain"] = {"xlsxwriter": median_ms(lambda: plain_xlsxwriter(sheets), rounds),
                       "openpyxl write-only": median_ms(lambda: plain_openpyxl(sheets, True), rounds),
                       "openpyxl normal": median_ms(lambda: plain_openpyxl(sheets, False), rounds)}
    result["ratio"] = result["build"]["xlsxwriter"] / min(result["plain"].values())
    result["document"] = median_ms(lambda: to_document(catalogue, assessment, lang, questions=False), rounds)
    return result


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--people-only", action="store_true", help="only the workbook with people (the targets')")
    args = parser.parse_args()
    catalogue = load_catalogue()
    cases = [] if args.people_only else [(path.stem, json.loads(path.read_text(encoding="utf-8")))
                                         for path in sorted((ROOT / "examples").glob("*.json"))]
    cases.append((f"company + {args.people} people", company_with_people(args.people)))
    print(f"load average {load_average()}")
    print(f"workbooks in {args.lang}, as of {AS_OF}, tables {catalogue.tables_version}; medians of {args.rounds} "
          f"(openpyxl builders {max(3, args.rounds // 3)}); peak = tracemalloc peak of one build")
    print(f"{'workbook':<26}{'cells':>7}  {'build: xlsxwriter':>18}{'openpyxl':>10}{'op. w-only':>11}  "
          f"{'plain: xlsxw.':>14}{'op. w-only':>11}{'openpyxl':>10}  {'ratio':>6}  peak MB x / o / ow")
    results = [measure(name, catalogue, profile, args.lang, args.rounds) for name, profile in cases]
    for r in results:
        b, p, m = r["build"], r["plain"], r["peak"]
        print(f"{r['name']:<26}{r['cells']:>7,}  {b['xlsxwriter']:>15.1f} ms{b['openpyxl normal']:>7.1f} ms"
              f"{b['openpyxl write-only']:>8.1f} ms  {p['xlsxwriter']:>11.1f} ms{p['openpyxl write-only']:>8.1f} ms"
              f"{p['openpyxl normal']:>7.1f} ms  {r['ratio']:>5.2f}x  {m['xlsxwriter']:.1f} / "
              f"{m['openpyxl normal']:.1f} / {m['openpyxl write-only']:.1f}")
    people = results[-1]
    ours = people["build"]["xlsxwriter"]
    print(f"of which the engine's document ({people['name']}): {people['document']:.1f} ms "
          f"({people['document'] / ours:.0%} of the build)")
    print(f"targets ({people['name']}): build {ours:.1f} ms (< {TARGET_MS:.0f} ms), ratio to the fastest plain write "
          f"{people['ratio']:.2f}x (<= {TARGET_RATIO:.1f}x)")
    met = ours < TARGET_MS and people["ratio"] <= TARGET_RATIO
    print(f"load average {load_average()}")
    print("targets met" if met else "TARGET MISSED")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
