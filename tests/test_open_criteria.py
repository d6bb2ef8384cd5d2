"""Two ways a condition stays open without failing: a value exactly on an edge the sources leave open
(``boundary = "unknown"``) and an unanswered input that only flags (``unknown_outcome = "flag"``).

Minimal versions for qianhai-cit-15 ("60%以上": exactly 60% needs information; the unconfirmed substantive-operation
test: "no" withholds, unanswered only flags). The generic features belong to the dated-rows work (see wave2.md).
"""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from calculator.engine import TableError, load_catalogue
from calculator.engine.criteria import compile_criterion
from calculator.engine.derived import input_value
from calculator.engine.enums import Confidence, Operator, Status, Subject
from calculator.engine.evaluate import evaluate_subject
from calculator.engine.loader import default_root
from calculator.engine.specs import CriterionSpec

AS_OF = dt.date(2026, 11, 21)
PROGRAM = "programs/longhua-compute-voucher.toml"
NOTE = {"zh": "来源未说明恰好等于时是否满足。", "en": "The sources do not say whether exactly the edge qualifies."}


def edge(op: str) -> CriterionSpec:
    return CriterionSpec(id="c", text={"zh": "条件", "en": "condition"}, field="x", op=Operator(op),
                         value=Decimal("0.6"), confidence=Confidence.CONFIRMED, source=(), boundary="unknown",
                         unknown_note=NOTE)


@pytest.mark.parametrize("op", ["gt", "ge", "lt", "le"])
def test_a_value_exactly_on_an_open_edge_is_unknown_with_its_note_and_asks_nothing(op):
    compiled = compile_criterion(edge(op), input_value("x", "ratio"), None)
    at = compiled.fast({"x": Decimal("0.60")}, AS_OF, None)
    assert at.result is None and at.missing == () and at.note == NOTE
    above, below = (compiled.fast({"x": Decimal(v)}, AS_OF, None).result for v in ("0.6001", "0.5999"))
    assert (above, below) == ((True, False) if op in ("gt", "ge") else (False, True))


@pytest.fixture
def tables(tmp_path: Path) -> Path:
    root = tmp_path / "tables"
    shutil.copytree(default_root(), root, ignore=shutil.ignore_patterns("__pycache__", "*.py", "*.cases.toml"))
    return root


def edit(root: Path, old: str, new: str) -> None:
    path = root / PROGRAM
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


FLAG_ONLY = ('field = "independent_legal_person"\nop = "is_true"',
             'field = "independent_legal_person"\nop = "is_true"\nunknown_outcome = "flag"\n'
             'unknown_flag = { code = "legal_person_not_checked", text = { zh = "未核对。", en = "Not checked." } }')
LONGHUA = {"operating_district": "longhua", "in_ai_or_robotics_industry": True, "compute_purchase_amount": 2_000_000}


def longhua(catalogue, **answers):
    subject = {**LONGHUA, **answers}
    results = evaluate_subject(catalogue, Subject.COMPANY, subject, AS_OF, {"longhua-compute-voucher"}).results
    return results[0]


def test_an_unanswered_flag_only_condition_flags_instead_of_asking(tables):
    edit(tables, *FLAG_ONLY)
    catalogue = load_catalogue(tables)
    unanswered = longhua(catalogue)
    assert unanswered.status == Status.ELIGIBLE, (unanswered.missing, unanswered.reasons)
    assert "independent_legal_person" not in unanswered.missing
    assert "legal_person_not_checked" in [f.code for f in unanswered.flags]
    assert next(c for c in unanswered.criteria if c.id == "independent_legal_person").result is None
    refused = longhua(catalogue, independent_legal_person=False)
    assert refused.status == Status.NOT_ELIGIBLE and refused.reasons == ["independent_legal_person"]
    assert "legal_person_not_checked" not in [f.code for f in refused.flags]


@pytest.mark.parametrize(("old", "new", "words"), [
    (FLAG_ONLY[0], FLAG_ONLY[0] + '\nunknown_outcome = "flag"', "unknown_flag goes with"),
    ('op = "eq"\nvalue = "longhua"', 'op = "eq"\nvalue = "longhua"\nboundary = "unknown"\nunknown_note = { zh = "边", '
     'en = "edge" }', "needs gt, ge, lt or le"),
])
def test_misused_open_conditions_are_refused_at_load(tables, old, new, words):
    edit(tables, old, new)
    with pytest.raises(TableError) as info:
        load_catalogue(tables)
    assert any(words in error and PROGRAM in error for error in info.value.errors), info.value.errors
