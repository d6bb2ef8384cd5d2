"""gunicorn settings, shipped in the package so an installed wheel serves as ``make run`` does.

Use with ``gunicorn --config python:calculator.gunicorn_conf 'calculator.app:create_app()'`` (see README).
"""

import gc

worker_class = "sync"  # CPU-bound pages: sync workers (gthread piled connections on one worker; engineering notes)
# No runtime control socket (gunicorn >= 25.1): nothing here uses it, and every server of a user would share its
# one default path (~/.gunicorn/gunicorn.ctl), each new one taking it over from the last. Older gunicorns ignore this.
control_socket_disable = True


def post_worker_init(worker):
    """Move the loaded app (rule tables, compiled criteria, templates) out of the garbage collector's reach:
    it lives as long as the worker, and full collections walking it were the API's p99 spikes."""
    gc.collect()
    gc.freeze()
