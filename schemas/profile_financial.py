"""Company inputs used only by the wider financial-support catalogue (vouchers, awards, labels).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema


class FinancialSupportFields(Schema):
    """Company inputs used only by the wider financial-support catalogue (vouchers, awards, labels)."""
