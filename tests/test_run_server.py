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
