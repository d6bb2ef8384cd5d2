"""Certificate coverage by tax year: one definition for every rule that asks "is the company certified in tax year
Y?" (the high-tech 15% rate, the R&D deduction's rate, the 10-year loss carry-forward).

A certificate issued in year C covers tax years C … C + N − 1 from 1 January of C, whatever its month of issue
(N, the span, is a figure of a reference table read on the issue date). Tax year C + N is its expiry year: covered
only if the company is re-certified within that year, so an as-of date after 31 December of it decides "not
renewed" and an earlier one leaves it pending. Apart from that case the as-of date never decides coverage.
A tax year before the most recent certificate is judged on the one before it (at most two are taken).
Policy figures stay in the tables; this module holds the rule's logic and its sentences' values only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from calculator.engine.derived import Explained, Value, add_years, default_tax_year
from calculator.engine.enums import DerivedKind
from calculator.engine.model import Flag
from calculator.engine.specs import DerivedSpec

if TYPE_CHECKING:
    from calculator.engine.reference import ReferenceTable


def coverage_value(spec: DerivedSpec, reference: Mapping[str, ReferenceTable]) -> Value:
    """The derived yes/no "a certificate covers the tax year", with its reasons (see :func:`covers`)."""
    table_name, _, key = str(spec.span).partition(".")
    table = reference[table_name]
    issue, previous, had_previous = str(spec.issue_date), str(spec.previous_issue_date), str(spec.previous_exists)

    def span(day: dt.date) -> int | None:
        row = table.figure(key, day)
        return None if row is None else int(row.value)

    def explain(subject: Mapping[str, Any], as_of: dt.date) -> Explained:
        return covers(subject.get(issue), subject.get(previous), subject.get(had_previous),
                      default_tax_year(subject, as_of), as_of, span, (issue, previous, had_previous))

    def get(subject: Mapping[str, Any], as_of: dt.date) -> bool | None:
        return explain(subject, as_of).result

    inputs = (issue, had_previous, previous)
    return Value(spec.name, get, "yes/no/unknown", inputs, DerivedKind.CERTIFICATE_COVERAGE, spec, explain)


def covers(issued: dt.date | None, previous: dt.date | None, had_previous: bool | None, tax_year: int,
           as_of: dt.date, span: Any, names: tuple[str, str, str]) -> Explained:
    """Whether a certificate covers ``tax_year``: True / False / None, the inputs still needed, and why."""
    issue_name, previous_name, had_name = names
    if issued is None:
        return Explained(None, (issue_name,))
    if tax_year >= issued.year:
        return _one_certificate(issued, tax_year, as_of, span(issued), renewed_later=None)
    # The most recent certificate starts after the tax year: the one before it decides.
    params = {"cert_year": issued.year, "tax_year": tax_year}
    if had_previous is False and previous is None:
        return Explained(False, note=Flag("certificate_none_earlier", params))
    if previous is None:
        needed = ((had_name,) if had_previous is None else ()) + (previous_name,)
        return Explained(None, needed, Flag("certificate_earlier_unknown", params))
    if tax_year < previous.year:
        return Explained(None, note=Flag("certificate_older_not_modelled", params))
    return _one_certificate(previous, tax_year, as_of, span(previous), renewed_later=issued)


def _one_certificate(issued: dt.date, tax_year: int, as_of: dt.date, span: int | None,
                     renewed_later: dt.date | None) -> Explained:
    """Coverage of ``tax_year`` (not before the issue year) by one certificate; ``renewed_later``: the next
    certificate, known to be dated after ``tax_year`` (so the expiry year, if it is ``tax_year``, was not renewed)."""
    if span is None:
        return Explained(None, note=Flag("no_figure_in_force", {"name": "certificate validity"}))
    first, last = issued.year, issued.year + span - 1
    lapse = add_years(issued, span) - dt.timedelta(days=1)
    params = {"issue_date": issued, "cert_year": first, "last_year": last, "expiry_year": last + 1,
              "tax_year": tax_year, "lapse_date": lapse}
    if tax_year <= last:
        return Explained(True, note=Flag("certificate_covers", params))
    if tax_year == last + 1 and renewed_later is None and as_of <= dt.date(tax_year, 12, 31):
        return Explained(None, note=Flag("certificate_expiry_year_pending", params))
    return Explained(False, note=Flag("certificate_expired", params))
