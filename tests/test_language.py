"""The one language layer (calculator.i18n): a complete, current catalogue, Chinese readers never meeting an
English status word or unit, and no surface choosing words by comparing a language."""

from __future__ import annotations

import ast
import html
import io
import json
import re
import string
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from openpyxl import load_workbook
from werkzeug.datastructures import MultiDict

from calculator.cli import main
from calculator.i18n import CATALOGUE, gettext
from calculator.workbook import build_workbook
from tests.conftest import AS_OF, EXAMPLES, ROOT, example

POT = CATALOGUE.parents[2] / "messages.pot"
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.json"))

# English words a Chinese reader must never see: statuses, results, units, answers, amounts, kinds of figure.
ENGLISH = ["Likely eligible", "Needs information", "needs information", "Not eligible", "Not in force",
           "not met", "met", "unknown", "Unknown", "Not sure", "yes", "no", "Yes", "No", "none", "not given",
           "amount unknown", "up to", "not monetary", "Not monetary", "Confirmed", "Unconfirmed", "Secondary source",
           "Permission", "Obligation", "Recognition", "Applies", "Does not apply", "CNY", "yuan", "people", "person",
           "year", "years", "months", "days", "points", "ratio", "percent", "number", "code", "codes", "text", "date",
           "Summary", "Sources", "Status", "Program", "Total", "Overall", "because", "needs", "gap", "stacking"]
FORBIDDEN = re.compile(r"(?<![A-Za-z])(" + "|".join(re.escape(w) for w in sorted(ENGLISH, key=len, reverse=True))
                       + r")(?![A-Za-z])")
# Codes, ids and addresses are not words: program ids, field codes, URLs, file names, people[3].
CODES = re.compile(r"https?://\S+|[A-Za-z0-9.]+(?:[-_/][A-Za-z0-9.]+)+|\w+\[\d+\]")


def cited_sources() -> tuple[list[str], re.Pattern]:
    """The titles of cited sources (policy content the rule tables have in one form only, often bilingual) and
    their keys (``EITL``…)."""
    from calculator.engine import load_catalogue

    sources = load_catalogue().sources
    keys = re.compile(r"\b(" + "|".join(sorted(map(re.escape, sources), key=len, reverse=True)) + r")\b")
    return sorted((s.title for s in sources.values()), key=len, reverse=True), keys


TITLES, SOURCE_KEYS = cited_sources()


def english_words(text: str) -> set[str]:
    for title in TITLES:
        text = text.replace(title, " ")
    return set(FORBIDDEN.findall(CODES.sub(" ", SOURCE_KEYS.sub(" ", text))))


# --- the catalogue ----------------------------------------------------------------------------------------------
def extract() -> list:
    """Every message the code and templates use, extracted as a maintainer would (babel.cfg)."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        subprocess.run([str(Path(sys.executable).with_name("pybabel")), "extract", "-F", "babel.cfg", "-o", str(pot),
                        "--no-location", "--omit-header", "."], cwd=ROOT, check=True, capture_output=True)
        with pot.open("rb") as handle:
            return [m for m in read_po(handle) if m.id]


def read(path: Path) -> list:
    with path.open("rb") as handle:
        return [m for m in read_po(handle) if m.id]


def fields(text: str) -> set[str]:
    """The parameters a message fills in: ``{name}`` (code) or ``%(name)s`` (templates)."""
    braces = {name for _, name, _, _ in string.Formatter().parse(text) if name} if "{" in text else set()
    return braces | set(re.findall(r"%\((\w+)\)s", text))


def test_every_word_in_code_and_pages_is_translated_and_the_catalogue_is_current():
    extracted = {(m.context, m.id) for m in extract()}
    catalogue = read(CATALOGUE)
    entries = {(m.context, m.id): m for m in catalogue}
    assert len(extracted) > 600  # the field labels and hints, engine sentences, pages, workbook, batch, API, CLI
    missing = sorted(extracted - set(entries), key=str)
    assert not missing, f"used in code or pages but not in the catalogue: {missing}"
    untranslated = [key for key, m in entries.items() if not m.string or m.fuzzy]
    assert not untranslated, f"untranslated or fuzzy: {untranslated}"
    obsolete = sorted(set(entries) - extracted, key=str)
    assert not obsolete, f"in the catalogue but no longer used (update it from the template): {obsolete}"
    assert "#~" not in CATALOGUE.read_text(encoding="utf-8"), "obsolete entries are kept in the catalogue"
    assert {(m.context, m.id) for m in read(POT)} == extracted, "messages.pot is stale: extract it again"


def test_every_translation_fills_in_only_the_parameters_its_english_has():
    for message in read(CATALOGUE):
        extra = fields(message.string) - fields(message.id)
        assert not extra, f"{message.id!r}: the Chinese uses {extra}, which nobody passes"


def test_the_chinese_catalogue_is_what_readers_get():
    assert gettext("Not in force", "zh") == "不在有效期内"
    assert gettext("Not in force", "en") == "Not in force"
    assert gettext("Not in force", "zh_Hans_CN") == "不在有效期内"


# --- no English on a Chinese page -------------------------------------------------------------------------------
class VisibleText(HTMLParser):
    """The text a reader sees or hears: text nodes (not scripts or styles) and labelling attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self.hidden += 1
        self.parts += [value for name, value in attrs
                       if name in ("title", "aria-label", "alt", "placeholder") and value]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible(page: str) -> str:
    parser = VisibleText()
    parser.feed(page)
    return "\n".join(parser.parts)


def answer(value: object) -> str:
    return {True: "yes", False: "no"}.get(value, str(value)) if isinstance(value, bool) else str(value)


def form_data(data: dict) -> tuple[str, MultiDict]:
    """An example profile as the company or talent form posts it."""
    items: list[tuple[str, str]] = [("as_of", AS_OF.isoformat()), ("submit", "1")]
    if "company" in data:
        for key, value in data["company"].items():
            if isinstance(value, list):
                items += [(f"company-{key}__present", "1")] + [(f"company-{key}", v) for v in value]
            else:
                items.append((f"company-{key}", answer(value)))
        return "company", MultiDict(items)
    items.append(("people-count", str(len(data["people"]))))
    for index, person in enumerate(data["people"]):
        for key, value in person.items():
            if isinstance(value, list):
                items += [(f"person-{index}-{key}__present", "1")] + [(f"person-{index}-{key}", v) for v in value]
            else:
                items.append((f"person-{index}-{key}", answer(value)))
    return "talent", MultiDict(items)


def chinese_pages(client) -> dict[str, str]:
    pages = {path: client.get(f"{path}?lang=zh") for path in ("/", "/company", "/talent", "/programs", "/about",
                                                              "/batch")}
    for name in EXAMPLE_FILES:
        data = example(name)
        parts = [{"company": data["company"]}] if "company" in data else []
        parts += [{"people": data["people"]}] if "people" in data else []
        for part in parts:
            kind, form = form_data(part)
            results = pages[f"{kind} results for {name}"] = client.post(f"/{kind}?lang=zh", data=form)
            for action in re.findall(r'formaction="(/\w+/program/[^"]+)"', results.get_data(as_text=True)):
                pages[f"{html.unescape(action)} for {name}"] = client.post(html.unescape(action), data=form)
    invalid = MultiDict([("company-employees", "many"), ("company-tax_year", "20x5"), ("submit", "1")])
    pages["company form with errors"] = client.post("/company?lang=zh", data=invalid)
    return pages


def test_no_chinese_page_shows_an_english_status_word_or_unit(app):
    client = app.test_client()
    found = {}
    pages = chinese_pages(client)
    for name, response in pages.items():
        assert response.status_code in (200, 422), name
        page = response.get_data(as_text=True)
        assert "lang=\"zh-Hans-CN\"" in page, name
        words = english_words(visible(page))
        if words:
            found[name] = words
    assert not found, f"English words on Chinese pages: {found}"
    assert sum("/program/" in name for name in pages) >= 40  # each program's own page, with its conditions
    results = pages["company results for qianhai-hk-staff.json"].get_data(as_text=True)
    assert "可能符合条件" in results and "（人）" not in results  # the statuses in Chinese; units in words


def test_the_chinese_forms_say_units_in_chinese(app):
    page = app.test_client().get("/company?lang=zh").get_data(as_text=True)
    assert '<span class="unit">（人）</span>' in page and '<span class="unit">（元）</span>' in page
    assert '<span class="unit">（年份）</span>' in page
    english = app.test_client().get("/company?lang=en").get_data(as_text=True)
    assert '<span class="unit">(people)</span>' in english and '<span class="unit">(year)</span>' in english


def wait_done(client, location: str) -> str:
    for _ in range(400):
        page = client.get(location)
        if "Refresh" not in page.headers:
            return page.get_data(as_text=True)
        time.sleep(0.05)
    raise AssertionError("the batch job did not finish")


def test_the_chinese_batch_pages_and_result_workbook_have_no_english_words(app, tmp_path):
    client = app.test_client()
    roster = ("ref,department,degree,identity,annual_gross_income,pays_iit_in_shenzhen\n"
              "E1,研发,phd,mainland,900000,是\nE2,研发,doctor,mainland,abc,maybe\n")
    response = client.post("/batch?lang=zh", data={"file": (io.BytesIO(roster.encode()), "名册.csv"),
                                                   "as_of": AS_OF.isoformat()})
    assert response.status_code == 303
    page = wait_done(client, response.headers["Location"])
    assert "被拒绝的行" in page
    assert not english_words(visible(page)), english_words(visible(page))
    book = load_workbook(io.BytesIO(client.get(response.headers["Location"].split("?")[0] + "/download").data))
    assert not english_words(workbook_text(book, skip=("来源",))), english_words(workbook_text(book, skip=("来源",)))
    refused = client.post("/batch?lang=zh", data={"file": (io.BytesIO(b"\x00\x01"), "x.bin")})
    assert refused.status_code == 400 and not english_words(visible(refused.get_data(as_text=True)))


def workbook_text(book, skip: tuple[str, ...] = ()) -> str:
    """Every sheet name and text cell of a workbook, except sheets of cited source titles (policy content)."""
    parts = list(book.sheetnames)
    for ws in book.worksheets:
        if ws.title in skip:
            continue
        parts += [str(v) for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]
    return "\n".join(parts)


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_the_chinese_workbook_has_no_english_words(catalogue, evaluate, name):
    from calculator.engine import assess
    from schemas.profile import AssessmentInputSchema

    data = example(name)
    assessment = assess(catalogue, AssessmentInputSchema(choices=catalogue.choices).load(data), AS_OF)
    book = load_workbook(io.BytesIO(build_workbook(catalogue, assessment, "zh")))
    given = {str(v) for part in data.values() for item in (part if isinstance(part, list) else [part])
             for v in item.values() if isinstance(v, str)}  # what the user typed is shown as typed
    text = "\n".join(line for line in workbook_text(book, skip=("来源",)).splitlines() if line not in given)
    assert not english_words(text), english_words(text)
    assert "下限（元）" in text and "（元）" in text


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_the_chinese_cli_text_has_no_english_words(capsys, name):
    assert main(["evaluate", str(EXAMPLES / name), "--as-of", AS_OF.isoformat(), "--lang", "zh",
                 "--format", "text"]) == 0
    out = capsys.readouterr().out
    assert "合计（叠加规则后）" in out
    assert not english_words(out), english_words(out)


def test_one_wording_per_status_on_every_surface(app, catalogue, tmp_path):
    """The status a Chinese reader sees on a card, in the workbook and in the batch summary is the same words."""
    client = app.test_client()
    page = client.get("/about?lang=zh").get_data(as_text=True)
    assert "不在有效期内" in page and "未生效或已停止" not in page
    roster = tmp_path / "r.csv"
    roster.write_text("ref,identity\nE1,mainland\n", encoding="utf-8")
    main(["batch", str(roster), "-o", str(tmp_path / "o.xlsx"), "--lang", "zh", "--as-of", AS_OF.isoformat()])
    summary = load_workbook(tmp_path / "o.xlsx")["汇总"]
    headers = {v for row in summary.iter_rows(values_only=True) for v in row if isinstance(v, str)}
    assert {"可能符合条件", "需补充信息", "按所填信息暂不符合", "不在有效期内"} <= headers


# --- no language choices outside the layer ----------------------------------------------------------------------
def language_choices(tree: ast.AST) -> list[int]:
    """Lines comparing something with "zh" or "en" (``lang == "zh"``, ``x in ("zh", "en")``…), and literal
    bilingual dictionaries of words (``{"en": "…", "zh": "…"}``): the words belong in the catalogue."""
    def names_a_language(node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return node.value in ("zh", "en")
        return isinstance(node, ast.Tuple | ast.List | ast.Set) and any(names_a_language(e) for e in node.elts)

    def chinese_words(node: ast.Dict) -> bool:
        texts = [v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str)]
        return {getattr(k, "value", None) for k in node.keys} == {"zh", "en"} and len(texts) == 2 \
            and any(HAN.search(t) for t in texts)

    return [node.lineno for node in ast.walk(tree)
            if (isinstance(node, ast.Compare) and any(names_a_language(n) for n in (node.left, *node.comparators)))
            or (isinstance(node, ast.Dict) and chinese_words(node))]


HAN = re.compile(r"[\u4e00-\u9fff]")


def test_no_code_outside_the_language_layer_chooses_words_by_language():
    found = {}
    for path in sorted([*(ROOT / "calculator").rglob("*.py"), *(ROOT / "schemas").rglob("*.py")]):
        if (ROOT / "calculator" / "i18n") in path.parents:
            continue
        lines = language_choices(ast.parse(path.read_text(encoding="utf-8")))
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    assert not found, f"language choices outside calculator/i18n (put the words in the catalogue): {found}"


def test_no_template_chooses_words_by_language():
    choice = re.compile(r"""(lang|other_lang)\s*(==|!=)\s*['"](zh|en)['"]|['"](zh|en)['"]\s*(==|!=)""")
    found = {str(p.relative_to(ROOT)): choice.findall(p.read_text(encoding="utf-8"))
             for p in (ROOT / "templates").rglob("*.html")}
    assert not {k: v for k, v in found.items() if v}


def test_the_scan_finds_the_choices_it_is_meant_to_forbid():
    assert language_choices(ast.parse('x = "是" if lang == "zh" else "yes"')) == [1]
    assert language_choices(ast.parse('ok = chosen in ("zh", "en")')) == [1]
    assert language_choices(ast.parse('WORDS = {"a": {"en": "Yes", "zh": "是"}}')) == [1]
    assert language_choices(ast.parse('names = {"zh": a, "en": b}; text = names[lang]')) == []
    assert language_choices(ast.parse('TAGS = {"zh": "zh-CN", "en": "en"}')) == []  # tags, not words


def test_words_in_json_documents_follow_the_language_and_codes_do_not(evaluate):
    data = example("qianhai-hk-staff.json")
    zh, en = evaluate(data, AS_OF, "zh"), evaluate(data, AS_OF, "en")
    assert [p["status"] for p in zh["programs"]] == [p["status"] for p in en["programs"]]
    assert {p["status_text"] for p in zh["programs"]} <= {gettext(s, "zh") for s in (
        "Likely eligible", "Needs information", "Not eligible on the answers given", "Not in force")}
    assert json.dumps(zh).count("不在有效期内") == sum(p["status"] == "not_in_force" for p in zh["programs"])


def test_the_word_check_finds_english_where_a_page_is_english(app):
    """The checks above would see English: the same pages in English are full of the words they look for."""
    client = app.test_client()
    kind, form = form_data({"company": example("qianhai-hk-staff.json")["company"]})
    results = client.post(f"/{kind}?lang=en", data=form).get_data(as_text=True)
    # a refused program's own page that also has a condition met (its table then says "met" and "not met")
    actions = re.findall(r'class="program status-not_eligible".*?formaction="([^"]+)"', results, re.S)
    pages = (client.post(html.unescape(action), data=form).get_data(as_text=True) for action in actions)
    program = next(page for page in pages if '<tr class="result-met">' in page)
    assert {"Likely eligible", "Not eligible", "CNY"} <= english_words(visible(results))
    assert {"Not eligible", "met", "Sources"} <= english_words(visible(program))
    assert english_words(visible(client.get("/company?lang=en").get_data(as_text=True))) >= {"people", "year", "No"}
