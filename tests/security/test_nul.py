"""The NUL character (0x00) is refused before it reaches the database (docs/security.md, Bounded input):
PostgreSQL cannot compare or store it, so without this a lookup answered 500 there while SQLite answered 404."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/register/CEC26CMS%00001R0/", "/register/?q=%E7%94%B2%00"])
def test_a_nul_in_the_address_or_query_of_a_page_is_a_400(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.parametrize("url", ["/api/v1/public/certificates/CEC%0026", "/api/v1/public/certificates?q=a%00b"])
def test_a_nul_in_the_address_or_query_of_the_api_is_a_422(client, url):
    r = client.get(url)
    assert r.status_code == 422 and "0x00" in r.json()["message"]


def test_a_nul_in_a_form_field_is_a_400_and_nothing_is_stored(client):
    from urllib.parse import urlencode

    from tancert.clients.models import Organisation

    r = client.post("/signup/", urlencode({"name": "甲\x00化工", "credit_code": "110108MA0A0001"}),
                    content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400
    r = client.post("/signup/", {"name": "甲\x00化工", "credit_code": "110108MA0A0001"})  # multipart: the form's
    assert r.status_code == 200  # own validator (Django refuses NUL in a form field) answers on the page
    assert not Organisation.objects.exists()


def test_a_nul_in_a_json_body_is_a_422_naming_the_field(client):
    body = {"name": "张三", "contact": "a@example.cn", "text": "投诉\u0000内容"}
    r = client.post("/api/v1/public/certificates/CEC26CMS00001R0/complaints", json.dumps(body),
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "text"
