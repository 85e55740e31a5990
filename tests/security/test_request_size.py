"""A body over its size limit is a 413 before anything reads it (docs/security.md, "Request size"): a
multipart upload could otherwise stream a file of any size to the server's disk before the upload gate saw
it, and an oversize JSON body reached the API as an unexplained 400. The limits are lowered here so that the
tests send a few kilobytes, never megabytes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from tancert.web.middleware import request_limit

LIMIT = 4096


@pytest.fixture
def small(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = LIMIT
    settings.TANCERT_MAX_REQUEST_BYTES = 2 * LIMIT
    return settings


def _register_body(padding: int) -> str:
    return json.dumps({"name": "甲化工有限公司", "credit_code": "91110108MA01ABCDE1", "username": "jia",
                       "password": "x" * padding, "email": "a@example.cn"})


def test_the_limit_follows_the_kind_of_body(small):
    rf = RequestFactory()
    assert request_limit(rf.post("/", "{}", content_type="application/json")) == LIMIT
    assert request_limit(rf.post("/", "a=1", content_type="application/x-www-form-urlencoded")) == LIMIT
    assert request_limit(rf.post("/", {"f": "x"})) == 2 * LIMIT  # multipart: files stream to disk


def test_the_default_limits_leave_room_for_a_few_files_at_their_cap():
    assert django_settings.TANCERT_MAX_REQUEST_BYTES >= 3 * django_settings.TANCERT_MAX_UPLOAD_BYTES


@pytest.mark.django_db
def test_an_oversize_json_body_is_a_413_with_the_api_error_body_and_nothing_is_stored(client, small):
    from tancert.clients.models import Organisation

    r = client.post("/api/v1/organisations/register", _register_body(2 * LIMIT), content_type="application/json")
    assert r.status_code == 413
    body = r.json()
    assert set(body) >= {"detail", "message", "field"} and "MB" in body["detail"] and "请求" in body["detail"]
    assert not Organisation.objects.exists()
    # Under the limit the request reaches the API and its own checks (here the password policy).
    r = client.post("/api/v1/organisations/register", _register_body(8), content_type="application/json")
    assert r.status_code == 422


@pytest.mark.django_db
def test_an_oversize_upload_is_a_413_page_in_chinese_before_any_file_is_written(client, small):
    from tancert.clients.models import Organisation

    media = Path(django_settings.MEDIA_ROOT)
    before = sorted(media.rglob("*")) if media.exists() else []
    blob = b"%PDF-1.7\n" + b"0" * (3 * LIMIT)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post("/signup/", {"name": "甲化工", "file": SimpleUploadedFile("a.pdf", blob, "application/pdf")})
    assert r.status_code == 413
    page = r.content.decode()
    assert "413" in page and "请求过大" in page and "Traceback" not in page
    r = client.post("/api/v1/applications/1/documents/D1", {"file": SimpleUploadedFile("a.pdf", blob)})
    assert r.status_code == 413 and "MB" in r.json()["detail"]  # the size decides before the wall: nothing read
    assert not Organisation.objects.exists()
    assert (sorted(media.rglob("*")) if media.exists() else []) == before


@pytest.mark.django_db
def test_the_413_speaks_the_language_the_person_chose(client, small):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    r = client.post("/api/v1/organisations/register", _register_body(2 * LIMIT), content_type="application/json")
    assert r.status_code == 413 and "larger than" in r.json()["detail"]


def test_every_operation_with_a_body_documents_the_413():
    from tancert.api.router import api

    schema = api.get_openapi_schema()
    with_body = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()
                 if "requestBody" in op]
    assert with_body
    missing = [f"{method.upper()} {path}" for path, method, op in with_body if not {413, "413"} & set(op["responses"])]
    assert not missing, missing
