"""The rules engine: load and compile rule tables once, evaluate profiles, explain every result.

Pure Python: no Flask here. This package is the engine's public interface: surfaces (CLI, web, API, workbook,
batch) import from ``calculator.engine`` itself, never from its modules (``tests/test_layers.py``), and go through
the application service (:mod:`calculator.service`) to validate and assess. Everything else in the package may
change without notice.
"""

from calculator.engine.case_check import failing_cases, validate_cases
from calculator.engine.catalogue import Catalogue
from calculator.engine.changes import (
    NO_SOURCE,
    change_doc,
    changes_since,
    ending_within,
    parse_day,
    stale_doc,
    stale_programs,
)
from calculator.engine.describe import describe_catalogue, describe_program, field_usage
from calculator.engine.enums import (
    PRICED_KINDS,
    AppliesTo,
    BenefitKind,
    Certainty,
    Confidence,
    Family,
    MoneyKind,
    Operator,
    ReferenceKind,
    SelfCheckOutcome,
    StackingKind,
    Status,
    Subject,
    WindowMode,
)
from calculator.engine.evaluate import assess
from calculator.engine.loader import TableError, default_root, load_catalogue
from calculator.engine.model import Assessment, ProgramResult, SubjectResult
from calculator.engine.report import CARD_OMITS, Detail, Reporter, to_document
from calculator.engine.report_words import CERTAINTY, DISCLAIMER, FAMILIES, FAMILY_NAMES, FIELDS, cents
from calculator.engine.since import (
    EarlierRun,
    Figure,
    Move,
    counted_figures,
    figures_of,
    move_doc,
    moves,
    why_text,
)
from calculator.engine.texts import CONFIDENCE, MONEY_KINDS, RESULT, STATUS
from calculator.engine.totals import MoneyTotals, Totals, compute_totals

__all__ = [
    "CARD_OMITS",
    "CERTAINTY",
    "CONFIDENCE",
    "DISCLAIMER",
    "FAMILIES",
    "FAMILY_NAMES",
    "FIELDS",
    "MONEY_KINDS",
    "NO_SOURCE",
    "PRICED_KINDS",
    "RESULT",
    "STATUS",
    "AppliesTo",
    "Assessment",
    "BenefitKind",
    "Catalogue",
    "Certainty",
    "Confidence",
    "Detail",
    "EarlierRun",
    "Family",
    "Figure",
    "MoneyKind",
    "MoneyTotals",
    "Move",
    "Operator",
    "ProgramResult",
    "ReferenceKind",
    "Reporter",
    "SelfCheckOutcome",
    "StackingKind",
    "Status",
    "Subject",
    "SubjectResult",
    "TableError",
    "Totals",
    "WindowMode",
    "assess",
    "cents",
    "change_doc",
    "changes_since",
    "compute_totals",
    "counted_figures",
    "default_root",
    "describe_catalogue",
    "describe_program",
    "ending_within",
    "failing_cases",
    "field_usage",
    "figures_of",
    "load_catalogue",
    "move_doc",
    "moves",
    "parse_day",
    "stale_doc",
    "stale_programs",
    "to_document",
    "validate_cases",
    "why_text",
]
