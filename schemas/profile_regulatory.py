"""Company / product inputs used by the regulatory family (risk tier, trials, data, medical AI, ethics).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema


class RegulatoryFields(Schema):
    """Company / product inputs used by the regulatory family (risk tier, trials, data, medical AI, ethics)."""
