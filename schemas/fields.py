"""Profile field types: money, percentages, tri-state answers, codes from reference tables, dates (codes and dates
read as people write them: :mod:`schemas.reading`). Free text and the credit code are in :mod:`schemas.text_fields`,
the text bounds in :mod:`schemas.bounds`; both are re-exported here, so every field type imports from this module.

Each raises :class:`schemas.messages.Msg` so errors can be shown in Chinese or English.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import Any, ClassVar

from marshmallow import ValidationError, fields

from schemas.bounds import (
    MAX_ANSWER_TEXT,
    MAX_CODE_TEXT,
    MAX_DATE_TEXT,
    MAX_LIST_ITEMS,
    MAX_LIST_TEXT,
    MAX_NUMBER_TEXT,
    capped,
)
from schemas.messages import Msg
from schemas.reading import NO_NAMES, CodeNames, read_day
from schemas.text_fields import USCC as USCC  # re-exported: every field type imports from here
from schemas.text_fields import USCC_CHARSET as USCC_CHARSET
from schemas.text_fields import Text as Text
from schemas.text_fields import uscc_check_character as uscc_check_character


def info(unit: str, label: str, hint: str = "", section: str = "", *, alone_hint: str = "") -> dict[str, Any]:
    """Field metadata: unit code, label and hint (English message ids, marked with ``N_``: their Chinese is in the
    catalogue of :mod:`calculator.i18n`; show them with ``calculator.i18n.words.field_label`` / ``field_hint``),
    and the form section the field belongs to. ``alone_hint``: a person's hint where people are assessed without a
    company (the talent form, the people template), when the general one speaks of the company."""
    found = {"unit": unit, "label": label, "hint": hint, "section": section}
    if alone_hint:
        found["alone_hint"] = alone_hint
    return found


MAX_MONEY = Decimal("1e15")  # CNY 1,000 trillion: far above any real figure, below float trouble


_GROUPED = re.compile(r"^-?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^-?\d+(\.\d+)?$")
_PLAIN_OR_GROUPED = re.compile(r"-?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?")  # fullmatch: _PLAIN's or _GROUPED's
ONE = Decimal(1)
_UNITS = {"万": Decimal(10_000), "万元": Decimal(10_000), "亿": Decimal(100_000_000), "亿元": Decimal(100_000_000)}


def parse_number(value: Any) -> Decimal:
    """Parse a user's number: ``1234567``, ``"1,234,567"``, full-width ``"１，２３４"``, ``"120万"``."""
    if isinstance(value, str) and len(value) <= MAX_NUMBER_TEXT and value.isascii() and (
            _PLAIN_OR_GROUPED.fullmatch(value)):  # the common case, what the steps below leave as is: finite digits
        return Decimal(value.replace(",", "")) * ONE
    if isinstance(value, bool):
        raise ValidationError(Msg("not_number"))
    if isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float | Decimal):
        number = Decimal(str(value)) if isinstance(value, float) else value
    elif isinstance(value, str):
        text = unicodedata.normalize("NFKC", capped(value, MAX_NUMBER_TEXT)).strip()
        text = text.replace(" ", "").replace("\u00a0", "")
        text = text.removeprefix("¥").removeprefix("CN¥").removeprefix("￥")
        multiplier = ONE
        for suffix, factor in _UNITS.items():
            if text.endswith(suffix) and len(text) > len(suffix):
                text, multiplier = text[: -len(suffix)], factor
                break
        text = text.removesuffix("元")
        if not (_PLAIN.match(text) or _GROUPED.match(text)):
            raise ValidationError(Msg("not_number"))
        number = Decimal(text.replace(",", "")) * multiplier
    else:
        raise ValidationError(Msg("not_number"))
    if not number.is_finite():
        raise ValidationError(Msg("not_finite"))
    return number


class Money(fields.Field[Decimal]):
    """An amount in CNY, as ``Decimal``. Negative only when ``allow_negative`` (e.g. a tax loss)."""

    def __init__(self, *, allow_negative: bool = False, **kwargs: Any) -> None:
        self.allow_negative = allow_negative
        if allow_negative and "metadata" in kwargs:
            kwargs["metadata"] = {**kwargs["metadata"], "allow_negative": True}
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        number = parse_number(value)
        if number < 0 and not self.allow_negative:
            raise ValidationError(Msg("negative"))
        if abs(number) > MAX_MONEY:
            raise ValidationError(Msg("too_large", max="1,000,000,000,000,000"))
        return number

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


class Ratio(Money):
    """A positive decimal such as an exchange rate (CNY per HKD)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        number = super()._deserialize(value, attr, data, **kwargs)
        if number <= 0:
            raise ValidationError(Msg("too_small", min="0 (exclusive)"))
        if number > 1000:
            raise ValidationError(Msg("too_large", max=1000))
        return number


class Percent(Money):
    """A percentage from 0 to 100, given as ``37.5`` (not ``0.375``)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        number = parse_number(capped(value, MAX_NUMBER_TEXT).rstrip("%％") if isinstance(value, str) else value)
        if number < 0 or number > 100:
            raise ValidationError(Msg("percent_range"))
        return number


class Area(fields.Field[Decimal]):
    """A floor area in square metres, as ``Decimal`` (not necessarily whole): ``1200``, ``"1,200.5"``, ``"1200㎡"``,
    ``"1200 m2"``, ``"1200平方米"``; never negative, at most :data:`MAX_AREA`."""

    SUFFIXES = ("平方米", "平米", "m²", "m2", "sqm", "㎡")

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Decimal:
        if isinstance(value, str):
            text = value.strip()
            for suffix in self.SUFFIXES:
                if text.lower().endswith(suffix):
                    text = text[: -len(suffix)].strip()
                    break
            value = text
        number = parse_number(value)
        if number < 0:
            raise ValidationError(Msg("negative"))
        if number > MAX_AREA:
            raise ValidationError(Msg("too_large", max="10,000,000 m²"))
        return number

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


MAX_AREA = Decimal(10_000_000)  # square metres: far above any office, and a bound a refusal can name


class Count(fields.Field[int]):
    """A whole, non-negative count (people, months)."""

    def __init__(self, *, maximum: int = 10_000_000, **kwargs: Any) -> None:
        self.maximum = maximum
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        number = parse_number(value)
        if number != number.to_integral_value():
            raise ValidationError(Msg("not_integer"))
        if number < 0:
            raise ValidationError(Msg("negative"))
        if number > self.maximum:
            raise ValidationError(Msg("too_large", max=self.maximum))
        return int(number)


class Year(Count):
    """A calendar (tax) year."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, str):
            # "2025年", as Chinese users write a year
            value = capped(value, MAX_NUMBER_TEXT).strip().removesuffix("年度").removesuffix("年")
        year = super()._deserialize(value, attr, data, **kwargs)
        if year < 1980:
            raise ValidationError(Msg("too_small", min=1980))
        if year > 2100:
            raise ValidationError(Msg("too_large", max=2100))
        return year


class TriState(fields.Field[bool | None]):
    """A yes / no / unknown answer, loaded as ``True`` / ``False`` / ``None`` (unknown is not failure)."""

    TRUE: ClassVar[frozenset[str]] = frozenset({"yes", "y", "true", "1", "是", "有"})
    FALSE: ClassVar[frozenset[str]] = frozenset({"no", "n", "false", "0", "否", "无"})
    UNKNOWN: ClassVar[frozenset[str]] = frozenset({"unknown", "", "不确定", "不知道", "未知"})

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool | None:
        if isinstance(value, bool):
            return value
        if isinstance(value, str):
            if value in ANSWERS:  # an answer as written in the sets (each its own capped, stripped, lower form)
                return ANSWERS[value]
            text = capped(value, MAX_ANSWER_TEXT).strip().lower()
            if text in self.TRUE:
                return True
            if text in self.FALSE:
                return False
            if text in self.UNKNOWN:
                return None
        raise ValidationError(Msg("not_tristate"))

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str:
        return {True: "yes", False: "no"}.get(value, "unknown")


ANSWERS: dict[str, bool | None] = {**dict.fromkeys(TriState.TRUE, True), **dict.fromkeys(TriState.FALSE, False),
                                   **dict.fromkeys(TriState.UNKNOWN, None)}


def names_of(field: fields.Field[Any], table: str) -> CodeNames:
    """The names of ``table``'s codes that the schema holding ``field`` was built with (see
    :class:`schemas.profile.ProfileSchema`); without them, codes are read as codes only."""
    found: CodeNames = getattr(field.root, "code_names", {}).get(table, NO_NAMES)
    return found


class Code(fields.Field[str | None]):
    """A code from a reference table (district, degree, identity…); choices are checked by the schema.

    ``unknown`` (or 不确定 / blank) is a legitimate answer and loads as ``None``, as for yes/no questions.
    """

    def __init__(self, *, table: str, **kwargs: Any) -> None:
        self.table = table
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str | None:
        if not isinstance(value, str):
            raise ValidationError(Msg("not_text"))
        text: str = capped(value, MAX_CODE_TEXT).strip()
        if text.lower() in TriState.UNKNOWN:
            return None
        return names_of(self, self.table).code(text) or text  # not a code or a name: the schema says so


class CodeList(fields.Field[list[str] | None]):
    """A set of codes from a reference table (zone flags); duplicates rejected.

    Linear in the input and bounded: a list longer than the table's choices (the schema's ``choices``, which it
    checks the codes against) must repeat or invent one, so it is refused before its items are looked at; a
    list typed as one text is at most :data:`MAX_LIST_TEXT` characters; duplicates are found with a set."""

    def __init__(self, *, table: str, **kwargs: Any) -> None:
        self.table = table
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)

    NONE = frozenset({"none", "无", "没有"})  # "none of them": an answer (an empty set), unlike a blank (unknown)
    UNKNOWN = frozenset({"", "unknown", "不确定", "不清楚"})  # as everywhere: unknown is an answer too

    def max_items(self) -> int:
        """How many codes a list may hold: the number of choices the schema checks them against."""
        choices = getattr(self.parent, "choices", None) or {}
        allowed = choices.get(self.table)
        return len(allowed) if allowed else MAX_LIST_ITEMS

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str] | None:
        names = names_of(self, self.table)
        limit = self.max_items()
        if isinstance(value, str):
            text = capped(value, MAX_LIST_TEXT).strip().lower()
            if text in self.UNKNOWN:
                return None
            if text in self.NONE:
                return []
            value = names.codes_in(value)
        elif isinstance(value, list | tuple) and len(value) <= limit and all(isinstance(v, str) for v in value):
            value = [names.code(capped(v, MAX_CODE_TEXT), prefix=True) or v for v in value]
        if not isinstance(value, list | tuple):
            raise ValidationError(Msg("not_list"))
        if len(value) > limit:
            raise ValidationError(Msg("too_many_choices", max=limit))
        if not all(isinstance(v, str) for v in value):
            raise ValidationError(Msg("not_list"))
        items = [capped(v, MAX_CODE_TEXT).strip() for v in value]
        seen: set[str] = set()
        for item in items:
            if item in seen:
                raise ValidationError(Msg("duplicate_choice", value=item))
            seen.add(item)
        return items


class BoundedList(fields.List[Any]):
    """A list refused by its length alone, before any item is deserialised (``too_many`` names the message, whose
    ``max`` is the limit): a hostile list costs one ``len()``, not the work of its items."""

    def __init__(self, inner: Any, *, max_items: int, too_many: str = "too_many_choices", **kwargs: Any) -> None:
        self.max_items, self.too_many = max_items, too_many
        super().__init__(inner, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[Any]:
        if isinstance(value, list | tuple) and len(value) > self.max_items:
            raise ValidationError(Msg(self.too_many, max=self.max_items))
        return super()._deserialize(value, attr, data, **kwargs)


class YearAmounts(tuple[tuple[int, Decimal], ...]):
    """Amounts by year, in year order (a loaded :class:`MoneyByYear`); reads as ``2021: 800000; 2023: 400000``."""

    def __str__(self) -> str:
        return "; ".join(f"{year}: {amount}" for year, amount in self)


_ROW_BREAKS = re.compile(r"[;；\n]+")


class MoneyByYear(fields.Field[YearAmounts]):
    """Amounts in CNY by calendar year (e.g. unrelieved tax losses): a list of ``{year, amount}``, a mapping
    ``{"2021": 800000}``, or text ``2021: 800000; 2023: 40万``. Years 1980–2100, each once, at most ``max_rows``;
    amounts as :class:`Money` (not negative). Blank or "unknown" is no answer; "none" / 无 is an empty list."""

    ROW = re.compile(r"^(\d{4})\s*年?(?:度)?\s*[:：=]\s*(.+)$")

    def __init__(self, *, max_rows: int = 10, **kwargs: Any) -> None:
        self.max_rows = max_rows
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> YearAmounts | None:  # type: ignore[override]  # blank is no answer
        if isinstance(value, str):
            text = unicodedata.normalize("NFKC", value).strip()
            if text.lower() in TriState.UNKNOWN:
                return None
            if text.lower() in CodeList.NONE:
                return YearAmounts()
            pairs: list[tuple[Any, Any]] = []
            for part in (p.strip() for p in _ROW_BREAKS.split(text) if p.strip()):
                match = self.ROW.match(part)
                if match is None:
                    raise ValidationError(Msg("not_year_amounts"))
                pairs.append((match.group(1), match.group(2)))
        elif isinstance(value, dict):
            pairs = list(value.items())
        elif isinstance(value, list | tuple):
            pairs = []
            for row in value:
                if isinstance(row, dict) and set(row) == {"year", "amount"}:
                    pairs.append((row["year"], row["amount"]))
                elif isinstance(row, list | tuple) and len(row) == 2:
                    pairs.append((row[0], row[1]))
                else:
                    raise ValidationError(Msg("not_year_amounts"))
        else:
            raise ValidationError(Msg("not_year_amounts"))
        if len(pairs) > self.max_rows:
            raise ValidationError(Msg("too_many_years", max=self.max_rows))
        rows: dict[int, Decimal] = {}
        for year_text, amount_text in pairs:
            year = int(year_text) if plain_year(year_text) else ROW_YEAR._deserialize(year_text, attr, data)
            if year in rows:
                raise ValidationError(Msg("duplicate_year", year=year))
            rows[year] = ROW_AMOUNT._deserialize(amount_text, attr, data)
        return YearAmounts(sorted(rows.items()))

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)


def plain_year(text: Any) -> bool:
    """Four ASCII digits from 1980 to 2100: a year that ROW_YEAR reads as ``int(text)``."""
    return isinstance(text, str) and len(text) == 4 and text.isascii() and text.isdigit() and "1980" <= text <= "2100"


ROW_AMOUNT = Money()  # a row of MoneyByYear: read as a Money answer, a Year (neither keeps state between calls)
ROW_YEAR = Year()


OLDEST_DAY, LAST_DAY = dt.date(1900, 1, 1), dt.date(2100, 12, 31)


class Day(fields.Date):
    """A calendar date as people write it (:func:`read_day`: 2020-05-01, 2020/5/1, 2020年5月1日…); ``past_only``
    refuses dates after today."""

    default_error_messages = {"invalid": Msg("not_date"), "format": Msg("not_date")}  # noqa: RUF012 (as marshmallow types it)

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
        super().__init__(**kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dt.date:
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            day = value
        else:
            if not isinstance(value, str):
                raise ValidationError(Msg("not_date"))
            found = read_day(capped(value, MAX_DATE_TEXT))
            if found is None:
                raise ValidationError(Msg("not_date"))
            day = found
        if day < OLDEST_DAY:
            raise ValidationError(Msg("date_too_old", min="1900-01-01"))
        if self.past_only and day > dt.date.today():
            raise ValidationError(Msg("date_future", today=dt.date.today().isoformat()))
        if day > LAST_DAY:
            raise ValidationError(Msg("too_large", max="2100-12-31"))
        return day
