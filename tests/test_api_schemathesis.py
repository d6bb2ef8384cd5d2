"""schemathesis against the API's own OpenAPI document, in process (WSGI, no server), on every operation.

Valid and invalid requests (examples from the document, coverage cases, then fuzzing) must never give a 5xx, and
every answer must conform to the document: status codes, content types, headers and response bodies (the
response schemas are strict, so an undocumented or missing key fails). The number of examples is bounded so the
suite stays fast; raise it with ``API_FUZZ_EXAMPLES=500`` for a longer local run.

Not enforced here: ``positive_data_acceptance`` (the profile has cross-field rules JSON Schema cannot say, such as
S&T staff ≤ employees or a certificate after the founding date) and ``negative_data_rejection`` (the server is
deliberately lenient with what people type: full-width digits, surrounding spaces, ¥ prefixes, YES/Y for yes).
"""

from __future__ import annotations

import os

import hypothesis
import schemathesis
from hypothesis import HealthCheck
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from calculator.app import create_app

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = int(os.environ.get("API_FUZZ_EXAMPLES", "30"))
SETTINGS = hypothesis.settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[
    HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large])
WORKBOOKS = "/api/v1/workbooks"

app = create_app({"TESTING": True})
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
# /workbooks validates its body exactly as /assessments, whose coverage phase already walks every field's edge
# cases (over two thousand requests); there it would build as many real .xlsx files, so it gets the examples and
# the fuzzing phases only.
workbook_schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json", app, config=schemathesis.Config.from_dict({"phases": {"coverage": {"enabled": False}}}))


@schema.exclude(path=WORKBOOKS).parametrize()
@SETTINGS
def test_every_operation_conforms_to_the_document(case):
    case.call_and_validate(checks=CHECKS)


@workbook_schema.include(path=WORKBOOKS).parametrize()
@SETTINGS
def test_workbooks_conform_to_the_document(case):
    case.call_and_validate(checks=CHECKS)
