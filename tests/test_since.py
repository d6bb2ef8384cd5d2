"""What moved since an earlier run (calculator.engine.since): hand-built earlier figures against today's, and the
realistic path, the same answers assessed before and after the 2026-05-01 rows of the rule tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from calculator.engine import EarlierRun, Figure, figures_of, move_doc, moves
from calculator.service import service_for
from calculator.workbook import build_workbook, read_run
from tests.conftest import example

BEFORE, TODAY = dt.date(2026, 3, 1), dt.date(2026, 12, 3)
VOUCHER = "sz-model-voucher"


def test_the_same_figures_move_nothing_and_cents_of_rounding_are_the_same_amount(catalogue):
    now = {VOUCHER: Figure("eligible", Decimal("1000"), Decimal("2000")), "cn-k-visa": Figure("not_eligible")}
    earlier = EarlierRun(BEFORE, catalogue.tables_version,
                         {VOUCHER: Figure("eligible", Decimal("1000.004"), Decimal("2000.00")),
                          "cn-k-visa": Figure("not_eligible")})
    assert moves(catalogue, earlier, now, TODAY) == []


def test_a_status_move_names_the_programs_rows_dated_between_the_runs_with_their_sources(catalogue):
    earlier = EarlierRun(BEFORE, catalogue.tables_version, {VOUCHER: Figure("eligible", Decimal(0), Decimal(500_000))})
    [move] = moves(catalogue, earlier, {VOUCHER: Figure("needs_info")}, TODAY)
    assert move.kind == "status"
    assert [(c.day, c.kind) for c in move.causes][:3] == [
        (dt.date(2026, 4, 30), "benefit_ends"), (dt.date(2026, 4, 30), "condition_ends"),
        (dt.date(2026, 5, 1), "benefit_starts")]
    doc = move_doc(catalogue, move, earlier, catalogue.tables_version, TODAY, "en")
    assert doc["before"] == {"status": "eligible", "status_text": "Likely eligible", "amount": "CNY 0 – CNY 500,000",
                             "low": Decimal(0), "high": Decimal(500_000)}
    assert doc["after"]["status_text"] == "Needs information" and doc["after"]["amount"] == "no amount"
    assert doc["causes"][0]["date"] == "2026-04-30" and doc["causes"][0]["sources"][0]["title"]
    assert doc["cause_text"] is None
    zh = move_doc(catalogue, move, earlier, catalogue.tables_version, TODAY, "zh")
    assert zh["before"]["status_text"] != "Likely eligible" and "万" in zh["before"]["amount"]
    assert zh["name"] == catalogue.programs[VOUCHER].spec.name["zh"]


def test_rows_dated_before_the_earlier_run_are_not_causes(catalogue):
    earlier = EarlierRun(dt.date(2026, 6, 1), "old", {VOUCHER: Figure("eligible", Decimal(1), Decimal(2))})
    [move] = moves(catalogue, earlier, {VOUCHER: Figure("eligible", Decimal(1), Decimal(3))}, dt.date(2026, 12, 1))
    assert move.kind == "amount" and move.causes == ()
    doc = move_doc(catalogue, move, earlier, "new", dt.date(2026, 12, 1), "en")
    assert doc["cause_text"] == ("No rule of this program is dated between the two runs: the rule tables were "
                                 "revised since (version old → new).")
    same_tables = move_doc(catalogue, move, EarlierRun(dt.date(2026, 6, 1), "new"), "new", TODAY, "en")
    assert "your answers are the same and the date moved" in same_tables["cause_text"]
    same_day = move_doc(catalogue, move, EarlierRun(TODAY, "new"), "new", TODAY, "en")
    assert "the workbook's figure was edited" in same_day["cause_text"]
    [unknown] = moves(catalogue, EarlierRun(None, None, {VOUCHER: Figure("eligible")}),
                      {VOUCHER: Figure("not_eligible")}, TODAY)
    undated = move_doc(catalogue, unknown, EarlierRun(None, None), "new", TODAY, "en")
    assert undated["causes"] == [] and "does not say when it was made" in undated["cause_text"]


def test_programs_new_since_and_no_longer_assessed(catalogue):
    earlier = EarlierRun(BEFORE, None, {"a-program-since-removed": Figure("eligible", Decimal(5), Decimal(5))})
    found = moves(catalogue, earlier, {VOUCHER: Figure("needs_info")}, TODAY)
    assert [(m.program, m.kind) for m in found] == [(VOUCHER, "new"), ("a-program-since-removed", "removed")]
    gone = move_doc(catalogue, found[1], earlier, catalogue.tables_version, TODAY, "en")
    assert gone["name"] == "a-program-since-removed" and gone["after"] is None and gone["kind_text"]


def test_the_same_answers_before_and_after_the_may_2026_rows_move_the_programs_those_rows_changed(catalogue):
    service = service_for(catalogue)
    company = {"company": example("nanshan-seed-startup.json")["company"]}
    then = service.assess(service.check(company, BEFORE))
    now = service.assess(service.check(company, TODAY))
    earlier = EarlierRun(BEFORE, catalogue.tables_version, figures_of(then.company.results))
    assert service.since(EarlierRun(TODAY, catalogue.tables_version, figures_of(now.company.results)), now, "en") == []
    found = {doc["program"]: doc for doc in service.since(earlier, now, "en")}
    voucher = found["sz-training-compute-voucher"]
    assert voucher["kind"] == "amount" and voucher["before"]["amount"] == "CNY 1,000,000 – CNY 1,200,000"
    assert voucher["after"]["amount"] == "CNY 1,200,000"
    assert "benefit_starts" in [c["kind"] for c in voucher["causes"]]
    assert all(BEFORE.isoformat() < c["date"] <= TODAY.isoformat() and c["sources"] for c in voucher["causes"])
    assert found["sz-ai-open-source-award"]["before"]["status"] == "not_in_force"
    assert "program_starts" in [c["kind"] for c in found["sz-ai-open-source-award"]["causes"]]
    unchanged = set(figures_of(now.company.results)) - set(found)
    assert unchanged and all(figures_of(then.company.results)[p].same_as(figures_of(now.company.results)[p])
                             for p in unchanged)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("name", ["futian-hightech-scaleup.json", "nanshan-seed-startup.json",
                                  "qianhai-hk-staff.json"])
def test_a_workbook_read_back_against_its_own_assessment_moves_nothing(catalogue, name, lang):
    service = service_for(catalogue)
    assessment = service.assess(service.check({"company": example(name)["company"]}, TODAY))
    profile, earlier = read_run(build_workbook(catalogue, assessment, lang))
    assert isinstance(earlier, EarlierRun) and earlier.as_of == TODAY
    assert earlier.tables_version == catalogue.tables_version
    assert set(earlier.figures) == {r.id for r in assessment.company.results}
    assert profile["company"]["name"] == example(name)["company"]["name"]
    assert service.since(earlier, assessment, lang) == []
