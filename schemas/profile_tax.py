"""Company inputs used by the tax reliefs and labels beyond the seed programs (small low-profit relief,
technology-based SME, 专精特新 levels).

Fields follow the conventions of :mod:`schemas.profile` (``info(...)`` metadata with unit, bilingual label,
hint and form section).
"""

from __future__ import annotations

from marshmallow import Schema


class TaxAndLabelFields(Schema):
    """Company inputs used by the tax reliefs and labels beyond the seed programs."""
