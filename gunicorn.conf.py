"""gunicorn settings read automatically from the project directory (make run, benchmarks/load.py)."""

import gc

worker_class = "sync"  # CPU-bound pages: sync workers (gthread piled connections on one worker; engineering notes)


def post_worker_init(worker):
    """Move the loaded app (rule tables, compiled criteria, templates) out of the garbage collector's reach:
    it lives as long as the worker, and full collections walking it were the API's p99 spikes."""
    gc.collect()
    gc.freeze()
