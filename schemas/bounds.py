"""The bounds on every text a profile field accepts, and the refusal that names them."""

from __future__ import annotations

from marshmallow import ValidationError

from schemas.messages import Msg

# Every text a field accepts is bounded before any work is done on it (a refusal names the limit), so a hostile
# request costs time in proportion to these, not to its size:
MAX_NUMBER_TEXT = 64         # characters of a number typed as text ("1,234,567.89万元" is 14)
MAX_ANSWER_TEXT = 32         # characters of a yes / no / unknown answer
MAX_CODE_TEXT = 120          # characters of one code or name (the longest name in the tables has 80)
MAX_DATE_TEXT = 40           # characters of a date ("2020-05-01" is 10)
MAX_LIST_TEXT = 1000         # characters of a list of codes typed as one text ("qianhai, hetao")
MAX_LIST_ITEMS = 50          # items of a list of codes when the schema was given no choices to count


def capped(value: str, limit: int) -> str:
    """``value`` unless it is longer than ``limit`` characters (then a refusal naming the limit)."""
    if len(value) > limit:
        raise ValidationError(Msg("too_long", max=limit))
    return value
