"""The document's views (``Detail``: full, card, figures) give one answer: for every example profile, in both
languages, each view's statuses, amounts, money kinds, side figures, flags, missing inputs, stacking and totals are
the full document's. The card view writes a sentence only for the conditions it shows (a refusal's reasons), and
no view but the full one with questions asked ranks the next questions."""

from __future__ import annotations

from typing import Any

import pytest

from calculator.engine import CARD_OMITS, Detail, Reporter, assess, to_document
from calculator.engine import report as report_module
from calculator.service import service_for
from tests.conftest import AS_OF, EXAMPLES, example

EXAMPLE_FILES = sorted(path.name for path in EXAMPLES.glob("*.json"))
FIGURES = ("id", "family", "subject", "person", "person_ref", "status", "certainty", "money_kind", "confidence",
           "estimate", "later_years", "if_certified")


def money(side: dict[str, Any] | None) -> dict[str, Any] | None:
    return None if side is None else {key: side[key] for key in ("low", "high", "currency", "text")}


def figures_of_full(program: dict[str, Any]) -> dict[str, Any]:
    """What the figures view must say of a program, read off the full document."""
    excluded = program["excluded_by"]
    return {**{key: program[key] for key in FIGURES},
            "later_years": money(program["later_years"]), "if_certified": money(program["if_certified"]),
            "flags": [flag["code"] for flag in program["flags"]],
            "missing": [item["field"] for item in program["missing"]],
            "excluded_by": None if excluded is None else {key: excluded[key] for key in ("group", "kind", "chosen")}}


@pytest.fixture(scope="module")
def assessed(catalogue) -> dict[str, Any]:
    service = service_for(catalogue)
    return {name: service.assess(service.check(example(name), AS_OF)) for name in EXAMPLE_FILES}


@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_view_gives_the_full_documents_figures(catalogue, assessed, name, lang):
    assessment = assessed[name]
    full = to_document(catalogue, assessment, lang, questions=False)
    card = to_document(catalogue, assessment, lang, questions=False, detail="card")
    figures = to_document(catalogue, assessment, lang, questions=False, detail="figures")
    assert full["programs"], name
    # figures: the same programs in the same order, each with the full document's figures; the same totals
    assert figures["programs"] == [figures_of_full(p) for p in full["programs"]]
    assert figures["totals"] == full["totals"] == card["totals"]
    assert figures["detail"] == "figures" and "disclaimer" not in figures
    if full["company"] is not None:
        assert figures["company"]["totals"] == full["company"]["totals"] == card["company"]["totals"]
        size = full["company"]["size_class"]
        assert figures["company"]["size_class"] == (size["code"] if size else None)
    assert [p["totals"] for p in figures["people"]] == [p["totals"] for p in full["people"]]
    assert [p["inherited_from_company"] for p in figures["people"]] == [
        [item["field"] for item in p["inherited_from_company"]] for p in full["people"]]
    # card: the full document without the conditions list and catalogue texts, every other key identical
    for whole, shown in zip(full["programs"], card["programs"], strict=True):
        assert set(whole) - set(shown) == set(CARD_OMITS)
        assert all(shown[key] == whole[key] for key in shown if key != "self_check")
        if whole["self_check"] is not None:
            assert {k: v for k, v in whole["self_check"].items() if k != "criteria"} == shown["self_check"]
    assert {k: v for k, v in card.items() if k != "programs"} == {k: v for k, v in full.items() if k != "programs"}


def test_a_card_writes_a_sentence_only_for_the_conditions_it_shows(catalogue, assessed, monkeypatch):
    """Bounded work: the card view renders the criteria of a refusal's reasons, not every condition."""
    assessment = assessed["futian-hightech-scaleup.json"]
    reasons = sum(len(r.reasons) + (len(r.self_check.reasons) if r.self_check else 0)
                  for r in assessment.company.results)
    conditions = sum(len(r.criteria) + (len(r.self_check.criteria) if r.self_check else 0)
                     for r in assessment.company.results)
    counted = {"calls": 0}
    original, each = Reporter.criterion, Reporter.criteria

    def counting(self: Reporter, *args: Any) -> Any:
        counted["calls"] += 1
        return original(self, *args)

    def counting_each(self: Reporter, subject: str, results: list[Any]) -> Any:  # a program's list in one call
        counted["calls"] += len(results)
        return each(self, subject, results)

    monkeypatch.setattr(Reporter, "criterion", counting)
    monkeypatch.setattr(Reporter, "criteria", counting_each)
    to_document(catalogue, assessment, "en", questions=False, detail=Detail.CARD)
    assert counted["calls"] == reasons < conditions
    counted["calls"] = 0
    to_document(catalogue, assessment, "en", questions=False)
    assert counted["calls"] == conditions


@pytest.mark.parametrize(("detail", "questions", "ranked"), [("full", True, True), ("card", True, True),
                                                             ("full", False, False), ("figures", True, False)])
def test_the_next_questions_are_ranked_only_where_they_are_shown(catalogue, assessed, monkeypatch, detail,
                                                                 questions, ranked):
    calls: list[Any] = []
    original = report_module.rank_assessment

    def counting(*args: Any) -> Any:
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(report_module, "rank_assessment", counting)
    doc = to_document(catalogue, assessed["futian-hightech-scaleup.json"], "en", questions, detail)
    assert bool(calls) == ranked
    if detail != "figures":
        assert bool(doc["company"]["questions"]) == ranked


def test_a_view_must_be_one_of_the_three(catalogue, assessed):
    with pytest.raises(ValueError):
        to_document(catalogue, assess(catalogue, {"company": {}}, AS_OF), "en", detail="everything")


@pytest.mark.parametrize("name", ["qianhai-hk-staff.json", "futian-hightech-scaleup.json"])
def test_a_results_page_writes_only_the_questions_it_shows(catalogue, assessed, monkeypatch, name):
    """Bounded work: with ``written`` (the results page shows two questions per subject) only those are written
    whole, equal to the whole document's; the others keep their field and rank (the page counts them and links to
    the next), and the summary, over every question, is the same."""
    from calculator.engine import question_report

    assessment = assessed[name]
    whole = to_document(catalogue, assessment, "en", detail="card")
    written: list[str] = []
    original = question_report.question_doc

    def counting(labels: Any, subject: str, rank: int, question: Any) -> Any:
        written.append(question.field)
        return original(labels, subject, rank, question)

    monkeypatch.setattr(question_report, "question_doc", counting)
    shown = to_document(catalogue, assessment, "en", detail="card", written=2)
    parts = [(whole["company"], shown["company"]), *zip(whole["people"], shown["people"], strict=True)]
    assert sum(len(a["questions"]) for a, _ in parts) > len(written)
    assert len(written) == sum(min(2, len(a["questions"])) for a, _ in parts)
    for a, b in parts:
        assert b["questions"][:2] == a["questions"][:2]
        assert b["questions"][2:] == [{"field": q["field"], "rank": q["rank"]} for q in a["questions"][2:]]
        assert b["questions_summary"] == a["questions_summary"]
    assert {k: v for k, v in shown.items() if k not in ("company", "people")} == \
        {k: v for k, v in whole.items() if k not in ("company", "people")}
