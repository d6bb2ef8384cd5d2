"""The rules engine: load and compile rule tables once, evaluate profiles, explain every result.

Pure Python: no Flask here. This package is the engine's public interface: surfaces (CLI, web, API, workbook,
batch) import from ``calculator.engine`` itself, never from its modules (``tests/test_layers.py``), and go through
the application service (:mod:`calculator.service`) to validate and assess. Everything else in the package may
change without notice.
"""

from calculator.engine.case_check import validate_cases
from calculator.engine.describe import describe_catalogue, describe_program, field_usage
from calculator.engine.enums import (
    AppliesTo,
    BenefitKind,
    Certainty,
    Confidence,
    Family,
    Operator,
    ReferenceKind,
    StackingKind,
    Status,
    Subject,
    WindowMode,
)
from calculator.engine.evaluate import assess
from calculator.engine.loader import TableError, default_root, load_catalogue
from calculator.engine.model import Assessment, Catalogue, ProgramResult, SubjectResult
from calculator.engine.report import CERTAINTY, DISCLAIMER, FAMILIES, FAMILY_NAMES, FIELDS, Reporter, cents, to_document
from calculator.engine.texts import CONFIDENCE, RESULT, STATUS

__all__ = [
    "CERTAINTY", "CONFIDENCE", "DISCLAIMER", "FAMILIES", "FAMILY_NAMES", "FIELDS", "RESULT", "STATUS", "AppliesTo",
    "Assessment", "BenefitKind", "Catalogue", "Certainty", "Confidence", "Family", "Operator", "ProgramResult",
    "ReferenceKind", "Reporter", "StackingKind", "Status", "Subject", "SubjectResult", "TableError", "WindowMode",
    "assess", "cents", "default_root", "describe_catalogue", "describe_program", "field_usage", "load_catalogue",
    "to_document", "validate_cases",
]
