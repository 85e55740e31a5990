"""The lookup limit's two stores (R9.2-lookup, docs/security.md): the database by default, Redis when
`REDIS_URL` is set — the same windows, the same 429 with Retry-After, one count for every worker. The Redis
cases skip only when no Redis answers on 127.0.0.1:6379."""

from __future__ import annotations

import threading
import uuid
from types import SimpleNamespace

import pytest
from django.test import Client

from tancert.certificates.models import LookupLog, LookupWindow
from tancert.certificates.register import lookup

from flow import certify, complete_application

pytestmark = pytest.mark.django_db
REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        client.ping()
    except (redis.RedisError, OSError):
        pytest.skip("no Redis answers on 127.0.0.1:6379")
    return client


@pytest.fixture(params=["database", "redis"])
def store(request, settings):
    if request.param == "database":
        settings.TANCERT_REDIS_URL = ""
        return SimpleNamespace(name="database")
    return request.getfixturevalue("redis_store")


@pytest.fixture
def redis_store(settings, monkeypatch):
    client = _redis_or_skip()
    prefix = f"tancert-test:{uuid.uuid4().hex}:"  # this test's keys only: the Redis may serve others too
    monkeypatch.setattr(lookup, "REDIS_PREFIX", prefix)
    settings.TANCERT_REDIS_URL = REDIS_URL
    try:
        yield SimpleNamespace(name="redis", redis=client, prefix=prefix)
    finally:
        for key in client.scan_iter(f"{prefix}*"):
            client.delete(key)


@pytest.fixture
def cert(p):
    return certify(complete_application(p.org_a, p.client_a), p)


def test_both_stores_limit_every_public_route_alike(store, cert, settings, monkeypatch):
    monkeypatch.setattr(lookup, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))  # one window for the test
    settings.TANCERT_LOOKUPS_PER_MINUTE = 4
    c, other = Client(REMOTE_ADDR="198.51.100.21"), Client(REMOTE_ADDR="198.51.100.22")
    codes = [c.get(f"/register/{cert.number}/").status_code, c.get(f"/register/{cert.number}/v1/").status_code,
             c.get("/register/", {"q": cert.number}).status_code,
             c.get(f"/api/v1/public/certificates/{cert.number}").status_code]
    assert codes == [200, 200, 200, 200]
    page = c.get(f"/register/{cert.number}/v1/")
    api = c.get(f"/api/v1/public/certificates/{cert.number}")
    assert page.status_code == api.status_code == 429
    assert 0 < int(page["Retry-After"]) <= 60 and api.json()["retry_after"] == int(api["Retry-After"])
    assert other.get(f"/register/{cert.number}/").status_code == 200  # another address, its own window
    assert LookupLog.objects.filter(client="198.51.100.21", limited=True).count() == 2


def test_redis_holds_the_count_and_forgets_it_after_the_window(redis_store, settings):
    store = redis_store
    settings.TANCERT_LOOKUPS_PER_MINUTE = 10
    c = Client(REMOTE_ADDR="198.51.100.23")
    for _ in range(3):
        assert c.get("/register/seal-key.pem").status_code == 200
    keys = list(store.redis.scan_iter(f"{store.prefix}*"))
    assert len(keys) == 1 and keys[0].decode().endswith(":198.51.100.23")
    assert int(store.redis.get(keys[0])) == 3 and 60 < store.redis.ttl(keys[0]) <= 120
    assert not LookupWindow.objects.exists()  # the database is not touched for the count


def test_two_workers_share_one_count_in_redis(redis_store, settings, monkeypatch):
    """Two threads with their own Redis pools, as two worker processes would have (the database store's
    threaded test is in test_public_lookup.py)."""
    monkeypatch.setattr(lookup, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))  # one minute for all 16
    settings.TANCERT_LOOKUPS_PER_MINUTE = 10
    results: list[bool] = []
    fallbacks: list[str] = []
    monkeypatch.setattr(lookup, "_count_in_database", lambda *a: fallbacks.append("database") or 1)

    own = threading.local()  # each worker its own client and pool, as in two processes
    real = lookup._redis.__wrapped__
    monkeypatch.setattr(lookup, "_redis", lambda url: own.__dict__.setdefault("client", real(url)))

    def worker():
        results.extend(lookup.allow("192.0.2.201")[0] for _ in range(8))

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not fallbacks, "Redis did not answer in time"
    assert results.count(True) == 10 and results.count(False) == 6


def test_an_unreachable_redis_falls_back_to_the_database(settings, monkeypatch):
    monkeypatch.setattr(lookup, "time", SimpleNamespace(time=lambda: 1_800_000_030.0))  # both in one minute
    settings.TANCERT_REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.TANCERT_LOOKUPS_PER_MINUTE = 1
    c = Client(REMOTE_ADDR="198.51.100.24")
    assert c.get("/register/seal-key.pem").status_code == 200
    assert c.get("/register/seal-key.pem").status_code == 429  # still limited, never unlimited or a 500
    assert LookupWindow.objects.get(client="198.51.100.24").hits == 2
