"""Breaking a copy of the rule tables on purpose (the ``tables`` fixture of ``conftest.py``): ``edit`` one text in
it and read the errors the loader gives (shared by the loader, table-feature, money-row and source tests)."""

from __future__ import annotations

from pathlib import Path

import pytest

from calculator.engine import TableError, load_catalogue


def edit(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text not found in {relative}: {old!r}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_errors(root: Path) -> list[str]:
    with pytest.raises(TableError) as info:
        load_catalogue(root)
    return info.value.errors
