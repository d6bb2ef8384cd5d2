"""Company inputs used by the procurement family (size class, tenders, first-version software).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema


class ProcurementFields(Schema):
    """Company inputs used by the procurement family (size class, tenders, first-version software)."""
