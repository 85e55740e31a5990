"""The register's name index and its lookup log off the request path (R9.2-lookup; docs/performance.md).

The indexes (pg_trgm on PostgreSQL, FTS5 trigram on SQLite; the bigram index of two-character fragments on
both) find exactly what the old substring search found, stay in sync when a certificate's name changes or the
certificate is deleted, and the log written in batches loses nothing on a clean stop."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from tancert.certificates.models import Certificate, LookupLog
from tancert.certificates.register import lookuplog, search
from tancert.certificates.register.search import by_name

from flow import certify, change_certificate, complete_application

pytestmark = pytest.mark.django_db


def by_name_(q: str) -> list:
    return by_name(q, current_only=False)  # every certificate, in number order, at most a page

BIGRAM_QUERIES = ["化工", "钢铁", "有限", "限公", "甲化", "乙钢", "公司", "不存", "%_", "_%", "%%", '"甲', "a_", "ab", "AB",
                  "Lt", "lt", "LT", "d.", " 甲", "新材", "丙新"]
QUERIES = ["甲化工", "化工", "甲", "钢铁", "有限公司", "限公", "乙钢铁有限", "不存在的企业", "%", "_", '"', '"甲', "a",
           "ab'c", "甲 化", "公司%", "Ltd"]


@pytest.fixture
def certs(p):
    b = certify(complete_application(p.org_b, p.client_b), p, start=timezone.localdate() + timedelta(days=10))
    return [certify(complete_application(p.org_a, p.client_a), p), b]


def _index_in_place() -> bool:
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND (name LIKE 'certificate_name_fts_%' "
                        "OR name LIKE 'certificate_name_bigram_%')")
            return cur.fetchone()[0] == 6
        cur.execute("SELECT count(*) FROM pg_indexes WHERE indexname IN ('certificate_name_trgm', 'certificate_name_bigrams')")
        return cur.fetchone()[0] == 2


def _same_as_substring_search(queries):
    qs = Certificate.objects.order_by("number")
    for q in queries:
        assert list(by_name_(q)) == list(qs.filter(organisation_name__icontains=q)), q


def _plan(q: str) -> str:
    shape, narrowing = search._name_plan(q)  # the statement by_name runs for q, and its values
    compiled = search.BY_NAME[False, shape].ready(1 + len(narrowing))
    sql, params = compiled.sql, compiled.args((q, *narrowing))
    with connection.cursor() as cur:
        cur.execute(("EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ") + sql, params)
        return "\n".join(str(row) for row in cur.fetchall())


def test_the_index_finds_what_the_substring_search_found_and_follows_a_name_change(p, certs):
    # A later migration that rebuilds the certificates table on SQLite drops the triggers: this fails then.
    assert _index_in_place()
    qs = Certificate.objects.order_by("number")
    for q in QUERIES + [c.organisation_name for c in certs] + [c.organisation_name.lower() for c in certs]:
        assert list(by_name_(q)) == list(qs.filter(organisation_name__icontains=q)), q
    changed = change_certificate(certs[0], p, {"organisation_name": "丙新材料科技有限公司"})
    assert list(by_name_("新材料")) == [changed]
    assert list(by_name_(certs[0].organisation_name[:3])) == list(
        qs.filter(organisation_name__icontains=certs[0].organisation_name[:3]))
    api = Client().get("/api/v1/public/certificates", {"q": "新材料科技"}).json()
    assert [c["number"] for c in api] == [changed.number]


@pytest.mark.parametrize("common_gram", [None, 1, 0])
def test_two_character_fragments_find_what_the_substring_search_found(p, certs, monkeypatch, common_gram):
    # common_gram 1: 有限 and 公司 (in both names) count as common and take the scan; 0: every gram present does.
    # On SQLite the same rule sends a common fragment of three characters or more past the FTS5 table.
    if common_gram is not None:
        monkeypatch.setattr(search, "common_gram", lambda: common_gram)
    names = ["Acme Ltd. 甲", 'ab%_"甲 化工有限公司']
    for cert, name in zip(certs, names, strict=True):
        Certificate.objects.filter(pk=cert.pk).update(organisation_name=name)
    _same_as_substring_search(BIGRAM_QUERIES + [n[:2] for n in names] + [n[-2:].lower() for n in names] + QUERIES)
    # A name renamed by an update: its old grams go, its new ones come.
    Certificate.objects.filter(pk=certs[0].pk).update(organisation_name="丙新材料科技有限公司")
    _same_as_substring_search(BIGRAM_QUERIES)
    assert list(by_name_("新材")) == [Certificate.objects.get(pk=certs[0].pk)]
    assert list(by_name_("ac")) == []
    changed = change_certificate(Certificate.objects.get(pk=certs[1].pk), p, {"organisation_name": "丁碳素制品有限公司"})
    assert list(by_name_("碳素")) == [changed]
    _same_as_substring_search(BIGRAM_QUERIES + ["碳素", "钢铁", "制品"])


def test_a_deleted_certificate_leaves_the_bigram_index(p, certs):
    # A certificate nothing refers to (a copy on a decision of its own), so it can be deleted.
    decision = certs[1].decision
    decision.pk, decision.audit = None, None
    decision.save()
    gone = Certificate.objects.get(pk=certs[1].pk)
    gone.pk, gone.number, gone.decision, gone.organisation_name = None, "CEC99CMS999999R0", decision, "戊碳素有限公司"
    gone.save()
    assert list(by_name_("碳素")) == [gone]
    gone.delete()
    assert list(by_name_("碳素")) == []
    _same_as_substring_search(BIGRAM_QUERIES)
    if connection.vendor == "sqlite":
        with connection.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {search.NAME_BIGRAMS} WHERE gram = %s", ["碳素"])
            assert cur.fetchone()[0] == 0


def test_a_rare_two_character_fragment_is_answered_from_the_bigram_index(p, certs):
    plan = _plan("化工")
    assert (search.NAME_BIGRAMS if connection.vendor == "sqlite" else "tancert_name_bigrams") in plan, plan


def test_what_counts_as_a_common_gram_grows_with_the_register(p, certs, monkeypatch):
    # Where the scan in number order and the index cost the same: √(50 × certificates), never below a page.
    assert search.table_size() == max(c.pk for c in certs)
    for size, threshold in ((0, 50), (2, 50), (100_000, 2236), (1_000_000, 7071)):
        monkeypatch.setattr(search, "table_size", lambda size=size: size)
        assert search.common_gram() == threshold
    # At 1,000,000 certificates PostgreSQL estimates a gram outside its most common elements at 2,500 names: rare
    # there (it was 31), so the bigram index answers instead of a scan of the whole table.
    monkeypatch.setattr(search, "_pg_estimate", lambda condition, params: 2500.0)
    if connection.vendor == "postgresql":
        assert search._name_plan("乐信")[0] == "pg_bigram"
        monkeypatch.setattr(search, "table_size", lambda: 100_000)
        assert search._name_plan("乐信")[0] == "scan"


def test_the_table_size_is_read_once_a_minute(p, certs, monkeypatch, django_assert_num_queries):
    clock = [1000.0]
    monkeypatch.setattr(search.time, "monotonic", lambda: clock[0])
    with django_assert_num_queries(1):
        size = search.table_size()
    clock[0] += search.SIZE_TTL - 1
    with django_assert_num_queries(0):
        assert search.table_size() == size
    clock[0] += 2
    with django_assert_num_queries(1):
        assert search.table_size() == size


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
