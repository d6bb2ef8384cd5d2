"""The talent form speaks to a person (no "the company's" year or zones), and the set-up does what the README's
first screen says: `make run` installs Python packages only; `make test` adds the Debian packages and axe-core."""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess

import openpyxl
import pytest

from calculator.batch.template import build_template
from tests.conftest import ROOT

COMPANY_WORDS = {"en": re.compile(r"compan", re.I), "zh": re.compile(r"公司|企业")}


@pytest.mark.parametrize(("lang", "year", "zones"), [
    ("en", "Leave blank for the last complete calendar year.",
     "Where the employer is registered decides whether the Qianhai or Hetao exemption can apply."),
    ("zh", "留空则按上一个完整的公历年度。", "雇主的注册地决定能否适用前海或河套的个人所得税优惠。")])
def test_the_talent_forms_hints_speak_to_a_person_without_a_company(client, lang, year, zones):
    page = client.get(f"/talent?lang={lang}").get_data(as_text=True)
    hints = {hint_id: html.unescape(re.sub(r"<[^>]+>", "", text)).strip() for hint_id, text in
             re.findall(r'<p class="hint" id="([^"]+)-hint">(.*?)(?:<span class="used-by">|</p>)', page, re.S)}
    assert len(hints) > 20
    assert [h for h in hints.values() if COMPANY_WORDS[lang].search(h)] == []
    assert hints["person-0-tax_year"] == year and hints["person-0-employer_zone_flags"] == zones


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_people_template_gives_the_same_hints_and_the_api_keeps_the_general_one(client, catalogue, lang):
    """A person in the people template is assessed alone too; the API, which may assess a company with its people,
    keeps the hint that speaks of the company."""
    book = openpyxl.load_workbook(io.BytesIO(build_template(catalogue, "people", lang)))
    rows = {r[-1]: r for r in book.worksheets[1].iter_rows(values_only=True) if r and r[-1]}
    assert not COMPANY_WORDS[lang].search(rows["tax_year"][3]) and not COMPANY_WORDS[lang].search(
        rows["employer_zone_flags"][3])
    api = client.get("/api/v1/openapi.json").get_json()
    assert "Defaults to the company's tax year" in str(api)


def make_dry_run(target: str) -> str:
    """The commands ``make <target>`` would run from scratch (``-n -B``: printed, not run)."""
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is needed (Debian package make)", pytrace=False)
    done = subprocess.run([make, "-n", "-B", target], cwd=ROOT, capture_output=True, text=True, timeout=60,
                          check=True)
    return done.stdout


def test_make_run_installs_python_packages_only_and_make_test_adds_what_the_readme_lists():
    run = make_dry_run("run")
    assert "pip install" in run and "gunicorn" in run
    assert not re.search(r"\bnpm\b|apt-get|install-system-packages", run)
    test = make_dry_run("test")
    assert "npm ci" in test
    system = next(line for line in test.splitlines() if "install-system-packages" in line)
    first_screen = (ROOT / "README.md").read_text(encoding="utf-8").split("**Privacy.**")[0]
    for package in ("chromium", "libreoffice-calc-nogui", "nginx", "redis-server"):
        assert package in system and package in first_screen, package
    assert "axe-core" in first_screen and "Python packages only" in first_screen
