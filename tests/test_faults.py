"""Faults (issue #8): a broken or missing rule table stops start-up naming the file; one failing program
evaluation is reported on that program and hides none of the others' results, in the engine, the API and
the web page."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from calculator.app import create_app
from calculator.engine import TableError, assess
from calculator.engine.loader import default_root
from calculator.engine.report import to_document
from schemas.profile import AssessmentInputSchema
from tests.conftest import AS_OF, example

BROKEN = "cn-hnte-cit-rate"  # a company program the Futian example is eligible for


@pytest.fixture
def tables(tmp_path):
    root = tmp_path / "tables"
    shutil.copytree(default_root(), root)
    return root


@pytest.mark.parametrize(("relative", "change"), [
    ("reference/districts.toml", "delete"),
    ("reference/districts.toml", "[[["),
    ("stacking", "delete"),
    ("sources.toml", "delete"),
    ("derived.toml", "x = [1,"),
    ("programs/cn-hnte-cit-rate.toml", "id = 'cn-hnte-cit-rate'\n"),
    ("programs/cn-hnte-cit-rate.toml", b"\xff\xfe\x00garbage"),
])
def test_a_missing_or_broken_table_stops_start_up_naming_the_file(tables, relative, change):
    target = tables / relative
    if change == "delete":
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    elif isinstance(change, bytes):
        target.write_bytes(change)
    else:
        target.write_text(change, encoding="utf-8")
    with pytest.raises((TableError, OSError)) as caught:
        create_app({"TESTING": True, "TABLES_DIR": str(tables)})
    assert relative.split("/")[-1].removesuffix(".toml") in str(caught.value), str(caught.value)


def test_a_missing_tables_directory_stops_start_up_naming_it(tmp_path):
    missing = tmp_path / "no-such-tables"
    with pytest.raises((TableError, OSError)) as caught:
        create_app({"TESTING": True, "TABLES_DIR": str(missing)})
    assert "no-such-tables" in str(caught.value)


def break_one_program(app: Any, monkeypatch: pytest.MonkeyPatch, program_id: str = BROKEN) -> None:
    program = app.extensions["catalogue"].programs[program_id]

    class Exploding:
        def __getattr__(self, name: str) -> Any:
            return getattr(original, name)

        def compute(self, *args: Any, **kwargs: Any) -> Any:
            raise ZeroDivisionError("injected fault")

    original = program.benefit
    monkeypatch.setattr(program, "benefit", Exploding())


@pytest.fixture
def app():
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})


def test_a_failing_program_is_reported_on_that_program_only(app, monkeypatch, caplog):
    catalogue = app.extensions["catalogue"]
    data = AssessmentInputSchema(choices=catalogue.choices).load(example("futian-hightech-scaleup.json"))
    before = {r.program.id: r for r in assess(catalogue, data, AS_OF).company.results}
    assert before[BROKEN].status == "eligible"
    break_one_program(app, monkeypatch)
    after = {r.program.id: r for r in assess(catalogue, data, AS_OF).company.results}
    assert set(after) == set(before)
    assert [f.code for f in after[BROKEN].flags] == ["evaluation_failed"]
    assert after[BROKEN].status == "needs_info" and after[BROKEN].benefit is None
    assert "ZeroDivisionError" in str(after[BROKEN].flags[0])
    unaffected = [pid for pid in before if pid != BROKEN and BROKEN not in
                  catalogue.programs[pid].spec.depends_on]
    assert len(unaffected) > 10
    for pid in unaffected:
        assert after[pid].status == before[pid].status, pid
        assert not any(f.code == "evaluation_failed" for f in after[pid].flags), pid
    assert any("evaluation of cn-hnte-cit-rate failed" in r.getMessage() for r in caplog.records)
    doc = to_document(catalogue, assess(catalogue, data, AS_OF), "en")
    broken = next(p for p in doc["programs"] if p["id"] == BROKEN)
    assert "could not be evaluated" in str(broken) and "other results are unaffected" in str(broken)


def statuses(app: Any) -> dict[str, str]:
    response = app.test_client().post(f"/api/v1/assessments?lang=en&as_of={AS_OF}",
                                      json=example("futian-hightech-scaleup.json"))
    assert response.status_code == 200
    assert "injected fault" not in response.get_data(as_text=True)  # the exception text stays in the log
    return {p["id"]: (p["status"], "could not be evaluated" in str(p)) for p in response.get_json()["programs"]}


def test_a_failing_program_through_the_api_is_a_200_with_that_program_flagged(app, monkeypatch):
    before = statuses(app)
    break_one_program(app, monkeypatch)
    after = statuses(app)
    assert after[BROKEN] == ("needs_info", True) and before[BROKEN] == ("eligible", False)
    depends = {pid for pid, p in app.extensions["catalogue"].programs.items()
               if BROKEN in p.spec.depends_on}
    assert {pid: v for pid, v in after.items() if pid != BROKEN and pid not in depends} == \
        {pid: v for pid, v in before.items() if pid != BROKEN and pid not in depends}


def test_a_failing_program_on_the_web_page_is_shown_on_its_card(app, monkeypatch):
    break_one_program(app, monkeypatch)
    company = example("futian-hightech-scaleup.json")["company"]
    form = {f"company-{k}": str(v) for k, v in company.items() if not isinstance(v, list)}
    form["as_of"] = AS_OF.isoformat()
    response = app.test_client().post("/company?lang=en", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    card = page.split(f'id="{BROKEN}"', 1)[1].split("</article>", 1)[0]
    assert "could not be evaluated" in card
    assert page.count('class="program status-eligible"') >= 2
