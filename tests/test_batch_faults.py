"""Batch faults: a job that fails or whose process dies is marked failed and keeps nothing of the file; a cut-off
upload leaves nothing; a process that exits leaves nothing when it was the last."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from calculator.app import create_app
from calculator.batch.inprocess import InProcessJobs
from calculator.batch.jobs import JobRequest
from calculator.batch.local import LIVE, LOCK
from tests.batch_web import wait_for

REQUEST = JobRequest(filename="roster.csv", download="x.xlsx")
OWNER = "o" * 24


def entries(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name not in (LIVE, LOCK)) if folder.exists() else []


def submit(runner: InProcessJobs, text: str = "name\nSecret Co\n") -> str:
    with runner.upload() as folder:
        (folder / "input").write_text(text, encoding="utf-8")
        return runner.submit(REQUEST, folder / "input", OWNER)


def wait(runner: InProcessJobs, job_id: str):
    return wait_for(lambda: (s := runner.status(job_id, OWNER)) and not s.active and s, 30, "the job never finished")


def test_a_job_whose_work_fails_is_marked_failed_and_keeps_only_its_state(tmp_path):
    def work(request, folder, sink):
        sink.error({"value": "Secret Co"})
        (folder / "partial.xlsx").write_bytes(b"PK half")
        sink.progress(1, 10, 0)
        raise RuntimeError("worker died on Secret Co")

    runner = InProcessJobs(folder=tmp_path / "jobs", execute=work)
    job_id = submit(runner)
    status = wait(runner, job_id)
    assert status.state == "failed"
    assert status.error["en"] and status.error["zh"] and "Secret" not in json.dumps(status.error)
    kept = list((tmp_path / "jobs" / f"job-{job_id}").iterdir())
    assert [p.name for p in kept] == ["status.json"] and "Secret Co" not in kept[0].read_text(encoding="utf-8")
    assert runner.result(job_id, OWNER) is None and runner.errors(job_id, OWNER) == []
    runner.shutdown()


@pytest.fixture
def app(tmp_path):
    def boom(request, folder, sink):
        raise RuntimeError("boom")

    runner = InProcessJobs(folder=tmp_path / "jobs", execute=boom)
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "BATCH_RUNNER": runner})
    yield app
    runner.shutdown()


def test_the_failed_job_page_says_so_without_a_500(app):
    client = app.test_client()
    location = client.post("/batch?lang=en", data={"file": (io.BytesIO(b"ref\nA\n"), "r.csv")}).headers["Location"]
    page = wait_for(lambda: (p := client.get(location)).headers.get("Refresh") is None and p, 30, "never finished")
    assert page.status_code == 200 and "could not be completed" in page.get_data(as_text=True)
    assert client.get(location.split("?")[0] + "/download").status_code == 404


def test_a_client_that_disconnects_mid_upload_leaves_nothing_behind(app, tmp_path):
    boundary = "XyZ"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\n"
            "Content-Type: text/csv\r\n\r\n" + "ref,identity\r\n" + "A,mainland\r\n" * 5000).encode()
    cut = body[: len(body) // 2]  # the connection drops half-way through the file
    response = app.test_client().post(
        "/batch?lang=en", input_stream=io.BytesIO(cut),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(len(body))})
    assert response.status_code in (400, 413)
    assert entries(tmp_path / "jobs") == []


def test_an_app_that_runs_no_batch_writes_nothing_and_shutdown_removes_the_jobs_folder(tmp_path):
    """Starting the app (as every worker and every test does) writes nothing; shutting the runner down when no
    other process uses the folder removes it with everything in it."""
    def work(request, folder, sink):
        (folder / "result.xlsx").write_bytes(b"PK")
        return {"rows": 1}

    runner = InProcessJobs(folder=tmp_path / "jobs", execute=work)
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "BATCH_RUNNER": runner})
    app.test_client().get("/batch?lang=en")
    assert list(tmp_path.iterdir()) == []
    job_id = submit(runner)
    assert wait(runner, job_id).state == "done"
    assert entries(tmp_path / "jobs") == [f"job-{job_id}"]
    runner.shutdown()
    assert list(tmp_path.iterdir()) == []


def test_job_files_left_at_process_exit_are_removed(tmp_path):
    """A process that exits with a finished job nobody deleted (no shutdown call), being the last to use the
    folder, removes it: nothing with company data outlives the server."""
    script = f"""
import sys, time
sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
from pathlib import Path
from calculator.batch.inprocess import InProcessJobs
from calculator.batch.jobs import JobRequest
def work(request, folder, sink):
    (folder / "result.xlsx").write_bytes(b"PK Secret Co")
    return {{"rows": 1}}
runner = InProcessJobs(folder=Path({str(tmp_path / "jobs")!r}), execute=work)
with runner.upload() as folder:
    (folder / "input").write_text("name\\nSecret Co\\n", encoding="utf-8")
    job = runner.submit(JobRequest(filename="r.csv", download="x.xlsx"), folder / "input", "o" * 24)
while runner.status(job, "o" * 24).state != "done":
    time.sleep(0.01)
print(runner.result(job, "o" * 24).name)
"""
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert str(tmp_path) in done.stdout  # the job really finished with a result file
    assert list(tmp_path.iterdir()) == []


def test_a_job_whose_process_died_is_reported_failed_by_any_process_and_its_files_removed(tmp_path):
    """Another process ran the job and died mid-way (killed, out of memory): the page says so and the job's data
    is deleted, instead of 'working…' for ever."""
    gate = threading.Event()

    def work(request, folder, sink):
        sink.error({"value": "Secret Co"})
        gate.wait(10)
        return {}

    runner = InProcessJobs(folder=tmp_path / "jobs", execute=work)
    job_id = submit(runner)
    wait_for(lambda: runner.status(job_id, OWNER).state == "running", 30, "the job never started")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()  # a process that has ended
    state = tmp_path / "jobs" / f"job-{job_id}" / "status.json"
    state.write_text(json.dumps({**json.loads(state.read_text(encoding="utf-8")), "process": f"{dead}.0"}),
                     encoding="utf-8")
    status = runner.status(job_id, OWNER)
    assert status.state == "failed" and "server process" in status.error["en"] and "进程" in status.error["zh"]
    assert [p.name for p in state.parent.iterdir()] == ["status.json"]
    gate.set()
    runner.shutdown()
