"""The catalogue: every program id of the policy reference loads, every figure is cited, nothing unconfirmed is
priced, docs current."""

from __future__ import annotations

import json
import re
from pathlib import Path

from calculator.catalogue_doc import OUTPUT, render
from tests.conftest import AS_OF, EXAMPLES


def policy_folder() -> Path:
    """``shared/policy`` beside the checkout (or beside a folder holding it, as for a worktree)."""
    for parent in Path(__file__).resolve().parents:
        folder = parent / "shared" / "policy"
        if (folder / "programs.md").exists():
            return folder
    raise AssertionError("the policy reference (shared/policy/programs.md) is expected beside the project")


def catalogue_ids() -> set[str]:
    return set(re.findall(r"^### ([a-z0-9-]+) — ", (policy_folder() / "programs.md").read_text(encoding="utf-8"),
                          re.M))


def test_the_reference_ids_match_the_count_its_changelog_states():
    """programs.md headings are read right: their number is the count the newest CHANGES.md entry states."""
    changes = (policy_folder() / "CHANGES.md").read_text(encoding="utf-8")
    stated = re.search(r"Program count: \*\*\d+ → (\d+)\*\*", changes)
    assert stated, "CHANGES.md states no program count"
    assert len(catalogue_ids()) == int(stated.group(1))


def test_every_program_in_the_policy_reference_is_encoded_with_its_exact_id(catalogue):
    ids = catalogue_ids()
    assert sorted(ids - set(catalogue.programs)) == [], "in the reference, not encoded"
    assert sorted(set(catalogue.programs) - ids) == [], "encoded, not in the reference"


def test_every_figure_carries_source_and_confidence_and_none_is_unconfirmed(catalogue):
    for program in catalogue.programs.values():
        for rows in program.figures.values():
            for row in rows:
                assert row.confidence in ("CONFIRMED", "SECONDARY"), (program.id, row.name)
                assert row.source and all(key in catalogue.sources for key in row.source), (program.id, row.name)
                assert row.effective_from is not None and row.instrument, (program.id, row.name)
    for table in catalogue.reference.values():
        for version in table.versions:
            assert version.confidence != "UNCONFIRMED" and version.source, table.name
        for rows in table.figures.values():
            for row in rows:
                assert row.confidence != "UNCONFIRMED" and row.source, table.name


def test_no_unconfirmed_figure_is_ever_used_as_an_amount(catalogue, evaluate):
    """Amounts come only from figures and reference rows; check every figure a benefit can reach."""
    from calculator.engine.benefits import REGISTRY, resolve

    for program in catalogue.programs.values():
        benefit = program.spec.benefit
        refs = [ref for path in REGISTRY[benefit.kind].figures for _, ref in resolve(benefit.params, path)
                if isinstance(ref, str)]
        for ref in refs:
            for part in ref.split("*"):
                if "." in part:
                    table, key = part.split(".", 1)
                    rows = catalogue.reference[table].figures[key]
                else:
                    rows = program.figures[part]
                assert all(r.confidence != "UNCONFIRMED" for r in rows), (program.id, part)


def test_each_family_and_seed_system_has_rows_that_evaluate(catalogue):
    families = {p.family for p in catalogue.programs.values()}
    assert families == {"financial_support", "talent", "procurement", "regulatory"}
    systems = {
        "financial support": "sz-training-compute-voucher", "tax": "cn-hnte-cit-rate",
        "talent housing and subsidies": "sz-youth-talent-housing", "visas": "gd-talent-r-visa",
        "early-adoption procurement": "sz-public-sector-early-adoption", "risk-tiered trials": "sz-low-risk-trial",
        "public data": "sz-public-data-access", "cross-border data with Hong Kong": "gba-pi-standard-contract",
        "ethics": "sz-ai-ethics-obligations", "medical AI": "sz-medical-ai-adoption",
    }
    for system, pid in systems.items():
        assert pid in catalogue.programs, system


def test_the_generated_catalogue_document_is_current(catalogue):
    assert OUTPUT.exists(), "run: python -m calculator.catalogue_doc"
    assert OUTPUT.read_text(encoding="utf-8") == render(catalogue), \
        "docs/programs.md is out of date: run `python -m calculator.catalogue_doc`"


def test_every_question_is_used_by_some_program(catalogue):
    """Ask for what the rules need and nothing else: every profile field feeds at least one program."""
    from calculator.engine.describe import field_usage
    from schemas.profile import field_catalogue

    usage = field_usage(catalogue)
    # Labels and defaults, plus `degree`: reference-data.md says "keep the field for talent programs".
    labels_only = {"name", "uscc", "ref", "department", "tax_year", "employer_zone_flags", "degree"}
    for subject, fields in field_catalogue().items():
        unused = [name for name in fields if name not in usage[subject] and name not in labels_only]
        assert not unused, f"{subject} fields no program uses: {unused}"


def _read_by_people(program: dict) -> list[str]:
    """Every text of a program's result that the page, the workbook and the API show to a person."""
    texts = [program["amount"], program["status_text"], program["window"]["text"], *program["reasons"],
             *(g["text"] for g in program["gaps"]), *(f["text"] for f in program["flags"]),
             *(i["text"] for i in program["benefit"].get("items", [])), *(m["label"] for m in program["missing"])]
    if program["excluded_by"]:
        texts.append(program["excluded_by"]["text"])
    if program["not_in_force_reason"]:
        texts.append(program["not_in_force_reason"])
    return texts


def test_texts_people_read_never_show_program_ids_or_field_names(catalogue, evaluate):
    """Flags, gaps, reasons and items name programs by their names and questions by their labels, never by the
    internal codes (sz-gov-ai-scenario-fund, employees_limit, gov_scenario_tier)."""
    from schemas.profile import field_catalogue

    fields = {name for kind in field_catalogue().values() for name in kind if "_" in name}
    codes = set(catalogue.programs) | fields | {c.id for p in catalogue.programs.values() for c in p.criteria
                                                if "_" in c.id}
    found = []
    for path in sorted(EXAMPLES.glob("*.json")):
        for lang in ("zh", "en"):
            for program in evaluate(json.loads(path.read_text(encoding="utf-8")), AS_OF, lang)["programs"]:
                for text in _read_by_people(program):
                    found += [(path.name, lang, program["id"], token) for token in
                              re.findall(r"[a-z][a-z0-9]*(?:[_-][a-z0-9]+)+", text) if token in codes]
    assert found == []
