"""benchmarks/api_answers.py, the byte-for-byte check of API answers between two versions, still runs: it snapshots
successes and refusals of every kind, and its comparison finds a changed answer (timing is never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "api_answers.py"


def test_snapshots_compare_equal_and_a_changed_answer_is_reported(tmp_path: Path) -> None:
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    for out in (first, second):
        run = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out), "--generated", "2"], cwd=ROOT,
                             capture_output=True, text=True, timeout=600)
        assert run.returncode == 0, run.stderr[-2000:]
    rows = [json.loads(line) for line in first.read_text(encoding="utf-8").splitlines()]
    assert {row["status"] for row in rows} == {200, 400, 415, 422}
    assert any(row["key"].endswith("&detail=figures") and row["status"] == 200 for row in rows)
    same = subprocess.run([sys.executable, str(SCRIPT), "--compare", str(first), str(second)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert same.returncode == 0 and " 0 differ" in same.stdout, same.stdout
    changed = [dict(row, sha256="0" * 64) if index == 5 else row for index, row in enumerate(rows)]
    second.write_text("".join(json.dumps(row) + "\n" for row in changed), encoding="utf-8")
    differs = subprocess.run([sys.executable, str(SCRIPT), "--compare", str(first), str(second)], cwd=ROOT,
                             capture_output=True, text=True, timeout=60)
    assert differs.returncode == 1 and f"{rows[5]['key']}: sha256 differs" in differs.stdout, differs.stdout
