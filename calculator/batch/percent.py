"""Bare fractions in percentage columns: ``0.95`` in a column asking for a percentage is read as 0.95%, as the
user wrote it, and the row is marked with a note asking whether 95% was meant. Nothing is changed silently: a cell
the user formatted as a percentage reaches here as ``"95%"`` (:func:`calculator.batch.reader.cell_value`) and is
not marked."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError
from openpyxl.utils import get_column_letter

from calculator.batch.columns import Mapping
from calculator.batch.texts import text
from schemas.fields import parse_number

MAX_PERCENT_NOTES = 100  # notes listed per file; the rest are counted in one more note


def bare_fraction(value: Any) -> Decimal | None:
    """The number in ``value`` when it is written without a percent sign and lies in (0, 1]; else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        return None
    try:
        number = parse_number(value)
    except ValidationError:
        return None  # not a number: the field's own check refuses it
    return number if 0 < number <= 1 else None


@dataclass
class PercentNotes:
    """The notes of one file's percentage columns, kept up to :data:`MAX_PERCENT_NOTES`, the rest counted."""

    mapping: Mapping
    lang: str
    notes: list[str] = field(default_factory=list)
    not_listed: int = 0

    def __post_init__(self) -> None:
        self.columns = [i for i, kind in self.mapping.types().items() if kind == "Percent"]

    def watch(self, rows: Iterable[tuple[int, list[Any]]]) -> Iterator[tuple[int, list[Any]]]:
        """Pass ``rows`` through unchanged, noting each bare fraction in a percentage column."""
        for number, cells in rows:
            for index in self.columns:
                found = bare_fraction(cells[index]) if index < len(cells) else None
                if found is not None:
                    self.note(number, index, found)
            yield number, cells

    def note(self, row: int, index: int, value: Decimal) -> None:
        if len(self.notes) >= MAX_PERCENT_NOTES:
            self.not_listed += 1
            return
        shown = f"{value.normalize():f}"
        percent = f"{(value * 100).normalize():f}"
        self.notes.append(text("bare_percent", self.lang, row=row, column=get_column_letter(index + 1),
                               header=self.mapping.headers[index], value=shown, percent=percent))

    def all(self) -> list[str]:
        """The notes, then how many were not listed (if any)."""
        more = [text("bare_percent_more", self.lang, count=self.not_listed)] if self.not_listed else []
        return self.notes + more
