"""The assessment and the catalogue as terminal text (``incentives evaluate --format text``, ``incentives programs``):
programs grouped by family and person, why each is or is not eligible, totals by kind of money."""

from __future__ import annotations

import unicodedata
from typing import Any

from calculator.engine import FAMILY_NAMES, describe_catalogue
from calculator.i18n import N_, gettext, t
from calculator.i18n.words import joined, labelled

TEXTS = {
    "head": N_("As of {as_of}  tables {tables_version}"),
    "because": N_("because: {reason}"),
    "needs": N_("needs: {inputs}"),
    "gap": N_("gap: {gap}"),
    "stacking": N_("stacking: {text}"),
    "totals": N_("Totals after stacking"),
    "cash": N_("Cash"),
    "tax_this_year": N_("Tax saved this year"),
    "beside": N_("Beside these, never added to them:"),
    "later_years": N_("Later years (not added)"),
    "if_certified": N_("If certified (not added)"),
    "size_class": N_("SME size class"),
    "not_classified": N_("not classified"),
}


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def render_text(doc: dict[str, Any], lang: str) -> str:
    lines = [t(TEXTS["head"], lang, as_of=doc["as_of"], tables_version=doc["tables_version"])]
    current = None
    families = list(FAMILY_NAMES)
    ordered = sorted(doc["programs"], key=lambda p: (-1 if p["person"] is None else p["person"],
                                                      families.index(p["family"])))  # stable: catalogue order within
    for program in ordered:
        who = program["person_ref"] or (f"#{program['person']}" if program["person"] is not None else None)
        header = (program["family_name"] + (f" — {who}" if who else ""))
        if header != current:
            lines += ["", header, "-" * display_width(header)]
            current = header
        lines.append(f"[{program['status_text']}] {program['name']} ({program['id']}): {program['amount']}")
        for reason in program["reasons"]:
            lines.append("    " + t(TEXTS["because"], lang, reason=reason))
        if program["not_in_force_reason"]:
            lines.append("    " + program["not_in_force_reason"])
        if program["missing"]:
            inputs = joined((m["label"] for m in program["missing"]), lang)
            lines.append("    " + t(TEXTS["needs"], lang, inputs=inputs))
        for gap in program["gaps"]:
            lines.append("    " + t(TEXTS["gap"], lang, gap=gap["text"]))
        if program["excluded_by"]:
            lines.append("    " + t(TEXTS["stacking"], lang, text=program["excluded_by"]["text"]))
        lines += side_lines(program, lang)
        for item in program["flags"]:
            lines.append("    ! " + item["text"])
    lines += ["", gettext(TEXTS["totals"], lang), *totals_lines(doc, lang), "", doc["disclaimer"]]
    return "\n".join(lines)


def side_lines(program: dict[str, Any], lang: str) -> list[str]:
    """A program's later-years figure and self-check (never part of its amount)."""
    lines = []
    if program["later_years"]:
        lines.append("    " + labelled(gettext(TEXTS["later_years"], lang), program["later_years"]["note"], lang))
    check = program["self_check"]
    if check:
        lines.append("    " + labelled(check["title"], check["text"], lang))
        lines += ["      " + t(TEXTS["because"], lang, reason=reason) for reason in check["reasons"]]
        lines += ["      " + t(TEXTS["gap"], lang, gap=gap["text"]) for gap in check["gaps"]]
        if program["if_certified"]:
            lines.append("      " + program["if_certified"]["note"])
    return lines


def totals_lines(doc: dict[str, Any], lang: str) -> list[str]:
    """Cash and this year's tax apart, each with its certainty; later years and if-certified beside, never added."""
    totals = doc["totals"]
    lines = ["  " + labelled(gettext(TEXTS[kind], lang), totals[kind]["text"], lang)
             for kind in ("cash", "tax_this_year")]
    beside = [kind for kind in ("later_years", "if_certified") if totals[kind]["programs"]]
    if beside:
        lines.append("  " + gettext(TEXTS["beside"], lang))
        lines += ["    " + labelled(gettext(TEXTS[kind], lang), totals[kind]["text"], lang) for kind in beside]
    for family, total in totals["by_family"].items():
        parts = [labelled(gettext(TEXTS[kind], lang), total[kind]["text"], lang) for kind in ("cash", "tax_this_year")
                 if total[kind]["determined"]["programs"] or total[kind]["competitive"]["programs"]
                 or total[kind]["unknown_amounts"]]
        if parts:
            lines.append("  " + labelled(gettext(FAMILY_NAMES[family], lang), joined(parts, lang), lang))
    size = (doc["company"] or {}).get("size_class")
    if size:
        shown = size["text"] or gettext(TEXTS["not_classified"], lang)
        lines += ["", labelled(gettext(TEXTS["size_class"], lang), shown,
                               lang), "  " + size["why"]]
    return lines


def programs_text(catalogue: Any, lang: str) -> str:
    lines = []
    for entry in describe_catalogue(catalogue)["programs"]:
        end = entry["effective"]["to"] or "…"
        lines.append(f"{entry['id']:<40} {entry['family']:<18} {entry['certainty']:<13} "
                     f"{entry['effective']['from']}–{end:<10} {entry['confidence']:<11} {entry['name'][lang]}")
    return "\n".join(lines)
