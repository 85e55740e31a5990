"""Every public route of the register counts against the one lookup limit (R9.2-lookup, docs/security.md
"Rate limit"): walked from Django's URL resolver and the OpenAPI document, so a new public route that does not
count fails here. With the address's window used up, each answers 429 with Retry-After. The limit comes
before the lookup itself, so no certificate is needed."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest
from django.test import Client

from tancert.certificates.register import lookup

from routes import api_operations, web_routes

pytestmark = pytest.mark.django_db

# Public routes that are not lookups, and why they do not count.
NOT_COUNTED = {
    "verifier_script": "the same static file for everyone (the verifier's source), nothing looked up",
}
# How each counted route is asked: the search needs a query (an empty search page looks nothing up), the
# PDF check counts the upload (its GET is the empty form).
WEB_ASK = {"register": ("get", {"q": "CEC"}), "register_verify": ("post", {})}
API_QUERY = {"/public/certificates": "?q=CEC", "/public/transparency/proof/inclusion": "?index=0&tree_size=1",
             "/public/transparency/proof/consistency": "?first=1&second=1"}
PUBLIC_BODY = {"name": "张三", "contact": "a@example.cn", "text": "投诉内容"}


@pytest.fixture
def used_up(settings, monkeypatch):
    """A client whose address has used its one lookup of this minute. The limit's clock stands still mid-minute:
    a test that crossed a minute's end would find a fresh window and an answer instead of 429."""
    monkeypatch.setattr(lookup, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))
    settings.TANCERT_LOOKUPS_PER_MINUTE = 1
    settings.TANCERT_REDIS_URL = ""
    c = Client(REMOTE_ADDR="198.51.100.77")
    assert c.get("/api/v1/public/certificates/CEC-USED").status_code == 404  # counted: the window is full
    return c


def _refused(response) -> bool:
    return response.status_code == 429 and 0 < int(response.get("Retry-After", "0")) <= 60


def test_every_public_page_of_the_register_counts(used_up):
    routes = [r for r in web_routes() if r.route.startswith("register/") and r.name not in NOT_COUNTED]
    assert len(routes) >= 8
    wrong = []
    for route in routes:
        url = route.url({"number": "CEC-X", "version": 1})
        method, data = WEB_ASK.get(route.name, ("get", {}))
        response = getattr(used_up, method)(url, data)
        if not _refused(response):
            wrong.append(f"{route.name} {url}: {response.status_code}")
    assert not wrong, "every public route must call lookup.admit:\n" + "\n".join(wrong)


def test_every_public_operation_of_the_api_counts(used_up):
    operations = [op for op in api_operations(used_up) if op.path.startswith("/public/")]
    assert len(operations) >= 10
    wrong = []
    for op in operations:
        url = op.url({"number": "CEC-X"}) + API_QUERY.get(op.path, "")
        if op.method == "POST":
            response = used_up.post(url, json.dumps(PUBLIC_BODY), content_type="application/json")
        else:
            response = used_up.get(url)
        if not (_refused(response) and response.json()["retry_after"] == int(response["Retry-After"])):
            wrong.append(f"{op.key}: {response.status_code}")
    assert not wrong, "every public operation must call lookup.admit:\n" + "\n".join(wrong)


def test_the_exempt_routes_are_still_routes():
    names = {r.name for r in web_routes()}
    assert set(NOT_COUNTED) <= names
