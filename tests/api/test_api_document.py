"""The OpenAPI document as sent: unique schema names, the bodies each operation really takes, one error
body for every error code, and ranges on numbers and dates (docs/architecture.md, API)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from django.test import Client
from ninja import Schema

import tancert.api
from tancert.people.actions import create_api_token

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _schema() -> dict:
    return Client().get(f"{API}/openapi.json").json()


def test_every_schema_class_of_the_api_has_its_own_name():
    """Two classes of one name would share one entry of the document, and one would lie."""
    seen: dict[str, str] = {}
    for info in pkgutil.iter_modules(tancert.api.__path__):
        module = importlib.import_module(f"tancert.api.{info.name}")
        for name, obj in vars(module).items():
            if isinstance(obj, type) and issubclass(obj, Schema) and obj.__module__ == module.__name__:
                assert name not in seen, f"{name} in {module.__name__} and {seen[name]}"
                seen[name] = module.__name__


def _body(schema: dict, path: str) -> dict:
    ref = schema["paths"][path]["post"]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    return schema["components"]["schemas"][ref.rsplit("/", 1)[1]]


def test_reviews_and_signatures_document_their_own_bodies():
    schema = _schema()
    assert "competent" in _body(schema, f"{API}/applications/{{app_id}}/accept")["properties"]
    assert "competent" in _body(schema, f"{API}/applications/{{app_id}}/reject")["properties"]
    assert "outcome" in _body(schema, f"{API}/findings/{{finding_id}}/review")["properties"]
    assert _body(schema, f"{API}/applications/{{app_id}}/contract/sign")["required"] == ["signer_name"]


def test_every_error_code_is_declared_with_the_one_error_body():
    schema = _schema()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            codes = set(op["responses"])
            public = "security" not in op
            assert {"404", "422"} <= codes and (public or {"401", "403"} <= codes), (method, path, codes)
            for code, response in op["responses"].items():
                if code.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == {
                        "$ref": "#/components/schemas/ErrorOut"}, (method, path, code)


def test_out_of_range_numbers_and_dates_are_a_422_naming_the_field(p):
    _t, secret = create_api_token(p.reviewer, "t", by=None)
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    for url, field in ((f"{API}/applications/99999999999999999999999", "app_id"),
                       (f"{API}/applications/0", "app_id"),
                       (f"{API}/planning/calendar/auditors?page=0", "page"),
                       (f"{API}/planning/calendar/auditors?month=2027-13", "month"),
                       (f"{API}/calendar?year=99999", "year")):
        r = c.get(url)
        assert r.status_code == 422 and r.json()["field"] == field, (url, r.content)
        assert r.json()["detail"] and r.json()["errors"][0]["field"] == field
    r = c.post(f"{API}/applications/1/commitment", {"signed_by": "王五", "signed_on": "9999-01-01"},
               content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "payload.signed_on"


def test_a_rule_violation_and_a_wall_carry_the_error_body(p):
    _t, secret = create_api_token(p.client_a, "t", by=p.client_a)
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    r = c.post(f"{API}/applications", {"scope": "", "cms_started_on": "2020-01-01"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] and r.json()["detail"] == r.json()["message"]
    assert Client().get(f"{API}/applications").json()["detail"]  # 401
    r = c.get(f"{API}/applications/424242")
    assert r.status_code == 404 and r.json()["detail"]
