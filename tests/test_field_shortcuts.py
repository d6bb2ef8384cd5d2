"""The profile fields' shortcuts for the common answer give what the general reading gives: a yes/no answer written
as in the sets, free text in printable ASCII, a code written as itself, a number in digits (with thousands
separators)."""

from __future__ import annotations

import itertools
import random
import unicodedata
from typing import Any

import pytest
from marshmallow import ValidationError

from calculator.service import service_for
from schemas.bounds import MAX_ANSWER_TEXT, capped
from schemas.fields import (
    _GROUPED,
    _PLAIN,
    _PLAIN_OR_GROUPED,
    ANSWERS,
    ROW_YEAR,
    USCC,
    USCC_CHARSET,
    Text,
    TriState,
    parse_number,
    plain_year,
)
from schemas.messages import Msg
from schemas.profile import code_names
from schemas.reading import CodeNames
from schemas.text_fields import USCC_WEIGHTS, refused_character, uscc_check_character

SAMPLES = ["yes", "no", "unknown", "", " yes", "YES", "Yes ", "是", "否", "不确定", " 无 ", "y", "n", "1", "0",
           "true", "maybe", "x" * 40, "yes\n", "nanshan", "Nanshan", "南山区", "南山", "futian", "qianhai", "nanshan ",
           "nan shan", "nanshan district", "software_it", "no_such_code", "a\tb", "a\x00b", "a\x7fb", "ab\ud800",
           "名字", "Futian Vision Systems", "  spaced  ", "\ufdd0", "tab\tinside", "line\nend", "é"]


def answer(value: Any) -> Any:
    """TriState's general reading (without the shortcut)."""
    try:
        text = capped(value, MAX_ANSWER_TEXT).strip().lower()
    except ValidationError:
        return "refused"
    for answers, result in ((TriState.TRUE, True), (TriState.FALSE, False), (TriState.UNKNOWN, None)):
        if text in answers:
            return result
    return "refused"


def outcome(load: Any, value: Any) -> Any:
    try:
        return load(value)
    except ValidationError as error:
        return "refused", str(error.messages)


def test_the_answers_are_their_own_reading():
    assert len(ANSWERS) == len(TriState.TRUE) + len(TriState.FALSE) + len(TriState.UNKNOWN)
    for value, result in ANSWERS.items():
        assert answer(value) == result


@pytest.mark.parametrize("value", SAMPLES)
def test_a_yes_no_answer_reads_as_in_general(value):
    found = outcome(lambda v: TriState()._deserialize(v, "x", {}), value)
    assert (found[0] if isinstance(found, tuple) else found) == answer(value)


def text_in_general(value: str) -> Any:
    """Text's general reading (every character looked at)."""
    text = value.strip()
    for position, ch in enumerate(value, 1):
        if refused_character(ch):
            error = ValidationError(Msg("bad_character", position=position, code=f"U+{ord(ch):04X}"))
            return "refused", str(error.messages)
    return text or None


@pytest.mark.parametrize("value", SAMPLES)
def test_free_text_reads_as_in_general(value):
    field = Text(max_length=200)
    assert outcome(lambda v: field._deserialize(v, "x", {}), value) == text_in_general(value)


def test_no_printable_ascii_character_is_refused():
    assert not any(refused_character(chr(code)) for code in range(128) if chr(code).isprintable())


def test_a_code_written_as_itself_reads_as_in_general(catalogue):
    service = service_for(catalogue)
    tables = code_names(service.choices, service.names)
    assert tables
    assert all(" " in suffix or not suffix.isascii() for suffix in CodeNames.SUFFIXES)  # none ends a plain code
    for names in tables.values():
        for text in [*SAMPLES, *names.index, *(code.upper() for code in names.index), *(f"{c}x" for c in names.index)]:
            for prefix in (False, True):
                assert names.code(text, prefix) == names.general_code(text, prefix), text


def test_a_plain_or_grouped_number_is_recognised_by_one_pattern():
    alphabet = "-0123456789,.1\n x"
    texts = ["".join(chars) for size in range(1, 6) for chars in itertools.product(alphabet[:14], repeat=size)
             if size < 5 or chars[0] in "-1"]
    texts += ["1,234,567.89", "-12,345", "1,23", "1234,567", "12,345.", ".5", "1,234\n", "1\n", "١٢٣", "00,000"]
    for text in texts:
        assert bool(_PLAIN_OR_GROUPED.fullmatch(text)) == bool(_PLAIN.fullmatch(text) or _GROUPED.fullmatch(text)), text


@pytest.mark.parametrize("text", ["1979", "1980", "2021", "2100", "2101", "0999", "202", "20210", "２０２１", "٢٠٢١",
                                  " 2021", "2021年", "abcd", 2021, None])
def test_a_plain_year_reads_as_the_year_field_reads_it(text):
    if plain_year(text):
        assert int(text) == ROW_YEAR._deserialize(text, "x", {})
    else:
        assert not (isinstance(text, str) and text.isascii() and text.isdigit() and 1980 <= int(text) <= 2100)


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91350100M000100Y4I", "91350100M000100Y4O", "9135010",
                                  "91350100M000100Y44", "91350100m000100y43", "ＡＢＣ", "91350100M000100Y4\u0430"])
def test_a_credit_code_reads_as_every_character_checked(code):
    field = USCC()
    found = outcome(lambda v: field._deserialize(v, "x", {}), code)
    checked = unicodedata.normalize("NFKC", code).strip().upper()
    if len(checked) != 18 or any(ch not in USCC_CHARSET for ch in checked):
        assert found == ("refused", str(ValidationError(Msg("uscc_format")).messages))
    else:
        assert found == checked or found[0] == "refused"


def test_the_check_character_is_the_weighted_sum_of_the_standard():
    """uscc_check_character sums in C; GB 32100-2015's sum, one character at a time, gives the same character."""
    rng = random.Random(16)
    for _ in range(2000):
        first17 = "".join(rng.choice(USCC_CHARSET) for _ in range(17))
        total = sum(USCC_CHARSET.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS, strict=True))
        assert uscc_check_character(first17) == USCC_CHARSET[(31 - total % 31) % 31]
    for wrong in ["", "9135010", "91350100M000100Y43", "91350100M000100YI", "91350100M000100y4"]:
        with pytest.raises(ValueError):
            uscc_check_character(wrong)


@pytest.mark.parametrize("text", ["0", "7", "-12", "420", "1,234", "180,000,000", "-1,234,567.890", "0.5", "00012",
                                  "1" * 40, "12,345.0001"])
def test_a_number_in_digits_reads_as_in_general(text):
    """The digits' shortcut gives what the general reading (taken here by a trailing space) gives, exponent included."""
    assert _PLAIN_OR_GROUPED.fullmatch(text)
    fast, general = parse_number(text), parse_number(text + " ")
    assert (fast, str(fast)) == (general, str(general))
