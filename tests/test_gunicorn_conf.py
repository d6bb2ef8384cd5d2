"""The packaged gunicorn settings: an operator serving browsers from gunicorn's sync workers directly is warned."""

from __future__ import annotations

from types import SimpleNamespace

import gunicorn
import pytest
from gunicorn.config import Config

from calculator import gunicorn_conf


class Log:
    def __init__(self) -> None:
        self.warnings: list[str] = []

    def warning(self, message: str, *args: object) -> None:
        self.warnings.append(message % args)


def started(bind: list[str], worker_class: str = "sync") -> Log:
    cfg = Config()
    cfg.set("bind", bind)
    cfg.set("worker_class", worker_class)
    log = Log()
    gunicorn_conf.when_ready(SimpleNamespace(cfg=cfg, log=log))
    return log


@pytest.mark.parametrize("bind", ["127.0.0.1:8000", "[::1]:8000", "localhost:8000", "unix:/run/app.sock", "fd://3"])
def test_loopback_and_socket_binds_are_not_warned_about(lingering_gunicorn: None, bind: str) -> None:
    assert started([bind]).warnings == []


@pytest.fixture
def lingering_gunicorn(monkeypatch: pytest.MonkeyPatch) -> None:
    """The version that waits for the client to close after each answer (27 in production), whatever is installed."""
    monkeypatch.setattr(gunicorn, "__version__", "27.0.1")


@pytest.mark.parametrize("bind", ["0.0.0.0:8000", "[::]:8000", "192.0.2.10:80", "example.org:8000"])
def test_sync_workers_reachable_from_other_hosts_are_warned_about(lingering_gunicorn: None, bind: str) -> None:
    (warning,) = started(["127.0.0.1:9000", bind]).warnings
    assert bind in warning and "127.0.0.1:9000" not in warning
    assert "nginx" in warning


def test_threaded_workers_and_older_gunicorns_are_not_warned_about(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gunicorn, "__version__", "27.0.1")
    assert started(["0.0.0.0:8000"], worker_class="gthread").warnings == []
    monkeypatch.setattr(gunicorn, "__version__", "23.0.0")
    assert started(["0.0.0.0:8000"]).warnings == []


def test_a_worker_freezes_the_loaded_app_and_collects_young_objects_less_often() -> None:
    """Bounded work: after the worker's start, the loaded objects are out of the collector's reach and allocating
    a request's worth of short-lived containers (under the threshold) runs no collection; Python's default ran 14."""
    import gc

    threshold, runs = gc.get_threshold(), []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            runs.append(info["generation"])

    def a_request() -> None:
        kept = [{"n": n} for n in range(10_000)]  # containers alive together, as a document's are
        assert len(kept) == 10_000

    gc.collect()
    gc.callbacks.append(count)
    try:
        a_request()
        default_runs = len(runs)
        gunicorn_conf.post_worker_init(None)  # (its own full collection first)
        assert gc.get_freeze_count() > 0
        runs.clear()
        a_request()
    finally:
        gc.callbacks.remove(count)
        gc.unfreeze()
        gc.set_threshold(*threshold)
    assert default_runs >= 10 and runs == []
