"""Profile forms generated from the profile schemas' own metadata; parsing that keeps every typed value.

Field names in HTML: ``company-<field>`` and ``person-<index>-<field>``; money fields have a unit choice
``…__unit`` (``yuan`` or ``wan`` for 万元). Blank answers are left out, so the engine treats them as unknown.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from calculator.i18n import N_, gettext, t
from calculator.i18n.words import field_hint, field_label, unit_word
from schemas.profile import SECTION_ORDER, CompanySchema, PersonSchema, field_catalogue


def _ordered(schema: type, catalogue: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The schema's own questions first, then those the wider catalogue added through mixins."""
    added = {name for base in schema.__mro__[1:] if base.__name__.endswith("Fields")
             for name in getattr(base, "_declared_fields", {})}
    own = [n for n in catalogue if n not in added]
    return {name: catalogue[name] for name in own + [n for n in catalogue if n in added]}


FIELDS = {"company": _ordered(CompanySchema, field_catalogue()["company"]),
          "person": _ordered(PersonSchema, field_catalogue()["person"])}
SECTION_TITLES = {
    "company": {
        "identity": N_("Identity and location"),
        "finances": N_("Size and finances"),
        "certifications": N_("Certifications and labels"),
        "ai": N_("AI activities: compute, corpus, models, products"),
        "procurement": N_("Government procurement"),
        "regulatory": N_("Products, risk tier and data"),
    },
    "person": {
        "person": N_("Who"),
        "identity": N_("Identity"),
        "education": N_("Education"),
        "arrival": N_("Arrival and talent status"),
        "tax": N_("Pay and tax"),
    },
}
# Questions that cannot apply unless another answer says so (hidden by script; marked "skip if not
# applicable" without it). field -> (controlling field, values that make it apply).
HK_IDENTITIES = ["hk_permanent_resident", "hk_entry_scheme_resident"]
SHOW_WHEN = {
    "person": {
        "fx_cny_per_hkd": ("identity", HK_IDENTITIES),
        "works_in_zone": ("identity", HK_IDENTITIES),
        "employer_substantive_operation": ("identity", HK_IDENTITIES),
        "pays_iit_in_zone": ("identity", HK_IDENTITIES),
        "on_hetao_whitelist": ("identity", HK_IDENTITIES),
        "compliance_lookback_ok": ("identity", HK_IDENTITIES),
        "independent_work_in_hetao": ("identity", HK_IDENTITIES),
        "holds_foreign_high_end_talent_letter": ("identity", ["foreign_national"]),
    },
    "company": {
        "hnte_cert_date": ("hnte_certified", ["yes"]),
        "compute_service_contract_amount": ("rents_compute_for_model_training", ["yes", "unknown", ""]),
    },
}
TEXT_TYPES = {"Money", "Count", "Year", "Percent", "Ratio", "Area", "Text", "USCC", "MoneyByYear", "ProjectValues"}
UNITS_SAID_BY_THE_INPUT = {"text", "code", "codes", "yes/no/unknown", "date"}  # no "(unit)" after these labels
UNIT_SHOWN = N_("({unit})")  # after a question's label


@dataclass
class Question:
    """One question as a page shows it."""

    name: str
    html_id: str
    kind: str
    label: str
    hint: str
    unit: str
    unit_text: str  # "(people)" in the page's language; "" when the kind of input says the unit
    choices: list[tuple[str, str]] = field(default_factory=list)
    programs: list[str] = field(default_factory=list)
    value: Any = ""
    money_unit: str = "yuan"
    error: str | None = None
    show_when: tuple[str, list[str]] | None = None
    marker: bool = True  # a list of codes says "answered" by a hidden field (not when asked on its own: its button)


@dataclass
class Section:
    key: str
    title: str
    questions: list[Question]


def prefix(subject: str, index: int | None) -> str:
    return "company-" if subject == "company" else f"person-{index}-"


def build_sections(subject: str, lang: str, catalogue: Any, usage: dict[str, dict[str, list[str]]],
                   raw: dict[str, Any], errors: dict[str, str], index: int | None = None) -> list[Section]:
    """The questions for one subject, grouped by section, with values and errors filled in."""
    head = prefix(subject, index)
    sections = []
    for key in SECTION_ORDER[subject]:
        title = gettext(SECTION_TITLES[subject][key], lang)
        questions = []
        for name, meta in FIELDS[subject].items():
            if meta["section"] != key:
                continue
            choices = []
            if meta["table"]:
                table = catalogue.reference[meta["table"]]
                choices = [(code, names[lang]) for code, names in table.names.items()]
            programs = [catalogue.programs[pid].spec.name[lang] for pid in usage[subject].get(name, [])]
            controller = SHOW_WHEN[subject].get(name)
            questions.append(Question(
                name=name, html_id=f"{head}{name}", kind=meta["type"], label=field_label(meta, lang),
                hint=field_hint(meta, lang, alone=subject == "person"), unit=meta["unit"],
                unit_text="" if meta["unit"] in UNITS_SAID_BY_THE_INPUT else t(
                    UNIT_SHOWN, lang, unit=unit_word(meta["unit"], lang)),
                choices=choices, programs=programs,
                value=raw.get(name, [] if meta["type"] == "CodeList" else ""),
                money_unit=raw.get(f"{name}__unit", "yuan"), error=errors.get(f"{head}{name}"),
                show_when=(f"{head}{controller[0]}", controller[1]) if controller else None))
        if questions:
            sections.append(Section(key=key, title=title, questions=questions))
    return sections


def read_subject(form: MultiDict, subject: str, index: int | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values for the schema, raw values to show again) for one subject from a submitted form."""
    head = prefix(subject, index)
    data: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    for name, meta in FIELDS[subject].items():
        key = head + name
        if meta["type"] == "CodeList":
            values = [v for v in form.getlist(key) if v]
            raw[name] = values
            if key in form or f"{key}__present" in form:
                data[name] = values
            continue
        value = (form.get(key) or "").strip()
        raw[name] = value
        if meta["type"] == "Money":
            unit = form.get(f"{key}__unit", "yuan")
            raw[f"{name}__unit"] = unit
            if value:
                # "1200万" typed with 万元 selected says its unit itself: read it as written, not as 1200万万
                says_unit = unicodedata.normalize("NFKC", value).rstrip("元 ").endswith(("万", "亿"))
                data[name] = value + "万" if unit == "wan" and not says_unit else value
            continue
        if value:
            data[name] = value
    return data, raw


def people_count(form: MultiDict) -> int:
    """How many people a talent form holds (from ``people-count``; at least one, at most 50 on a page)."""
    try:
        count = int(form.get("people-count", "1"))
    except ValueError:
        count = 1
    return max(1, min(count, 50))


def error_targets(flat_errors: list[dict[str, str]]) -> dict[str, str]:
    """Map engine field paths (``company.revenue_latest``, ``people[1].identity``) to form element ids."""
    out: dict[str, str] = {}
    for item in flat_errors:
        path = item["field"]
        if path.startswith("company."):
            target = "company-" + path.split(".", 1)[1]
        elif path.startswith("people["):
            index, _, name = path[len("people["):].partition("].")
            target = f"person-{index}-{name}"
        elif path == "as_of":
            target = "as_of"
        else:
            target = "form"
        out.setdefault(target, item["message"])
    return out
