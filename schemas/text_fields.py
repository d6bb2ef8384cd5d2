"""Free-text profile fields: names, references and departments (:class:`Text`), and the unified social credit code
(:class:`USCC`, with its GB 32100-2015 check character). Re-exported by :mod:`schemas.fields`."""

from __future__ import annotations

import unicodedata
from operator import mul
from typing import Any

from marshmallow import ValidationError, fields

from schemas.bounds import MAX_CODE_TEXT, capped
from schemas.messages import Msg


def refused_character(ch: str) -> bool:
    """A character text cannot keep: a control character other than tab and line ends (Cc), half of a surrogate
    pair (Cs: not text, cannot be stored as UTF-8), or a noncharacter (U+FDD0–U+FDEF, U+xxFFFE, U+xxFFFF: XML and
    spreadsheets cannot hold them). Everything else is kept, private-use characters (rare names in some Chinese
    systems), characters newer than this Python's Unicode tables and format characters (joiners, marks) included."""
    code = ord(ch)
    if ch in "\t\n\r":
        return False
    return (unicodedata.category(ch) in ("Cc", "Cs") or 0xFDD0 <= code <= 0xFDEF
            or code & 0xFFFE == 0xFFFE)


class Text(fields.String):
    """Free text (names, references, departments) with a length limit, kept as given apart from the spaces around
    it; a character text cannot keep (:func:`refused_character`) is refused naming its position, never dropped."""

    def __init__(self, *, max_length: int = 200, **kwargs: Any) -> None:
        self.max_length = max_length
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:  # type: ignore[override]  # blank is no answer
        if not isinstance(value, str):
            raise ValidationError(Msg("not_text"))
        if len(value) > 2 * self.max_length + 100:  # too long whatever spaces surround it: refused unread
            raise ValidationError(Msg("too_long", max=self.max_length))
        text = value.strip()
        if len(text) > self.max_length:
            raise ValidationError(Msg("too_long", max=self.max_length))
        if value.isascii() and value.isprintable():  # no control character (ASCII's refused ones are all Cc)
            return text or None
        for position, ch in enumerate(value, 1):
            if refused_character(ch):
                raise ValidationError(Msg("bad_character", position=position, code=f"U+{ord(ch):04X}"))
        return text or None


USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_SET = frozenset(USCC_CHARSET)
USCC_WEIGHTS = [pow(3, i, 31) for i in range(17)]
USCC_VALUES = {ch: USCC_CHARSET.index(ch) for ch in USCC_CHARSET}


def uscc_check_character(first17: str) -> str:
    """The GB 32100-2015 check character for the first 17 characters of a unified social credit code (ValueError for
    another length or a character outside :data:`USCC_CHARSET`)."""
    if len(first17) != len(USCC_WEIGHTS) or not USCC_SET.issuperset(first17):
        raise ValueError(f"not the first 17 characters of a credit code: {first17!r}")
    total = sum(map(mul, map(USCC_VALUES.__getitem__, first17), USCC_WEIGHTS))  # in C: no Python step per character
    return USCC_CHARSET[(31 - total % 31) % 31]


class USCC(Text):
    """Unified social credit code (统一社会信用代码), 18 characters with a GB 32100-2015 check character."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_length=18, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:  # type: ignore[override]  # blank is no answer
        if not isinstance(value, str):
            raise ValidationError(Msg("not_text"))
        code = unicodedata.normalize("NFKC", capped(value, MAX_CODE_TEXT)).strip().upper()
        if not code:
            return None
        if len(code) != 18 or not USCC_SET.issuperset(code):
            raise ValidationError(Msg("uscc_format"))
        expected = uscc_check_character(code[:17])
        if code[17] != expected:
            raise ValidationError(Msg("uscc_check", expected=expected))
        return code
