"""Validation messages, by stable key (their Chinese is in the catalogue of :mod:`calculator.i18n`).

Every message a schema raises is a :class:`Msg`: a ``str`` holding the English text (so marshmallow and
logs work unchanged) that also remembers its key and parameters, so any surface can render it in Chinese.
marshmallow's own built-in messages are mapped by their English text. A new message: add its key here with
the English marked ``N_(…)``, and its Chinese to the catalogue.
"""

from __future__ import annotations

from typing import Any

from calculator.i18n import N_, fill, gettext, t

MESSAGES: dict[str, str] = {
    "required": N_("This field is required."),
    "null": N_("This field may not be empty."),
    "unknown_field": N_("Unknown field: it is not part of this form."),
    "not_object": N_("Expected an object with named fields."),
    "not_list": N_("Expected a list."),
    "not_text": N_("Expected text."),
    "too_long": N_("Too long: at most {max} characters."),
    "bad_character": N_("Character {position} ({code}) is a control character or not a valid character, so it "
                        "cannot be kept: please delete it."),
    "not_integer": N_("Not a whole number."),
    "not_number": N_("Not a number: use digits such as 1,234,567 or 1234567 (万 and 亿 suffixes are accepted)."),
    "not_finite": N_("Not a finite number."),
    "negative": N_("Cannot be negative."),
    "too_large": N_("Too large: at most {max}."),
    "too_small": N_("Too small: at least {min}."),
    "percent_range": N_("A percentage must be between 0 and 100."),
    "not_date": N_("Not a valid date: use YYYY-MM-DD."),
    "before_founding": N_("The assessment date {as_of} is before the company was founded ({founded})."),
    "date_future": N_("Cannot be in the future (after {today})."),
    "date_too_old": N_("Too far in the past (before {min})."),
    "not_tristate": N_("Answer yes, no or unknown."),
    "not_choice": N_("Not one of the allowed choices: {choices}."),
    "duplicate_choice": N_("The same choice is listed twice: {value}."),
    "uscc_format": N_("A unified social credit code has 18 characters: digits and capital letters except I, O, S, "
                      "V, Z."),
    "uscc_check": N_("The check character (18th) is wrong: expected {expected} under GB 32100-2015. Please re-check "
                     "the code."),
    "st_staff_exceeds": N_("S&T staff ({st}) cannot exceed total employees ({total})."),
    "rd_exceeds_revenue_3y": N_("Three-year R&D ({rd}) is more than ten times three-year revenue ({rev}); please "
                                "check the units."),
    "cert_before_founding": N_("The certificate date is before the founding date."),
    "not_year_amounts": N_("Give amounts by year, such as 2021: 800000; 2023: 400000."),
    "too_many_years": N_("At most {max} years."),
    "duplicate_year": N_("The year {year} is given twice."),
    "previous_cert_not_earlier": N_("The earlier certificate must be dated before the most recent one."),
    "previous_cert_but_none": N_("An earlier certificate date is given, but the answer says there was none."),
    "qianhai_income_exceeds": N_("The Qianhai part of taxable income ({part}) cannot exceed total taxable income ({total})."),
    "empty_assessment": N_("Give a company, at least one person, or both."),
    "too_many_people": N_("At most {max} people in one assessment."),
    "not_json": N_("The file is not valid JSON: {detail}"),
    "as_of_range": N_("The assessment date must be between {min} and {max}."),
    "too_many_choices": N_("Too many choices: at most {max}, each listed once."),
    "above_limit": N_("Too large: at most {max_amount}. {reason}"),
    "below_limit": N_("Too small: at least {min_amount}. {reason}"),
    "application_before_founding": N_("The application date is before the founding date."),
}

# marshmallow's built-in English messages, mapped to keys above.
_BUILTIN = {
    "Missing data for required field.": "required",
    "Field may not be null.": "null",
    "Unknown field.": "unknown_field",
    "Invalid input type.": "not_object",
    "Not a valid mapping type.": "not_object",
    "Not a valid list.": "not_list",
    "Not a valid string.": "not_text",
    "Not a valid integer.": "not_integer",
    "Not a valid date.": "not_date",
    "Not a valid number.": "not_number",
}


class Msg(str):
    """An English message string that can also be rendered in Chinese."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Msg:
        obj = super().__new__(cls, fill(MESSAGES[key], params, "en"))
        obj.key = key
        obj.params = params
        return obj

    def render(self, lang: str) -> str:
        return t(MESSAGES[self.key], lang, **self.params)


def render_message(message: str, lang: str) -> str:
    """Render one validation message (a Msg or any message that renders itself, or a marshmallow built-in) in
    ``lang``."""
    render = getattr(message, "render", None)
    if callable(render):
        return str(render(lang))
    key = _BUILTIN.get(message)
    if key is not None:
        return gettext(MESSAGES[key], lang)
    return message


def flatten_errors(errors: Any, lang: str, prefix: str = "") -> list[dict[str, str]]:
    """Turn marshmallow's nested error dict into ``[{"field": "company.revenue_latest", "message": ...}]``."""
    out: list[dict[str, str]] = []
    if isinstance(errors, dict):
        for key, value in errors.items():
            if key == "":  # an unknown empty-named key: name it visibly rather than by an empty path
                key = '""'
            path = f"{prefix}.{key}" if prefix and key != "_schema" else (prefix or str(key))
            if key == "_schema":
                path = prefix or "_schema"
            elif isinstance(key, int):
                path = f"{prefix}[{key}]"
            out.extend(flatten_errors(value, lang, path))
    elif isinstance(errors, list | tuple):
        for item in errors:
            out.extend(flatten_errors(item, lang, prefix))
    else:
        out.append({"field": prefix, "message": render_message(errors, lang)})
    return out
