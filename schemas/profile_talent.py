"""Person inputs used only by the wider talent catalogue (housing, awards, visas).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema


class TalentFields(Schema):
    """Person inputs used only by the wider talent catalogue (housing, awards, visas)."""
