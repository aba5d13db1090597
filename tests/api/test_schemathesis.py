"""The OpenAPI document tells the truth: schemathesis generates requests for every operation of
/api/v1 from the document (valid ones and invalid ones), sends them to the real Flask app
in-process with a demo user's bearer token, and runs its checks on every answer: only documented
status codes, bodies and content types as documented, no server error, invalid data refused,
valid data accepted, authentication enforced (the same request without a token or with a wrong
one must be refused).

Bounded and deterministic for CI: at most 25 generated examples per operation (plus
schemathesis' fixed coverage cases), derandomized, no example database.
"""
from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from server.api.openapi import openapi_document
from tests.conftest import ApiUser

load_all_checks()
# Every check schemathesis has. (The two defects it found, a 405 without Allow and a 500 on a
# multipart part without a name, are fixed; tests/frontdoor/test_request_guard.py pins both.)
CHECKS_RUN = [check for check in CHECKS.get_all() if callable(check) and not isinstance(check, type)]

# Valid per the document yet refused, by design: a body over the route's size cap is 413 (a size
# in bytes is nothing JSON Schema can state); and what a start or complete request may carry is
# decided by the SOP step's form (GET /processes, GET /tasks/{id} give its JSON schema), an
# upload's type by its content, so those may be 422 too. Every one of these answers is documented.
ACCEPTED = ["2xx", "401", "403", "404", "409", "413", "429"]
DECIDED_BY_CONTENT = ["/processes/{key}/instances", "/tasks/{task_id}/complete", "/attachments", "/deployments"]
CONFIG = schemathesis.Config.from_dict({
    "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
    "operations": [{"include-path": path,
                    "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, "422"]}}}
                   for path in DECIDED_BY_CONTENT]})

schema = schemathesis.openapi.from_dict(openapi_document(), config=CONFIG)


@pytest.fixture
def token(app) -> str:
    return ApiUser(app.test_client(), "kemenpora.karo").headers["Authorization"]


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_the_api_answers_as_its_openapi_document_says(case, app, token):
    # The schema is built once at import; each test has its own app (and database).
    case.operation.app = case.operation.schema.app = app
    case.call_and_validate(headers={"Authorization": token}, checks=CHECKS_RUN)


def test_the_served_document_is_the_one_tested(client):
    assert client.get("/api/v1/openapi.json").get_json() == openapi_document()
