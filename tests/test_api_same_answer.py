"""The API, the CLI, the web results and a batch give identical assessments for the same input, for every example
profile.

The web pages take a company (/company) or people (/talent) per form, so each example is also split into the parts a
form can hold, and each part is compared across all three surfaces; whole examples are compared between the API
and the CLI. The web's document is the one handed to its results template: the card view (each program without its
conditions list and catalogue texts, which are on the program's own page), every other key the same. A batch
assesses one company or one person per row: a roster of every example company (and one of every example person)
gives, row by row, the statuses and amounts the API gives for that company (that person) alone.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from flask import template_rendered
from werkzeug.datastructures import MultiDict

from calculator import cli
from calculator.batch import run_batch
from calculator.engine import CARD_OMITS
from calculator.web.next_questions import OPEN
from tests.conftest import AS_OF, EXAMPLES, example

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.json"))


def normal(doc: Any) -> Any:
    return json.loads(json.dumps(doc, ensure_ascii=False))


def by_api(app, data: dict[str, Any], lang: str) -> dict[str, Any]:
    path = "/api/v1/assessments/people" if "company" not in data else "/api/v1/assessments"
    response = app.test_client().post(f"{path}?as_of={AS_OF}&lang={lang}&questions=true", data=json.dumps(data),
                                      content_type="application/json")
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def by_cli(data: dict[str, Any], lang: str, tmp_path: Path, capsys) -> dict[str, Any]:
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert cli.main(["evaluate", str(path), "--as-of", AS_OF.isoformat(), "--lang", lang, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def web_form(data: dict[str, Any]) -> tuple[str, MultiDict]:
    """The form a person would submit for this input: /company for a company, /talent for people."""
    items: list[tuple[str, str]] = [("as_of", AS_OF.isoformat())]

    def add(head: str, profile: dict[str, Any]) -> None:
        for key, value in profile.items():
            if isinstance(value, list):
                items.append((f"{head}{key}__present", "1"))
                items.extend((f"{head}{key}", str(v)) for v in value)
            else:
                items.append((f"{head}{key}", str(value)))

    if "company" in data:
        add("company-", data["company"])
        return "company", MultiDict(items)
    items.append(("people-count", str(len(data["people"]))))
    for index, person in enumerate(data["people"]):
        add(f"person-{index}-", person)
    return "talent", MultiDict(items)


def by_web(app, data: dict[str, Any], lang: str) -> dict[str, Any]:
    kind, form = web_form(data)
    captured: list[dict[str, Any]] = []

    def record(sender: Any, template: Any, context: dict[str, Any], **extra: Any) -> None:
        if isinstance(context.get("doc"), dict) and "programs" in context["doc"]:
            captured.append(context["doc"])

    with template_rendered.connected_to(record, app):
        response = app.test_client().post(f"/{kind}?lang={lang}", data=form)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert len(captured) == 1
    return normal(captured[0])


def parts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The inputs a single web form can hold."""
    out = []
    if data.get("company") is not None:
        out.append({"company": data["company"]})
    if data.get("people"):
        out.append({"people": data["people"]})
    return out


@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_api_and_cli_give_the_same_document(app, evaluate, name, lang, tmp_path, capsys):
    data = example(name)
    api_doc = by_api(app, data, lang)
    assert api_doc == by_cli(data, lang, tmp_path, capsys)
    assert api_doc == normal(evaluate(data, AS_OF, lang))


@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_api_cli_and_web_give_the_same_document(app, name, lang, tmp_path, capsys):
    for part in parts(example(name)):
        api_doc = by_api(app, part, lang)
        assert api_doc["programs"], name
        assert api_doc == by_cli(part, lang, tmp_path, capsys)
        assert as_card(api_doc) == by_web(app, part, lang)


def as_card(doc: dict[str, Any]) -> dict[str, Any]:
    """The full document as the results page asks for it (``detail="card"``, ``written=2``): each program without its
    conditions list and catalogue texts (they are on the program's own page), each subject's questions after the two
    the page shows named by field and rank only (the page counts them), every other key the same."""
    def card(program: dict[str, Any]) -> dict[str, Any]:
        out = {key: value for key, value in program.items() if key not in CARD_OMITS}
        if out["self_check"] is not None:
            out["self_check"] = {key: value for key, value in out["self_check"].items() if key != "criteria"}
        return out

    def shown(part: dict[str, Any] | None) -> dict[str, Any] | None:
        if part is None:
            return None
        questions = part["questions"]
        return {**part, "questions": [*questions[:OPEN], *({"field": q["field"], "rank": q["rank"]}
                                                           for q in questions[OPEN:])]}

    return {**doc, "programs": [card(p) for p in doc["programs"]], "company": shown(doc["company"]),
            "people": [shown(p) for p in doc["people"]]}


# --- the split of the money, on every surface (batch included) -----------------------------------------------
SPLIT = ("cash", "tax_this_year")


def split(totals: dict[str, Any]) -> list[float]:
    """What each surface must show alike: cash and this year's tax (determined low/high, "up to"), later years."""
    out: list[float] = []
    for kind in SPLIT:
        out += [totals[kind]["determined"]["low"], totals[kind]["determined"]["high"],
                totals[kind]["competitive"]["high"]]
    return [*out, totals["later_years"]["high"]]


def typed_cell(value: Any) -> str:
    """A value as the money-split test types it (yes/no, lists joined by semicolons)."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return "; ".join(value) if value else "none"
    return str(value)


def by_batch(subjects: list[dict[str, Any]], kind: str, lang: str, tmp_path: Path) -> list[list[float]]:
    """Each subject as one row of a CSV roster through ``incentives batch``; the money columns of its Totals row."""
    import csv

    from calculator.batch.writer import MONEY_COLUMNS, sheet_name

    names = list(dict.fromkeys(name for subject in subjects for name in subject))
    source, target = tmp_path / f"{kind}.csv", tmp_path / f"{kind}-{lang}.xlsx"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(names)
        writer.writerows([[typed_cell(subject[n]) if n in subject else "" for n in names] for subject in subjects])
    assert cli.main(["batch", str(source), "-o", str(target), "--kind", kind, "--as-of", AS_OF.isoformat(),
                     "--lang", lang]) == 0
    import openpyxl

    rows = list(openpyxl.load_workbook(target)[sheet_name("summary", lang)].iter_rows(values_only=True))
    first = 3 if kind == "people" else 2  # row, who (and department)
    rows = [row for row in rows[1:] if isinstance(row[0], int)]  # the rows, not the totals below them
    assert len(rows) == len(subjects)
    return [[float(v) for v in row[first:first + len(MONEY_COLUMNS)]] for row in rows]


@pytest.mark.parametrize("name", EXAMPLE_FILES)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_money_split_is_the_same_on_every_surface_batch_included(app, name, lang, tmp_path, capsys):
    """Cash, this year's tax (determined and "up to") and later years: the API, the CLI, the web page's document and
    a batch row agree for each subject the batch can hold (a row is one company, or one person on their own)."""
    data = example(name)
    subjects = []
    if data.get("company") is not None:
        subjects.append(("companies", {"company": data["company"]}))
    subjects += [("people", {"people": [person]}) for person in data.get("people") or []]
    docs = []
    for kind, part in subjects:
        api_doc = by_api(app, part, lang)
        assert split(api_doc["totals"]) == split(by_cli(part, lang, tmp_path, capsys)["totals"])
        assert split(api_doc["totals"]) == split(by_web(app, part, lang)["totals"])
        docs.append((kind, api_doc))
    for kind in ("companies", "people"):
        mine = [(doc, part) for (k, doc), (_, part) in zip(docs, subjects, strict=True) if k == kind]
        if not mine:
            continue
        rows = [part["company"] if kind == "companies" else part["people"][0] for _, part in mine]
        capsys.readouterr()
        batch = by_batch(rows, kind, lang, tmp_path)
        assert batch == [split(doc["totals"]) for doc, _ in mine], name


# --- batch ------------------------------------------------------------------------------------------------------
def cell(value: Any) -> str:
    """A profile value as a person types it into a spreadsheet cell (an empty list is the answer "none")."""
    if isinstance(value, list):
        return ", ".join(value) if value else "none"
    return "" if value is None else str(value)


def roster(path: Path, rows: list[dict[str, Any]]) -> Path:
    header = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([cell(row.get(key)) for key in header] for row in rows)
    return path


def batch_results(path: Path) -> tuple[dict[int, dict[str, str]], dict[tuple[int, str], tuple[Any, ...]]]:
    """From a batch workbook: each row's status text by program id (Status matrix, not its legend), and each row's
    program lines (Detail: status, amount text, low, high)."""
    book = openpyxl.load_workbook(path, read_only=True)
    names = [ws.title for ws in book.worksheets]
    matrix = [row for row in book[names[1]].iter_rows(values_only=True) if row[0] is not None]  # not the legend
    ids = [str(h).rsplit("(", 1)[-1].rstrip(")") if h and str(h).endswith(")") else None for h in matrix[0]]
    statuses = {row[0]: {pid: value for pid, value in zip(ids, row, strict=True) if pid} for row in matrix[1:]}
    details = {(row[0], row[2]): (*row[4:8], None, None)[:4]  # trailing empty cells are not written
               for row in list(book[names[2]].iter_rows(values_only=True))[1:]}
    return statuses, details


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("kind", ["companies", "people"])
def test_a_batch_of_the_examples_gives_the_api_statuses_and_amounts(app, catalogue, tmp_path, kind, lang):
    examples = [example(name) for name in EXAMPLE_FILES]
    if kind == "companies":
        rows = [data["company"] for data in examples if data.get("company")]
    else:
        rows = [person for data in examples for person in data.get("people") or []]
    assert len(rows) >= 3
    source = roster(tmp_path / f"{kind}.csv", rows)
    summary = run_batch(catalogue, source, tmp_path / "out.xlsx", kind=kind, as_of=AS_OF, lang=lang)
    assert (summary.assessed, summary.rejected) == (len(rows), 0)
    statuses, details = batch_results(tmp_path / "out.xlsx")
    compared = 0
    for number, row in enumerate(rows, start=2):  # row 1 is the header
        doc = by_api(app, {"company": row} if kind == "companies" else {"people": [row]}, lang)
        assert statuses[number] == {p["id"]: p["status_text"] for p in doc["programs"]}
        for program in doc["programs"]:
            if program["status"] == "not_in_force":
                assert (number, program["id"]) not in details
                continue
            status, amount, low, high = details[(number, program["id"])]
            assert (status, amount) == (program["status_text"], program["amount"]), program["id"]
            if low is not None:
                assert (low, high) == (program["estimate"]["low"], program["estimate"]["high"]), program["id"]
                compared += 1
    assert compared  # some amounts were compared, not only statuses
