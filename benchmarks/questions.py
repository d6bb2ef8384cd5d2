"""Next-questions benchmark: what ranking the questions adds to a results page, per example profile.

    python benchmarks/questions.py [--rounds 30] [--lang zh]

For each example profile, in the same run: the median CPU time of the assessment alone (the baseline), of the
results document without questions (``to_document(questions=False)``), of the ranking alone
(``rank_assessment``) and of the document with questions (what the results page, the API and the CLI render), with
the number of program re-evaluations the ranking made (and of benefits it priced without evaluating their program)
and the ratio of the ranking to the assessment. CPU time, not wall time: the machine is shared, and other jobs'
load moves wall time far more.
Target (issue #14): the document with questions for any example under 50 ms median (a results page's budget);
exit code 1 when it is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calculator.engine import assess, load_catalogue
from calculator.engine.questions import rank_assessment
from calculator.engine.report import to_document
from schemas.profile import AssessmentInputSchema

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
AS_OF = dt.date(2026, 11, 21)
TARGET_MS = 50.0


def median_ms(fn: Callable[[], Any], rounds: int) -> float:
    """Median CPU time of ``rounds`` calls after a warm-up (imports, caches)."""
    fn()
    times = []
    gc.collect()
    for _ in range(rounds):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--lang", default="zh")
    args = parser.parse_args()
    catalogue = load_catalogue()
    schema = AssessmentInputSchema(choices=catalogue.choices)
    print(f"as of {AS_OF}, tables {catalogue.tables_version}, {args.rounds} rounds, median CPU ms")
    print(f"{'example':<30} {'assess':>7} {'doc':>7} {'rank':>7} {'doc+q':>7} {'evals':>6} {'priced':>6} "
          f"{'questions':>9} {'rank/assess':>11}")
    worst = 0.0
    for path in sorted(EXAMPLES.glob("*.json")):
        loaded = schema.load(json.loads(path.read_text(encoding="utf-8")))
        assessment = assess(catalogue, loaded, AS_OF)
        base = median_ms(lambda loaded=loaded: assess(catalogue, loaded, AS_OF), args.rounds)
        plain = median_ms(lambda a=assessment: to_document(catalogue, a, args.lang, questions=False), args.rounds)
        ranking = median_ms(lambda a=assessment: rank_assessment(catalogue, a), args.rounds)
        full = median_ms(lambda a=assessment: to_document(catalogue, a, args.lang), args.rounds)
        asked = rank_assessment(catalogue, assessment)
        rankings = ([asked.company] if asked.company else []) + asked.people
        evaluations = sum(r.evaluations for r in rankings)
        priced = sum(r.priced for r in rankings)  # benefits priced without evaluating their programs
        count = sum(len(r.questions) for r in rankings)
        worst = max(worst, full)
        print(f"{path.stem:<30} {base:7.2f} {plain:7.2f} {ranking:7.2f} {full:7.2f} {evaluations:6d} {priced:6d} "
              f"{count:9d} {ranking / base:10.1f}x")
    ok = worst < TARGET_MS
    print(f"slowest document with questions: {worst:.1f} ms (target < {TARGET_MS:.0f} ms): "
          + ("target met" if ok else "TARGET MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
