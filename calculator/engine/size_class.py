"""The company's SME size class (micro / small / medium / large) as an output of the document, with why.

The class is the derived value ``sme_size_class`` of ``derived.toml`` (the same one the procurement programs test);
this module explains it with the thresholds of the sector's row of the size-classes table.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NamedTuple

from calculator.engine.catalogue import Catalogue
from calculator.engine.derived import Value, size_class_value
from calculator.engine.enums import DerivedKind, Subject
from calculator.engine.specs import SizeClassRow
from calculator.i18n import N_, formatting, gettext, t
from calculator.i18n.words import field_label, quantity
from schemas.profile import field_catalogue

WHY = {
    "large": N_("{sector}: {employees} and revenue of {revenue} are not below the SME line (fewer than "
                "{employees_sme} or below {revenue_sme}), so large."),
    "medium": N_("{sector}: {employees} and revenue of {revenue} reach the medium line (at least {employees_medium} "
                 "and {revenue_medium}), so medium."),
    "small": N_("{sector}: {employees} and revenue of {revenue} are below the medium line (at least "
                "{employees_medium} and {revenue_medium}) and reach the small line (at least {employees_small} and "
                "{revenue_small}), so small."),
    "micro": N_("{sector}: {employees} and revenue of {revenue} are below the small line (at least {employees_small} "
                "and {revenue_small}), so micro."),
}
NOT_CLASSIFIED = N_("Not classified: needs the industry sector, total employees and latest revenue.")
NO_ROW = N_("Not classified: the size standard has no thresholds for this sector.")
FIELDS = field_catalogue()


def size_class_doc(catalogue: Catalogue, company: Mapping[str, Any], as_of: dt.date,
                   lang: str, why: bool = True) -> dict[str, Any] | None:
    """``{code, text, why, standard, confidence, missing[]}`` for the company, or None when no size class is
    defined in the tables. ``code`` is None until the three inputs are answered. ``why=False``: for a reader of the
    code alone (the figures view), the class's name and its reasons are left as they are before it is known."""
    spec = next((d for d in catalogue.derived.values()
                 if d.kind == DerivedKind.SIZE_CLASS and d.subject == Subject.COMPANY), None)
    if spec is None or spec.table is None:
        return None
    table = catalogue.reference[spec.table]
    version = table.version(as_of)
    names = catalogue.reference[str(spec.names_table)].names
    sector_in, staff_in, revenue_in = str(spec.sector), str(spec.employees), str(spec.revenue)
    sector, staff, revenue = company.get(sector_in), company.get(staff_in), company.get(revenue_in)
    doc: dict[str, Any] = {"code": None, "text": None, "why": gettext(NOT_CLASSIFIED, lang),
                           "standard": table.spec.title[lang],
                           "confidence": str(version.confidence) if version else None,
                           "missing": [{"field": name, "label": field_label(FIELDS["company"][name], lang)}
                                       for name in (sector_in, staff_in, revenue_in) if company.get(name) is None]}
    if doc["missing"] or version is None:
        return doc
    row = next((r for r in version.rows if isinstance(r, SizeClassRow) and r.sector == sector), None)
    if row is None:
        return doc | {"why": gettext(NO_ROW, lang)}
    code = size_class_value(spec, catalogue.reference).get(company, as_of)
    if not why and str(code) in WHY and code in names:  # (else as below, which refuses a class it cannot name)
        return doc | {"code": code}
    sectors = catalogue.reference[str(FIELDS["company"][sector_in]["table"])].names

    def people(value: Any) -> str:
        return quantity(formatting.number(Decimal(value), lang), "people", lang)

    def cny(value: Any) -> str:
        return formatting.money(Decimal(value), lang)

    because = t(WHY[str(code)], lang, sector=sectors.get(str(sector), {}).get(lang, str(sector)),
                employees=people(staff), revenue=cny(revenue), employees_sme=people(row.employees_sme),
                revenue_sme=cny(row.revenue_sme), employees_medium=people(row.employees_medium),
                revenue_medium=cny(row.revenue_medium), employees_small=people(row.employees_small),
                revenue_small=cny(row.revenue_small))
    return doc | {"code": code, "text": names[code][lang], "why": because}


class Standard(NamedTuple):
    """What classifying a company on one day takes from the tables alone (:func:`size_standard`)."""

    inputs: tuple[str, str, str]  # the sector, employees and revenue inputs
    classified: bool  # the standard has a version in force
    sectors: tuple[Any, ...]  # the sectors its rows give thresholds for
    names: Mapping[str, Any]  # the classes' names
    value: Value


def size_standard(catalogue: Catalogue, as_of: dt.date) -> Standard | None:
    """The size standard in force on ``as_of`` (None: the tables define no size class): catalogue-only, so a caller
    may keep it per catalogue and day."""
    spec = next((d for d in catalogue.derived.values()
                 if d.kind == DerivedKind.SIZE_CLASS and d.subject == Subject.COMPANY), None)
    if spec is None or spec.table is None:
        return None
    version = catalogue.reference[spec.table].version(as_of)
    sectors = tuple(r.sector for r in version.rows if isinstance(r, SizeClassRow)) if version is not None else ()
    return Standard((str(spec.sector), str(spec.employees), str(spec.revenue)), version is not None, sectors,
                    catalogue.reference[str(spec.names_table)].names, size_class_value(spec, catalogue.reference))


def size_class_code(catalogue: Catalogue, standard: Standard | None, company: Mapping[str, Any],
                    as_of: dt.date) -> Any:
    """``size_class_doc(…, why=False)``'s code (None also when that is None), given :func:`size_standard` of the
    same catalogue and day: without the entry's texts."""
    if standard is None:
        return None
    sector_in, staff_in, revenue_in = standard.inputs
    sector = company.get(sector_in)
    if sector is None or company.get(staff_in) is None or company.get(revenue_in) is None or \
            not standard.classified or sector not in standard.sectors:
        return None
    code = standard.value.get(company, as_of)
    if str(code) in WHY and code in standard.names:
        return code
    doc = size_class_doc(catalogue, company, as_of, "en", why=False)  # (as it does with a class it cannot name)
    return None if doc is None else doc["code"]
