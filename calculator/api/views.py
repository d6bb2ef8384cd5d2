"""The endpoints under /api/v1. Views only translate: every answer comes from the engine, nothing is stored."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from operator import itemgetter
from typing import Any

from flask import current_app, request
from flask_smorest import Blueprint
from marshmallow import Schema

from calculator import __version__
from calculator.api import examples
from calculator.api.conditional import HEADERS, IF_NONE_MATCH, cacheable
from calculator.api.errors import ApiError, json_response, register_error_handlers, rejected
from calculator.api.lang import CONTENT_LANGUAGE, api_lang
from calculator.api.parsing import ApiParser
from calculator.api.schemas import (
    ASSESSMENT_ANSWER,
    AssessmentAnswerQuerySchema,
    AssessmentQuerySchema,
    AssessmentRequestSchema,
    CatalogueSchema,
    ErrorSchema,
    LanguageHeaderSchema,
    PeopleRequestSchema,
    ProgramDetailSchema,
    ReferenceIndexSchema,
    ReferenceTableSchema,
    VersionInfoSchema,
)
from calculator.engine import describe_catalogue, describe_program
from calculator.service import Checked, InputRejected, Service
from calculator.workbook import XLSX_MIMETYPE, build_workbook, content_disposition, download_name
from schemas.profile import AssessmentInputSchema, field_catalogue

API_PREFIX = "/api/v1"


class ApiBlueprint(Blueprint):
    ARGUMENTS_PARSER = ApiParser()


blp = ApiBlueprint("api", __name__, url_prefix=API_PREFIX,
                   description="Assess profiles, download workbooks, read the catalogue and reference tables.")
register_error_handlers(blp)

ERRORS = {
    400: "Malformed JSON (error `malformed_json`).",
    413: "Body larger than the configured limit (error `payload_too_large`).",
    415: "Body not sent as application/json (error `unsupported_media_type`).",
    422: "Invalid input: `errors` lists each field path with its message (error `validation_failed`).",
}


def catalogue() -> Any:
    return current_app.extensions["catalogue"]


def service() -> Service:
    found: Service = current_app.extensions["service"]
    return found


def confirmed(profile: dict[str, Any], as_of: dt.date | None, lang: str) -> Checked:
    """The checks across the loaded body and the query's ``as_of`` (not before the company's founding date), by the
    service, as on every surface: the same input gives the same answer (errors in the request's ``lang``)."""
    try:
        return service().confirm(profile, as_of, lang)
    except InputRejected as exc:
        raise rejected(exc.errors) from None


def assessment_answer(doc: dict[str, Any], lang: str) -> Any:
    return json_response(doc, headers={"Content-Language": CONTENT_LANGUAGE[lang], "Cache-Control": "no-store"})


def answer(query: dict[str, Any], profile: dict[str, Any]) -> Any:
    """Assess and answer in the view asked (``?detail=full|figures``), the next questions only when asked
    (``?questions=true``): ranking them re-evaluates programs, most of a full answer's CPU (docs/performance.md)."""
    lang, found = api_lang(), service()
    assessment = found.assess(confirmed(profile, query.get("as_of"), lang))
    doc = found.document(assessment, lang, query.get("detail", "full"), query.get("questions") == "true")
    return assessment_answer(doc, lang)


def doc_only(decorator: Any) -> Any:
    """A flask-smorest decorator (``alt_response``, ``doc``; ``arguments`` and ``response`` for the assessment
    endpoints, which parse and answer themselves: :func:`parsed`) for the OpenAPI document only: it adds to the
    function's ``_apidoc`` and wraps the function in a call made at every request (through ``ensure_sync``, once per
    request and decorator; ``arguments``: webargs' parsing); the function keeps that documentation, unwrapped."""
    def apply(func: Any) -> Any:
        func._apidoc = decorator(func)._apidoc
        return func
    return apply


def common_doc(*codes: int) -> Any:
    def decorate(func: Any) -> Any:
        for code in codes:
            func = doc_only(blp.alt_response(code, schema=ErrorSchema, description=ERRORS[code]))(func)
        return func
    return decorate


def cacheable_doc(func: Any) -> Any:
    """Document a conditional GET (:mod:`calculator.api.conditional`): If-None-Match, and 304."""
    func = doc_only(blp.alt_response(304, description="Not modified: the copy tagged If-None-Match is current "
                                                      "(no body).", headers=HEADERS))(func)
    return doc_only(blp.doc(parameters=[IF_NONE_MATCH]))(func)


# --- assessments -----------------------------------------------------------------------------------------------
# The document is returned as orjson bytes, not dumped through AssessmentSchema: dumping a ~160 kB document through
# marshmallow costs about as much CPU as the whole request (benchmarks/api.py). The declared schema stays the
# contract and is enforced by tests instead: every answer the API tests and schemathesis receive is validated
# against the served document's schema, including answers to generated profiles (tests/test_api_contract.py).
def parsed(query_schema: type[Schema], body_schema: type[AssessmentInputSchema]) -> tuple[dict[str, Any], Any]:
    """The query, then the body, as flask-smorest's ``arguments`` decorators would pass them (the same parser's
    schemas, the same order, the same errors: :meth:`ApiParser.read_query`, :meth:`ApiParser.read_body`; compared
    with webargs' ``parse`` by tests/test_api_parsing.py), without their wrappers at run time: the endpoints below
    declare their arguments
    for the OpenAPI document only (:func:`doc_only`). The ``Accept-Language`` header is declared and not parsed: its
    schema takes any string, so it never refuses a request, and :func:`calculator.api.lang.api_lang` reads it."""
    parser = ApiBlueprint.ARGUMENTS_PARSER
    return parser.read_query(query_schema), parser.read_body(body_schema)


@blp.route("/assessments", methods=["POST"], tags=["assessments"])
@doc_only(blp.arguments(AssessmentAnswerQuerySchema, location="query"))
@doc_only(blp.arguments(LanguageHeaderSchema, location="headers"))
@doc_only(blp.arguments(AssessmentRequestSchema, examples=examples.ASSESSMENT_EXAMPLES,
                        description="A company profile, people, or both (as for `incentives evaluate`)."))
@doc_only(blp.response(200, ASSESSMENT_ANSWER, description="The assessment document (docs/contract.md; schema "
                                                           "Assessment), or its figures with `?detail=figures` "
                                                           "(schema AssessmentFigures)."))
@common_doc(400, 413, 415)
def post_assessment() -> Any:
    """Assess a company profile (people optional)

    Returns the same document the CLI prints for the same input, as of `as_of` (default today), with texts in
    the requested language; the next questions only with `?questions=true`, the figures alone with
    `?detail=figures`. Nothing is stored.
    """
    return answer(*parsed(AssessmentAnswerQuerySchema, AssessmentRequestSchema))


@blp.route("/assessments/people", methods=["POST"], tags=["assessments"])
@doc_only(blp.arguments(AssessmentAnswerQuerySchema, location="query"))
@doc_only(blp.arguments(LanguageHeaderSchema, location="headers"))
@doc_only(blp.arguments(PeopleRequestSchema, examples=examples.PEOPLE_EXAMPLES,
                        description="People assessed alone, without a company."))
@doc_only(blp.response(200, ASSESSMENT_ANSWER, description="The assessment document with `company` null (schema "
                                                           "Assessment), or its figures with `?detail=figures` "
                                                           "(schema AssessmentFigures)."))
@common_doc(400, 413, 415)
def post_people() -> Any:
    """Assess people alone

    Talent and personal-tax programs for each person (an HR roster), without a company: nothing is inherited.
    """
    return answer(*parsed(AssessmentAnswerQuerySchema, PeopleRequestSchema))


@blp.route("/workbooks", methods=["POST"], tags=["assessments"])
@doc_only(blp.arguments(AssessmentQuerySchema, location="query"))
@doc_only(blp.arguments(LanguageHeaderSchema, location="headers"))
@doc_only(blp.arguments(AssessmentRequestSchema, examples=examples.ASSESSMENT_EXAMPLES,
                        description="The same input as POST /api/v1/assessments."))
@doc_only(blp.response(200, {"type": "string", "format": "binary"}, content_type=XLSX_MIMETYPE,
                       description="The assessment workbook (.xlsx) in the requested language.",
                       headers={"Content-Disposition": {
                           "description": "attachment, with the file name in ASCII and in UTF-8 (RFC 6266 / RFC "
                                          "5987).",
                           "schema": {"type": "string"}}}))
@common_doc(400, 413, 415)
def post_workbook() -> Any:
    """Download the assessment as a workbook

    The same assessment as POST /api/v1/assessments, as an .xlsx workbook (summary, programs, criteria, gaps,
    people, sources, inputs) with live totals. Nothing is stored.
    """
    query, profile = parsed(AssessmentQuerySchema, AssessmentRequestSchema)
    lang = api_lang()
    assessment = service().assess(confirmed(profile, query.get("as_of"), lang))
    response = current_app.response_class(build_workbook(catalogue(), assessment, lang), mimetype=XLSX_MIMETYPE)
    response.headers["Content-Disposition"] = content_disposition(download_name(assessment, lang))
    response.headers["Content-Language"] = CONTENT_LANGUAGE[lang]
    response.headers["Cache-Control"] = "no-store"
    return response


# --- catalogue -------------------------------------------------------------------------------------------------
def sources_for(keys: list[str]) -> dict[str, Any]:
    out = {}
    for key in keys:
        source = catalogue().sources[key]
        out[key] = {"key": key, "title": source.title, "type": source.type.value, "quality": source.quality.value,
                    "urls": list(source.urls),
                    "github": [dict(item) for item in source.github]}
    return out


@blp.route("/programs", methods=["GET"], tags=["catalogue"])
@blp.response(200, CatalogueSchema, headers=HEADERS)
@cacheable_doc
def list_programs() -> Any:
    """The program catalogue

    Every program in both languages with its conditions, figures, dates, stacking groups and sources (the same
    entries as `incentives programs --format json`), plus the sources they cite.
    """
    def build() -> dict[str, Any]:
        doc = describe_catalogue(catalogue())
        cited = sorted({key for entry in doc["programs"] for key in entry["sources"]})
        return {**doc, "sources": sources_for(cited)}

    return cacheable("programs", build)


@blp.route("/programs/<program_id:program_id>", methods=["GET"], tags=["catalogue"])
@blp.response(200, ProgramDetailSchema, headers=HEADERS)
@cacheable_doc
@doc_only(blp.alt_response(404, schema=ErrorSchema, description="No such program (error `unknown_program`)."))
def get_program(program_id: str) -> Any:
    """One program

    The program's entry in the catalogue and the sources it cites.
    """
    program = catalogue().programs.get(program_id)
    if program is None:
        raise ApiError(404, "unknown_program", id=program_id)

    def build() -> dict[str, Any]:
        entry = describe_program(catalogue(), program)
        return {"tables_version": catalogue().tables_version, "program": entry,
                "sources": sources_for(entry["sources"])}

    return cacheable(f"programs/{program_id}", build)


# --- reference tables ------------------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def used_by() -> dict[str, list[str]]:
    """Reference table name -> the profile fields answered from it (``company.registration_district``…)."""
    found = current_app.extensions.get("api_table_usage")
    if found is None:
        found = {}
        for subject, names in field_catalogue().items():
            for name, meta in names.items():
                if meta.get("table"):
                    found.setdefault(meta["table"], []).append(f"{subject}.{name}")
        current_app.extensions["api_table_usage"] = found
    return found


def describe_table(table: Any) -> dict[str, Any]:
    spec = table.spec
    doc = {
        "tables_version": catalogue().tables_version, "name": table.name, "kind": table.kind,
        "title": spec.title, "description": spec.description, "confidence": spec.confidence,
        "source": list(spec.source or []),
        **{key: getattr(spec, key) for key in ("method", "unit", "basis", "key_unit", "value_unit")},
        "used_by": used_by().get(table.name, []), "choices": [], "figures": [], "versions": [],
    }
    if table.kind == "enum":
        doc["choices"] = [{"code": row.code, "name": row.name, "note": row.note} for row in spec.enum_rows]
    elif table.kind == "figures":
        doc["figures"] = [
            {"key": row.key, "value": _plain(row.value), "unit": row.unit, "confidence": row.confidence,
             "source": list(row.source), "effective_from": _plain(row.effective_from),
             "effective_to": _plain(row.effective_to), "instrument": row.instrument, "note": row.note}
            for row in spec.figure_rows]
    else:
        doc["versions"] = [
            {"effective_from": _plain(v.effective_from), "effective_to": _plain(v.effective_to),
             "label": v.label, "confidence": v.confidence, "source": list(v.source),
             "instrument": v.instrument, "note": v.note, "rows": _plain([row.as_dict() for row in v.rows])}
            for v in spec.versions]
    return doc


@blp.route("/reference", methods=["GET"], tags=["reference"])
@blp.response(200, ReferenceIndexSchema, headers=HEADERS)
@cacheable_doc
def list_reference() -> Any:
    """The reference tables

    Names, kinds and titles of the reference tables, and the profile fields each one answers.
    """
    tables = catalogue().reference
    return cacheable("reference", lambda: {"tables_version": catalogue().tables_version, "tables": [
        {"name": name, "kind": tables[name].kind, "title": tables[name].spec.title,
         "description": tables[name].spec.description, "used_by": used_by().get(name, [])}
        for name in sorted(tables)]})


@blp.route("/reference/<table_name:table>", methods=["GET"], tags=["reference"])
@blp.response(200, ReferenceTableSchema, headers=HEADERS)
@cacheable_doc
@doc_only(blp.alt_response(404, schema=ErrorSchema, description="No such table (error `unknown_table`)."))
def get_reference(table: str) -> Any:
    """One reference table

    Districts, degrees, identities, zones… for building forms (`choices`, each with its names in both
    languages), and the dated figures, tax brackets and bands the rules use.
    """
    found = catalogue().reference.get(table)
    if found is None:
        raise ApiError(404, "unknown_table", name=table)
    return cacheable(f"reference/{table}", lambda: describe_table(found))


# --- version ---------------------------------------------------------------------------------------------------
@blp.route("/version", methods=["GET"], tags=["meta"])
@blp.response(200, VersionInfoSchema)
def get_version() -> Any:
    """Application and rule-table versions

    `tables_version` is the content hash of the rule tables loaded at start-up: an assessment is reproducible from
    it, the inputs and `as_of`.
    """
    return json_response({"version": __version__, "api_version": "v1",
                          "tables_version": catalogue().tables_version})


@blp.after_request
def api_headers(response: Any) -> Any:
    """Every API answer varies by language; CORS only for configured origins."""
    if "vary" in map(str.lower, map(itemgetter(0), response.headers)):  # (in C: no generator step per header)
        response.vary.add("Accept-Language")
    else:  # the same header, without parsing an absent one (appended: ``set`` would look for it again)
        response.headers.add("Vary", "Accept-Language")
    origins = current_app.config.get("API_CORS_ORIGINS") or []
    if not origins:
        return response
    origin = request.headers.get("Origin")
    if origin and (origin in origins or "*" in origins):
        response.headers["Access-Control-Allow-Origin"] = "*" if "*" in origins else origin
        response.vary.add("Origin")
        response.headers["Access-Control-Expose-Headers"] = "Content-Language, Content-Disposition"
        if request.method == "OPTIONS" and request.headers.get("Access-Control-Request-Method"):
            response.headers["Access-Control-Allow-Methods"] = response.headers.get("Allow", "GET, POST")
            response.headers["Access-Control-Allow-Headers"] = "Content-Type, Accept-Language"
            response.headers["Access-Control-Max-Age"] = "600"
    return response
