"""The API, the CLI and the web results give identical assessments for the same input, for every example profile.

The web pages take a company (/company) or people (/talent) per form, so each example is also split into the parts a
form can hold, and each part is compared across all three surfaces; whole examples are compared between the API
and the CLI. The web's document is the one handed to its results template.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from flask import template_rendered
from werkzeug.datastructures import MultiDict

from calculator import cli
from calculator.app import create_app
from tests.conftest import AS_OF, EXAMPLES, example

EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})


def normal(doc: Any) -> Any:
    return json.loads(json.dumps(doc, ensure_ascii=False))


def by_api(app, data: dict[str, Any], lang: str) -> dict[str, Any]:
    path = "/api/v1/assessments/people" if "company" not in data else "/api/v1/assessments"
    response = app.test_client().post(f"{path}?as_of={AS_OF}&lang={lang}", data=json.dumps(data),
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
        assert api_doc == by_web(app, part, lang)
