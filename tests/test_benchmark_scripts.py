"""The benchmark scripts still run and measure what they name: a renamed step or a changed signature fails here, not on
the day someone needs the figures (timing itself is never asserted)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_profile_requests_times_every_step_of_both_paths() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "profile_requests.py"), "--requests", "2"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    for step in ("read the form", "validate (schema, as_of)", "engine (assess)", "report (to_document)",
                 "next questions (rank_assessment)",
                 "template (render_template)", "read the JSON", "JSON answer (orjson, response)"):
        line = next((row for row in run.stdout.splitlines() if row.strip().startswith(step)), None)
        assert line is not None, f"{step!r} missing from:\n{run.stdout}"
        milliseconds = float(re.search(r"([\d.]+) ms", line).group(1))  # type: ignore[union-attr]
        assert milliseconds > 0, f"{step!r} was never called: {line}"


def test_batch_benchmark_generates_its_roster_and_reports_both_runs() -> None:
    run = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "batch.py"), "--jobs", "2", "200"],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stderr[-2000:]
    assert re.search(r"200 rows, 1 process: [\d.]+ s wall = [\d,]+ rows/s", run.stdout), run.stdout
    assert re.search(r"scaling 1 -> 2: [\d.]+x wall", run.stdout), run.stdout
