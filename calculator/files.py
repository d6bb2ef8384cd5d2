"""Writing an output file the way users expect of a command (``incentives export -o``, ``incentives batch -o``).

A regular file is replaced atomically: the new content goes to a hidden partial file beside it, which then
takes its place, so a failed write leaves the old file as it was and no partial one. A symbolic link is
followed: its target is replaced, the link kept. A device or a pipe (``/dev/stdout``, a FIFO) is written into,
never replaced by a regular file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


def write_output(path: str | os.PathLike[str], produce: Callable[[Path], T]) -> T:
    """Call ``produce(where)`` to write the file, then put it at ``path``; returns what ``produce`` returned."""
    target = Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        # Made in a private temporary file, then copied in: writers that open a path twice (openpyxl opens, finds
        # it cannot seek, opens again) would block on a pipe whose reader has gone.
        handle, name = tempfile.mkstemp(prefix="incentives-output-")
        os.close(handle)
        partial = Path(name)
        try:
            result = produce(partial)
            with partial.open("rb") as source, target.open("wb") as sink:
                shutil.copyfileobj(source, sink)
            return result
        finally:
            partial.unlink(missing_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        result = produce(partial)
        os.replace(partial, target)
        return result
    finally:
        partial.unlink(missing_ok=True)
