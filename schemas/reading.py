"""How people write codes and dates, read without guessing (used by the profile fields, :mod:`schemas.fields`).

Every surface reads input through those fields, so a batch cell, a form field, an API body and a CLI file accept
the same: a code by its name in Chinese or English (南山区, 南山, Nanshan), in a list also by the start of exactly one
name (前海, 河套); a date as 2020-05-01, 2020/5/1, 2020.05.01, 2020年5月1日 or 20200501, with or without a midnight
time. Anything else is refused on its field, never reinterpreted.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping

_MIDNIGHT = r"(?:[ T]0{1,2}:00(?::00(?:\.0+)?)?)?"  # a date saved with a time of day, as spreadsheets export it
_DAY_FORMS = (
    re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _MIDNIGHT),        # 2020-05-01, 2020/5/1, 2020.05.01
    re.compile(r"(\d{4})\s*(年)\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?" + _MIDNIGHT),  # 2020年5月1日
    re.compile(r"(\d{4})()(\d{2})(\d{2})"),                                 # 20200501 (ISO's compact form)
)


def read_day(value: str) -> dt.date | None:
    """A date as people write it: year first, then month and day (2020-05-01, 2020/5/1, 2020.05.01, 2020年5月1日,
    20200501), optionally with a midnight time (2020-05-01 00:00:00, as a CSV saved from a spreadsheet has it).
    None for anything else: a day-first or month-first date (2/1/2020) is ambiguous and never guessed."""
    text = unicodedata.normalize("NFKC", value).strip()
    for form in _DAY_FORMS:
        found = form.fullmatch(text)
        if found:
            year, _, month, day = found.groups()
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                return None
    return None


_OWN_KEY = re.compile(r"[a-z0-9_]+")  # a text that _key leaves as it is and _forms does not shorten (a code)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).lower().split())


class CodeNames:
    """How people name the codes of one reference table: the code itself (any case), or its name in Chinese or
    English, with or without a 区 / 新区 / District suffix (南山区, 南山, Nanshan and Nanshan District for nanshan).
    In a list (:class:`CodeList`), also the start of exactly one name (前海, 河套). A name two codes share is no
    answer, and nothing is guessed: 深圳 is not 深圳以外 (outside Shenzhen)."""

    SUFFIXES = ("新区", "区", " new area", " district")

    def __init__(self, codes: Iterable[str], names: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.index: dict[str, str] = {}
        claimed: dict[str, set[str]] = {}
        for code, labels in (names or {}).items():
            for label in labels.values():
                for key in self._forms(_key(label)):
                    claimed.setdefault(key, set()).add(code)
        self.labels = {key: found.pop() for key, found in claimed.items() if len(found) == 1}
        self.index.update(self.labels)
        self.index.update({_key(code): code for code in codes})  # a code is always itself

    @classmethod
    def _forms(cls, key: str) -> list[str]:
        """A name and, once, the name without a suffix (大鹏新区 → 大鹏; not 深汕 for 深汕特别合作区)."""
        for suffix in cls.SUFFIXES:
            if key.endswith(suffix) and len(key) > len(suffix) + 1:
                return [key, key.removesuffix(suffix)]
        return [key]

    def code(self, text: str, prefix: bool = False) -> str | None:
        """The code ``text`` names, or None. ``prefix``: the start of exactly one name is enough (lists only)."""
        if _OWN_KEY.fullmatch(text) and text in self.index:  # its own key (as _key gives it), no suffix to drop
            return self.index[text]
        return self.general_code(text, prefix)

    def general_code(self, text: str, prefix: bool = False) -> str | None:
        """:meth:`code` without its shortcut for a code written as itself: through ``_key`` and ``_forms``."""
        key = _key(text)
        for form in self._forms(key):
            if form in self.index:
                return self.index[form]
        if prefix and len(key) >= 2:
            starting = {code for label, code in self.labels.items() if label.startswith(key)}
            if len(starting) == 1:
                return starting.pop()
        return None

    def codes_in(self, text: str) -> list[str]:
        """A list typed as one text: items separated by commas, semicolons or 、; an item that names no code is read
        as names separated by spaces (前海 河套) when every one of them names a code, else kept as typed."""
        if not self.index:  # no table to read names from: codes separated by commas or spaces
            return [item for item in re.split(r"[,;，；、\s]+", text) if item]
        found: list[str] = []
        for part in (p.strip() for p in re.split(r"[,;，；、]+", text)):
            if not part:
                continue
            code = self.code(part, prefix=True)
            pieces = [self.code(piece, prefix=True) for piece in part.split()] if code is None else []
            if len(pieces) > 1 and all(pieces):
                found += [piece for piece in pieces if piece]
            else:
                found.append(code or part)
        return found


NO_NAMES = CodeNames(())  # a schema given no tables reads codes as codes only
