"""Downloadable input templates (xlsx): one for companies, one for people, each in Chinese or English.

The first sheet has one column per profile field, headed with the question in the template's language (and its
unit), then the field name; the header row wraps and is as tall as its longest header needs. Choices and yes/no
answers get dropdowns offering the names in the template's language (from the reference tables: the same source
the forms and the schemas check); a code, or a name in the other language, may still be typed (the dropdown then
warns but accepts it, and the reader reads it). The Instructions sheet says how the reader reads a cell and lists
every column with its unit, what to write, why it is asked and two example rows, which are not read (only the first
sheet is); the Lists sheet holds the names the dropdowns offer and every code with its names in both languages.
"""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from calculator.batch.columns import FIELDS, KINDS, UNSAID_UNITS, header_question, header_text
from calculator.batch.layout import fitted_width, row_height
from calculator.i18n import N_, NC_, gettext, lang_of, pgettext, t
from calculator.i18n.words import answer, field_hint, field_label, joined, unit_word

DATA_SHEET = {"companies": N_("Companies"), "people": N_("People")}  # the reader finds them by these names
INSTRUCTIONS_SHEET = NC_("template sheet", "Instructions")
LISTS_SHEET = NC_("template sheet", "Lists")
TEMPLATE_ROWS = 5000
ANSWERS = (True, False, None)
NONE = NC_("answer", "none")  # none of the choices of a list (what the schema reads as an empty list)
# Example rows: codes and yes/no as the schema reads them, shown in the template's language.
EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "people": [
        {"ref": "E01 Zhang Wei", "department": "R&D", "identity": "mainland", "degree": "phd",
         "introduction_date": "2019-07-01", "tax_year": 2025, "annual_gross_income": 900000,
         "special_deductions": 36000, "pays_iit_in_shenzhen": True, "works_in_zone": False},
        {"ref": "E03 Chan Tai Man", "department": "R&D", "identity": "hk_permanent_resident", "degree": "master",
         "introduction_date": "2020-05-01", "tax_year": 2025, "annual_gross_income": 1200000,
         "special_deductions": 36000, "pays_iit_in_shenzhen": True, "employer_zone_flags": ["qianhai"],
         "works_in_zone": True, "recognised_high_end_or_shortage_talent": True},
    ],
    "companies": [
        {"name": "Example Seed AI Ltd 示例初创", "entity_type": "enterprise", "registration_district": "nanshan",
         "operating_district": "nanshan", "founding_date": "2023-03-01", "employees": 18, "st_staff": 12,
         "revenue_latest": 2000000, "in_ai_or_robotics_industry": True,
         "rents_compute_for_model_training": True, "compute_service_contract_amount": 1500000},
        {"name": "Example Scale-up 示例高企", "entity_type": "enterprise", "registration_district": "futian",
         "operating_district": "futian", "founding_date": "2016-06-01", "employees": 220, "st_staff": 60,
         "revenue_latest": 95000000, "revenue_3y": 240000000, "rd_expense_3y": 14000000,
         "hnte_certified": True, "hnte_cert_date": "2024-12-01", "in_ai_or_robotics_industry": True},
    ],
}
INSTRUCTIONS = [
    N_("How to fill this template"),
    N_("Only the first sheet ({sheet}) is read: one row per {subject}, below its header row. Leave a cell blank "
       "when you do not know; a blank is read as not known."),
    N_("Keep the header row. Each header is the question, then the field name; a header holding only the field "
       "name, or only the question in Chinese or English, is recognised too. Columns may be removed or reordered; "
       "a column that matches no question is named in the results and ignored; two columns for the same question "
       "refuse the file."),
    N_("Money in CNY (yuan): 1234567, 1,234,567, 120万 or 1.2亿. Percentages as 37.5 or 37.5% (not 0.375). Dates "
       "year first: 2020-05-01, 2020/5/1, 2020.05.01 or 2020年5月1日 (2/1/2020 is refused: it could be either)."),
    N_("Yes/no questions: pick from the dropdown; yes, no, unknown, 是, 否 and 不确定 are all read."),
    N_("Choices: pick a name from the dropdown. The reader also reads the name in Chinese or in English and the "
       "code (all on the Lists sheet); anything else rejects the row, saying which cell."),
    N_("Several zones: separate them with commas or 、; write none (or 无) for none of them; a blank cell means "
       "not known."),
    N_("You may also save the first sheet as CSV (UTF-8 or GBK) or as Unicode Text. The examples in the table below "
       "are not read: copy them into the first sheet to try."),
    N_("Every row is either assessed or rejected with its errors (sheet, row, column, value, message)."),
]
SUBJECT_WORDS = {"companies": NC_("one row per", "company"), "people": NC_("one row per", "person")}
COLUMN_HEADINGS = (N_("Question"), NC_("template column", "Unit"), N_("What to write"), N_("Why it is asked"),
                   N_("Field name"))
EXAMPLE_HEADING = N_("Example {number} (not read)")
HEADER_FILL = PatternFill("solid", fgColor="DDE7F0")
BOLD = Font(bold=True)


def _text(ws: Any, row: int, column: int, value: Any) -> Any:
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever it starts with
    return cell


def names_in(catalogue: Any, table: str, lang: str) -> dict[str, str]:
    """Code → its name in ``lang`` (the code itself when the table gives none), in the table's order."""
    reference = catalogue.reference.get(table)
    names = reference.names if reference is not None else {}
    codes = [code for code in names if code in catalogue.choices.get(table, ())]
    codes += sorted(set(catalogue.choices.get(table, ())) - set(codes))
    return {code: (names.get(code) or {}).get(lang) or code for code in codes}


def shown(catalogue: Any, meta: dict[str, Any], value: Any, lang: str) -> Any:
    """An example value as the template's reader would type it: names, not codes."""
    if isinstance(value, bool) or (value is None and meta["type"] == "TriState"):
        return answer(value, lang)
    if meta.get("table") and isinstance(value, list):
        if not value:
            return pgettext("answer", NONE, lang)
        names = names_in(catalogue, meta["table"], lang)
        return joined([names.get(code, code) for code in value], lang)
    if meta.get("table") and isinstance(value, str):
        return names_in(catalogue, meta["table"], lang).get(value, value)
    return value


def choices_of(catalogue: Any, meta: dict[str, Any], lang: str) -> list[str] | None:
    """What a dropdown offers for this field in ``lang``; None for a field without one (lists of codes too)."""
    if meta["type"] == "TriState":
        return [answer(value, lang) for value in ANSWERS]
    if meta["type"] == "Code":
        return list(names_in(catalogue, meta["table"], lang).values())
    return None


def build_template(catalogue: Any, kind: str, lang: str) -> bytes:
    """The xlsx template for ``kind`` (``companies`` or ``people``) in ``lang``, as bytes."""
    lang = lang_of(lang)
    fields = FIELDS[KINDS[kind]]
    wb = Workbook()
    data = wb.active
    data.title = gettext(DATA_SHEET[kind], lang)
    instructions = wb.create_sheet(pgettext("template sheet", INSTRUCTIONS_SHEET, lang))
    lists = wb.create_sheet(pgettext("template sheet", LISTS_SHEET, lang))
    widths = _header_row(data, fields, lang)
    ranges = _lists(lists, catalogue, fields, lang)
    for column, meta in enumerate(fields.values(), 1):
        offered = choices_of(catalogue, meta, lang)
        if offered is None:
            continue
        letter = get_column_letter(column)
        widths[column] = max(widths[column], min(32.0, max(len(v) for v in offered) * 1.1 + 2))
        data.column_dimensions[letter].width = widths[column]
        rule = DataValidation(type="list", formula1=f"={ranges[meta['table'] or 'yes_no']}", allow_blank=True,
                              showErrorMessage=True, errorStyle="warning",
                              errorTitle=gettext(N_("Not one of the listed names"), lang),
                              error=gettext(N_("The reader also reads the code and the name in Chinese or English "
                                               "(see the Lists sheet); anything else rejects the row."), lang))
        rule.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
        data.add_data_validation(rule)
    _instructions(instructions, catalogue, kind, fields, lang, data.title)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _header_row(ws: Any, fields: dict[str, dict[str, Any]], lang: str) -> dict[int, float]:
    """The data sheet's header row: wrapped, each column as wide as its question needs, the row as tall as the
    tallest header needs at those widths; frozen with the first column (who the row is)."""
    widths: dict[int, float] = {}
    cells: list[tuple[str, float]] = []
    for column, (name, meta) in enumerate(fields.items(), 1):
        header = header_text(name, meta, lang)
        widths[column] = fitted_width([header_question(meta, lang), name])
        cell = _text(ws, 1, column, header)
        cell.font, cell.fill = BOLD, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(column)].width = widths[column]
        cells.append((header, widths[column]))
    ws.row_dimensions[1].height = row_height(cells)
    ws.freeze_panes = "B2"
    return widths


def _lists(ws: Any, catalogue: Any, fields: dict[str, dict[str, Any]], lang: str) -> dict[str, str]:
    """The names each dropdown offers (one column per table, headed by the questions using it), then every code of
    every choice (lists too) with its names in both languages. Returns table → the cell range a dropdown reads."""
    users: dict[str, list[str]] = {}
    for meta in fields.values():
        if choices_of(catalogue, meta, lang) is not None:
            users.setdefault(meta["table"] or "yes_no", []).append(field_label(meta, lang))
    ranges: dict[str, str] = {}
    sheet = quote_sheetname(ws.title)
    for column, (table, questions) in enumerate(users.items(), 1):
        letter = get_column_letter(column)
        heading = pgettext("template list", "Yes / no", lang) if table == "yes_no" else joined(questions[:3], lang)
        cell = _text(ws, 1, column, heading)
        cell.font, cell.alignment = BOLD, Alignment(wrap_text=True, vertical="top")
        offered = [answer(v, lang) for v in ANSWERS] if table == "yes_no" else \
            list(names_in(catalogue, table, lang).values())
        for row, value in enumerate(offered, 2):
            _text(ws, row, column, value)
        ranges[table] = f"{sheet}!${letter}$2:${letter}${len(offered) + 1}"
        ws.column_dimensions[letter].width = 30
    ws.row_dimensions[1].height = row_height([(ws.cell(1, c).value, 30) for c in range(1, len(users) + 1)])
    start = len(users) + 2
    headings = (pgettext("template column", "Code", lang), pgettext("written in that language", "English", "zh"),
                pgettext("written in that language", "English", "en"), gettext(N_("Question"), lang))
    for offset, heading in enumerate(headings):
        _text(ws, 1, start + offset, heading).font = BOLD
        ws.column_dimensions[get_column_letter(start + offset)].width = 30
    asking: dict[str, list[str]] = {}
    for meta in fields.values():
        if meta.get("table"):
            asking.setdefault(meta["table"], []).append(field_label(meta, lang))
    row = 2
    for table, questions in asking.items():
        for code in names_in(catalogue, table, lang):
            for offset, value in enumerate((code, names_in(catalogue, table, "zh")[code],
                                            names_in(catalogue, table, "en")[code], joined(questions, lang))):
                _text(ws, row, start + offset, value)
            row += 1
    return ranges


def _instructions(ws: Any, catalogue: Any, kind: str, fields: dict[str, dict[str, Any]], lang: str,
                  sheet: str) -> None:
    """How the reader reads the template, then every column: question, unit, what to write, why, field name and
    the example rows (not read)."""
    subject = pgettext("one row per", SUBJECT_WORDS[kind], lang)
    for row, line in enumerate(INSTRUCTIONS, 1):
        cell = _text(ws, row, 1, t(line, lang, sheet=sheet, subject=subject))
        if row == 1:
            cell.font = Font(bold=True, size=13)
    top = len(INSTRUCTIONS) + 2
    examples = EXAMPLES[kind]
    headings = [gettext(h, lang) if h != COLUMN_HEADINGS[1] else pgettext("template column", h, lang)
                for h in COLUMN_HEADINGS]
    headings[4:4] = [t(EXAMPLE_HEADING, lang, number=n) for n in range(1, len(examples) + 1)]
    column_widths = [34, 12, 34, 60] + [24] * len(examples) + [30]
    for column, (heading, width) in enumerate(zip(headings, column_widths, strict=True), 1):
        cell = _text(ws, top, column, heading)
        cell.font, cell.fill, cell.alignment = BOLD, HEADER_FILL, Alignment(wrap_text=True, vertical="top")
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.freeze_panes = f"A{top + 1}"
    for row, (name, meta) in enumerate(fields.items(), top + 1):
        offered = choices_of(catalogue, meta, lang)
        what = joined(offered, lang) if offered else ""
        if meta["type"] == "CodeList":
            what = joined(names_in(catalogue, meta["table"], lang).values(), lang)
        unit = "" if meta["unit"] in UNSAID_UNITS else unit_word(meta["unit"], lang)
        values = [field_label(meta, lang), unit, what, field_hint(meta, lang, alone=kind == "people"),
                  *(shown(catalogue, meta, example.get(name), lang) if name in example else None
                    for example in examples), name]
        for column, value in enumerate(values, 1):
            if value not in (None, ""):
                _text(ws, row, column, value).alignment = Alignment(wrap_text=True, vertical="top")
        ws.row_dimensions[row].height = row_height([(str(v), w) for v, w in zip(values, column_widths, strict=True)
                                                    if v not in (None, "")])


def template_name(kind: str, lang: str) -> str:
    return f"incentives-template-{kind}-{lang_of(lang)}.xlsx"
