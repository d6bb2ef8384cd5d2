"""gunicorn settings, shipped in the package so an installed wheel serves as ``make run`` does.

Use with ``gunicorn --config python:calculator.gunicorn_conf 'calculator.app:create_app()'`` (see README).
Chosen by measurement (docs/performance.md, "Server choice"): sync workers behind nginx (``make serve``).
"""

from __future__ import annotations

import gc
import ipaddress
from typing import Any

# CPU-bound pages: sync workers. gthread (keep-alive to each client) gave more trivial req/s but a worse p99 on the
# assessments, and has piled kept-alive connections on one worker (engineering notes, docs/performance.md).
worker_class = "sync"
# A sync worker answers one request per connection and closes it: `keepalive` does not apply. nginx in front
# speaks keep-alive to browsers and opens a short connection to a worker per request (calculator/front/nginx.conf).
timeout = 30           # a worker silent this long is killed and replaced (nginx, in front, answers that as a 502)
# A sync worker serves one connection at a time: bare, two slow clients take the site down (docs/security.md).
# In production nginx reads every request whole before gunicorn sees it (incentives-serve, calculator/front), and
# refuses request and header lines over 8000 bytes itself, in the app's formats: gunicorn, behind it, accepts a
# little more (its maximum), so its own plain-text 414/400 never reaches anyone.
limit_request_line = 8190
limit_request_field_size = 8190
# No runtime control socket (gunicorn >= 25.1): nothing here uses it, and every server of a user would share its
# one default path (~/.gunicorn/gunicorn.ctl), each new one taking it over from the last. Older gunicorns ignore this.
control_socket_disable = True

# gunicorn >= 26's sync worker, after each answer, waits until the client closes its end (up to 2 s) before it takes
# the next connection. Behind nginx that costs nothing measurable (nginx closes at once); facing browsers directly,
# each worker sits idle for a network round trip per request (docs/performance.md, "Server choice"). So gunicorn
# alone is for development on a loopback address only.
LINGERING_CLOSE_SINCE = (26, 0)


# Objects allocated between two youngest-generation collections. Python's 700 made a results page (whose next
# questions allocate many short-lived objects) run 12 collections per request, 2.6-3.0 ms of CPU, and an API answer
# 2 (0.35-0.5 ms); at 20,000 a collection runs every ten or so pages, 1.0-1.2 ms a page, none for most API
# answers (measured with gc.callbacks in process; docs/performance.md, issue #16). Memory: the same (most of those
# objects are freed by reference counting, not by the collector).
GC_GEN0_THRESHOLD = 20_000


def post_worker_init(worker: Any) -> None:
    """Move the loaded app (rule tables, compiled criteria, templates) out of the garbage collector's reach:
    it lives as long as the worker, and full collections walking it were the API's p99 spikes. Then collect the
    young generation less often (:data:`GC_GEN0_THRESHOLD`)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(GC_GEN0_THRESHOLD, middle, old)


def when_ready(server: Any) -> None:
    """Warn when sync workers of a lingering-close gunicorn listen on an address other hosts can reach: put nginx in
    front (``make serve``, ``incentives-serve``) rather than serving browsers from gunicorn directly."""
    import gunicorn

    version = tuple(int(part) for part in gunicorn.__version__.split(".")[:2] if part.isdigit())
    exposed = [bind for bind in server.cfg.bind if not loopback(bind)]
    if server.cfg.worker_class_str == "sync" and version >= LINGERING_CLOSE_SINCE and exposed:
        server.log.warning(
            "gunicorn %s sync workers listen on %s: each waits for the client to close after every answer "
            "(a network round trip, up to 2 s). Serve browsers through nginx (make serve, incentives-serve); "
            "see docs/performance.md.", gunicorn.__version__, ", ".join(exposed))


def loopback(bind: str) -> bool:
    """True for a unix socket, a file descriptor, or a loopback host (``127.0.0.1:8000``, ``[::1]:8000``,
    ``localhost:8000``)."""
    if bind.startswith(("unix:", "fd://")):
        return True
    host = bind.rsplit(":", 1)[0] if bind.count(":") == 1 or bind.startswith("[") else bind
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
