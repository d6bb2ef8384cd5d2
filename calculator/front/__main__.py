"""``python -m calculator.front``: serve in production (see :mod:`calculator.front.serve`)."""

from calculator.front.serve import run

run()
