"""A WSGI app with ``make run``'s garbage-collector settings, for servers other than gunicorn.

gunicorn applies them in ``post_worker_init`` (``calculator/gunicorn_conf.py``): the loaded app frozen out of the
collector's reach, the youngest generation collected every ``GC_GEN0_THRESHOLD`` allocations. Another server has no
such hook, so this module loads the app named by ``INCENTIVES_WSGI_TARGET`` (``module:attribute`` or
``module:factory()``, as gunicorn takes it; default the calculator) and applies the same settings at import, so
that a comparison of servers compares the servers. Serve ``benchmarks.tuned_app:app``.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

from calculator import gunicorn_conf

DEFAULT = "calculator.app:create_app()"


def load(target: str) -> Any:
    """The WSGI callable ``module:name`` or ``module:factory()`` names."""
    module, _, name = target.partition(":")
    call = name.endswith("()")
    obj = getattr(importlib.import_module(module), name.removesuffix("()"))
    return obj() if call else obj


app = load(os.environ.get("INCENTIVES_WSGI_TARGET", DEFAULT))
gunicorn_conf.post_worker_init(None)  # the loaded app frozen, young objects collected less often
