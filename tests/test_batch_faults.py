"""Batch faults: a job that dies is marked failed and leaves nothing; a cut-off upload leaves nothing."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from calculator.app import create_app
from calculator.batch.jobs import InProcessJobs


def wait(runner: InProcessJobs, job_id: str):
    for _ in range(200):
        status = runner.status(job_id)
        if status.state in ("done", "failed"):
            return status
        time.sleep(0.02)
    raise AssertionError("the job never finished")


def test_a_job_whose_worker_dies_is_marked_failed_and_its_files_removed(tmp_path):
    runner = InProcessJobs(ttl=60, root=tmp_path)

    def prepare(directory):
        (directory / "input").write_text("name\nSecret Co\n", encoding="utf-8")

    def work(directory, report):
        (directory / "errors.jsonl").write_text('{"value": "Secret Co"}\n', encoding="utf-8")
        (directory / "partial.xlsx").write_bytes(b"PK half")
        report(1, 10, 0)
        raise RuntimeError("worker died")

    job_id = runner.submit(work, name="x.xlsx", prepare=prepare)
    status = wait(runner, job_id)
    assert status.state == "failed"
    assert status.error["en"] and status.error["zh"] and "worker died" not in status.error["en"]
    # Only the job's state is kept (so any worker can show the failure); none of the file's data.
    kept = list(runner.job_dir(job_id).iterdir())
    assert [p.name for p in kept] == ["status.json"] and "Secret Co" not in kept[0].read_text(encoding="utf-8")
    assert runner.result_path(job_id) is None and runner.errors(job_id) == []
    runner.shutdown()


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False,
                      "BATCH_RUNNER": InProcessJobs(ttl=60, root=tmp_path)})
    yield app
    app.extensions["batch_jobs"].shutdown()


def test_the_failed_job_page_says_so_without_a_500(app):
    runner = app.extensions["batch_jobs"]

    def work(directory, report):
        raise RuntimeError("boom")

    job_id = runner.submit(work, name="x.xlsx")
    wait(runner, job_id)
    page = app.test_client().get(f"/batch/jobs/{job_id}?lang=en")
    assert page.status_code == 200 and "could not be completed" in page.get_data(as_text=True)
    assert app.test_client().get(f"/batch/jobs/{job_id}/download").status_code == 404


def test_a_client_that_disconnects_mid_upload_leaves_nothing_behind(app, tmp_path):
    boundary = "XyZ"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n" + "ref,identity\r\n" + "A,mainland\r\n" * 5000).encode()
    cut = body[: len(body) // 2]  # the connection drops half-way through the file
    response = app.test_client().post(
        "/batch?lang=en", input_stream=__import__("io").BytesIO(cut),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(len(body))})
    assert response.status_code in (400, 413)
    root = app.extensions["batch_jobs"].root
    assert not root.exists() or list(root.iterdir()) == []


def test_an_app_that_runs_no_batch_leaves_no_folder_and_shutdown_removes_the_jobs_folder(tmp_path):
    """The job store's private folder exists only while there are jobs to keep: starting the app (as every
    worker and every test does) writes nothing to the temporary folder, and shutting the runner down removes
    the folder with anything still in it."""
    runner = InProcessJobs(ttl=60, root=tmp_path)
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "BATCH_RUNNER": runner})
    app.test_client().get("/batch?lang=en")
    assert list(tmp_path.iterdir()) == []

    def prepare(directory):
        (directory / "input").write_text("name\nSecret Co\n", encoding="utf-8")

    def work(directory, report):
        (directory / "result.xlsx").write_bytes(b"PK")
        return {"rows": 1}

    job_id = runner.submit(work, name="x.xlsx", prepare=prepare)
    assert wait(runner, job_id).state == "done"
    assert [p.name for p in tmp_path.iterdir()] == [runner.root.name]
    runner.shutdown()
    assert list(tmp_path.iterdir()) == []


def test_job_files_left_at_process_exit_are_removed(tmp_path):
    """A worker process that exits with a finished job nobody downloaded (no shutdown call) still removes the
    job's files: nothing with company data outlives the process that held its job state."""
    script = f"""
import sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
from calculator.batch.jobs import InProcessJobs
runner = InProcessJobs(ttl=900, root={str(tmp_path)!r})
def prepare(directory):
    (directory / "input").write_text("name\\nSecret Co\\n", encoding="utf-8")
def work(directory, report):
    (directory / "result.xlsx").write_bytes(b"PK Secret Co")
    return {{"rows": 1}}
job = runner.submit(work, name="x.xlsx", prepare=prepare)
while runner.status(job).state != "done":
    time.sleep(0.01)
print(runner.result_path(job))
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert str(tmp_path) in done.stdout  # the job really finished with a result file
    assert list(tmp_path.iterdir()) == []


def test_a_job_whose_process_died_is_reported_failed_by_any_worker_and_its_files_removed(tmp_path):
    """Another worker process ran the job and died mid-way (killed, out of memory): the page says so and the
    job's data is deleted, instead of 'working…' for ever."""
    runner = InProcessJobs(ttl=60, root=tmp_path)
    gate = threading.Event()

    def work(directory, report):
        (directory / "errors.jsonl").write_text('{"value": "Secret Co"}\n', encoding="utf-8")
        gate.wait(10)
        return {}

    job_id = runner.submit(work, name="x.xlsx")
    for _ in range(200):
        if runner.status(job_id).state == "running":
            break
        time.sleep(0.01)
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True, check=True).stdout)  # a process that has ended
    state = runner.job_dir(job_id) / "status.json"
    state.write_text(json.dumps({**json.loads(state.read_text(encoding="utf-8")), "pid": dead}), encoding="utf-8")
    status = runner.status(job_id)
    assert status.state == "failed" and "server process" in status.error["en"] and "进程" in status.error["zh"]
    assert [p.name for p in runner.job_dir(job_id).iterdir()] == ["status.json"]
    gate.set()
    runner.shutdown()
