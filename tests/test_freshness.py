"""Freshness a user can see (issue #12 items 3 and 4): every program's `checked` date and the policy reference
revision on the cards, the catalogue page and the workbook; the "What changed" page and `programs --changes`;
the expiry watch of `tables check --as-of --horizon`.

Expected values are read from the TOML files directly (not through the engine), and a copy of the tables with
one program's date moved shows the moved date, so a surface that printed a constant would fail.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
import shutil
import tomllib
from contextlib import redirect_stdout
from pathlib import Path

import pytest
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from calculator.app import create_app
from calculator.cli import main
from calculator.engine import TableError, assess, load_catalogue
from calculator.engine.loader import default_root
from calculator.i18n import formatting, gettext
from calculator.workbook import build_workbook
from calculator.workbook.labels import sheet_name
from calculator.workbook.labels import word as word_of
from schemas.profile import AssessmentInputSchema
from tests.conftest import AS_OF, example

ROOT = default_root()
SINCE_BEFORE, SINCE_AFTER = "2026-06-01", "2026-12-18"


def read(path: Path) -> dict:
    with path.open("rb") as handle:
        return tomllib.load(handle)


def program_files() -> dict[str, dict]:
    return {path.stem: read(path) for path in sorted((ROOT / "programs").glob("*.toml"))
            if not path.name.endswith(".cases.toml")}


PROGRAMS = program_files()
REVISION: dt.date = read(ROOT / "revision.toml")["reference_revision"]


def added_on_revision() -> list[str]:
    """Programs the tables mark as added by the current reference revision."""
    return sorted(pid for pid, data in PROGRAMS.items() if data.get("added") == REVISION)


def validity_ending(day: dt.date) -> list[str]:
    """Programs whose "valid for N years" term has ``day`` as its last day (computed from the TOML)."""
    out = []
    for pid, data in PROGRAMS.items():
        eff = data["effective"]
        years = eff.get("valid_for_years")
        if years and eff["from"].replace(year=eff["from"].year + years) - dt.timedelta(days=1) == day:
            out.append(pid)
    return sorted(out)


PIONEER_END = dt.date(2026, 12, 17)  # the Pioneer City measures' two-year mark (issue #12)


def test_the_tables_hold_what_the_tests_rely_on():
    assert dt.date(2026, 12, 3) == REVISION  # the policy reference's revision date (CHANGES.md)
    assert all(isinstance(data["checked"], dt.date) and data["checked"] <= REVISION for data in PROGRAMS.values())
    assert len(added_on_revision()) >= 10
    assert validity_ending(PIONEER_END)


# --- the loader ----------------------------------------------------------------------------------------------
def copy_tables(tmp_path: Path) -> Path:
    root = tmp_path / "tables"
    shutil.copytree(ROOT, root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return root


def set_checked(root: Path, pid: str, value: str | None) -> None:
    path = root / "programs" / f"{pid}.toml"
    text = path.read_text(encoding="utf-8")
    assert re.search(r"^checked = .*$", text, re.M)
    line = "" if value is None else f"checked = {value}"
    path.write_text(re.sub(r"^checked = .*$\n?", line + ("\n" if line else ""), text, count=1, flags=re.M),
                    encoding="utf-8")


def test_the_loader_refuses_a_program_without_checked_naming_file_program_and_field(tmp_path):
    root = copy_tables(tmp_path)
    pid = sorted(PROGRAMS)[0]
    set_checked(root, pid, None)
    with pytest.raises(TableError) as caught:
        load_catalogue(root)
    assert any(f"programs/{pid}.toml" in e and f"program '{pid}'" in e and "checked" in e
               for e in caught.value.errors), caught.value.errors
    with pytest.raises(TableError, match=rf"programs/{re.escape(pid)}\.toml"):  # and the app does not start
        create_app({"TESTING": True, "TABLES_DIR": str(root)})


def test_the_loader_refuses_a_checked_date_after_the_reference_revision(tmp_path):
    root = copy_tables(tmp_path)
    pid = sorted(PROGRAMS)[-1]
    later = REVISION + dt.timedelta(days=1)
    set_checked(root, pid, later.isoformat())
    with pytest.raises(TableError) as caught:
        load_catalogue(root)
    assert any(f"program '{pid}'" in e and "checked" in e and later.isoformat() in e and REVISION.isoformat() in e
               for e in caught.value.errors), caught.value.errors


def test_the_loader_refuses_tables_without_the_reference_revision(tmp_path):
    root = copy_tables(tmp_path)
    (root / "revision.toml").unlink()
    with pytest.raises(TableError, match=r"revision\.toml"):
        load_catalogue(root)


# --- cards, catalogue, workbook, API -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def moved(tmp_path_factory):
    """A copy of the tables where one program (one the Futian example is assessed for) was checked earlier."""
    root = copy_tables(tmp_path_factory.mktemp("moved"))
    set_checked(root, "cn-hnte-cit-rate", "2026-10-15")
    return root


@pytest.fixture(scope="module", params=["packaged", "moved"])
def setup(request, moved):
    root = ROOT if request.param == "packaged" else moved
    app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "TABLES_DIR": str(root)})
    checked = {pid: read(root / "programs" / f"{pid}.toml")["checked"] for pid in PROGRAMS}
    return app, checked


def company_form(name: str) -> MultiDict:
    company = example(name)["company"]
    form = [(f"company-{k}", str(v)) for k, v in company.items() if not isinstance(v, list)]
    form += [("company-zone_flags", z) for z in company.get("zone_flags", [])]
    return MultiDict([*form, ("company-zone_flags__present", "1"), ("as_of", AS_OF.isoformat())])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_card_shows_its_checked_date_and_the_page_the_reference_revision(setup, lang):
    app, checked = setup
    page = app.test_client().post(f"/company?lang={lang}", data=company_form("futian-hightech-scaleup.json"))
    cards = re.findall(r'<article class="program status-\w+" id="([a-z0-9-]+)">(.*?)</article>',
                       page.get_data(as_text=True), re.S)
    assert len(cards) > 10 and "cn-hnte-cit-rate" in dict(cards)
    for pid, card in cards:
        line = re.search(r'<p class="checked">(.*?)</p>', card)
        assert line, pid
        text = html.unescape(line.group(1))
        assert formatting.date(checked[pid], lang) in text, (pid, text)
    # the reference revision once, in the page's heading lines (not repeated on each of the ~50 cards)
    meta = html.unescape(re.search(r'<p class="meta">(.*?)</p>', page.get_data(as_text=True), re.S).group(1))
    assert gettext("Policy reference revision", lang) in meta and formatting.date(REVISION, lang) in meta, meta


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_catalogue_page_shows_each_checked_date_the_revision_and_links_what_changed(setup, lang):
    app, checked = setup
    page = app.test_client().get(f"/programs?lang={lang}").get_data(as_text=True)
    articles = dict(re.findall(r'<article class="program" id="([a-z0-9-]+)">(.*?)</article>', page, re.S))
    assert set(articles) == set(PROGRAMS)
    label = gettext("sources last checked", lang)
    for pid, body in articles.items():
        meta = re.search(r'<p class="meta">(.*?)</p>', body, re.S).group(1)
        assert f"{label} {checked[pid].isoformat()}" in html.unescape(meta), pid
    head = page[:page.index("<article")]
    assert REVISION.isoformat() in head and f'href="/changes?lang={lang}"' in head


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_workbook_shows_each_programs_checked_date_and_the_revision(setup, lang):
    app, checked = setup
    catalogue = app.extensions["catalogue"]
    loaded = AssessmentInputSchema(choices=catalogue.choices).load(example("futian-hightech-scaleup.json"))
    wb = load_workbook(io.BytesIO(build_workbook(catalogue, assess(catalogue, loaded, AS_OF), lang)))
    ws = wb[sheet_name("programs", lang)]
    head = {cell.value: cell.column for cell in ws[1]}
    id_col, checked_col = head[word_of("program_id", lang)], head[word_of("checked", lang)]
    rows = [(ws.cell(r, id_col).value, ws.cell(r, checked_col).value) for r in range(2, ws.max_row + 1)
            if ws.cell(r, id_col).value]
    assert len(rows) > 10
    for pid, value in rows:
        assert value is not None and value.date() == checked[pid], pid  # a date cell, not text
    summary = wb[sheet_name("summary", lang)]
    found = [row for row in summary.iter_rows(values_only=True) if row[0] == word_of("reference_revision", lang)]
    assert found and found[0][1].date() == REVISION


def test_the_api_gives_each_program_its_checked_date_and_the_revision(setup):
    app, checked = setup
    client = app.test_client()
    doc = client.post(f"/api/v1/assessments?as_of={AS_OF}&lang=en",
                      json=example("futian-hightech-scaleup.json")).get_json()
    assert doc["reference_revision"] == REVISION.isoformat()
    assert {p["id"]: p["checked"] for p in doc["programs"]} == {
        p["id"]: checked[p["id"]].isoformat() for p in doc["programs"]}
    listing = client.get("/api/v1/programs").get_json()
    assert {e["id"]: e["checked"] for e in listing["programs"]} == {k: v.isoformat() for k, v in checked.items()}
    assert {e["id"] for e in listing["programs"] if e["added"]} == set(added_on_revision())


# --- What changed ------------------------------------------------------------------------------------------
def section(page: str, title: str) -> str:
    start = page.index(f"<h2>{title}</h2>")
    end = page.find("<h2>", start + 4)
    return html.unescape(page[start:end if end > 0 else len(page)])


@pytest.fixture(scope="module")
def client():
    return create_app({"TESTING": True}).test_client()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_changed_lists_programs_added_and_rows_ending_after_the_day(client, lang):
    names = {pid: data["name"][lang] for pid, data in PROGRAMS.items()}
    page = client.get(f"/changes?since={SINCE_BEFORE}&lang={lang}").get_data(as_text=True)
    added = section(page, gettext("Programs added", lang))
    for pid in added_on_revision():
        item = re.search(rf"<li><strong>{REVISION.isoformat()}</strong> <a [^>]*>([^<]*)</a> \(<code>{pid}</code>\)",
                         added)
        assert item and item.group(1) == names[pid], pid
    rows = section(page, gettext("Rows, flags, windows and terms that start or end", lang))
    ending = re.findall(rf'<tr><td>{PIONEER_END.isoformat()}</td><td><a href="[^"]*#([a-z0-9-]+)">([^<]*)</a></td>'
                        r'\s*<td>([^<]*)</td>\s*<td>([^<]*)', rows)
    validity = {pid: (name, what, sources) for pid, name, what, sources in ending
                if what.startswith(gettext("Last day of the stated validity term", lang))}
    assert sorted(validity) == validity_ending(PIONEER_END)
    for pid, (name, _what, sources) in validity.items():
        assert name == names[pid]
        for key in PROGRAMS[pid]["effective"]["valid_for_source"]:
            assert key in sources  # each with its source


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_what_changed_after_those_days_lists_neither(client, lang):
    page = client.get(f"/changes?since={SINCE_AFTER}&lang={lang}").get_data(as_text=True)
    added = section(page, gettext("Programs added", lang))
    assert not any(f"<code>{pid}</code>" in added for pid in PROGRAMS)
    dates = re.findall(r"<tr><td>([0-9-]+)</td>", page)
    assert dates and min(dates) >= SINCE_AFTER and PIONEER_END.isoformat() not in dates


def test_what_changed_refuses_a_bad_day_in_the_pages_language(client):
    response = client.get("/changes?since=2026-02-30&lang=zh")
    assert response.status_code == 400
    message = re.search(r'id="since-error"[^>]*>([^<]*)<', response.get_data(as_text=True)).group(1)
    assert gettext("Since", "zh") in message and "YYYY-MM-DD" in message and "Since" not in message


def test_the_header_links_what_changed_in_both_languages(client):
    for lang in ("en", "zh"):
        page = client.get(f"/?lang={lang}").get_data(as_text=True)
        assert f'<a href="/changes?lang={lang}">{html.escape(gettext("What changed", lang))}</a>' in page


# --- CLI -------------------------------------------------------------------------------------------------------
def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(list(argv))
    return code, out.getvalue()


def test_programs_changes_json_lists_added_programs_and_the_ends_with_sources():
    code, out = run("programs", "--changes", SINCE_BEFORE, "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert doc["since"] == SINCE_BEFORE and doc["reference_revision"] == REVISION.isoformat()
    added = {c["program"]: c for c in doc["changes"] if c["kind"] == "program_added"}
    assert sorted(added) == added_on_revision()
    assert all(c["date"] == REVISION.isoformat() and c["sources"] for c in added.values())
    ends = {c["program"]: c for c in doc["changes"] if c["kind"] == "validity_ends"
            and c["date"] == PIONEER_END.isoformat()}
    assert sorted(ends) == validity_ending(PIONEER_END)
    for pid, change in ends.items():
        assert [s["key"] for s in change["sources"]] == PROGRAMS[pid]["effective"]["valid_for_source"]
        assert all(s["title"] for s in change["sources"])
    assert all(c["date"] >= SINCE_BEFORE for c in doc["changes"])
    code, out = run("programs", "--changes", SINCE_AFTER, "--format", "json")
    later = json.loads(out)["changes"]
    assert not any(c["kind"] == "program_added" or c["date"] == PIONEER_END.isoformat() for c in later)
    assert later and all(c["date"] >= SINCE_AFTER for c in later)  # what is dated later is still listed


def test_programs_changes_text_is_in_the_chosen_language():
    code, out = run("programs", "--changes", SINCE_BEFORE, "--lang", "zh")
    assert code == 0
    for pid in added_on_revision():
        assert f"{REVISION.isoformat()}  {pid}  {PROGRAMS[pid]['name']['zh']}" in out
    assert gettext("Program added to the tables", "zh") in out and "Program added" not in out


def test_programs_changes_refuses_a_bad_day(capsys):
    assert main(["programs", "--changes", "June", "--lang", "zh"]) == 2
    assert "--changes" in capsys.readouterr().err


def watch_ids(out: str, day: dt.date) -> list[str]:
    return sorted(re.findall(rf"^{day.isoformat()}  ([a-z0-9-]+)  ", out, re.M))


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_expiry_watch_lists_ends_within_the_horizon(lang):
    horizon = 60
    code, out = run("tables", "check", "--as-of", REVISION.isoformat(), "--horizon", str(horizon), "--lang", lang)
    assert code == 0  # warnings, not errors
    assert out.startswith("OK: ")
    assert watch_ids(out, PIONEER_END) == validity_ending(PIONEER_END)
    assert (PIONEER_END - REVISION).days == 14
    code, out = run("tables", "check", "--as-of", REVISION.isoformat(), "--horizon", "5", "--lang", lang)
    assert code == 0 and PIONEER_END.isoformat() not in out
    assert gettext("none", lang) in out


def test_the_expiry_watch_lists_a_program_checked_more_than_a_year_before(tmp_path):
    root = copy_tables(tmp_path)
    old, pid = dt.date(2025, 11, 1), "longhua-compute-voucher"
    set_checked(root, pid, old.isoformat())
    as_of = dt.date(2026, 12, 1)  # 395 days after the old date, 2 days before the others
    code, out = run("tables", "check", str(root), "--as-of", as_of.isoformat(), "--lang", "zh")
    assert code == 0
    stale = out[out.index(gettext("Sources last checked more than a year before {as_of}:", "zh")[:6]):]
    assert f"{pid} {PROGRAMS[pid]['name']['zh']}" in stale and old.isoformat() in stale
    assert not any(other in stale for other in PROGRAMS if other != pid)
    code, out = run("tables", "check", str(root), "--as-of", "2026-11-01")  # exactly a year: not stale
    assert code == 0 and f"{pid} " not in out[out.index("more than a year"):]


def test_the_expiry_watch_refuses_a_horizon_out_of_bounds(capsys):
    assert main(["tables", "check", "--as-of", "2026-12-03", "--horizon", "99999"]) == 2
    assert "--horizon" in capsys.readouterr().err
