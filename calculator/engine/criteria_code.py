"""A program's criteria run by one generated function (built once at start-up, from validated tables): a criterion
comparing a profile input is inlined (the steps of its own generated check), any other is called through its own
check. One call per program rather than one per criterion, each call site seeing one function.

The source names only positions (``FIELD0``, ``R0``, ``CHECK1`` …); every value is bound in the function's globals,
never written into the source. It is kept in :mod:`linecache` under ``<criteria of PROGRAM>``, so a traceback shows
the line that failed."""

from __future__ import annotations

import datetime as dt
import linecache
import re
from collections.abc import Callable, Sequence
from typing import Any

from calculator.engine.criteria import Compiled
from calculator.engine.model import CriterionResult

Runner = Callable[[Any, dt.date, "dt.date | None"], list[CriterionResult]]

# What the generated check of a profile input does (criteria._TEMPLATE), its result kept in ``c{i}``.
_INLINE = """    a = subject.get(FIELD{i})
    c{i} = BLANK{i} if a is None else CR(SELF{i}, {expression}, a, R{i}, CONF{i}, (), None, ID{i})"""
_CALL = "    c{i} = CHECK{i}(subject, as_of, day)"


def criteria_runner(program_id: str, compiled: Sequence[Compiled]) -> Runner:
    """``[c.fast(subject, as_of, day) for c in compiled]`` as one generated function."""
    namespace: dict[str, Any] = {"CR": CriterionResult}
    lines = ["def run(subject, as_of, day):"]
    for i, crit in enumerate(compiled):
        if crit.inline is not None:
            namespace.update({f"FIELD{i}": crit.field, f"BLANK{i}": crit.blank, f"SELF{i}": crit,
                              f"R{i}": crit.required, f"CONF{i}": crit.confidence, f"ID{i}": crit.id})
            lines.append(_INLINE.format(i=i, expression=re.sub(r"\bR\b", f"R{i}", crit.inline)))
        else:
            namespace[f"CHECK{i}"] = crit.fast
            lines.append(_CALL.format(i=i))
    lines.append("    return [" + ", ".join(f"c{i}" for i in range(len(compiled))) + "]")
    source = "\n".join(lines) + "\n"
    filename = f"<criteria of {program_id}>"
    exec(compile(source, filename, "exec"), namespace)  # source built from fixed templates and positions
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    run: Runner = namespace["run"]
    return run
