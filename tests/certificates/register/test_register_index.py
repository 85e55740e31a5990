"""The register's name index and its lookup log off the request path (R9.2-lookup; docs/performance.md).

The index (pg_trgm on PostgreSQL, FTS5 trigram on SQLite) finds exactly what the old substring search found,
stays in sync when a certificate's name changes, and the log written in batches loses nothing on a clean stop."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tancert.certificates.models import Certificate, LookupLog
from tancert.certificates.register import lookuplog
from tancert.certificates.register.search import by_name

from flow import certify, change_certificate, complete_application

pytestmark = pytest.mark.django_db

QUERIES = ["甲化工", "化工", "甲", "钢铁", "有限公司", "限公", "乙钢铁有限", "不存在的企业", "%", "_", '"', '"甲', "a",
           "ab'c", "甲 化", "公司%", "Ltd"]


@pytest.fixture
def certs(p):
    b = certify(complete_application(p.org_b, p.client_b), p, start=timezone.localdate() + timedelta(days=10))
    return [certify(complete_application(p.org_a, p.client_a), p), b]


def _index_in_place() -> bool:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'certificate_name_fts_%'")
            return cur.fetchone()[0] == 3
        cur.execute("SELECT count(*) FROM pg_indexes WHERE indexname = 'certificate_name_trgm'")
        return cur.fetchone()[0] == 1


def test_the_index_finds_what_the_substring_search_found_and_follows_a_name_change(p, certs):
    # A later migration that rebuilds the certificates table on SQLite drops the triggers: this fails then.
    assert _index_in_place()
    qs = Certificate.objects.order_by("number")
    for q in QUERIES + [c.organisation_name for c in certs] + [c.organisation_name.lower() for c in certs]:
        assert list(by_name(qs, q)) == list(qs.filter(organisation_name__icontains=q)), q
    changed = change_certificate(certs[0], p, {"organisation_name": "丙新材料科技有限公司"})
    assert list(by_name(qs, "新材料")) == [changed]
    assert list(by_name(qs, certs[0].organisation_name[:3])) == list(
        qs.filter(organisation_name__icontains=certs[0].organisation_name[:3]))
    api = Client().get("/api/v1/public/certificates", {"q": "新材料科技"}).json()
    assert [c["number"] for c in api] == [changed.number]


def test_lookups_wait_in_memory_and_a_flush_writes_them_with_the_time_of_the_lookup(settings):
    settings.TANCERT_LOOKUP_LOG_FLUSH_SECONDS = 60  # the writer thread will not run during the test
    lookuplog.shutdown()
    before = timezone.now()
    for i in range(5):
        lookuplog.record("192.0.2.7", "api", f"CEC{i}", 1, False)
    lookuplog.record("192.0.2.7", "api", "over", 0, True)
    assert LookupLog.objects.count() == 0 and lookuplog.pending() == 6
    assert lookuplog.flush() == 6
    rows = list(LookupLog.objects.order_by("pk").values_list("client", "channel", "query", "found", "limited", "at"))
    assert [r[:5] for r in rows][-1] == ("192.0.2.7", "api", "over", 0, True) and len(rows) == 6
    assert all(before <= r[5] <= timezone.now() for r in rows)
    # A clean stop writes what waits (the atexit hook of every worker) and stops the writer.
    lookuplog.record("192.0.2.8", "web", "CEC9", 0, False)
    assert lookuplog.shutdown() == 1 and lookuplog.pending() == 0
    assert LookupLog.objects.filter(client="192.0.2.8").count() == 1


def test_a_failed_write_keeps_the_rows_for_the_next_flush(settings, monkeypatch):
    settings.TANCERT_LOOKUP_LOG_FLUSH_SECONDS = 60
    lookuplog.shutdown()
    lookuplog.record("192.0.2.9", "api", "CEC1", 1, False)

    def down(*args, **kwargs):
        raise RuntimeError("database away")

    monkeypatch.setattr(LookupLog.objects, "bulk_create", down)
    assert lookuplog.flush() == 0 and lookuplog.pending() == 1
    monkeypatch.undo()
    assert lookuplog.shutdown() == 1 and LookupLog.objects.filter(client="192.0.2.9").exists()


def test_the_writer_thread_flushes_on_its_own(settings, monkeypatch):
    settings.TANCERT_LOOKUP_LOG_FLUSH_SECONDS = 0.01
    lookuplog.shutdown()
    flushed = threading.Event()
    monkeypatch.setattr(lookuplog, "flush", lambda: flushed.set() or 0)
    lookuplog.record("192.0.2.10", "api", "CEC1", 1, False)  # starts the writer
    assert flushed.wait(timeout=30)
    monkeypatch.undo()
    assert lookuplog.shutdown() == 1  # the row the stub did not write is written at the stop
