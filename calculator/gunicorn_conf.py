"""gunicorn settings, shipped in the package so an installed wheel serves as ``make run`` does.

Use with ``gunicorn --config python:calculator.gunicorn_conf 'calculator.app:create_app()'`` (see README).
"""

import gc

worker_class = "sync"  # CPU-bound pages: sync workers (gthread piled connections on one worker; engineering notes)
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


def post_worker_init(worker):
    """Move the loaded app (rule tables, compiled criteria, templates) out of the garbage collector's reach:
    it lives as long as the worker, and full collections walking it were the API's p99 spikes."""
    gc.collect()
    gc.freeze()
