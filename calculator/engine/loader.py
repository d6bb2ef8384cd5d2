"""Load ``incentive_tables/`` once at start-up: validate whole (:mod:`.validate`), then compile
(:mod:`.compile`).

Any problem stops loading with :class:`TableError`, whose lines name the file, the program and the field,
e.g. ``programs/x.toml: program 'x': criteria[2].op: Must be one of: eq, ne, …``.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from calculator.engine.catalogue import Catalogue
from calculator.engine.compile import compile_tables
from calculator.engine.validate import TableError, read_toml, validate_tables

__all__ = ["TableError", "default_root", "load_catalogue", "read_toml"]


def default_root() -> Path:
    return Path(str(files("incentive_tables")))


def load_catalogue(root: str | Path | None = None) -> Catalogue:
    """Load, validate and compile the rule tables under ``root`` (default: the packaged tables)."""
    return compile_tables(validate_tables(Path(root) if root else default_root()))
