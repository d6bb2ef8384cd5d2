"""gunicorn settings read automatically from the project directory (benchmarks/load.py): the packaged ones."""

from calculator.gunicorn_conf import *  # noqa: F403
