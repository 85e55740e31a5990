"""Public lookups (R9.2-lookup): no login, rate-limited per client address, logged; never shown as valid
when suspended or withdrawn."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.test import Client
from django.utils import timezone

from tancert.certificates import actions
from tancert.certificates.models import LookupLog
from tancert.certificates.register import lookup

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


def test_lookups_are_rate_limited_per_address(cert, settings, monkeypatch):
    monkeypatch.setattr(lookup, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))  # one window for the test
    settings.TANCERT_LOOKUPS_PER_MINUTE = 3
    a, b = Client(REMOTE_ADDR="198.51.100.1"), Client(REMOTE_ADDR="198.51.100.2")
    codes = [a.get(f"/api/v1/public/certificates/{cert.number}").status_code for _ in range(4)]
    assert codes[:3] == [200, 200, 200] and codes[3] == 429
    assert a.get(f"/api/v1/public/certificates/{cert.number}").json()["rule"] == "R9.2-lookup"
    r = a.get("/register/", {"q": cert.number})
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert b.get(f"/api/v1/public/certificates/{cert.number}").status_code == 200  # another address
    assert LookupLog.objects.filter(limited=True).count() == 3


def test_the_register_page_has_the_same_limit_and_logs_the_refusal(cert, settings, monkeypatch):
    """R9.2-lookup: the page and the API share one window per address; the refused lookup is logged."""
    monkeypatch.setattr(lookup, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))  # one window for the test
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


def test_version_pages_and_the_seal_key_count_against_the_limit(cert, settings, monkeypatch):
    monkeypatch.setattr(lookup, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))  # one window for the test
    settings.TANCERT_LOOKUPS_PER_MINUTE = 2
    c = Client(REMOTE_ADDR="198.51.100.9")
    assert c.get(f"/register/{cert.number}/v1/").status_code == 200
    assert c.get("/register/seal-key.pem").status_code == 200
    r = c.get(f"/register/{cert.number}/v1/")
    assert r.status_code == 429 and int(r["Retry-After"]) > 0
    assert c.get("/api/v1/public/seal-key").status_code == 429
    assert c.get(f"/register/{cert.number}/v99999999999999999999/").status_code in (404, 429)


def test_a_refusal_says_when_to_retry_in_chinese(cert, settings):
    settings.TANCERT_LOOKUPS_PER_MINUTE = 0
    r = Client(REMOTE_ADDR="198.51.100.10").get(f"/api/v1/public/certificates/{cert.number}")
    body = r.json()
    assert r.status_code == 429 and 0 < int(r["Retry-After"]) <= 60 and body["retry_after"] == int(r["Retry-After"])
    assert body["rule"] == "R9.2-lookup" and "秒" in body["detail"]
    page = Client(REMOTE_ADDR="198.51.100.10").get("/register/", {"q": cert.number})
    assert page.status_code == 429 and "秒" in page.content.decode()


def test_the_count_lives_in_the_database_not_in_a_process_cache(cert, settings, monkeypatch):
    """Every worker shares the count: clearing a process's cache forgets nothing."""
    monkeypatch.setattr(lookup, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))  # one window for the test
    from django.core.cache import cache

    from tancert.certificates.models import LookupWindow

    settings.TANCERT_LOOKUPS_PER_MINUTE = 2
    c = Client(REMOTE_ADDR="198.51.100.11")
    assert c.get(f"/api/v1/public/certificates/{cert.number}").status_code == 200
    cache.clear()
    assert c.get(f"/register/{cert.number}/").status_code == 200
    cache.clear()
    assert c.get(f"/api/v1/public/certificates/{cert.number}").status_code == 429
    assert LookupWindow.objects.get(client="198.51.100.11").hits == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_share_one_count(settings, monkeypatch):
    """Two threads, each with its own database connection, as two worker processes would have."""
    import threading

    from django.db import connection

    if connection.vendor != "postgresql":
        # SQLite's in-memory test database shares one cache between threads, whose table locks do not wait.
        pytest.skip("threads need PostgreSQL's parallel connections")
    monkeypatch.setattr(lookup, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))  # one minute for all 16
    settings.TANCERT_LOOKUPS_PER_MINUTE = 10
    results: list[bool] = []

    def worker():
        try:
            results.extend(lookup.allow("192.0.2.200")[0] for _ in range(8))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 10 and results.count(False) == 6


def test_past_minutes_are_purged(db):
    from tancert.certificates.models import LookupWindow
    from tancert.certificates.register import lookup

    LookupWindow.objects.create(client="192.0.2.1", minute=1, hits=5)
    lookup.allow("192.0.2.2")
    assert not LookupWindow.objects.filter(minute=1).exists()
