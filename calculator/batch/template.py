"""Downloadable input templates (xlsx): one for companies, one for people.

The data sheet has one column per profile field, headed in both languages with the unit; codes and yes/no
answers get dropdowns fed from the reference tables (the same source the forms and the schemas check);
an Examples sheet shows filled rows, an Instructions sheet explains the rest, a Lists sheet holds the codes.
A template is read in either language, so its words are in both (English, then Chinese, from the catalogue).
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from calculator.batch.columns import FIELDS, KINDS, header_text
from calculator.i18n import N_, NC_, bilingual, gettext, pgettext
from calculator.i18n.words import answer, field_hint, field_label


def both(msgid: str, between: str = " ", context: str | None = None) -> str:
    """English and Chinese together: ``Examples 示例``."""
    texts = bilingual(msgid, context)
    return f"{texts['en']}{between}{texts['zh']}"


DATA_SHEET = {"companies": both(N_("Companies")), "people": both(N_("People"))}
EXAMPLES_SHEET = both(NC_("template sheet", "Examples"), context="template sheet")
LISTS_SHEET = both(NC_("template sheet", "Lists"), context="template sheet")
INSTRUCTIONS_SHEET = both(NC_("template sheet", "Instructions"), context="template sheet")
TEMPLATE_ROWS = 5000
# The answers a yes/no column offers, in English then Chinese (the schema reads both).
YES_NO = [answer(value, lang) for lang in ("en", "zh") for value in (True, False, None)]
EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "people": [
        {"ref": "E01 Zhang Wei", "department": "R&D", "identity": "mainland", "degree": "phd",
         "introduction_date": "2019-07-01", "tax_year": 2025, "annual_gross_income": 900000,
         "special_deductions": 36000, "pays_iit_in_shenzhen": "yes", "works_in_zone": "no"},
        {"ref": "E03 Chan Tai Man", "department": "R&D", "identity": "hk_permanent_resident", "degree": "master",
         "introduction_date": "2020-05-01", "tax_year": 2025, "annual_gross_income": 1200000,
         "special_deductions": 36000, "pays_iit_in_shenzhen": "yes", "employer_zone_flags": "qianhai",
         "works_in_zone": "yes", "recognised_high_end_or_shortage_talent": "yes"},
    ],
    "companies": [
        {"name": "Example Seed AI Ltd 示例初创", "entity_type": "enterprise", "registration_district": "nanshan",
         "operating_district": "nanshan", "founding_date": "2023-03-01", "employees": 18, "st_staff": 12,
         "revenue_latest": 2000000, "in_ai_or_robotics_industry": "yes",
         "rents_compute_for_model_training": "yes", "compute_service_contract_amount": 1500000},
        {"name": "Example Scale-up 示例高企", "entity_type": "enterprise", "registration_district": "futian",
         "operating_district": "futian", "founding_date": "2016-06-01", "employees": 220, "st_staff": 60,
         "revenue_latest": 95000000, "revenue_3y": 240000000, "rd_expense_3y": 14000000,
         "hnte_certified": "yes", "hnte_cert_date": "2024-12-01", "in_ai_or_robotics_industry": "yes"},
    ],
}
INSTRUCTIONS = [
    N_("How to fill this template"),
    N_("One row per {subject}, below the header row of the first sheet. Leave a cell blank when you do not know."),
    N_("Keep the header row: the first line of each header is the field name; Chinese or English labels alone are "
       "also recognised. Columns may be removed or reordered; unknown columns are reported and ignored."),
    N_("Money in CNY (yuan): 1234567, 1,234,567 or 120万. Percentages as 37.5 (not 0.375). Dates as YYYY-MM-DD."),
    N_("Yes/no questions: yes, no, unknown (or 是, 否, 不确定). Codes: pick from the dropdown (see the Lists sheet), "
       "or write the name (南山区, Nanshan)."),
    N_("Several zones: separate the codes with commas; none of them: write none (a blank cell means not known)."),
    N_("The Examples sheet shows filled rows; it is not read. You may also save the first sheet as CSV (UTF-8 or "
       "GBK)."),
    N_("Every row is either assessed or rejected with its errors (sheet, row, column, value, message)."),
]
SUBJECT_WORDS = {"companies": NC_("one row per", "company"), "people": NC_("one row per", "person")}


def _text(ws: Any, row: int, column: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
    return cell


def build_template(catalogue: Any, kind: str) -> bytes:
    """The xlsx template for ``kind`` (``companies`` or ``people``), as bytes."""
    fields = FIELDS[KINDS[kind]]
    names = list(fields)
    wb = Workbook()
    data = wb.active
    data.title = DATA_SHEET[kind]
    examples = wb.create_sheet(EXAMPLES_SHEET)
    instructions = wb.create_sheet(INSTRUCTIONS_SHEET)
    lists = wb.create_sheet(LISTS_SHEET)
    header_fill = PatternFill("solid", fgColor="DDE7F0")
    for ws in (data, examples):
        for column, name in enumerate(names, 1):
            cell = _text(ws, 1, column, header_text(name, fields[name]))
            cell.font = Font(bold=True)
            cell.fill = header_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.column_dimensions[get_column_letter(column)].width = 22
        ws.row_dimensions[1].height = 64
        ws.freeze_panes = "A2"
    for row, example in enumerate(EXAMPLES[kind], 2):
        for column, name in enumerate(names, 1):
            if name in example:
                _text(examples, row, column, example[name])
    # code lists: one column per table, codes then their names
    tables = sorted({meta["table"] for meta in fields.values() if meta.get("table")})
    ranges: dict[str, str] = {}
    sources = [("yes_no", YES_NO)] + [(t, sorted(catalogue.choices.get(t, ()))) for t in tables]
    for column, (table, codes) in enumerate(sources, 1):
        letter = get_column_letter(column)
        _text(lists, 1, column, table).font = Font(bold=True)
        for row, code in enumerate(codes, 2):
            _text(lists, row, column, code)
        ranges[table] = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(codes) + 1}"
        lists.column_dimensions[letter].width = 26
    # readable code names next to the lists, for people choosing
    offset = len(sources) + 2
    _text(lists, 1, offset, both(NC_("template column", "code"), " / ", "template column")).font = Font(bold=True)
    _text(lists, 1, offset + 1, pgettext("written in that language", "English", "zh")).font = \
        Font(bold=True)
    _text(lists, 1, offset + 2, pgettext("written in that language", "English", "en")).font = \
        Font(bold=True)
    row = 2
    for table in tables:
        reference = catalogue.reference.get(table)
        for code in sorted(catalogue.choices.get(table, ())):
            label = reference.names.get(code, {}) if reference is not None else {}
            _text(lists, row, offset, f"{table}: {code}")
            _text(lists, row, offset + 1, label.get("zh", ""))
            _text(lists, row, offset + 2, label.get("en", ""))
            row += 1
    for column, name in enumerate(names, 1):
        meta = fields[name]
        source = "yes_no" if meta["type"] == "TriState" else meta["table"] if meta["type"] == "Code" else None
        if source is None:
            continue
        letter = get_column_letter(column)
        rule = DataValidation(type="list", formula1=f"={ranges[source]}", allow_blank=True, showErrorMessage=True,
                              errorTitle=both(N_("Not in the list")), error=both(N_("Pick a value from the list.")))
        rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        data.add_data_validation(rule)
    lines: list[str] = []
    for lang in ("en", "zh"):
        subject = pgettext("one row per", SUBJECT_WORDS[kind], lang)
        lines += [gettext(line, lang).format(subject=subject) for line in INSTRUCTIONS] + [""]
    lines += [both(N_("Columns:"))]
    for row, line in enumerate(lines, 1):
        cell = _text(instructions, row, 1, line)
        if row in (1, len(INSTRUCTIONS) + 2):
            cell.font = Font(bold=True, size=12)
    start = len(lines) + 1
    for offset_row, name in enumerate(names):
        meta = fields[name]
        values = [name, field_label(meta, "zh"), field_label(meta, "en"), meta["unit"], field_hint(meta, "zh"),
                  field_hint(meta, "en")]
        for column, value in enumerate(values, 1):
            _text(instructions, start + offset_row, column, value)
    instructions.column_dimensions["A"].width = 40
    for letter in "BCDEF":
        instructions.column_dimensions[letter].width = 40
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_name(kind: str) -> str:
    return f"incentives-template-{kind}.xlsx"
