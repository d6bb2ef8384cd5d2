"""The package as a user gets it: a wheel built from this checkout, installed into a fresh venv, run elsewhere.

The editable install the other tests use reads everything from the checkout, so a file left out of the wheel
never shows there. Here the wheel is built from a copy of the checkout's files (tracked and new, not ignored),
installed with its dependencies (pip's cache is reused), and every command runs from a directory outside the
checkout, so nothing can be imported from it: the CLI, and the README's production command serving a Chinese
page and a static file.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import EXAMPLES, ROOT

PACKAGE = "shenzhen_ai_incentives"
EXAMPLE = "qianhai-hk-staff.json"
AS_OF = "2026-11-21"
PO = ROOT / "calculator" / "i18n" / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
# What setuptools prints when it warns (pip's own notices are upper-case "WARNING:").
SETUPTOOLS_WARNING = re.compile(r"[Ww]arning:")


@dataclass
class Installed:
    wheel: Path
    build_log: str
    venv: Path
    source: Path  # the copy of the checkout the wheel was built from
    work: Path  # an empty directory outside the checkout: every command runs here

    def bin(self, name: str) -> Path:
        return self.venv / "bin" / name


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without anything that could point back into the checkout or change the app's settings."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"} and not k.startswith("INCENTIVES_")}
    return {**env, **extra}


def run(args: list[str | Path], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env or clean_env(), capture_output=True,
                            text=True, timeout=600)
    assert result.returncode == 0, f"{shlex.join(map(str, args))} exited {result.returncode}:\n" \
                                   f"{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    return result


def copy_checkout(target: Path) -> None:
    """The files git would commit (tracked or new, not ignored): no build/, .venv/ or stale egg-info."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():  # a tracked file deleted in the work tree is not copied
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Installed:
    base = tmp_path_factory.mktemp("wheel")
    source, dist, venv, work = base / "source", base / "dist", base / "venv", base / "work"
    for folder in (source, dist, work):
        folder.mkdir()
    copy_checkout(source)
    # Byte-compiling is off in this environment (PYTHONDONTWRITEBYTECODE), which setuptools reports as a warning.
    build_env = clean_env()
    build_env.pop("PYTHONDONTWRITEBYTECODE", None)
    build = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--verbose", "-w", dist, source], base, build_env)
    wheels = list(dist.glob(f"{PACKAGE}-*.whl"))
    assert len(wheels) == 1, f"expected one {PACKAGE} wheel in {dist}, found {wheels}"
    # A venv without pip of its own; this pip installs into it (and reuses its cache for the dependencies).
    run([sys.executable, "-m", "venv", "--without-pip", venv], base)
    run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", wheels[0]], base)
    return Installed(wheels[0], build.stdout + build.stderr, venv, source, work)


def test_the_build_gives_no_setuptools_warning(installed):
    warnings = [line.strip() for line in installed.build_log.splitlines() if SETUPTOOLS_WARNING.search(line)]
    assert warnings == []


def test_the_wheel_holds_the_code_tables_translations_templates_and_static_files(installed):
    src = installed.source
    expected = {str(p.relative_to(src)) for folder in ("calculator", "schemas", "incentive_tables")
                for p in (src / folder).rglob("*.py")}
    expected |= {str(p.relative_to(src)) for p in (src / "incentive_tables").rglob("*.toml")}
    expected |= {str(p.relative_to(src)) for p in (src / "calculator" / "i18n" / "translations").rglob("*.po*")}
    for folder in ("templates", "static"):
        expected |= {f"calculator/{p.relative_to(src)}" for p in (src / folder).rglob("*") if p.is_file()}
    front = {str(p.relative_to(src)) for p in (src / "calculator" / "front").glob("*.*") if p.suffix != ".py"}
    assert "calculator/front/nginx.conf" in front
    expected |= front
    with zipfile.ZipFile(installed.wheel) as wheel:
        shipped = set(wheel.namelist())
    assert sorted(expected - shipped) == []
    assert any(name.startswith("calculator/templates/") for name in shipped)
    assert any(name.startswith("calculator/static/") for name in shipped)
    assert "calculator/templates/error.html" in shipped  # nginx's own pages are rendered from it


def test_the_installed_package_is_imported_from_the_venv_not_the_checkout(installed):
    script = "import calculator, schemas, incentive_tables; print(calculator.__file__, schemas.__file__, " \
             "incentive_tables.__file__, sep='\\n')"
    paths = run([installed.bin("python"), "-c", script], installed.work).stdout.split()
    assert len(paths) == 3
    for path in paths:
        assert Path(path).resolve().is_relative_to(installed.venv.resolve()), path


def checkout_cli(*args: str) -> str:
    """The same command through the checkout's editable install: the installed wheel must answer the same."""
    return run([Path(sys.executable).with_name("incentives"), *args], ROOT).stdout


def test_tables_check_from_the_wheel(installed):
    out = run([installed.bin("incentives"), "tables", "check"], installed.work).stdout
    assert out.startswith("OK:")
    assert out == checkout_cli("tables", "check")


def test_evaluate_from_the_wheel_gives_the_checkout_answer(installed):
    profile = installed.work / EXAMPLE
    shutil.copy(EXAMPLES / EXAMPLE, profile)
    document = run([installed.bin("incentives"), "evaluate", EXAMPLE, "--as-of", AS_OF], installed.work).stdout
    parsed = json.loads(document)
    assert parsed["as_of"] == AS_OF and parsed["company"]["totals"]["by_family"]
    assert document == checkout_cli("evaluate", str(EXAMPLES / EXAMPLE), "--as-of", AS_OF)
    chinese = run([installed.bin("incentives"), "evaluate", EXAMPLE, "--as-of", AS_OF, "--lang", "zh", "--format",
                   "text"], installed.work).stdout
    assert re.search(r"[\u4e00-\u9fff]{4}", chinese), chinese[:500]
    assert chinese == checkout_cli("evaluate", str(EXAMPLES / EXAMPLE), "--as-of", AS_OF, "--lang", "zh",
                                   "--format", "text")


def production_command(program: Path, port: int) -> list[str]:
    """The README's production line starting with ``program``'s name, run from the venv, on another port."""
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    line = next((x for x in lines if x.startswith(program.name + " ")), None)
    assert line is not None, f"the README gives no production {program.name} command"
    args = shlex.split(line)
    args[0] = str(program)
    args = [re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", a) for a in args]
    if "--port" in args:
        args[args.index("--port") + 1] = str(port)
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_until_serving(base: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60  # a start-up bound, not a speed assertion
    while True:
        assert server.poll() is None, f"gunicorn exited {server.returncode}:\n{log.read_text(errors='replace')}"
        try:
            if fetch(f"{base}/healthz")[0] == 200:
                return
        except OSError:
            pass
        assert time.monotonic() < deadline, f"gunicorn did not answer:\n{log.read_text(errors='replace')}"
        time.sleep(0.2)


def test_the_production_command_serves_the_chinese_page_and_static_files(installed):
    with PO.open("rb") as handle:
        catalogue = read_po(handle)
    heading = "Which Shenzhen AI incentives could you get?"
    chinese_heading = catalogue[heading].string
    assert chinese_heading
    port, log = free_port(), installed.work / "gunicorn.log"
    env = clean_env(INCENTIVES_ENV_NAME="production", INCENTIVES_SECRET_KEY=secrets.token_hex(32))
    with log.open("wb") as output:
        server = subprocess.Popen(production_command(installed.bin("gunicorn"), port), cwd=installed.work, env=env,
                                  stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, server, log)
        status, body = fetch(f"{base}/?lang=zh")
        page = body.decode("utf-8")
        assert status == 200, f"{page[:2000]}\n{log.read_text(errors='replace')[-4000:]}"
        assert chinese_heading in page and heading not in page
        assert re.search(r'<html lang="zh', page)
        for name in ("site.css", "api/docs.css"):
            status, body = fetch(f"{base}/static/{name}")
            assert status == 200 and body == (ROOT / "static" / name).read_bytes(), name
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)


def test_the_readme_front_serves_from_the_wheel_through_nginx(installed):
    """``incentives-serve`` as the README starts it, from the installed wheel (nothing of the checkout): nginx in
    front of gunicorn, its template and pages from the package: the app's Chinese page through it, and nginx's own
    refusal rendered in the site's page with HSTS (production)."""
    assert shutil.which("nginx") or os.access("/usr/sbin/nginx", os.X_OK), \
        "nginx is not installed: the production front needs Debian's nginx (make system)"
    with PO.open("rb") as handle:
        chinese_heading = read_po(handle)["Which Shenzhen AI incentives could you get?"].string
    port, log = free_port(), installed.work / "serve.log"
    env = clean_env(INCENTIVES_ENV_NAME="Production", INCENTIVES_SECRET_KEY=secrets.token_hex(32))
    with log.open("wb") as output:
        server = subprocess.Popen(production_command(installed.bin("incentives-serve"), port), cwd=installed.work,
                                  env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_serving(base, server, log)
        status, body = fetch(f"{base}/?lang=zh")
        assert status == 200 and chinese_heading in body.decode("utf-8"), log.read_text(errors="replace")[-4000:]
        try:
            urllib.request.urlopen(f"{base}/programs?x={'a' * 9000}", timeout=10)
            raise AssertionError("nginx let a 9,000-byte request line through")
        except urllib.error.HTTPError as exc:
            page = exc.read().decode("utf-8")
            assert exc.code == 414 and exc.headers["Strict-Transport-Security"].startswith("max-age=")
            assert page.startswith("<!doctype html>") and "at most 8000 bytes" in page and "/static/site.css" in page
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=20)
