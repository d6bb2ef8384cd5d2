"""Profile forms generated from the profile schemas' own metadata; parsing that keeps every typed value.

Field names in HTML: ``company-<field>`` and ``person-<index>-<field>``; money fields have a unit choice
``…__unit`` (``yuan`` or ``wan`` for 万元). Blank answers are left out, so the engine treats them as unknown.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from werkzeug.datastructures import MultiDict

from calculator.i18n import N_, gettext, t
from calculator.i18n.words import field_hint, field_label, unit_word
from schemas.profile import SECTION_ORDER, CompanySchema, PersonSchema, field_catalogue
from schemas.projects import MAX_PROJECTS, SEPARATOR


def _ordered(schema: type, catalogue: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The schema's own questions first, then those the wider catalogue added through mixins."""
    added = {name for base in schema.__mro__[1:] if base.__name__.endswith("Fields")
             for name in getattr(base, "_declared_fields", {})}
    own = [n for n in catalogue if n not in added]
    return {name: catalogue[name] for name in own + [n for n in catalogue if n in added]}


FIELDS = {"company": _ordered(CompanySchema, field_catalogue()["company"]),
          "person": _ordered(PersonSchema, field_catalogue()["person"])}
# Per subject and section, its questions in order (a page of a few questions looks at those alone).
BY_SECTION = {subject: {key: [(name, meta) for name, meta in fields.items() if meta["section"] == key]
                        for key in SECTION_ORDER[subject]} for subject, fields in FIELDS.items()}
SECTION_NAMES = {subject: {key: frozenset(name for name, _ in fields) for key, fields in sections.items()}
                 for subject, sections in BY_SECTION.items()}
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
        # the same contract as the city voucher's is entered once (as the contract amount): not asked again
        "compute_purchase_amount": ("compute_same_contract", ["no", "unknown", ""]),
    },
}
TEXT_TYPES = {"Money", "Count", "Year", "Percent", "Ratio", "Area", "Text", "USCC", "MoneyByYear", "ProjectValues"}
UNITS_SAID_BY_THE_INPUT = {"text", "code", "codes", "yes/no/unknown", "date"}  # no "(unit)" after these labels
UNIT_SHOWN = N_("({unit})")  # after a question's label
PROJECT = N_("Project {number}")  # one row of a list of projects
PROJECT_ERROR = N_("Project {number}: {message}")
ADD_PROJECT = "add_project"  # the button that adds a row to a list of projects (its value: the question's id)
ROW_ERROR = re.compile(r"^(?P<name>[a-z0-9_]+)\[(?P<index>\d+)\]$")


@dataclass
class ProjectRow:
    """One project of a list-of-projects question: its own input, named ``<question id>-<index>``."""

    html_id: str
    label: str
    value: str
    error: str | None = None


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
    rows: list[ProjectRow] = field(default_factory=list)  # a list of projects: one row each, and one more to fill
    can_add: bool = False  # a list of projects below its limit: the "Add another project" button
    row_label: str = ""  # a list of projects: "Project {number}" in the page's language (script adds rows in place)
    row_limit: int = MAX_PROJECTS


@dataclass
class Section:
    key: str
    title: str
    questions: list[Question]


def prefix(subject: str, index: int | None) -> str:
    return "company-" if subject == "company" else f"person-{index}-"


def build_sections(subject: str, lang: str, catalogue: Any, usage: dict[str, dict[str, list[str]]],
                   raw: dict[str, Any], errors: dict[str, str], index: int | None = None,
                   names: frozenset[str] | None = None) -> list[Section]:
    """The questions for one subject (or only those of ``names``), grouped by section, with values and errors filled
    in."""
    head = prefix(subject, index)
    sections = []
    for key in SECTION_ORDER[subject]:
        if names is not None and names.isdisjoint(SECTION_NAMES[subject][key]):
            continue  # (the next questions: two or three fields of some sixty)
        title = gettext(SECTION_TITLES[subject][key], lang)
        questions = []
        for name, meta in BY_SECTION[subject][key]:
            if names is not None and name not in names:
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
            if meta["type"] == "ProjectValues":
                project_rows(questions[-1], raw, errors, lang)
        if questions:
            sections.append(Section(key=key, title=title, questions=questions))
    return sections


def project_rows(q: Question, raw: dict[str, Any], errors: dict[str, str], lang: str) -> None:
    """A list-of-projects question's rows: one per project given (in order), plus an empty one to fill (or more,
    after "Add another project"), at most :data:`MAX_PROJECTS`."""
    given = raw.get(q.name) or []
    values = [v.strip() for v in SEPARATOR.split(given)] if isinstance(given, str) else list(given)
    values = [v for v in values if v]
    count = min(MAX_PROJECTS, raw.get(f"{q.name}__rows") or len(values) + 1)  # one empty row to fill, or as asked
    q.value = ""
    q.rows = [ProjectRow(html_id=f"{q.html_id}-{i}", label=t(PROJECT, lang, number=i + 1),
                         value=values[i] if i < len(values) else "", error=errors.get(f"{q.html_id}-{i}"))
              for i in range(count)]
    q.can_add = count < MAX_PROJECTS
    q.row_label = gettext(PROJECT, lang)


def read_projects(form: MultiDict, key: str, name: str, data: dict[str, Any], raw: dict[str, Any]) -> None:
    """A list of projects from its rows (``<key>-0`` …), or as the compact text a link carries (``<key>``): the
    schema reads the same text either way ("max_5m; unknown"); blank rows are no project."""
    rows = [(form.get(f"{key}-{i}") or "").strip() for i in range(MAX_PROJECTS) if f"{key}-{i}" in form]
    text = (form.get(key) or "").strip()
    values = [v for v in rows if v] if rows else [v.strip() for v in SEPARATOR.split(text) if v.strip()]
    raw[name] = values
    if form.get(ADD_PROJECT) == key:  # the rows shown, and one more
        raw[f"{name}__rows"] = max(len(rows), len(values)) + 1
    if values:
        data[name] = "; ".join(values)
    elif text and not rows:
        data[name] = text  # "none" or "unknown": read by the schema as written


def new_row(key: str, raw: dict[str, Any]) -> str | None:
    """The id of the row "Add another project" added to the list ``key`` (``company-<field>``), if it names one."""
    subject, _, name = key.partition("-")
    answers = raw.get("company", {}) if subject == "company" else {}
    rows = answers.get(f"{name}__rows") if FIELDS["company"].get(name, {}).get("type") == "ProjectValues" else None
    return f"{key}-{min(rows, MAX_PROJECTS) - 1}" if rows else None


def first_values(form: MultiDict) -> dict[str, str]:
    """Each field's first value: what ``form.get`` reads, as a plain dictionary (quicker to ask a hundred times)."""
    return {key: values[0] for key, values in form.lists() if values}


def read_subject(form: MultiDict, subject: str, index: int | None = None,
                 first: dict[str, str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values for the schema, raw values to show again) for one subject from a submitted form (``first``: its
    :func:`first_values`, when the caller reads several subjects)."""
    head = prefix(subject, index)
    data: dict[str, Any] = {}
    raw: dict[str, Any] = {}
    first = first_values(form) if first is None else first
    for name, meta in FIELDS[subject].items():
        key = head + name
        if meta["type"] == "CodeList":
            values = [v for v in form.getlist(key) if v]
            raw[name] = values
            if key in form or f"{key}__present" in form:
                data[name] = values
            continue
        if meta["type"] == "ProjectValues":
            read_projects(form, key, name, data, raw)
            continue
        value = (first.get(key) or "").strip()
        raw[name] = value
        if meta["type"] == "Money":
            unit = first.get(f"{key}__unit", "yuan")
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


def error_targets(flat_errors: list[dict[str, str]], lang: str) -> dict[str, str]:
    """Map engine field paths (``company.revenue_latest``, ``people[1].identity``) to form element ids; a project's
    answer (``company.gov_scenario_project_tiers[2]``) to its row, its message saying which project."""
    out: dict[str, str] = {}
    for item in flat_errors:
        path, message = item["field"], item["message"]
        if path.startswith("company."):
            target = "company-" + path.split(".", 1)[1]
        elif path.startswith("people["):
            index, _, name = path[len("people["):].partition("].")
            target = f"person-{index}-{name}"
        elif path == "as_of":
            target = "as_of"
        else:
            target = "form"
        head, _, name = target.rpartition("-")
        row = ROW_ERROR.match(name)
        if head and row:
            number = int(row["index"])
            target = f"{head}-{row['name']}-{number}"
            message = t(PROJECT_ERROR, lang, number=number + 1, message=message)
        out.setdefault(target, message)
    return out
