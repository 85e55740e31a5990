"""Public lookups (R9.2-lookup): no login, rate-limited per client address, logged; never shown as valid
when suspended or withdrawn."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tancert.certificates import actions
from tancert.certificates.models import LookupLog

from flow import certify, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(p):
    return certify(complete_application(p.org_a, p.client_a), p)


def test_lookups_are_logged_with_the_client_address(cert):
    c = Client(REMOTE_ADDR="203.0.113.7")
    c.get("/register/", {"q": "甲化工"})
    c.get(f"/api/v1/public/certificates/{cert.number}")
    c.get("/api/v1/public/certificates/NOPE")
    logs = list(LookupLog.objects.order_by("pk").values_list("client", "channel", "found"))
    assert logs == [("203.0.113.7", "web", 1), ("203.0.113.7", "api", 1), ("203.0.113.7", "api", 0)]


def test_lookups_are_rate_limited_per_address(cert, settings):
    settings.TANCERT_LOOKUPS_PER_MINUTE = 3
    a, b = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    codes = [a.get(f"/api/v1/public/certificates/{cert.number}").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    assert a.get(f"/api/v1/public/certificates/{cert.number}").json()["rule"] == "R9.2-lookup"
    r = a.get("/register/", {"q": cert.number})
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert b.get(f"/api/v1/public/certificates/{cert.number}").status_code == 200  # another address
    assert LookupLog.objects.filter(limited=True).count() == 3


def test_the_register_page_has_the_same_limit_and_logs_the_refusal(cert, settings):
    """R9.2-lookup: the page and the API share one window per address; the refused lookup is logged."""
    settings.TANCERT_LOOKUPS_PER_MINUTE = 2
    c = Client(REMOTE_ADDR="198.51.100.9")
    assert [c.get(f"/register/{cert.number}/").status_code for _ in range(2)] == [200, 200]
    assert c.get("/register/", {"q": cert.number}).status_code == 429
    assert c.get(f"/api/v1/public/certificates/{cert.number}").status_code == 429
    assert LookupLog.objects.filter(client="198.51.100.9", limited=True).count() == 2


def test_a_proxy_header_names_the_client_when_configured(cert, settings):
    settings.TANCERT_CLIENT_ADDRESS_HEADER = "HTTP_X_FORWARDED_FOR"
    Client(HTTP_X_FORWARDED_FOR="192.0.2.44, 10.0.0.1").get(f"/register/{cert.number}/")
    assert LookupLog.objects.get().client == "192.0.2.44"


@pytest.mark.parametrize("change", ["suspend", "withdraw"])
def test_suspended_or_withdrawn_is_never_shown_as_valid(p, cert, change):
    if change == "suspend":
        actions.suspend_certificate(cert, by=p.decider, trigger="T2", reason="未按时履约",
                                    respond_by=timezone.localdate() + timedelta(days=30))
    else:
        actions.withdraw_certificate(cert, by=p.decider, reason="严重违规")
    page = Client().get(f"/register/{cert.number}/").content.decode()
    assert 'class="status valid"' not in page and "该证书当前无效" in page
    api = Client().get(f"/api/v1/public/certificates/{cert.number}").json()
    assert api["status"] == change.replace("suspend", "suspended").replace("withdraw", "withdrawn")


def test_seal_key_in_the_public_api(cert):
    body = Client().get("/api/v1/public/seal-key").json()
    assert body["algorithm"] == "Ed25519" and "BEGIN PUBLIC KEY" in body["public_key_pem"]
