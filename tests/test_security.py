"""Security checks (issue #8) not already covered by tests/test_web.py and tests/test_api.py: CSRF refused on
every form route (listed from the URL map), security headers on every route, error page and static file,
every cookie Secure/HttpOnly/SameSite in production, the production secret-key refusal, and no user data
written to disk while requests are handled."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from calculator.app import create_app
from calculator.config import ConfigError
from tests.conftest import AS_OF, example

HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "X-Frame-Options": "DENY"}


@pytest.fixture(scope="module")
def app():
    return create_app({"TESTING": True})


def form_routes(app: Any) -> list[str]:
    """Every URL outside /api that accepts POST (a form), with path arguments filled by a placeholder."""
    out = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and not rule.rule.startswith("/api/"):
            out.append(rule.rule.replace("<", "").replace(">", "").split(":")[-1] if rule.arguments else rule.rule)
    return sorted(out)


def test_every_form_route_refuses_a_post_without_a_csrf_token(app):
    routes = form_routes(app)
    assert {"/company", "/talent", "/company/workbook", "/talent/workbook"} <= set(routes)
    company = example("futian-hightech-scaleup.json")["company"]
    data = {f"company-{k}": str(v) for k, v in company.items() if not isinstance(v, list)}
    data["person-0-ref"] = "A"
    for path in routes:
        for token in (None, "", "forged-token"):
            body = dict(data) if token is None else {**data, "csrf_token": token}
            response = app.test_client().post(f"{path}?lang=en", data=body)
            assert response.status_code == 400, (path, token, response.status_code)
            assert response.mimetype == "text/html", path  # a page, never a result or a workbook
            assert 'class="total"' not in response.get_data(as_text=True), path


def test_a_token_from_another_session_is_refused(app):
    first, second = app.test_client(), app.test_client()
    page = first.get("/company").get_data(as_text=True)
    token = page.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    assert first.post("/company?lang=en", data={"csrf_token": token, "company-name": "A"}).status_code == 200
    assert second.post("/company?lang=en", data={"csrf_token": token, "company-name": "A"}).status_code == 400


def assert_headers(response: Any, where: str) -> None:
    csp = response.headers.get("Content-Security-Policy", "")
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "object-src 'none'" in csp, where
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (where, name)


def test_security_headers_on_every_route_error_page_and_static_file(app, monkeypatch):
    client = app.test_client()
    seen = 0
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments:
            assert_headers(client.get(rule.rule), rule.rule)
            seen += 1
    assert seen >= 8
    for path in ("/static/site.css", "/static/site.js", "/healthz", "/api/v1/programs/cn-hnte-cit-rate",
                 "/api/v1/reference/districts", "/nowhere", "/api/v1/nowhere", "/static/nothing.css"):
        assert_headers(client.get(path), path)
    assert_headers(client.put("/company"), "405 page")
    assert_headers(client.post("/api/v1/programs"), "API 405")
    assert_headers(client.post("/company", data={}), "CSRF 400 page")
    assert_headers(client.post("/api/v1/assessments", data="{bad", content_type="application/json"), "API 400")
    assert_headers(client.post("/api/v1/assessments", json={"company": {"x": 1}}), "API 422")
    big = create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 100}).test_client()
    assert_headers(big.post("/company", data={"company-name": "x" * 500}), "413 page")
    monkeypatch.setattr(app.extensions["service"], "assess", lambda *a, **k: 1 / 0)
    assert_headers(app.test_client().post("/api/v1/assessments", json={"company": {}}), "API 500")


def test_the_health_endpoint_is_tiny_and_stateless(app):
    response = app.test_client().get("/healthz")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.get_json() == {"status": "ok", "tables_version": app.extensions["catalogue"].tables_version}
    assert "Set-Cookie" not in response.headers and response.headers["Cache-Control"] == "no-store"


@pytest.fixture
def production(monkeypatch):
    monkeypatch.setenv("INCENTIVES_ENV_NAME", "production")
    monkeypatch.setenv("INCENTIVES_SECRET_KEY", "p" * 64)
    return create_app()


def test_every_cookie_is_secure_httponly_and_samesite_in_production(production):
    client = production.test_client()
    cookies = []
    for path in ("/?lang=zh", "/company?lang=en", "/talent?lang=zh", "/programs?lang=en", "/about?lang=zh"):
        cookies += client.get(path).headers.getlist("Set-Cookie")
    names = {c.split("=", 1)[0] for c in cookies}
    assert {"session", "lang"} <= names, names
    for cookie in cookies:
        assert "; Secure" in cookie and "; HttpOnly" in cookie and "SameSite=Lax" in cookie, cookie


@pytest.mark.parametrize("key", [None, ""])
def test_production_refuses_to_start_without_a_secret_key(monkeypatch, key):
    monkeypatch.setenv("INCENTIVES_ENV_NAME", "production")
    if key is None:
        monkeypatch.delenv("INCENTIVES_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("INCENTIVES_SECRET_KEY", key)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app({"SECRET_KEY": key})


# --- nothing written to disk -------------------------------------------------------------------------------------
WRITE_EVENTS = {"os.remove", "os.rename", "os.replace", "os.rmdir", "os.mkdir", "os.truncate", "os.symlink",
                "os.link", "shutil.copyfile", "shutil.copytree", "shutil.move", "shutil.rmtree",
                "tempfile.mkstemp", "tempfile.mkdtemp", "sqlite3.connect", "dbm.open"}
WATCH = {"on": False, "writes": []}


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not WATCH["on"]:
        return
    if event == "open":
        path, mode, flags = (*tuple(args), None, None, None)[:3]
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND))
        if writing and path is not None and not isinstance(path, int):
            WATCH["writes"].append((event, str(path)))
    elif event in WRITE_EVENTS:
        WATCH["writes"].append((event, str(args[:1])))


def snapshot(*roots: Path) -> set[tuple[str, int, int]]:
    out = set()
    for root in roots:
        if root.exists():
            for item in root.rglob("*"):
                stat = item.lstat()
                out.add((str(item), stat.st_size, stat.st_mtime_ns))
    return out


@pytest.fixture
def watched(tmp_path, monkeypatch):
    """Every file write in the process watched (an audit hook), the working directory and the temporary
    directory moved to empty places, the instance path listed before and after."""
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    client.get("/")  # warm caches and imports before watching
    work, temp = tmp_path / "cwd", tmp_path / "tmp"
    work.mkdir()
    temp.mkdir()
    monkeypatch.chdir(work)
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    instance = Path(app.instance_path)
    before = snapshot(instance)
    if not getattr(sys, "_incentives_audit", False):
        sys.addaudithook(_audit)
        sys._incentives_audit = True  # audit hooks cannot be removed: add it once per process
    WATCH["writes"], WATCH["on"] = [], True
    try:
        yield client
    finally:
        WATCH["on"] = False
    assert snapshot(instance) == before
    assert list(work.iterdir()) == []


FORM = MultiDict([(f"company-{k}", str(v)) for k, v in example("futian-hightech-scaleup.json")["company"].items()
                  if not isinstance(v, list)] + [("as_of", AS_OF.isoformat())])
PEOPLE = {"people-count": "2", "person-0-ref": "A", "person-0-identity": "hk_permanent_resident",
          "person-0-annual_gross_income": "150", "person-0-annual_gross_income__unit": "wan",
          "person-1-ref": "B", "as_of": AS_OF.isoformat()}


def test_handling_pages_and_assessments_writes_nothing_to_disk(watched):
    client, company = watched, example("futian-hightech-scaleup.json")
    responses = [
        client.get("/?lang=zh"), client.get("/company"), client.get("/programs?q=x"), client.get("/healthz"),
        client.post("/company?lang=en", data=FORM), client.post("/talent?lang=en", data=PEOPLE),
        client.post("/company?lang=en", data={"company-revenue_latest": "-5"}),
        client.post("/api/v1/assessments?lang=zh", json=company),
        client.post("/api/v1/assessments/people", json={"people": [{"identity": "mainland"}]}),
        client.post("/api/v1/assessments", data=json.dumps({"company": {"x": 1}}), content_type="application/json"),
    ]
    WATCH["on"] = False
    assert [r.status_code for r in responses] == [200] * 6 + [422, 200, 200, 422]
    assert WATCH["writes"] == []


def test_building_workbooks_writes_nothing_to_disk(watched):
    client, company = watched, example("futian-hightech-scaleup.json")
    responses = [client.post("/company/workbook?lang=zh", data=FORM), client.post("/talent/workbook?lang=en",
                                                                                 data=PEOPLE),
                 client.post("/api/v1/workbooks?lang=en", json=company)]
    WATCH["on"] = False
    assert [r.status_code for r in responses] == [200] * 3
    assert WATCH["writes"] == []


def _strings(value: Any) -> list[str]:
    """Every string inside a cache (keys and values, nested), for a search."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in _strings(k) + _strings(v)]
    if isinstance(value, list | tuple | set | frozenset):
        return [s for item in value for s in _strings(item)]
    return []


def test_what_the_app_remembers_between_requests_holds_no_company_data():
    """Pages and API answers reuse texts that depend on the catalogue alone (program names, conditions,
    thresholds, sources, card parts): after assessing a company with distinctive answers in both languages,
    none of its answers can be found in those caches."""
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False})
    client = app.test_client()
    company = example("futian-hightech-scaleup.json")["company"]
    company.update(name="Zq Privacy Marker Ltd", revenue_latest="987,654,321.37", rd_expense_3y="87,654,321.19",
                   employees=4321)
    form = MultiDict([(f"company-{k}", str(v)) for k, v in company.items() if not isinstance(v, list)]
                     + [("as_of", AS_OF.isoformat())])
    for lang in ("en", "zh"):
        page = client.post(f"/company?lang={lang}", data=form)
        answer = client.post(f"/api/v1/assessments?lang={lang}", json={"company": company})
        assert page.status_code == answer.status_code == 200
        assert "Zq Privacy Marker Ltd" in page.get_data(as_text=True) and "4,321" in answer.get_data(as_text=True)
    remembered = _strings(app.extensions["catalogue"].texts) + _strings(dict(app.extensions))
    assert remembered, "the caches are empty: the test would prove nothing"
    markers = ["Zq Privacy", "987,654,321", "98,765.43", "87,654,321", "8,765.43", "4,321", "4321"]
    assert [m for m in markers if any(m in text for text in remembered)] == []
