"""verdict.surest, a failed program's confidence in one pass, is Confidence.strongest over its reasons' levels."""

from __future__ import annotations

import itertools
from types import SimpleNamespace

from calculator.engine.enums import Confidence, strongest
from calculator.engine.verdict import surest


def test_surest_is_the_strongest_of_the_reasons():
    levels = list(Confidence)
    for size in range(4):
        for chosen in itertools.product(levels, repeat=size):
            criteria = [SimpleNamespace(id=f"c{i}", confidence=level) for i, level in enumerate(chosen)]
            for count in range(size + 1):
                for reasons in itertools.combinations([c.id for c in criteria], count):
                    expected = strongest(*[c.confidence for c in criteria if c.id in reasons])
                    assert surest(criteria, list(reasons)) is expected  # type: ignore[arg-type]
