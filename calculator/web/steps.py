"""The short first step (a dozen questions, then the results) and results reopened from a "keep or share" link.

Both end on the same results page as the page of all questions (:func:`calculator.web.views.assessed`), with the
next questions ranked by the engine beside them. Nothing is stored: the answers travel in the page and the link.
"""

from __future__ import annotations

from typing import Any

from flask import render_template, request

from calculator.i18n import N_, gettext
from calculator.i18n.words import labelled
from calculator.web import forms, next_questions, travel
from calculator.web.i18n import current_lang
from calculator.web.since import since_section
from calculator.web.views import assessed, bp, catalogue, load_input, read_form, usage
from calculator.workbook import NoComparison, read_run

SUBJECT = {"company": "company", "talent": "person"}
LINK_FAILED = N_("This link could not be opened")
WORKBOOK_FAILED = N_("This workbook could not be opened")
NOT_A_WORKBOOK = N_("This file is not a results workbook from this calculator, or it is damaged: upload the Excel "
                    "workbook you downloaded from a results page (its Inputs sheet holds your answers).")
NO_FILE = N_("Choose the workbook to upload.")


def start_page(kind: str, raw: dict[str, Any], errors: dict[str, str], status: int = 200) -> tuple[str, int]:
    """The first-step questions of ``kind`` with the answers given so far (one person on the talent page)."""
    lang = current_lang()
    subject = SUBJECT[kind]
    answers = raw.get("company", {}) if kind == "company" else (raw.get("people") or [{}])[0]
    sections = next_questions.first_step(
        forms.build_sections(subject, lang, catalogue(), usage(), answers, errors, None if kind == "company" else 0),
        subject)
    labels = {q.html_id: q.label for s in sections for q in s.questions}
    summary = [(target, labelled(labels[target], message, lang) if target in labels else message)
               for target, message in errors.items()]
    return render_template("start.html", kind=kind, sections=sections, errors=summary,
                           count=sum(len(s.questions) for s in sections), as_of=raw.get("as_of", "")), status


def start(kind: str) -> tuple[str, int]:
    if request.method == "GET":
        return start_page(kind, {}, {})
    data, raw = read_form(kind)
    if "switch_lang" in request.form:  # the language switch keeps every answer
        return start_page(kind, raw, {})
    checked, errors = load_input(data, raw)
    if checked is None:
        return start_page(kind, raw, errors, status=422)
    return assessed(kind, data, raw)


@bp.route("/company/start", methods=["GET", "POST"])
def company_start() -> tuple[str, int]:
    return start("company")


@bp.route("/talent/start", methods=["GET", "POST"])
def talent_start() -> tuple[str, int]:
    return start("talent")


@bp.get("/results")
def shared() -> tuple[str, int]:
    """Results from a link's answers, read through the same form reading and schema as a submitted form."""
    lang = current_lang()
    try:
        kind, form = travel.read_token(request.args.get("a", ""))
    except travel.LinkError as problem:
        return render_template("refused.html", heading=gettext(LINK_FAILED, lang), message=problem.render(lang)), 400
    data, raw = read_form(kind, form)
    return assessed(kind, data, raw)  # answers the schema refuses: the page of all questions, every error shown


@bp.post("/restore")
def restore() -> tuple[str, int]:
    """Results again from the Inputs sheet of a workbook this calculator wrote, assessed under today's rules, with
    what moved since the workbook's run (read, not kept; the request is bounded by the app's MAX_CONTENT_LENGTH)."""
    lang = current_lang()
    upload = request.files.get("workbook")
    if upload is None or not upload.filename:
        return render_template("refused.html", heading=gettext(WORKBOOK_FAILED, lang),
                               message=gettext(NO_FILE, lang)), 400
    try:
        profile, earlier = read_run(upload.read())
        kind, form = travel.answers_form(profile)
    except travel.LinkError as problem:
        return render_template("refused.html", heading=gettext(WORKBOOK_FAILED, lang),
                               message=problem.render(lang)), 400
    except ValueError:
        return render_template("refused.html", heading=gettext(WORKBOOK_FAILED, lang),
                               message=gettext(NOT_A_WORKBOOK, lang)), 400
    data, raw = read_form(kind, form)
    carried = None if isinstance(earlier, NoComparison) else travel.since_token(earlier, data, raw["as_of"])
    return assessed(kind, data, raw, lambda assessment, lang: since_section(earlier, assessment, lang, carried))
