"""Web pages: home, company and talent forms, results, catalogue, how it works. Views only translate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from calculator.engine import CERTAINTY, CONFIDENCE, FAMILY_NAMES, Assessment, describe_catalogue, field_usage
from calculator.i18n import LANGS, N_, NC_, gettext, other_lang, pgettext, t
from calculator.i18n.words import labelled
from calculator.service import Checked, InputRejected, Service
from calculator.web import forms, next_questions, travel
from calculator.web.card_view import card_view
from calculator.web.cards import card_tails, group_cards
from calculator.web.chart import support_chart
from calculator.web.i18n import HTML_LANG, _, current_lang
from calculator.web.sources import numbered
from calculator.workbook import XLSX_MIMETYPE, build_workbook, content_disposition, download_name

bp = Blueprint("web", __name__)
EXPIRED = N_("This form was open too long or its security token was missing, so it was not sent. "
             "Your answers are kept: please check them and submit again.")
CHART_TITLE = N_("Estimated support by program")
# The language switch is written in the language it switches to: "中文" on an English page.
SWITCH = "written in that language"
SWITCH_WORDS = {"site": NC_("written in that language", "English"),
                "form": NC_("written in that language", "Switch to English (keeps your answers)"),
                "results": NC_("written in that language", "See these results in English")}


def translated(words: dict[str, str], lang: str) -> dict[str, str]:
    """A table of message ids by key, in ``lang``."""
    return {key: gettext(msgid, lang) for key, msgid in words.items()}


def catalogue() -> Any:
    return current_app.extensions["catalogue"]


def service() -> Service:
    found: Service = current_app.extensions["service"]
    return found


def usage() -> dict[str, dict[str, list[str]]]:
    found = current_app.extensions.get("field_usage")
    if found is None:
        found = current_app.extensions["field_usage"] = field_usage(catalogue())
    return found


@bp.app_context_processor
def page_context() -> dict[str, Any]:
    lang = current_lang()
    other = other_lang(lang)
    return {"lang": lang, "html_lang": HTML_LANG[lang], "other_lang": other, "other_html_lang": HTML_LANG[other],
            "switch": {key: pgettext(SWITCH, msgid, other) for key, msgid in SWITCH_WORDS.items()}}


@bp.after_request
def remember_language(response: Response) -> Response:
    """Remember a language chosen on a page (web pages only: API clients get no cookie)."""
    chosen = request.args.get("lang")
    if chosen in LANGS:
        response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="Lax", httponly=True,
                            secure=current_app.config.get("SESSION_COOKIE_SECURE", False))
    return response


@bp.get("/")
def home() -> str:
    return render_template("home.html")


@bp.get("/about")
def about() -> str:
    return render_template("about.html")


@bp.get("/programs")
def programs() -> str:
    lang = current_lang()
    family = request.args.get("family", "")
    query = request.args.get("q", "").strip().lower()
    describe = describe_catalogue(catalogue())
    entries = describe["programs"]
    if family:
        entries = [e for e in entries if e["family"] == family]
    if query:  # names and summaries in both languages: the same programs are found whatever the page's language
        entries = [e for e in entries if query in " ".join(
            [e["id"], e["name"]["zh"], e["name"]["en"], e["summary"]["zh"], e["summary"]["en"]]).lower()]
    cited = {e["id"]: numbered(e, catalogue().sources, lang) for e in entries}
    return render_template("programs.html", entries=entries, family=family, query=request.args.get("q", ""),
                           families=translated(FAMILY_NAMES, lang), cited=cited,
                           certainty=translated(CERTAINTY, lang), confidence=translated(CONFIDENCE, lang),
                           revision=describe["reference_revision"])


def form_page(kind: str, raw: dict[str, Any], errors: dict[str, str], status: int = 200,
              notice: str | None = None, focus: str | None = None) -> tuple[str, int]:
    """The form again with the answers kept; ``focus``: the id of the field the keyboard should land on."""
    lang = current_lang()
    if kind == "company":
        sections = forms.build_sections("company", lang, catalogue(), usage(), raw.get("company", {}), errors)
        people = []
    else:
        sections = []
        people = [forms.build_sections("person", lang, catalogue(), usage(), person, errors, index)
                  for index, person in enumerate(raw.get("people") or [{}])]
    labels = {q.html_id: q.label for s in sections for q in s.questions}
    if len(people) > 1:  # "Person 2 · Annual income: …": the summary says whose answer is wrong
        word = _("Person")
        labels |= {q.html_id: f"{word} {index + 1} · {q.label}"
                   for index, group in enumerate(people) for s in group for q in s.questions}
    else:
        labels |= {q.html_id: q.label for group in people for s in group for q in s.questions}
    summary = [(target, labelled(labels[target], message, lang) if target in labels else message)
               for target, message in errors.items()]
    return render_template(f"{kind}.html", sections=sections, people=people, errors=summary, notice=notice,
                           as_of=raw.get("as_of", ""), focus=focus), status


def read_form(kind: str, form: MultiDict[str, str] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the schema's input, the raw answers to show again) from the submitted form (or a link's answers)."""
    form = request.form if form is None else form
    if form.get("answered"):  # a list of codes asked on its own is answered (none ticked: none) by its own button only
        form = MultiDict(form)
        form.add(f"{form['answered']}__present", "1")
    if kind == "company":
        data, raw = forms.read_subject(form, "company")
        return {"company": data}, {"company": raw, "as_of": form.get("as_of", "")}
    count = forms.people_count(form)
    people_data, people_raw = [], []
    first = forms.first_values(form)
    for index in range(count):
        data, raw = forms.read_subject(form, "person", index, first)
        people_data.append(data)
        people_raw.append(raw)
    return {"people": people_data}, {"people": people_raw, "as_of": form.get("as_of", "")}


def card_words() -> dict[str, str]:
    """The words every program card repeats, translated once per language (not once per card or row)."""
    lang = current_lang()
    cache = current_app.extensions.setdefault("card_words", {})
    found = cache.get(lang)
    if found is None:
        found = cache[lang] = translate_card_words()
    return found


def translate_card_words() -> dict[str, str]:
    return {
        "not_counted": _("Not counted:"), "why_not": _("Why not (on the answers given):"),
        "what_would_change": _("What would change it:"), "to_find_out": _("To find out:"),
        "application": _("Application:"), "details": _("Conditions, formula, documents and sources"),
        "details_items": _("What it grants or requires, conditions, formula, documents and sources"),
        "conditions": _("Conditions"), "condition": _("Condition"), "required": _("Required"),
        "your_answer": _("Your answer"), "result": _("Result"), "met": _("met"), "not_met": _("not met"),
        "unknown": _("unknown"), "formula": _("Formula:"), "documents": _("Documents usually required:"),
        "sources": _("Sources:"), "official_text": _("Official text"),
        "later_years": _("Later years (not added):"), "if_certified": _("If certified (not added):"),
    }


def load_input(data: dict[str, Any], raw: dict[str, Any]) -> tuple[Checked | None, dict[str, str]]:
    """(the checked input, or None; errors by form element id): every error at once, as_of included."""
    try:
        return service().check(data, raw["as_of"], current_lang()), {}
    except InputRejected as exc:
        return None, forms.error_targets([e.as_dict() for e in exc.errors], current_lang())


def person_to_remove(value: str | None, count: int) -> int | None:
    """The index a "Remove person" button sent, if it names a person on the page."""
    try:
        index = int(value or "")
    except ValueError:
        return None
    return index if 0 <= index < count else None


def handle(kind: str) -> tuple[str, int] | Response:
    if request.method == "GET":
        return form_page(kind, {}, {})
    data, raw = read_form(kind)
    if "switch_lang" in request.form:  # the language switch keeps every answer
        return form_page(kind, raw, {})
    if "ask" in request.form:  # a card's item to find out: the page of questions, at that question
        anchor = next_questions.question_anchor(kind, request.form["ask"])
        return redirect(url_for(f"web.{kind}_questions", lang=current_lang(), _anchor=anchor), 307)
    if "keep" in request.form and (token := travel.link_token(data, raw["as_of"])):  # on to the link that keeps them
        return redirect(url_for("web.shared", a=token, lang=current_lang()), 303)
    if forms.ADD_PROJECT in request.form:  # a list of projects gets one more row; the keyboard lands on it
        key = request.form[forms.ADD_PROJECT]
        return form_page(kind, raw, {}, focus=forms.new_row(key, raw))
    if kind == "talent" and "add_person" in request.form:  # the keyboard lands on the new person
        raw["people"].append({})
        return form_page(kind, raw, {}, focus=f"person-{len(raw['people']) - 1}-ref")
    if kind == "talent" and "remove_person" in request.form:  # ... or on the person who took the removed place
        index = person_to_remove(request.form.get("remove_person"), len(raw["people"]))
        if index is not None and len(raw["people"]) > 1:
            raw["people"].pop(index)
        return form_page(kind, raw, {}, focus=f"person-{min(index or 0, len(raw['people']) - 1)}-ref")
    if token := request.form.get("since"):  # a restored workbook's comparison, carried (the language switch)
        from calculator.web.since import carried  # it imports this module

        return assessed(kind, data, raw, carried(token, data, raw["as_of"]))
    return assessed(kind, data, raw)


def assessed(kind: str, data: dict[str, Any], raw: dict[str, Any],
             since: Callable[[Assessment, str], dict[str, Any]] | None = None) -> tuple[str, int]:
    """The results of the answers read (or the form again with every error); also for a link's answers, and for a
    workbook's (``since`` then gives the section of what moved since the workbook's run)."""
    lang = current_lang()
    checked, errors = load_input(data, raw)
    if checked is None:
        return form_page(kind, raw, errors, status=422)
    assessment = service().assess(checked)
    # what the cards show; beside them the top questions written whole (the others named: the page counts them)
    doc = service().document(assessment, lang, "card", written=next_questions.OPEN)
    chart = support_chart(doc["programs"], gettext(CHART_TITLE, lang))
    families = translated(FAMILY_NAMES, lang)
    ui = card_words()
    return render_template("results.html", doc=doc, chart=chart, kind=kind, ui=ui,
                           sections=group_cards(doc["programs"], families, lang), families=families,
                           since=since(assessment, lang) if since else None, **travelling(data, raw, doc, lang)), 200


def travelling(data: dict[str, Any], raw: dict[str, Any], doc: dict[str, Any], lang: str,
               every: bool = False) -> dict[str, Any]:
    """What the results page carries: the next questions with their widgets, the answers as hidden fields (all but
    the questions asked again; ``every``: also all of them, for the page of questions), the link that keeps them."""
    found = next_questions.panels(doc, raw, lang, catalogue(), usage())
    token = travel.link_token(data, raw["as_of"])
    return {"panels": found, "numbers": next_questions.NUMBERS,
            **({"answers": travel.hidden_fields(data, raw["as_of"])} if every else {}),
            "carried": travel.hidden_fields(data, raw["as_of"], next_questions.asked_again(found)),
            "share_url": url_for("web.shared", a=token, lang=lang, _external=True) if token else None,
            "share_refused": None if token else t(travel.NOT_SHARED, lang, limit=travel.MAX_LINK)}


def questions_page(kind: str) -> tuple[str, int]:
    """Every ranked question with its programs and the money it settles, each answerable there, assessed again from
    the answers the results page posts (answering goes back to the results with every answer); nothing is stored."""
    data, raw = read_form(kind)
    checked, errors = load_input(data, raw)
    if checked is None:
        return form_page(kind, raw, errors, status=422)
    lang = current_lang()
    doc = service().document(service().assess(checked), lang, "card")
    return render_template("questions.html", doc=doc, kind=kind, whole=True,
                           **travelling(data, raw, doc, lang, every=True)), 200


@bp.post("/company/questions")
def company_questions() -> tuple[str, int]:
    return questions_page("company")


@bp.post("/talent/questions")
def talent_questions() -> tuple[str, int]:
    return questions_page("talent")


def program_page(kind: str, program_id: str) -> tuple[str, int]:
    """One program's card whole (its conditions against the answers, formula, documents and sources), assessed again
    from the answers the results page posts: loaded on demand so the results page stays light; nothing is stored."""
    data, raw = read_form(kind)
    checked, errors = load_input(data, raw)
    if checked is None:
        return form_page(kind, raw, errors, status=422)
    lang = current_lang()
    person = request.args.get("person", type=int)
    doc = service().document(service().assess(checked), lang, "full", questions=False)  # one card whole, no questions
    found = [p for p in doc["programs"] if p["id"] == program_id and p["person"] == person]
    if not found:
        abort(404)
    ui = card_words()
    return render_template("program.html", p={**found[0], "card": card_view(found[0], lang)}, ui=ui, kind=kind,
                           tail=card_tails(found, ui, lang)[program_id],
                           form_items=list(request.form.items(multi=True))), 200


@bp.post("/company/program/<program_id>")
def company_program(program_id: str) -> tuple[str, int]:
    return program_page("company", program_id)


@bp.post("/talent/program/<program_id>")
def talent_program(program_id: str) -> tuple[str, int]:
    return program_page("talent", program_id)


def workbook(kind: str) -> Response | tuple[str, int]:
    """The same answers as the results page, as an Excel workbook (built on the fly; nothing is stored)."""
    data, raw = read_form(kind)
    lang = current_lang()
    checked, errors = load_input(data, raw)
    if checked is None:
        return form_page(kind, raw, errors, status=422)
    assessment = service().assess(checked)
    response = make_response(build_workbook(catalogue(), assessment, lang))
    response.mimetype = XLSX_MIMETYPE
    response.headers["Content-Disposition"] = content_disposition(download_name(assessment, lang))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/company/workbook")
def company_workbook() -> Response | tuple[str, int]:
    return workbook("company")


@bp.post("/talent/workbook")
def talent_workbook() -> Response | tuple[str, int]:
    return workbook("talent")


@bp.route("/company", methods=["GET", "POST"])
def company() -> tuple[str, int] | Response:
    return handle("company")


@bp.route("/talent", methods=["GET", "POST"])
def talent() -> tuple[str, int] | Response:
    return handle("talent")


@bp.app_errorhandler(CSRFError)
def csrf_expired(error: CSRFError) -> tuple[str, int]:
    """An expired or missing token: show the form again with every answer kept and a fresh token."""
    kind = "talent" if request.path.startswith("/talent") else "company"
    if request.method == "POST" and (request.path in ("/company", "/talent", "/company/workbook", "/talent/workbook",
                                                      "/company/questions", "/talent/questions")
                                     or request.path.startswith(("/company/program/", "/talent/program/"))):
        _, raw = read_form(kind)
        lang = current_lang()
        notice = gettext(EXPIRED, lang)
        return form_page(kind, raw, {}, status=400, notice=notice)
    return render_template("error.html", code=400), 400


@bp.app_errorhandler(404)
def not_found(error: Exception) -> tuple[str, int]:
    return render_template("error.html", code=404), 404


@bp.app_errorhandler(413)
def too_large(error: Exception) -> tuple[str, int]:
    return render_template("error.html", code=413), 413


SECURITY_HEADERS = (
    ("Content-Security-Policy",
     "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
     "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
)


def security_headers(response: Response) -> Response:
    """Headers on every response: a CSP without inline script, nosniff, no referrer leaks, no framing (each unless
    the response set its own: werkzeug's ``setdefault``, with one look at the headers rather than a failed look-up,
    an exception, per header; an absent one appended with ``add``, as ``set`` would after looking for it again)."""
    headers = response.headers
    present = {name.lower() for name, _ in headers}
    for name, value in SECURITY_HEADERS:
        if name.lower() not in present:
            headers.add(name, value)
    return response
