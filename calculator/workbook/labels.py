"""The workbook's own words: sheet names, headers, notes (English message ids; the Chinese is in the catalogue
of :mod:`calculator.i18n`).

Program names, conditions, flags and every other policy text come from the assessment document (the rule
tables are bilingual); only the workbook's frame is here.
"""

from __future__ import annotations

from calculator.i18n import N_, NC_, gettext, pgettext

SHEETS = {
    "summary": N_("Summary"),
    "programs": N_("Programs"),
    "criteria": N_("Criteria"),
    "gaps": N_("Gaps"),
    "people": N_("People"),
    "permissions": N_("Permissions and obligations"),
    "sources": N_("Sources"),
    "inputs": N_("Inputs"),
}

WORDS = {
    # summary
    "title": N_("Shenzhen AI-industry incentives: estimate"),
    "company": N_("Company"),
    "no_company": N_("(no company: people only)"),
    "people_assessed": N_("People assessed"),
    "as_of": N_("As of"),
    "tables_version": N_("Rule-table version"),
    "engine_version": N_("Engine version"),
    "reference_revision": N_("Policy reference revision"),
    "please_note": N_("Please note"),
    "how_totals": N_("How the totals work"),
    "how_totals_text": N_(
        "The totals below are formulas over the Programs sheet. Cash and tax saved this year are never added "
        "together, and each is split into determined amounts (a formula gives them) and \"up to\" amounts "
        "(competitive). They add every row whose \"Counted in totals\" is above 0, plus any combined-limit "
        "adjustments. A row counts when the program is likely eligible, has a known amount and is not excluded by "
        "stacking. Value usable only in later years and what a certificate would unlock are shown beside them and "
        "never added to anything. People's programs are added up per program on the People sheet. Edit an "
        "estimate, or set a count to 0 or 1, and every total follows. The Inputs sheet holds the profile as "
        "given, so the result can be reproduced."),
    "totals_heading": N_("Estimated support after stacking, by kind of money"),
    "money_kind": N_("Kind of money"),
    "determined_low": N_("Determined, low (CNY)"),
    "determined_high": N_("Determined, high (CNY)"),
    "up_to": N_("Competitive, up to (CNY)"),
    "determined_low_wan": N_("Determined, low (CNY 10,000)"),
    "determined_high_wan": N_("Determined, high (CNY 10,000)"),
    "up_to_wan": N_("Competitive, up to (CNY 10,000)"),
    "beside_heading": N_("Beside these, never added to any total"),
    "beside_what": N_("What"),
    "beside_amount": N_("Up to / about (CNY)"),
    "beside_amount_wan": N_("Up to / about (CNY 10,000)"),
    "later_years": N_("Later years, up to (CNY; not added)"),
    "if_certified": N_("If certified (CNY; not added)"),
    "family_heading": N_("By family"),
    "cash_determined_low": N_("Cash, determined, low (CNY)"),
    "cash_determined_high": N_("Cash, determined, high (CNY)"),
    "cash_up_to": N_("Cash, up to (CNY)"),
    "tax_this_year_determined_low": N_("Tax this year, determined, low (CNY)"),
    "tax_this_year_determined_high": N_("Tax this year, determined, high (CNY)"),
    "tax_this_year_up_to": N_("Tax this year, up to (CNY)"),
    "size_class": N_("SME size class"),
    "not_classified": N_("not classified"),
    "family": N_("Family"),
    "programs_counted": N_("Programs counted"),
    "low": N_("Low (CNY)"),
    "high": N_("High (CNY)"),
    "low_wan": N_("Low (CNY 10,000)"),
    "high_wan": N_("High (CNY 10,000)"),
    "unknown_amounts": N_("Likely eligible, amount unknown"),
    "needs_info": N_("Need information"),
    "adjustments_heading": N_("Combined-limit adjustments (included in the totals above)"),
    "adjustment": N_("Why"),
    "chart_heading": N_("Estimated support by program (what the totals count)"),
    "chart_title": N_("Estimated support by program (CNY)"),
    "no_chart": N_("No program has a known amount that counts in the totals yet."),
    "program": N_("Program"),
    # programs
    "subject": N_("For"),
    "people_subject": N_("People ({n})"),
    "person": N_("Person {n}"),
    "program_id": N_("Program ID"),
    "status": N_("Status"),
    "status_code": N_("Status (code)"),
    "certainty": N_("Certainty"),
    "confidence": N_("Confidence"),
    "counts": N_("Counted in totals (1 = yes; people: how many)"),
    "counts_person": N_("Counted in totals (1 = yes)"),
    "amount": N_("Estimate as read"),
    "flags": N_("Notes and flags"),
    "window": N_("Application window"),
    "opens": N_("Window opens"),
    "closes": N_("Window closes"),
    "excluded": N_("Excluded by stacking"),
    "reasons": N_("Why / what is missing"),
    "sources": N_("Sources"),
    "official_text": N_("Official text"),
    "checked": N_("Sources last checked"),
    "needs": N_("Needs: {items}"),
    "taken_instead": N_("{text} Taken instead: {chosen}"),
    "people_status": N_("{count} × {status}"),
    "people_counted": N_("{k} of {n} people counted"),
    "people_excluded": N_("{k} people: {text}"),
    "see_criteria": N_("Per person: see the People and Criteria sheets."),
    "more_flags": N_("… and {n} more (see the People sheet)"),
    # people
    "person_no": N_("#"),
    "person_ref": N_("Person"),
    "department": N_("Department"),
    "per_program": N_("Totals per program"),
    "per_person": N_("Totals per person"),
    "people_counted_col": N_("People counted"),
    "kind_col": N_("Kind of money"),
    # criteria
    "criterion": N_("Criterion"),
    "requirement": N_("Requirement"),
    "value_given": N_("Value given"),
    "result": N_("Result"),
    "note": N_("Note"),
    # gaps
    "input": N_("Input"),
    "current": N_("Current value"),
    "required": N_("Required value"),
    "change": N_("Change needed"),
    "unlocks_low": N_("Unlocks, low (CNY)"),
    "unlocks_high": N_("Unlocks, high (CNY)"),
    "unlocks": N_("What it unlocks"),
    "explanation": N_("Explanation"),
    "no_gaps": N_("No near misses: no failed numeric condition could be priced."),
    "self_check_gap": N_("{title}: {condition}"),
    # permissions
    "type": N_("Type"),
    "item": N_("Permission or obligation"),
    "article": N_("Article"),
    "applies": N_("Applies"),
    "no_items": N_("No permissions or obligations for this assessment."),
    # sources
    "source_number": NC_("numbered source", "No."),
    "source_quality": N_("What the source is"),
    "title_col": N_("Title"),
    "address": N_("Address"),
    "other_addresses": N_("Other addresses"),
    "cited_by": N_("Cited by"),
    # inputs
    "subject_code": N_("Subject (code)"),
    "field": N_("Field (code)"),
    "label": N_("Question"),
    "value_as_given": N_("Value as given"),
    "reads_as": N_("Reads as"),
    "none_given": N_("none"),
    "people_inputs": N_("People (one row each; columns are the field codes)"),
    # cells
    "cut": N_(" … [cut: the full text has {n:,} characters, more than the 32,767 a cell can hold]"),
    "file_prefix": N_("incentive-assessment"),
}

# Whether a permission or obligation applies (a value, unlike the column header "Applies").
APPLIES = {
    "met": NC_("whether an item applies", "Applies"),
    "unknown": NC_("whether an item applies", "Depends on an unanswered question"),
    "not_met": NC_("whether an item applies", "Does not apply"),
}


def word(key: str, lang: str, **params: object) -> str:
    text = gettext(WORDS[key], lang)
    return text.format(**params) if params else text


def sheet_name(key: str, lang: str) -> str:
    return gettext(SHEETS[key], lang)


def applies(code: str, lang: str) -> str:
    """Whether an item applies (``met`` / ``unknown`` / ``not_met``), in words; an unknown code as given."""
    msgid = APPLIES.get(code)
    return code if msgid is None else pgettext("whether an item applies", msgid, lang)
