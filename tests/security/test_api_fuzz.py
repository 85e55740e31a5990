"""The OpenAPI document tells the truth: schemathesis fuzzes every operation through the WSGI app (no
network) as a member of staff and as a client, with valid and with invalid data, and no answer is a
server error, an undocumented status code or a body its declared schema rejects (docs/architecture.md,
API). Bounded: a few derandomized examples per operation, no shrinking; every failure is collected and
reported at once."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup

from tancert.people.actions import create_api_token, create_staff_user
from tancert.people.models import Role

pytestmark = pytest.mark.django_db

# Per operation, persona and mode: reaches the bounds, small enough for the normal suite; a deeper run on
# demand: TANCERT_FUZZ_EXAMPLES=25 pytest tests/security/test_api_fuzz.py
EXAMPLES = int(os.environ.get("TANCERT_FUZZ_EXAMPLES", "3"))
CHECKS = [schemathesis.checks.not_a_server_error, schemathesis.checks.status_code_conformance,
          schemathesis.checks.response_schema_conformance, schemathesis.checks.content_type_conformance]


@pytest.fixture
def api_schema(settings):
    settings.ALLOWED_HOSTS = ["*"]
    # The test's transaction must survive the requests, as with Django's test client.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(schema, token: str, modes=(GenerationMode.POSITIVE, GenerationMode.NEGATIVE)) -> list[str]:
    failures: list[str] = []
    for result in schema.get_all_operations():
        for mode in modes:
            _check(result.ok(), mode, token, failures)
    return failures


def _check(operation, mode, token: str, failures: list[str]) -> None:
    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(mode))
    def run(case):
        # Each call in a savepoint rolled back afterwards: the examples do not depend on each other.
        sid = transaction.savepoint()
        try:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            try:
                case.validate_response(response, checks=CHECKS)
            except FailureGroup as group:  # every failed check of one answer
                failures.append(f"{operation.label} [{mode.value}] {response.status_code}: "
                                + "; ".join(f"{f.title}: {f.message}"[:300] for f in group.exceptions)
                                + f"\n    {case.as_curl_command()[:400]}")
        finally:
            transaction.savepoint_rollback(sid)

    try:
        run()
    except Unsatisfiable:  # negative mode: an operation without parameters has nothing to break
        pass


def _report(failures: list[str]) -> str:
    return f"{len(failures)} failures:\n" + "\n\n".join(failures)


def test_the_api_keeps_its_document_for_staff(p, api_schema):
    staff = create_staff_user("fuzz-staff", "test-pass-123", roles=list(Role.values), by=None)
    _token, secret = create_api_token(staff, "fuzz", by=None)
    failures = _fuzz(api_schema, secret)
    assert not failures, _report(failures)


def test_the_api_keeps_its_document_for_a_client(p, api_schema):
    _token, secret = create_api_token(p.client_a, "fuzz", by=p.client_a)
    # Invalid input is refused before any wall, the same for every persona: the staff run covers it.
    failures = _fuzz(api_schema, secret, modes=(GenerationMode.POSITIVE,))
    assert not failures, _report(failures)
