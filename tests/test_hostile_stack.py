"""The production front under attack: exactly what the README's production section starts (``scripts/serve``:
nginx in front of gunicorn's sync workers), on free loopback ports. Also the helpers the other hostile tests use
to start it and to read a worker's CPU time and peak memory from /proc.

These tests need Debian's nginx (``make test`` installs it); without it they fail, saying so.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT

SERVE = ROOT / "scripts" / "serve"
SECRET = "test-secret-key-for-the-front-0123456789abcdef"
PAGE = "/programs?lang=en"


def nginx_installed() -> None:
    found = shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK)
    assert found, "nginx is not installed: the production front's tests need Debian's nginx (make system)"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Stack:
    """A running ``scripts/serve``: its port, its process and its gunicorn workers."""

    def __init__(self, process: subprocess.Popen, port: int) -> None:
        self.process, self.port = process, port

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def workers(self) -> list[int]:
        """The gunicorn worker processes (children of gunicorn's master, itself a child of scripts/serve)."""
        masters = [pid for pid, parent, name in processes() if parent == self.process.pid and "gunicorn" in name]
        return [pid for pid, parent, _ in processes() if parent in masters]

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = 30) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
        finally:
            connection.close()


def processes() -> list[tuple[int, int, str]]:
    """(pid, parent pid, command name) of every process, from /proc."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            name = stat[stat.index("(") + 1: stat.rindex(")")]
            fields = stat[stat.rindex(")") + 2:].split()
            out.append((int(entry.name), int(fields[1]), name + " " + cmdline(entry)))
    return out


def cmdline(entry: Path) -> str:
    try:
        return (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of ``pid`` (all its threads), from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def peak_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    found = re.search(r"VmHWM:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text())
    assert found, pid
    return int(found.group(1)) / 1024


@contextmanager
def serve(tmp_path: Path, production: bool = False, **env: str) -> Iterator[Stack]:
    """Start ``scripts/serve`` (as ``make serve`` does after setting up) on a free port; stop it afterwards."""
    nginx_installed()
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("INCENTIVES_")}
    environment |= {"PYTHON": sys.executable, "INCENTIVES_BATCH_DIR": str(tmp_path / "jobs"), **env}
    if production:
        environment |= {"INCENTIVES_ENV_NAME": "production", "INCENTIVES_SECRET_KEY": SECRET}
    log = (tmp_path / f"serve-{port}.log").open("wb")
    process = subprocess.Popen([str(SERVE), "--port", str(port)], cwd=ROOT, env=environment, stdout=log,
                               stderr=subprocess.STDOUT, start_new_session=True)
    stack = Stack(process, port)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, (tmp_path / f"serve-{port}.log").read_text(errors="replace")
            try:
                if stack.request("GET", "/healthz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, "scripts/serve did not start"
            time.sleep(0.2)
        yield stack
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)
        log.close()


def raw(port: int, data: bytes, timeout: float = 10) -> bytes:
    """Send ``data`` as it is and return everything the server answers."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(data)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except OSError:
            pass
        return answer


def head_and_body(answer: bytes) -> tuple[int, dict[str, str], bytes]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, body


SECURITY_HEADERS = ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options")


def assert_front_answer(status: int, headers: dict[str, str], body: bytes, expected: int, api: bool,
                        words: str) -> None:
    """nginx's own answer: the status, the app's security headers, the app's format and words."""
    assert status == expected, (status, body[:300])
    for name in SECURITY_HEADERS:
        assert name in headers, (name, headers)
    assert "default-src 'self'" in headers["content-security-policy"]
    if api:
        assert headers["content-type"] == "application/json", headers
        document = json.loads(body)
        assert document["status"] == expected and document["errors"] == [] and words in document["message"]
    else:
        assert headers["content-type"].startswith("text/html"), headers
        page = body.decode()
        assert page.startswith("<!doctype html>") and words in page and 'href="/static/site.css"' in page


# --- the slowloris attack, against what the README starts ------------------------------------------------------
def trickle(port: int, until: float, sent: list[int]) -> None:
    """One slowloris connection: a request header, one byte every 5 s; reconnects as soon as it is dropped (nginx
    drops it 10 s after it began: client_header_timeout). ``sent``: [connections made, bytes trickled]."""
    while time.monotonic() < until:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
                sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")
                sent[0] += 1
                while time.monotonic() < until:
                    time.sleep(5)
                    sock.sendall(b"X")
                    sent[1] += 1
        except OSError:
            time.sleep(0.1)


def test_three_slowloris_connections_for_a_minute_do_not_stop_a_normal_client(tmp_path):
    """3 connections trickle a header a byte every 5 s for 60 s (two took a bare gunicorn down for 30 s at a
    time); meanwhile a normal client keeps fetching a page: every answer arrives, p99 under 1 s (on a busy machine:
    under ten times the slowest of the same client's answers before the attack)."""
    with serve(tmp_path) as stack:
        # the same client without attackers first: on a busy machine every answer is slower, attack or not
        quiet = []
        for _ in range(40):
            started = time.perf_counter()
            stack.request("GET", PAGE, headers={"Connection": "close"}, timeout=10)
            quiet.append(time.perf_counter() - started)
        until = time.monotonic() + 60
        sent = [0, 0]
        attackers = [threading.Thread(target=trickle, args=(stack.port, until, sent)) for _ in range(3)]
        for thread in attackers:
            thread.start()
        time.sleep(1)
        latencies, failures = [], []
        while time.monotonic() < until:
            started = time.perf_counter()
            try:
                status, _, body = stack.request("GET", PAGE, headers={"Connection": "close"}, timeout=10)
                latencies.append(time.perf_counter() - started)
                if status != 200 or b"Program catalogue" not in body:
                    failures.append(status)
            except OSError as exc:
                failures.append(repr(exc))
            time.sleep(0.05)
        for thread in attackers:
            thread.join(timeout=20)
    # each attacker reconnected after nginx dropped it and trickled all along (counts, not timing)
    assert sent[0] >= 3 * 2 and sent[1] >= 3 * 5, ("the attackers did not keep at it", sent)
    assert failures == [] and len(latencies) > 100, (failures[:5], len(latencies))
    p99 = statistics.quantiles(latencies, n=100)[98]
    # under 1 s on a quiet machine; on a busy one, within ten times the same client's own p99 without attackers
    # (a held worker would show as answers waiting for nginx's 10 s client_header_timeout)
    limit = max(1.0, 10 * max(quiet))
    assert p99 < limit, (p99, statistics.median(latencies), max(quiet))


# --- nginx's own answers ------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("front"), production=True) as running:
        yield running


def test_nginx_answers_its_own_refusals_in_the_apps_formats_with_the_security_headers_and_hsts(stack):
    long_line = "/api/v1/programs?x=" + "a" * 9000
    cases = [  # (request, expected status, API format, words), in the reader's language
        (b"GARBAGE\r\n\r\n", 400, False, "The request could not be understood"),
        (b"GET /api/v1/programs?lang=zh HTTP/1.1\r\nHost: x\r\nBroken header line\r\n\r\n", 400, True,
         "无法理解该请求"),
        (f"GET {long_line} HTTP/1.1\r\nHost: x\r\n\r\n".encode(), 414, False, "at most 8000 bytes"),
        (b"GET /api/v1/programs HTTP/1.1\r\nHost: x\r\nAccept-Language: fr, zh-CN\r\nX-Big: " + b"a" * 9000
         + b"\r\n\r\n", 400, True, "网址或请求头过长：最多 8000 字节"),
        (b"GET /programs HTTP/1.1\r\nHost: x\r\nCookie: lang=zh\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n", 400,
         False, "网址或请求头过长"),
        (b"POST /api/v1/assessments?lang=en HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
         b"Content-Length: 3000000\r\n\r\n", 413, True, "at most 2097152 bytes"),
        (b"POST /company?lang=zh HTTP/1.1\r\nHost: x\r\nContent-Length: 3000000\r\n\r\n", 413, False,
         "一次最多可提交 2 MB"),
        (b"POST /batch HTTP/1.1\r\nHost: x\r\nAccept-Language: en-GB\r\nContent-Length: 30000000\r\n\r\n", 413, False,
         "at most 20 MB per file"),
        (b"POST /batch?lang=zh HTTP/1.1\r\nHost: x\r\nContent-Length: 30000000\r\n\r\n", 413, False,
         "每个文件最多 20 MB"),
        (b"GET /.front/page/400 HTTP/1.1\r\nHost: x\r\n\r\n", 404, False, "Page not found"),
    ]
    for request, expected, api, words in cases:
        status, headers, body = head_and_body(raw(stack.port, request))
        assert_front_answer(status, headers, body, expected, api, words)
        assert headers["strict-transport-security"].startswith("max-age=31536000"), request[:40]
    # the app's own answers carry HSTS too (added by nginx), and the app's headers once, not twice
    status, headers, _ = stack.request("GET", "/healthz")
    assert status == 200 and "strict-transport-security" in headers
    assert headers["content-security-policy"].count("default-src") == 1


def test_what_nginx_passes_never_meets_gunicorns_own_smaller_limits(stack):
    """nginx bounds request lines and headers (8000 bytes each, 32 kB in all); gunicorn, behind it, accepts all
    of that, so its own plain-text 400/414 (no JSON, no security headers) never reaches anyone."""
    line = "/api/v1/programs/none?x=" + "a" * 7950  # the request line: 7,989 bytes
    status, headers, body = head_and_body(raw(stack.port, f"GET {line} HTTP/1.1\r\nHost: x\r\n\r\n".encode()))
    assert status == 404 and json.loads(body)["error"] == "unknown_program" and "content-security-policy" in headers
    many = b"".join(b"X-H%d: v\r\n" % i for i in range(300))  # gunicorn's default limit is 100 headers
    status, headers, body = head_and_body(raw(stack.port, b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n"))
    assert status == 200 and json.loads(body)["status"] == "ok"


def test_connections_per_address_are_capped_and_a_stalled_body_is_dropped(stack):
    """64 connections from one address whose request bodies never come (nginx holds them, reading): the next request
    from that address gets nginx's 503 in the app's format and language; nginx drops the stalled ones after
    client_body_timeout (10 s), so they cannot be held longer (the socket's 40 s only stops a hung test)."""
    held = []
    try:
        for _ in range(64):
            sock = socket.create_connection(("127.0.0.1", stack.port), timeout=40)
            sock.sendall(b"POST /api/v1/assessments HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         b"Content-Length: 100\r\n\r\n{")
            held.append(sock)
        time.sleep(1)  # nginx has read every header
        answer = raw(stack.port, b"GET /programs?lang=zh HTTP/1.1\r\nHost: x\r\n\r\n")
        assert_front_answer(*head_and_body(answer), 503, False, "来自您所在地址的同时连接过多")
        for sock in held:
            with contextlib.suppress(ConnectionResetError):  # reset_timedout_connection: dropped without a word
                assert sock.recv(1024) == b"", "nginx answered a request whose body never came"
    finally:
        for sock in held:
            sock.close()
    assert stack.request("GET", "/healthz")[0] == 200


def test_a_gateway_error_is_answered_in_the_apps_formats(tmp_path):
    """nginx's 502 when gunicorn is not there (a worker killed, a restart): the app's page or JSON error."""
    nginx_installed()
    from calculator.app import create_app
    from calculator.front.files import nginx_conf, write_pages

    run = tmp_path / "run"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run / "tmp" / sub).mkdir(parents=True)
    app = create_app({"TESTING": True})
    write_pages(app, run / "pages")
    port = free_port()
    (run / "nginx.conf").write_text(nginx_conf(run, app.config, "127.0.0.1", port, 30))
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    process = subprocess.Popen([nginx, "-p", str(run), "-c", str(run / "nginx.conf"), "-e", "stderr", "-g",
                                "daemon off;"], stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                answer = raw(port, b"GET /api/v1/programs?lang=zh HTTP/1.1\r\nHost: x\r\n\r\n")
                break
            except OSError:
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert_front_answer(*head_and_body(answer), 502, True, "测算服务正在重启或负载过高")
        page = raw(port, b"GET /company HTTP/1.1\r\nHost: x\r\n\r\n")
        assert_front_answer(*head_and_body(page), 502, False, "The calculator is restarting or overloaded")
        assert "strict-transport-security" not in head_and_body(page)[1]  # HSTS only in production
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)


def test_a_cross_site_post_through_the_front_is_refused_and_a_same_origin_one_answered(stack):
    """The Origin check behind nginx, in production: nginx passes the browser's Host on, so a browser's own post
    (Origin and Sec-Fetch-Site as a browser sends them, the session cookie and its token) is answered, and the
    same post from another site is refused with the app's page, its headers and HSTS."""
    status, headers, body = stack.request("GET", "/company")  # no ?lang=: the session is the one cookie set
    cookie = headers["set-cookie"].split(";", 1)[0]
    assert cookie.startswith("session=")
    token = re.search(r'name="csrf_token" value="([^"]+)"', body.decode()).group(1)
    form = f"csrf_token={token}&company-name=Acme+Ltd&as_of=2026-11-21".encode()
    base = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    own = {**base, "Origin": f"http://127.0.0.1:{stack.port}", "Sec-Fetch-Site": "same-origin"}
    status, _, body = stack.request("POST", "/company?lang=en", form, own)
    assert status == 200 and b"Acme Ltd" in body
    for foreign in ({"Sec-Fetch-Site": "cross-site", "Origin": "https://evil.example"},
                    {"Origin": "https://evil.example"}):
        status, headers, body = stack.request("POST", "/company?lang=zh", form, {**base, **foreign})
        page = body.decode()
        assert status == 403 and "此表单是从其他网站发送到测算器的" in page and "Acme Ltd" not in page
        assert "strict-transport-security" in headers and "default-src 'self'" in headers["content-security-policy"]


def test_serve_runs_as_the_current_user_on_loopback_with_its_files_in_a_private_folder(stack):
    workers = stack.workers()
    assert len(workers) == 2
    folders = [p for p in Path(os.environ.get("TMPDIR", "/tmp")).glob("incentives-front-*")
               if (p / "nginx.conf").exists() and f":{stack.port};" in (p / "nginx.conf").read_text()]
    assert len(folders) == 1
    assert folders[0].stat().st_mode & 0o777 == 0o700 and folders[0].stat().st_uid == os.geteuid()
    conf = (folders[0] / "nginx.conf").read_text()
    assert f"listen 127.0.0.1:{stack.port};" in conf and not re.search(r"@[A-Z_]+@", conf)
    assert f"unix:{folders[0]}/gunicorn.sock" in conf


def test_the_readme_production_instructions_start_what_these_tests_start():
    """README's production section runs `make serve`, whose recipe runs scripts/serve (started above), which runs
    the packaged front (``python -m calculator.front``, ``incentives-serve`` from a wheel)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Running in production"):readme.index("---", readme.index("## Running in"))]
    assert "make serve" in section and "INCENTIVES_ENV_NAME=production" in section
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile[makefile.index("\nserve:"):].split("\n\n", 1)[0]
    assert "scripts/serve --port" in recipe and "nginx" in recipe
    assert re.search(r"^SYSTEM_PACKAGES :=.*\bnginx\b", makefile, re.M)
    # scripts/serve runs the packaged front, the same one an installed wheel runs as incentives-serve (test_wheel)
    assert re.search(r"^exec .* -m calculator\.front ", (ROOT / "scripts" / "serve").read_text(), re.M)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'incentives-serve = "calculator.front.serve:run"' in pyproject
