"""Sources as people read them: title, link, site and a plain note on their quality, numbered per program; the
tables' internal keys (PC-TEXT) only in the API and the tables; figures by name, not by their table names."""

from __future__ import annotations

import html
import re
from pathlib import Path

import openpyxl
import pytest

from calculator.batch import run_batch
from calculator.engine.enums import SourceQuality, SourceType
from calculator.i18n.figures import FIGURES
from tests.conftest import AS_OF
from tests.table_copies import edit, load_errors

KEYS_WITH_A_DASH = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")  # PC-TEXT, LAW-AI: never words of a page


def visible_text(page: str) -> str:
    """What a reader sees: the page without its tags and link targets."""
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def test_every_source_says_how_much_weight_it_bears_and_never_more_than_its_type(catalogue):
    qualities = {source.quality for source in catalogue.sources.values()}
    assert qualities == set(SourceQuality)
    for key, source in catalogue.sources.items():
        secondary = source.type == SourceType.SECONDARY
        assert secondary == (source.quality == SourceQuality.SECONDARY), key
    # sources.md calls these a press report, a summary or a release of an official text: not the text itself
    for key in ("QH-AI", "VOUCH-CORPUS", "GPSME-19", "CSL-2025"):
        assert catalogue.sources[key].quality == SourceQuality.OFFICIAL_PRESS, key
    assert catalogue.sources["VOUCH-CORPUS-EN"].quality == SourceQuality.SECONDARY  # the machine-translated repost
    assert catalogue.sources["LAW-AI"].quality == SourceQuality.OFFICIAL_TEXT


@pytest.mark.parametrize(("old", "new", "words"), [
    ('type = "secondary"\nquality = "secondary"', 'type = "secondary"\nquality = "official_text"',
     "does not fit type 'secondary'"),
    ('quality = "official_text"\n', "", "Missing data for required field"),
    ('quality = "official_text"', 'quality = "official-ish"', "Must be one of"),
])
def test_a_source_without_an_honest_quality_stops_loading_naming_file_and_source(tables, old, new,
                                                                                  words):
    edit(tables, "sources.toml", old, new)
    errors = load_errors(tables)
    assert any("sources.toml" in e and "source '" in e and "quality" in e and words in e for e in errors), errors


@pytest.mark.parametrize(("lang", "official", "secondary"), [
    ("en", "official text", "secondary summary, not an official source"),
    ("zh", "官方原文", "二手摘要，并非官方来源")])
def test_the_catalogue_page_numbers_its_sources_with_their_quality_and_names_figures_in_words(client, catalogue,
                                                                                            lang, official, secondary):
    page = client.get(f"/programs?lang={lang}").get_data(as_text=True)
    text = visible_text(page)
    assert KEYS_WITH_A_DASH.findall(text) == []
    for figure in (name for name in FIGURES if "_" in name):  # "award", "rate" are words of titles too
        assert not re.search(rf"\b{figure}\b", text), figure
    insurance = re.search(r'<article class="program" id="cn-first-set-equipment-insurance">(.*?)</article>', page,
                          re.S)
    shown = visible_text(insurance.group(1))
    rate = {"en": "Compensation rate", "zh": "补偿比例"}[lang]
    assert re.search(rf"{rate}\s+80(\.0)?%", shown) and "[1]" in shown
    source = catalogue.sources["FIRSTSET"]
    press = {"en": "official release or press report", "zh": "官方发布或新闻报道"}[lang]
    assert re.search(rf"{re.escape(source.title)}\s+old\.xbbidcn\.com · {press}", shown)  # title, site, quality
    assert secondary in text and official in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_result_cards_show_sources_without_keys(client, lang):
    from tests.test_web import company_form, follow_card

    page = client.post(f"/company?lang={lang}", data=company_form("nanshan-seed-startup.json")).get_data(as_text=True)
    sources = []
    for program in ("sz-training-compute-voucher", "cn-ai-content-labelling", "cn-hnte-cit-rate"):  # their own pages
        detail = follow_card(client, page, program).get_data(as_text=True)
        sources += re.findall(r'<ul class="sources">(.*?)</ul>', detail, re.S)
    assert sources
    for block in sources:
        text = visible_text(block)
        assert KEYS_WITH_A_DASH.findall(text) == [] and not re.search(r"\b[A-Z][A-Z0-9-]+: ", text), text
    quality = {"en": "official text", "zh": "官方原文"}[lang]
    assert quality in visible_text(" ".join(sources))


def test_the_batch_workbooks_sources_sheet_shows_quality_not_keys(catalogue, tmp_path: Path):
    src = tmp_path / "c.csv"
    src.write_text("name,registration_district\nA,nanshan\n", encoding="utf-8")
    run_batch(catalogue, src, tmp_path / "o.xlsx", kind="companies", as_of=AS_OF, lang="en")
    book = openpyxl.load_workbook(tmp_path / "o.xlsx", read_only=True)
    rows = [r for r in book["Sources"].iter_rows(values_only=True)]
    cells = [str(c) for r in rows for c in r if c is not None]
    assert not any(c in catalogue.sources for c in cells)
    assert "official text" in cells and "What the source is" in rows[0]


def test_every_figure_of_the_tables_has_words(catalogue):
    names = {row.name for program in catalogue.programs.values() for rows in program.figures.values() for row in rows}
    assert names - set(FIGURES) == set()
