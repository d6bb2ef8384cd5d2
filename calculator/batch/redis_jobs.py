"""Jobs on Redis with RQ, for several app servers behind a load balancer (``INCENTIVES_REDIS_URL``).

Any app server takes an upload; a queue worker (``incentives worker``, any number, on any machine) runs it; any
app server answers its page and serves its download. Everything of a job is in Redis under
``incentives:batch:job:<id>`` (the state hash; ``…:input`` until a worker takes it; ``…:errors``; ``…:result``;
``…:alive``, the running worker's lease), each key set to expire at the job's deadline, so Redis itself deletes
the data on time even if no app server or worker is running. The RQ job carries only the job id (under a
derived RQ id, so logs show neither). A worker copies the input to a private folder on its machine for the run
and deletes it from Redis; the folder goes when the job ends, or is reaped after a crash. Reapers on a timer in
the app servers and the workers fail a job whose worker died (its lease lapsed; its data deleted), delete what
is due, and clean the RQ leftovers.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import logging
import secrets
import threading
import time
from pathlib import Path
from typing import IO, Any

from redis import Redis
from rq import Queue, Worker
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.job import JobStatus as RQStatus

from calculator.batch.jobs import (
    INPUT,
    RESULT,
    STOPPED,
    Execute,
    JobGone,
    JobRequest,
    JobStatus,
    QueueFull,
    owner_key,
)
from calculator.batch.local import LEAVERS, REAPERS, LocalFolder, remove, this_process
from calculator.batch.runner_base import RunnerBase, log_failure
from calculator.batch.scripts import ERRORS, FAIL, FINISH, START, SUBMIT, TOUCH
from calculator.batch.task import failure
from calculator.i18n import bilingual

log = logging.getLogger(__name__)
PREFIX = "incentives:batch:"
QUEUE = "incentives-batch"
FLUSH = 200                                 # rejected-row messages sent to Redis at a time
_WORKER: RedisJobs | None = None            # the runner of this queue-worker process (set by work())


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


class QueueWorker(Worker):
    """RQ's worker, its command listener waiting on Redis one second at a time (RQ's own waits a minute).

    On a stop RQ unsubscribes and then stops the listener thread; since redis-py 8.2 stopping waits for that
    thread, which, once unsubscribed, sleeps out its wait: an idle worker asked to stop took up to 60 s to leave.
    """

    LISTEN_SECONDS = 1.0

    def subscribe(self) -> None:
        self.pubsub = self.connection.pubsub()
        self.pubsub.subscribe(**{self.pubsub_channel_name: self.handle_payload})
        self.pubsub_thread = self.pubsub.run_in_thread(
            sleep_time=self.LISTEN_SECONDS, daemon=True, exception_handler=self._pubsub_exception_handler)


class RedisJobs(RunnerBase):
    """The :class:`~calculator.batch.jobs.JobRunner` on Redis; ``work()`` makes this process a queue worker."""

    def __init__(self, url: str, *, folder: Path, execute: Execute, ttl: float = 900.0, max_queued: int = 10,
                 period: float = 10.0) -> None:
        self.ttl, self.max_queued, self.period, self.execute = ttl, max_queued, period, execute
        self.beat = min(5.0, period)       # a running worker renews its lease this often …
        self.lease = 3 * self.beat         # … and is taken for dead once it has not for this long
        self.redis = Redis.from_url(url)
        self.redis.ping()                  # a wrong URL or a Redis that is down stops start-up, not a request
        self.queue = Queue(QUEUE, connection=self.redis)
        self.local = LocalFolder(Path(folder))
        self.local.wipe_if_alone()
        self.reap()
        REAPERS.add(self, period)
        LEAVERS.add(self)

    # --- keys ------------------------------------------------------------------------------------------
    @staticmethod
    def _keys(job_id: str) -> dict[str, str]:
        job = f"{PREFIX}job:{job_id}"
        return {"job": job, "input": job + ":input", "errors": job + ":errors", "result": job + ":result",
                "alive": job + ":alive", "active": PREFIX + "active", "jobs": PREFIX + "jobs"}

    @staticmethod
    def rq_id(job_id: str) -> str:
        """The RQ job's id: derived, so the queue's logs and keys never show the job id itself."""
        return "batch-" + hashlib.sha256(job_id.encode()).hexdigest()[:32]

    def _raw(self, job_id: str) -> dict[str, str]:
        return {k.decode(): v.decode() for k, v in self.redis.hgetall(self._keys(job_id)["job"]).items()}

    @staticmethod
    def _status(job_id: str, raw: dict[str, str]) -> JobStatus:
        total = raw.get("rows_total")
        return JobStatus(id=job_id, state=raw.get("state", "failed"), rows_done=int(raw.get("rows_done", 0)),
                         rows_total=int(total) if total else None, rejected=int(raw.get("rejected", 0)),
                         summary=json.loads(raw["summary"]) if raw.get("summary") else None,
                         error=json.loads(raw["error"]) if raw.get("error") else None,
                         created=float(raw.get("created", 0)), expires=float(raw.get("expires", 0)),
                         name=raw.get("name", RESULT), owner=raw.get("owner", ""), process=raw.get("process", ""))

    # --- storage for RunnerBase ------------------------------------------------------------------------
    def _find(self, job_id: str) -> JobStatus | None:
        raw = self._raw(job_id)
        return self._status(job_id, raw) if raw else None

    def _checked(self, job_id: str, status: JobStatus) -> JobStatus:
        if status.active and self._lost(job_id, status):
            status = self._status(job_id, self._raw(job_id))
        return status

    def _error_page(self, job_id: str, start: int, limit: int | None) -> list[dict[str, Any]]:
        stop = -1 if limit is None else start + limit - 1
        return [json.loads(line) for line in self.redis.lrange(self._keys(job_id)["errors"], start, stop)]

    def _open_result(self, job_id: str) -> IO[bytes] | None:
        data = self.redis.get(self._keys(job_id)["result"])
        return io.BytesIO(data) if data is not None else None

    # --- the contract (upload, status, errors, result, delete: RunnerBase) --------------------------------
    def submit(self, request: JobRequest, upload: Path, owner: str) -> str:
        """Store the upload and the job's state in Redis (atomically refused at ``max_queued`` waiting or running
        jobs), then queue the job; the local upload is deleted."""
        job_id = secrets.token_urlsafe(18)
        keys = self._keys(job_id)
        now = time.time()
        expires = now + self.ttl
        fields = {"state": "queued", "owner": owner_key(owner), "created": repr(now), "expires": repr(expires),
                  "name": request.download, "request": json.dumps(request.as_dict(), ensure_ascii=False)}
        data = upload.read_bytes()
        upload.unlink()
        made = SUBMIT(self.redis, [keys["job"], keys["input"], keys["active"], keys["jobs"]],
                      [_ms(now), _ms(expires), self.max_queued, job_id, data, *_pairs(fields)])
        del data
        if not made:
            raise QueueFull(self.max_queued)
        try:
            self.queue.enqueue(f"{__name__}.run", job_id, job_id=self.rq_id(job_id), description="batch job",
                               ttl=int(self.ttl), result_ttl=0, failure_ttl=int(self.ttl),
                               job_timeout=int(self.ttl))
        except Exception:
            self._remove(job_id)
            raise
        return job_id

    def reap(self) -> None:
        """Delete the jobs that are due (one period early), fail those whose worker died, clean local leftovers."""
        keys = self._keys("")
        for job_id in self.redis.zrangebyscore(keys["jobs"], "-inf", _ms(time.time() + self.period)):
            self._remove(job_id.decode())
        for job_id in self.redis.zrange(keys["active"], 0, -1):
            raw = self._raw(job_id.decode())
            if not raw:
                self.redis.zrem(keys["active"], job_id)
            else:
                self._lost(job_id.decode(), self._status(job_id.decode(), raw))
        self.local.reap_entries(("upload", "run"), self.ttl)

    def leave(self) -> None:
        self.local.leave()

    def shutdown(self) -> None:
        REAPERS.discard(self)
        self.leave()

    # --- lifetimes ----------------------------------------------------------------------------------------
    def _remove(self, job_id: str) -> None:
        """Everything of the job: its keys, its registry entries, its RQ job (a running worker then stops)."""
        keys = self._keys(job_id)
        with self.redis.pipeline() as pipe:
            pipe.delete(keys["job"], keys["input"], keys["errors"], keys["result"], keys["alive"])
            pipe.zrem(keys["active"], job_id)
            pipe.zrem(keys["jobs"], job_id)
            pipe.execute()
        with contextlib.suppress(NoSuchJobError):
            Job.fetch(self.rq_id(job_id), connection=self.redis).delete(remove_from_queue=True)

    def _lost(self, job_id: str, status: JobStatus) -> bool:
        """Fail an unfinished job nobody will finish: running without a live lease, or queued while its RQ job
        is gone or failed (its worker died before starting it). True when it was failed now."""
        if status.state == "queued":
            if time.time() - status.created < self.lease:
                return False  # just submitted: RQ may not have it yet
            try:
                rq_state = Job.fetch(self.rq_id(job_id), connection=self.redis).get_status()
            except NoSuchJobError:
                rq_state = None
            if rq_state not in (None, RQStatus.FAILED, RQStatus.STOPPED, RQStatus.CANCELED):
                return False
        if not self._fail(job_id, "lost-" + status.state, dict(bilingual(STOPPED))):
            return False
        with contextlib.suppress(NoSuchJobError):  # what RQ kept of it (a dead worker's started job)
            Job.fetch(self.rq_id(job_id), connection=self.redis).delete(remove_from_queue=True)
        return True

    def _fail(self, job_id: str, mode: str, error: dict[str, str]) -> int:
        keys = self._keys(job_id)
        return int(FAIL(self.redis, [keys[k] for k in ("job", "input", "errors", "result", "active", "alive")],
                        [job_id, mode, *_pairs({"state": "failed", "error": json.dumps(error, ensure_ascii=False)})]))

    # --- the queue worker ---------------------------------------------------------------------------------
    def work(self, burst: bool = False) -> None:
        """Run jobs from the queue until stopped (``incentives worker``): RQ forks a process per job."""
        global _WORKER
        _WORKER = self
        worker = QueueWorker([self.queue], connection=self.redis, log_job_description=False)
        worker.work(burst=burst, logging_level="WARNING")

    def run_job(self, job_id: str) -> None:
        """In the queue worker: take the input out of Redis, run the work in a private local folder, put the
        state, the messages and the workbook back, each set to expire at the job's deadline."""
        keys = self._keys(job_id)
        raw = self._raw(job_id)
        data = START(self.redis, [keys["job"], keys["input"], keys["alive"]], [this_process(), _ms(self.lease)])
        if not raw or data is None:
            return  # deleted or expired while it waited
        request = JobRequest(**json.loads(raw["request"]))
        folder = self.local.new_entry("run")
        sink = _RedisSink(self, job_id, _ms(float(raw["expires"])))
        beating = threading.Thread(target=sink.keep_alive, daemon=True, name="batch-lease")
        try:
            (folder / INPUT).write_bytes(data)
            del data
            beating.start()
            summary = self.execute(request, folder, sink)
            sink.flush()
            FINISH(self.redis, [keys["job"], keys["result"], keys["active"], keys["alive"]],
                   [_ms(float(raw["expires"])), job_id, (folder / RESULT).read_bytes(),
                    *_pairs({"state": "done", "summary": json.dumps(summary, ensure_ascii=False, default=str)})])
        except JobGone:
            pass
        except Exception as exc:  # the page shows a message; nothing of the file's data is logged
            log_failure(log, exc)
            self._fail(job_id, "failed", failure(exc))
        finally:
            sink.stopped.set()
            remove(folder)


def run(job_id: str) -> None:
    """The RQ job: run batch job ``job_id`` with this worker's runner."""
    if _WORKER is None:
        raise RuntimeError("start queue workers with `incentives worker` (it loads the rule tables and settings)")
    _WORKER.run_job(job_id)


class _RedisSink:
    """Progress and lease renewals into the job's hash; messages into its list, a few hundred at a time."""

    def __init__(self, runner: RedisJobs, job_id: str, expires_ms: int) -> None:
        self.runner, self.keys, self.expires_ms = runner, runner._keys(job_id), expires_ms
        self.buffer: list[str] = []
        self.stopped = threading.Event()
        self.gone = False

    def _touch(self, fields: dict[str, Any]) -> None:
        alive = TOUCH(self.runner.redis, [self.keys["job"], self.keys["alive"]],
                      [_ms(self.runner.lease), *_pairs(fields)])
        if not alive:
            self.gone = True
            raise JobGone

    def keep_alive(self) -> None:
        while not self.stopped.wait(self.runner.beat):
            with contextlib.suppress(JobGone, OSError, ConnectionError):
                self._touch({})

    def progress(self, done: int, total: int | None, rejected: int) -> None:
        self.flush()
        self._touch({"rows_done": done, "rows_total": "" if total is None else total, "rejected": rejected})

    def error(self, message: dict[str, Any]) -> None:
        if self.gone:
            raise JobGone
        self.buffer.append(json.dumps(message, ensure_ascii=False, default=str))
        if len(self.buffer) >= FLUSH:
            self.flush()

    def flush(self) -> None:
        if self.buffer:
            lines, self.buffer = self.buffer, []
            if not ERRORS(self.runner.redis, [self.keys["job"], self.keys["errors"]], [self.expires_ms, *lines]):
                self.gone = True
                raise JobGone


def _pairs(fields: dict[str, Any]) -> list[Any]:
    return [item for pair in fields.items() for item in pair]
