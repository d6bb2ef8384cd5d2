"""Batch jobs on Redis across servers, as a deployment runs them: Debian's redis-server on a loopback port, two app
servers (the README's gunicorn command, two workers each) on two ports, and `incentives worker` processes, each
with its own temporary directory as if on its own machine. An upload through server A is polled and downloaded
through server B; a worker killed mid-job leaves the job failed with its data removed; expiry removes everything
(checked in Redis); another session's job id is refused; the queue cap holds across servers.

When redis-server cannot be started the tests fail: they are never skipped.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
import urllib.error
from collections.abc import Iterator
from pathlib import Path

import pytest
from redis import Redis

from calculator.batch.redis_jobs import PREFIX, RedisJobs
from tests.batch_web import Browser, free_port, roster, serve, stop, wait_for
from tests.processes import alive, children

PERIOD = 1       # BATCH_REAP_SECONDS: a worker renews its lease every second and is taken for dead after three
SLACK = 20       # seconds a loaded 2-core machine may need beyond a deadline before the test calls it a failure
KEY = "r" * 40   # every server and worker shares the secret key (the session cookie is signed with it)


@pytest.fixture(scope="module")
def redis_port(tmp_path_factory) -> Iterator[int]:
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed (make test installs Debian's redis-server): the queue is untested")
    port, folder = free_port(), tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                               "--dir", str(folder), "--databases", "16"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_for(lambda: _pings(port) or server.poll() is not None, 30, "redis-server did not answer")
        if server.poll() is not None:
            pytest.fail(f"redis-server could not be started: {server.stdout.read().decode(errors='replace')}")
        yield port
    finally:
        server.terminate()
        server.wait(timeout=30)


def _pings(port: int) -> bool:
    with contextlib.suppress(OSError, Exception):
        return bool(Redis(port=port, socket_timeout=1).ping())
    return False


class Deployment:
    """Two app servers and the queue workers of one test, on their own Redis database."""

    def __init__(self, tmp: Path, redis_port: int, db: int, **settings: int) -> None:
        self.tmp, self.url = tmp, f"redis://127.0.0.1:{redis_port}/{db}"
        self.redis = Redis.from_url(self.url)
        self.redis.flushdb()
        self.settings = {"BATCH_REAP_SECONDS": PERIOD, **settings}
        self.servers: list[tuple[str, subprocess.Popen[bytes], Path]] = []
        self.workers: list[tuple[subprocess.Popen[bytes], Path]] = []

    def env(self, machine: Path) -> dict[str, str]:
        machine.mkdir(exist_ok=True)
        return {"INCENTIVES_REDIS_URL": self.url, "INCENTIVES_SECRET_KEY": KEY, "TMPDIR": str(machine),
                **{f"INCENTIVES_{k}": str(v) for k, v in self.settings.items()}}

    def server(self) -> str:
        port, machine = free_port(), self.tmp / f"server{len(self.servers)}"
        self.servers.append((f"http://127.0.0.1:{port}", serve(port, self.env(machine)), machine))
        return self.servers[-1][0]

    def worker(self, machine: Path | None = None) -> subprocess.Popen[bytes]:
        machine = machine or self.tmp / f"worker{len(self.workers)}"
        log = (self.tmp / f"worker{len(self.workers)}.log").open("wb")
        base = {k: v for k, v in os.environ.items() if not k.startswith("INCENTIVES_")}
        process = subprocess.Popen([str(Path(sys.executable).with_name("incentives")), "worker"], env=base |
                                   self.env(machine), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.workers.append((process, machine))
        wait_for(lambda: self.redis.keys("rq:worker:*") or process.poll() is not None, 60, "the worker did not start")
        assert process.poll() is None, (self.tmp / f"worker{len(self.workers) - 1}.log").read_text()
        return process

    def logs(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.tmp.glob("worker*.log"))

    def job_keys(self, job_id: str) -> list[bytes]:
        """Every key in Redis that belongs to the job: its own, and its RQ job's."""
        return [*self.redis.keys(f"{PREFIX}job:{job_id}*"), *self.redis.keys(f"*{RedisJobs.rq_id(job_id)}*")]

    def close(self) -> None:
        for _, server, _ in self.servers:
            stop(server)
        for worker, _ in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)


DATABASES = itertools.count(1)  # each test on a Redis database of its own


@pytest.fixture
def deployment(tmp_path, redis_port) -> Iterator[Deployment]:
    made: list[Deployment] = []

    def make(**settings: int) -> Deployment:
        made.append(Deployment(tmp_path, redis_port, next(DATABASES) % 16, **settings))
        return made[-1]

    yield make  # type: ignore[misc]
    for each in made:
        each.close()


def job_id_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def test_an_upload_through_server_a_is_followed_and_downloaded_through_server_b(deployment):
    deploy = deployment(BATCH_TTL=900)
    a, b = deploy.server(), deploy.server()
    deploy.worker()
    browser = Browser()
    content = roster(2) + b"Q1,martian,abc,Secret Dept\n"
    job = browser.upload(a, content, name="secret-roster.csv")
    job_b = job.replace(a, b)
    page = wait_for(lambda: (p := browser.get(job_b + "?lang=en"))[0] == 200 and b"/download" in p[1] and p[1],
                    120, "the job did not finish (seen through server B)")
    assert b"<strong>3</strong> = assessed: <strong>2</strong>" in page and b"martian" in page
    first, second = browser.get(job_b + "/download"), browser.get(job_b + "/download")
    assert first[0] == second[0] == 200 and first[1][:2] == b"PK" and first[1] == second[1]  # kept after download
    assert browser.get(job + "/download")[1] == first[1]  # and the same through A
    job_id = job_id_of(job)
    assert deploy.job_keys(job_id)
    assert browser.post(job_b + "/delete?lang=en", b)[0] == 200
    assert browser.get(job + "?lang=en")[0] == 404
    assert deploy.job_keys(job_id) == [] and not deploy.redis.zscore(PREFIX + "jobs", job_id)
    logs = deploy.logs()
    for secret in ("Secret Dept", "martian", "secret-roster", job_id):
        assert secret not in logs  # the worker logs neither the file's data nor the job id


def running(deploy: Deployment, job_id: str) -> dict[str, str] | None:
    raw = {k.decode(): v.decode() for k, v in deploy.redis.hgetall(f"{PREFIX}job:{job_id}").items()}
    return raw if raw.get("state") == "running" and int(raw.get("rows_done") or 0) >= 200 else None


def test_a_worker_killed_mid_job_leaves_the_job_failed_with_its_data_removed(deployment):
    deploy = deployment(BATCH_TTL=900)
    a, b = deploy.server(), deploy.server()
    worker = deploy.worker()
    machine = deploy.workers[-1][1]
    browser = Browser()
    job = browser.upload(a, roster(3000))
    job_id = job_id_of(job)
    state = wait_for(lambda: running(deploy, job_id), 120, "the job never got going")
    local = wait_for(lambda: list(machine.glob("incentives-batch-*/run-*/scratch/incentives-xlsx-*/*")), 30,
                     "no local copy")
    assert local and not deploy.redis.exists(f"{PREFIX}job:{job_id}:input")  # the worker took the input out
    horse = int(state["process"].split(".")[0])
    pool = wait_for(lambda: children(horse), 60, "the work horse started no batch workers")
    # The machine goes: the work horse (its own process group) and the worker itself.
    os.kill(horse, signal.SIGKILL)
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    # The work horse was killed alone (as the OOM killer would; RQ's own timeout kills its whole process group):
    # its batch workers end by themselves.
    wait_for(lambda: not any(alive(pid) for pid in pool), 30, "the killed work horse's batch workers still run")

    def failed() -> bool:
        raw = deploy.redis.hgetall(f"{PREFIX}job:{job_id}")
        return raw.get(b"state") == b"failed" and deploy.job_keys(job_id) == [f"{PREFIX}job:{job_id}".encode()]

    # No request: the app servers' reapers see the lease lapse, fail the job and delete its data.
    wait_for(failed, 3 * PERIOD + PERIOD + SLACK, "the killed worker's job is not failed with its data removed")
    assert not deploy.redis.zscore(PREFIX + "active", job_id)
    code, page, _ = browser.get(job.replace(a, b) + "?lang=en")
    assert code == 200 and b"server process running it ended" in page
    # A worker started again on that machine first deletes the local copy the killed one left.
    assert list(machine.glob("incentives-batch-*/run-*"))
    deploy.worker(machine)
    wait_for(lambda: not list(machine.glob("incentives-batch-*/run-*")), SLACK, "the local copy was left behind")
    done = browser.upload(b, roster(2))  # and the queue goes on
    wait_for(lambda: b"/download" in browser.get(done)[1], 120, "the next job did not finish")


def test_expiry_removes_everything_of_a_job_from_redis(deployment):
    ttl = 8
    deploy = deployment(BATCH_TTL=ttl)
    a, b = deploy.server(), deploy.server()
    deploy.worker()
    browser = Browser()
    job = browser.upload(a, roster(2) + b"Q1,martian,abc,Ops\n")
    job_id = job_id_of(job)
    wait_for(lambda: b"/download" in browser.get(job.replace(a, b))[1], 60, "the job did not finish")
    keys = deploy.job_keys(job_id)
    data = [k for k in keys if k.startswith(PREFIX.encode())]
    assert {k.decode().removeprefix(f"{PREFIX}job:{job_id}") for k in data} == {"", ":errors", ":result"}
    for key in data:  # Redis itself deletes every key holding the job's data by the deadline
        assert 0 < deploy.redis.pttl(key) <= ttl * 1000
    # No request from here on.
    wait_for(lambda: deploy.job_keys(job_id) == [], ttl + PERIOD + SLACK, "the expired job is still in Redis")
    assert not deploy.redis.zscore(PREFIX + "jobs", job_id) and not deploy.redis.zscore(PREFIX + "active", job_id)
    assert b"martian" not in b"".join(deploy.redis.dump(k) or b"" for k in deploy.redis.keys("*"))
    assert browser.get(job)[0] == 404


def test_another_sessions_job_id_is_refused_and_the_queue_cap_holds_across_servers(deployment):
    deploy = deployment(BATCH_TTL=900, BATCH_MAX_QUEUED=1)
    a, b = deploy.server(), deploy.server()  # no worker: the job stays queued
    owner, other = Browser(), Browser()
    job = owner.upload(a, roster(2))
    job_id, fake = job_id_of(job), "A" * 24
    for server in (a, b):
        for path in ("?lang=en", "/download?lang=en"):
            theirs = other.get(f"{server}/batch/jobs/{job_id}{path}")
            never = other.get(f"{server}/batch/jobs/{fake}{path}")
            assert theirs[0] == never[0] == 404 and theirs[1].replace(job_id.encode(), fake.encode()) == never[1]
        assert other.post(f"{server}/batch/jobs/{job_id}/delete?lang=en", server)[0] == 404
    assert owner.get(job.replace(a, b) + "?lang=en")[0] == 200  # still there for its owner, on either server
    with pytest.raises(urllib.error.HTTPError) as refused:
        other.upload(b, roster(2), lang="zh")  # another session, another server: the one queue is full
    assert refused.value.code == 503 and "最多 1 个" in refused.value.read().decode()
    assert owner.post(job.replace(a, b) + "/delete?lang=en", b)[0] == 200
    assert deploy.job_keys(job_id) == []
    assert other.upload(b, roster(2))  # room again
