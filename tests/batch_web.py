"""Helpers for batch tests against real servers: gunicorn as `make run` starts it, a browser with its cookies."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import Any

from tests.conftest import ROOT
from tests.test_run_server import free_port, run_command

__all__ = ["Browser", "free_port", "roster", "serve", "stop", "wait_for"]


def roster(rows: int, bad: bool = False) -> bytes:
    """A people roster of ``rows`` rows: all assessable, or all rejected (two wrong cells each)."""
    lines = ["ref,identity,annual_gross_income,department"]
    for i in range(rows):
        lines.append(f"P{i},martian,abc{i},Ops" if bad else f"P{i},hk_permanent_resident,{1_500_000 + i},Ops")
    return ("\n".join(lines) + "\n").encode()


def serve(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    """The Makefile's `make run` gunicorn command on ``port``, with ``env`` (INCENTIVES_* of the caller's)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("INCENTIVES_")}
    server = subprocess.Popen(run_command(port), cwd=ROOT, env=base | env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, start_new_session=True)
    wait_for(lambda: _healthy(port) or server.poll() is not None, 60, "gunicorn did not start")
    assert server.poll() is None, server.stderr.read().decode() if server.stderr else "gunicorn stopped"
    return server


def _healthy(port: int) -> bool:
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
        return True
    except OSError:
        return False


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    """Stop a server started in its own session (gunicorn's master and workers), and wait for it."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
    process.wait(timeout=60)


def wait_for(check: Callable[[], Any], seconds: float, failure: str) -> Any:
    """Poll ``check`` until it returns something true; fail with ``failure`` after ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        assert time.monotonic() < deadline, failure
        time.sleep(0.1)


class Browser:
    """One browser session: its own cookie jar, used against any server (cookies do not depend on the port)."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, url: str) -> tuple[int, bytes, Any]:
        try:
            with self.opener.open(url, timeout=30) as response:
                return response.status, response.read(), response.headers
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read(), exc.headers

    def token(self, base: str) -> str:
        page = self.get(f"{base}/batch?lang=en")[1].decode()
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def post(self, url: str, base: str, fields: dict[str, str] | None = None) -> tuple[int, bytes]:
        body = urllib.parse.urlencode({"csrf_token": self.token(base), **(fields or {})}).encode()
        try:
            with self.opener.open(url, data=body, timeout=30) as response:
                return response.status, response.read()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read()

    def upload(self, base: str, content: bytes, name: str = "roster.csv", lang: str = "en") -> str:
        """Upload through the batch form (CSRF token and cookie included); the job page's URL (no query)."""
        token = self.token(base)
        boundary = "----roster"
        parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'.encode(),
                 f'--{boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\npeople\r\n'.encode(),
                 f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{name}"\r\n'
                 f"Content-Type: text/csv\r\n\r\n".encode() + content + b"\r\n", f"--{boundary}--\r\n".encode()]
        request = urllib.request.Request(f"{base}/batch?lang={lang}", data=b"".join(parts),
                                         headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
        with self.opener.open(request, timeout=60) as response:  # follows the 303 to the job page
            return response.url.split("?")[0]

