"""Batch jobs keep their promises with the embedded runner: owned by the session that uploaded, kept until expiry
or "delete now" (not deleted by a download), deleted on time on a server that gets no requests, nothing left by a
killed worker within one reaper period whether or not the server is then stopped, and bounded (queued jobs,
messages kept). The gunicorn tests run the README's `make run` server with the production default folder."""

from __future__ import annotations

import io
import json
import os
import signal
import threading
from pathlib import Path

import openpyxl
import pytest

from calculator.app import create_app
from calculator.batch.inprocess import InProcessJobs
from calculator.batch.local import LIVE, LOCK
from calculator.config import ConfigError
from tests.batch_web import Browser, free_port, roster, serve, stop, wait_for

PERIOD = 2  # the servers' reaper period in these tests (BATCH_REAP_SECONDS)
SLACK = 15  # seconds a loaded 2-core machine may need beyond a deadline before the test calls it a failure


def entries(folder: Path) -> list[str]:
    """What a jobs folder holds besides its live markers and lock."""
    return sorted(p.name for p in folder.iterdir() if p.name not in (LIVE, LOCK)) if folder.exists() else []


def wait_done(client, location: str) -> str:
    return wait_for(lambda: (page := client.get(location)).headers.get("Refresh") is None
                    and page.get_data(as_text=True), 60, "the job did not finish")


@pytest.fixture
def app(tmp_path):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "BATCH_DIR": str(tmp_path / "jobs")})
    yield app
    app.extensions["batch_jobs"].shutdown()


def upload(client, content: bytes, lang: str = "en"):
    return client.post(f"/batch?lang={lang}", data={"file": (io.BytesIO(content), "roster.csv"), "kind": "people"})


# --- ownership and "delete now" --------------------------------------------------------------------------------
def test_another_sessions_job_id_gets_the_same_not_found_page_as_a_job_that_never_was(app):
    owner, other = app.test_client(), app.test_client()
    location = upload(owner, roster(3, bad=True)).headers["Location"]
    job = location.split("?")[0]
    assert "abc0" in wait_done(owner, location)
    job_id, fake = job.rsplit("/", 1)[1], "A" * 24
    for method, path in (("get", "?lang=en"), ("get", "?lang=en&page=1"), ("get", "/download?lang=en"),
                         ("post", "/delete?lang=en")):
        theirs = getattr(other, method)(f"/batch/jobs/{job_id}{path}")
        never = getattr(other, method)(f"/batch/jobs/{fake}{path}")
        assert theirs.status_code == never.status_code == 404
        assert theirs.data.replace(job_id.encode(), fake.encode()) == never.data  # no oracle: the very same page
        assert b"abc0" not in theirs.data
    assert owner.get(location).status_code == 200  # the other session's tries changed nothing
    assert owner.get(f"{job}/download").data[:2] == b"PK"


def test_download_keeps_the_job_for_its_owner_until_delete_now(app, tmp_path):
    client = app.test_client()
    location = upload(client, roster(3)).headers["Location"]
    job = location.split("?")[0]
    page = wait_done(client, location)
    assert "Delete now" in page and "deleted when the assessment ended" in page
    first, second = client.get(f"{job}/download"), client.get(f"{job}/download")
    assert first.status_code == second.status_code == 200 and first.data == second.data and first.data[:2] == b"PK"
    assert len(entries(tmp_path / "jobs")) == 1
    deleted = client.post(f"{job}/delete?lang=en")
    assert deleted.status_code == 200 and "The results are deleted" in deleted.get_data(as_text=True)
    assert entries(tmp_path / "jobs") == []
    assert client.get(location).status_code == 404 and client.get(f"{job}/download").status_code == 404


def test_the_notices_say_how_long_results_are_kept_from_the_one_setting(tmp_path):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "BATCH_TTL": 600, "BATCH_DIR": str(tmp_path)})
    client = app.test_client()
    assert "at most 10 minutes after the upload" in client.get("/batch?lang=en").get_data(as_text=True)
    assert "最多保留 10 分钟" in client.get("/?lang=zh").get_data(as_text=True)
    assert "10 minutes after the upload" in client.get("/batch/jobs/" + "A" * 24 + "?lang=en").get_data(as_text=True)
    app.extensions["batch_jobs"].shutdown()


# --- caps ------------------------------------------------------------------------------------------------------
def test_queued_jobs_are_capped_and_the_refusal_names_the_limit_in_the_users_language(tmp_path):
    gate = threading.Event()

    def held(request, folder, sink):  # the work waits: the jobs stay queued or running while the cap is tried
        gate.wait(30)
        return {"messages": 0}

    runner = InProcessJobs(folder=tmp_path / "jobs", execute=held, max_queued=2, period=PERIOD)
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "BATCH_RUNNER": runner})
    client = app.test_client()
    assert [upload(client, roster(1)).status_code for _ in range(2)] == [303, 303]
    refused = upload(client, roster(1))
    assert refused.status_code == 503 and refused.headers["Retry-After"]
    assert "at most 2 batch jobs may wait or run at once" in refused.get_data(as_text=True)
    assert "最多 2 个" in upload(client, roster(1), lang="zh").get_data(as_text=True)
    assert len(entries(tmp_path / "jobs")) == 2  # the refused uploads left nothing
    gate.set()
    wait_for(lambda: runner._active() == 0, 30, "the held jobs did not finish")
    assert upload(client, roster(1)).status_code == 303
    runner.shutdown()


def test_messages_kept_per_job_are_capped_and_the_page_says_how_many_were_not(tmp_path):
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "BATCH_MAX_ERRORS": 5,
                      "BATCH_DIR": str(tmp_path / "jobs")})
    client = app.test_client()
    location = upload(client, roster(40, bad=True)).headers["Location"]
    page = wait_done(client, location)
    assert "rejected: <strong>40</strong>" in page  # every row is still counted
    assert "Messages 1–5 of 5" in page and "75 more messages about rejected rows were not kept" in page
    assert "at most 5 are kept per file" in page
    (job,) = (tmp_path / "jobs").glob("job-*")
    assert len((job / "errors.jsonl").read_text(encoding="utf-8").splitlines()) == 5
    book = openpyxl.load_workbook(io.BytesIO(client.get(location.split("?")[0] + "/download").data), read_only=True)
    assert len(list(book["Rejected rows"].iter_rows(min_row=2))) == 5
    zh = wait_done(client, upload(client, roster(40, bad=True), lang="zh").headers["Location"])
    assert "另有 75 条关于被拒绝行的提示未予保留" in zh and "每个文件最多保留 5 条" in zh
    app.extensions["batch_jobs"].shutdown()


def test_a_files_bounds_are_the_settings_of_the_process_doing_the_work(tmp_path):
    """``BATCH_MAX_COLUMNS`` (like every ``BATCH_MAX_*`` bound) reaches the job: a roster one column too wide is
    refused as the job's first step, naming the setting's limit in the upload's language."""
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "BATCH_MAX_COLUMNS": 3,
                      "BATCH_DIR": str(tmp_path / "jobs")})
    client = app.test_client()
    english = wait_done(client, upload(client, roster(2)).headers["Location"])
    assert "the header row has a value in column 4; at most 3 columns" in english
    chinese = wait_done(client, upload(client, roster(2), lang="zh").headers["Location"])
    assert "表头在第 4 列仍有内容；最多 3 列" in chinese
    app.extensions["batch_jobs"].shutdown()


@pytest.mark.parametrize("name", ["BATCH_TTL", "BATCH_REAP_SECONDS", "BATCH_MAX_ERRORS", "BATCH_MAX_QUEUED"])
def test_a_batch_setting_that_is_not_above_zero_stops_start_up_naming_it(name):
    with pytest.raises(ConfigError, match=name):
        create_app({"TESTING": True, name: 0})


# --- start-up, exit -------------------------------------------------------------------------------------------
def test_a_runner_that_finds_no_live_process_deletes_what_dead_ones_left(tmp_path):
    folder = tmp_path / "jobs"
    (folder / "job-Deadjobdeadjobdeadjob0" / "scratch").mkdir(parents=True, mode=0o700)
    folder.chmod(0o700)
    (folder / "job-Deadjobdeadjobdeadjob0" / "input").write_text("name\nSecret Co\n", encoding="utf-8")
    (folder / "upload-999999999.1-00ff").mkdir()
    (folder / LIVE).mkdir()
    (folder / LIVE / "999999999.1.abcd").touch()  # the marker of a process that is gone
    runner = InProcessJobs(folder=folder, execute=lambda *a: {}, period=PERIOD)
    assert not folder.exists()
    runner.shutdown()


# --- real servers: a quiet server, a killed worker --------------------------------------------------------------
def server_env(tmp: Path, ttl: int = 900) -> dict[str, str]:
    return {"INCENTIVES_SECRET_KEY": "k" * 40, "INCENTIVES_BATCH_TTL": str(ttl),
            "INCENTIVES_BATCH_REAP_SECONDS": str(PERIOD), "TMPDIR": str(tmp)}


def jobs_folder(tmp: Path) -> Path:
    """The production default: a folder in the temporary directory named from the secret key."""
    return wait_for(lambda: next(tmp.glob("incentives-batch-*"), None), 30, "no jobs folder")


def test_a_quiet_server_deletes_expired_results_without_any_request(tmp_path):
    port, tmp = free_port(), tmp_path / "tmp"
    tmp.mkdir()
    server = serve(port, server_env(tmp, ttl=3 * PERIOD))
    try:
        base = f"http://127.0.0.1:{port}"
        browser = Browser()
        job = browser.upload(base, roster(3))
        wait_for(lambda: b"/download" in browser.get(job)[1], 60, "the job did not finish")
        folder = jobs_folder(tmp)
        assert [name[:4] for name in entries(folder)] == ["job-"]
        # No request from here on: the reapers on the workers' (and the master's) timers delete the job.
        wait_for(lambda: entries(folder) == [], 3 * PERIOD + PERIOD + SLACK, "the expired job is still on disk")
    finally:
        stop(server)
    assert list(tmp.iterdir()) == []


def start_a_long_job(tmp: Path, port: int) -> tuple[Browser, str, Path, dict]:
    """Upload a long roster and wait until its worker is mid-way: rows assessed, the writer's temporary sheets
    inside the job's folder (and none in the temporary directory)."""
    base = f"http://127.0.0.1:{port}"
    browser = Browser()
    job = browser.upload(base, roster(3000))
    folder = jobs_folder(tmp)
    directory = folder / f"job-{job.rsplit('/', 1)[1]}"

    def midway():
        state = json.loads((directory / "status.json").read_text(encoding="utf-8"))
        # the writer's private folder of per-sheet row files (XlsxWriter's constant_memory mode), in the job's folder
        scratch = directory / "scratch"
        sheets = list(scratch.glob("incentives-xlsx-*/*")) if scratch.exists() else []
        return state if state["state"] == "running" and state["rows_done"] >= 200 and sheets else None

    state = wait_for(midway, 120, "the job never got going")
    assert [p.name for p in tmp.iterdir()] == [folder.name]  # no temporary sheet outside the job's folder
    assert (directory / "input").exists()
    return browser, job, directory, state


def test_a_killed_worker_leaves_nothing_of_its_job_within_one_reaper_period(tmp_path):
    port, tmp = free_port(), tmp_path / "tmp"
    tmp.mkdir()
    server = serve(port, server_env(tmp))
    try:
        browser, job, directory, state = start_a_long_job(tmp, port)
        os.kill(int(state["process"].split(".")[0]), signal.SIGKILL)  # out of memory, or killed by an operator
        # No request: the other worker's (or the master's) reaper fails the job and deletes its data.
        def cleared():
            status = json.loads((directory / "status.json").read_text(encoding="utf-8"))
            return status["state"] == "failed" and sorted(p.name for p in directory.iterdir()) == ["status.json"]

        wait_for(cleared, PERIOD + SLACK, "the killed worker's job data is still on disk")
        assert [p.name for p in tmp.iterdir()] == [directory.parent.name]
        code, page, _ = browser.get(job + "?lang=en")
        assert code == 200 and b"server process running it ended" in page
    finally:
        stop(server)
    assert list(tmp.iterdir()) == []  # and nothing at all once the server is stopped


def test_a_killed_worker_leaves_nothing_when_the_server_is_stopped_right_after(tmp_path):
    port, tmp = free_port(), tmp_path / "tmp"
    tmp.mkdir()
    server = serve(port, server_env(tmp))
    try:
        *_, state = start_a_long_job(tmp, port)
        os.kill(int(state["process"].split(".")[0]), signal.SIGKILL)
    finally:
        stop(server)  # at once, before any reaper period: the last process out deletes the folder
    assert list(tmp.iterdir()) == []

