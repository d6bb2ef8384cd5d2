"""The README's `make run` server: two gunicorn workers that accept each other's forms."""

from __future__ import annotations

import http.cookiejar
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_command(port: int) -> list[str]:
    """The gunicorn command of the Makefile's run target, on another port."""
    line = next(x for x in (ROOT / "Makefile").read_text(encoding="utf-8").splitlines() if "gunicorn" in x)
    args = shlex.split(line.replace("$(BIN)/", ""))
    args[0] = str(Path(sys.executable).with_name("gunicorn"))
    return [re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", a) for a in args]


def test_both_workers_accept_a_form_made_by_either(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCENTIVES_")}
    server = subprocess.Popen(run_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.2)
        statuses = []
        for _ in range(12):  # fresh connections: the two workers take turns
            jar = http.cookiejar.CookieJar()
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
            page = opener.open(f"{base}/company?lang=en", timeout=10).read().decode()
            token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            body = urllib.parse.urlencode({"csrf_token": token, "company-name": "Two Workers Ltd"}).encode()
            try:
                statuses.append(opener.open(f"{base}/company?lang=en", data=body, timeout=10).status)
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
        assert statuses == [200] * 12
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)


def start(port: int, env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(run_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            assert time.monotonic() < deadline, "gunicorn did not start"
            time.sleep(0.2)


def upload(base: str, name: str, content: bytes, opener: urllib.request.OpenerDirector | None = None) -> str:
    """Upload a roster through the batch form (CSRF token and cookie included, in ``opener``'s session); the job
    page's URL."""
    opener = opener or urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    page = opener.open(f"{base}/batch?lang=en", timeout=10).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    boundary = "----roster"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode(),
             f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npeople\r\n'.encode(),
             f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
             f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n", f"--{boundary}--\r\n".encode()]
    request = urllib.request.Request(f"{base}/batch?lang=en", data=b"".join(parts),
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with opener.open(request, timeout=30) as response:  # follows the 303 to the job page
        return response.url


def test_a_batch_job_is_served_by_either_worker_and_nothing_is_left_when_the_server_stops(tmp_path):
    """With the two workers of `make run`, the job page and the download work whichever worker answers (the
    job's state is in files, not one worker's memory); every job is deleted when the server stops."""
    port = free_port()
    jobs = tmp_path / "jobs"
    env = {k: v for k, v in os.environ.items() if not k.startswith("INCENTIVES_")}
    env["INCENTIVES_BATCH_DIR"] = str(jobs)
    server = start(port, env)
    try:
        base = f"http://127.0.0.1:{port}"
        roster = b"ref,identity,annual_gross_income\nA,hk_permanent_resident,1500000\nB,martian,abc\n"
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        job = upload(base, "roster.csv", roster, browser)
        statuses, pages = [], []
        for _ in range(40):  # fresh connections: the two workers take turns
            try:
                with browser.open(job, timeout=10) as response:
                    statuses.append(response.status)
                    pages.append(response.read().decode())
            except urllib.error.HTTPError as exc:
                statuses.append(exc.code)
            if len(statuses) >= 12 and "/download" in pages[-1]:
                break
            time.sleep(0.1)
        assert set(statuses) == {200} and "martian" in pages[-1]
        with browser.open(job.split("?")[0] + "/download", timeout=10) as response:
            assert response.read()[:2] == b"PK"
        upload(base, "second.csv", roster)  # never downloaded
        assert len(list(jobs.glob("job-*"))) == 2  # a download does not delete the job for its owner
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    assert not jobs.exists() or list(jobs.iterdir()) == []
