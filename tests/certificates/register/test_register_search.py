"""The public register (R9.2-lookup): search by number, name or credit code; every status shown as
itself; history and chain on the page; hostile queries are harmless and shown escaped."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tancert.certificates import actions
from tancert.certificates.models import Certificate
from tancert.demo.seed import at, clock

from flow import certify, change_certificate, complete_application

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(p):
    certify(complete_application(p.org_b, p.client_b), p, start=timezone.localdate() + timedelta(days=10))
    return certify(complete_application(p.org_a, p.client_a), p)


def test_search_by_number_name_or_credit_code(cert):
    # One certified world for every kind of query: searching is read-only, certifying is the cost.
    queries = {"number": cert.number, "number_spaced": f" {cert.number[:4]} {cert.number[4:]} ",
               "credit_code": cert.credit_code, "credit_lower": cert.credit_code.lower(), "name": "甲化工"}
    for kind, q in queries.items():
        page = Client().get("/register/", {"q": q}).content.decode()
        assert cert.number in page and "乙钢铁" not in page, kind
        api = Client().get("/api/v1/public/certificates", {"q": q}).json()
        assert [c["number"] for c in api] == [cert.number], kind


HOSTILE = ["' OR 1=1 --", "'; DROP TABLE certificates_certificate; --", "%", "_", '<script>alert("x")</script>',
           '"><img src=x onerror=alert(1)>']


def test_hostile_searches_are_harmless_and_shown_escaped(cert):
    for q in HOSTILE:
        r = Client().get("/register/", {"q": q})
        page = r.content.decode()
        assert r.status_code == 200 and cert.number not in page, q
        assert "<script>alert" not in page and "<img src=x" not in page, q
        if "<" in q:
            assert "&lt;" in page, q
        api = Client().get("/api/v1/public/certificates", {"q": q})
        assert (api.status_code, api.json() if len(q) > 1 else api.json()["field"]) == (
            (200, []) if len(q) > 1 else (422, "q")), q  # one character: too short to search (below)
        assert Certificate.objects.count() == 2, q  # nothing was dropped


@pytest.mark.parametrize("q", ["甲", "a", " % ", "_"])
def test_one_character_of_a_name_asks_for_more_and_is_logged(cert, q):
    """A name search needs two characters (search.MIN_NAME): a rare single character had no index to narrow it,
    and the scan of a large register cost the database a third of a second per request."""
    from tancert.certificates.models import LookupLog
    from tancert.certificates.register import lookuplog

    page = Client().get("/register/", {"q": q})
    assert page.status_code == 200 and 'id="search-hint"' in page.content.decode()
    assert "请至少输入组织名称中的两个字" in page.content.decode() and "<table>" not in page.content.decode()
    for language, words in (("zh-hans", "请至少输入组织名称中的两个字"), ("en", "at least two characters")):
        client = Client()
        client.cookies["django_language"] = language
        api = client.get("/api/v1/public/certificates", {"q": q})
        assert api.status_code == 422 and api.json()["field"] == "q" and words in api.json()["message"], language
    assert Client().get("/api/v1/public/certificates", {"q": "甲化"}).json()[0]["number"] == cert.number
    lookuplog.flush()
    assert list(LookupLog.objects.filter(query=q.strip()).values_list("channel", "found")) == [
        ("web", 0), ("api", 0), ("api", 0)]


@pytest.mark.parametrize("status,label", [("suspended", "暂停"), ("withdrawn", "撤销"), ("cancelled", "注销"),
                                          ("expired", "过期")])
def test_every_status_is_shown_as_itself_never_as_valid(p, cert, status, label):
    respond = timezone.localdate() + timedelta(days=30)
    if status == "suspended":
        actions.suspend_certificate(cert, by=p.decider, trigger="T4", reason="未按期整改", respond_by=respond)
    elif status == "withdrawn":
        actions.withdraw_certificate(cert, by=p.decider, reason="严重违规")
    elif status == "cancelled":
        actions.cancel_certificate(cert, by=p.certadmin, reason="组织申请注销")
    for when in ([at(cert.expiry_date + timedelta(days=1))] if status == "expired" else [None]):
        with clock(when) if when else _nullcontext():
            # expired: the sweep has not run, the register still says expired
            page = Client().get(f"/register/{cert.number}/").content.decode()
            search = Client().get("/register/", {"q": cert.number}).content.decode()
            api = Client().get(f"/api/v1/public/certificates/{cert.number}").json()
    assert f'class="status {status}"' in page and 'class="status valid"' not in page
    assert label in page and 'class="status valid"' not in search
    assert api["status"] == status


def _nullcontext():
    from contextlib import nullcontext

    return nullcontext()


def test_history_of_changes_on_the_public_page(p, cert):
    change_certificate(cert, p, {"scope": "扩大后的范围"}, reason="扩项")
    actions.suspend_certificate(cert, by=p.decider, trigger="T1", reason="内部原因不公开",
                                respond_by=timezone.localdate() + timedelta(days=30))
    page = Client().get(f"/register/{cert.number}/").content.decode()
    for text in ("证书已颁发", "证书已变更", "证书已暂停"):
        assert text in page, text
    assert "内部原因不公开" not in page  # the public sees the kind of change, not internal reasons
    assert f"/register/{cert.number}/v1/" in page


def test_public_api_gives_the_history_versions_and_chain(p, cert):
    change_certificate(cert, p, {"scope": "扩大后的范围"}, reason="扩项")
    actions.suspend_certificate(cert, by=p.decider, trigger="T1", reason="内部原因不公开",
                                respond_by=timezone.localdate() + timedelta(days=30))
    body = Client().get(f"/api/v1/public/certificates/{cert.number}/history").json()
    assert body["status"] == "suspended"
    assert [h["change"] for h in body["history"]] == ["issued", "changed", "suspended"]
    assert [v["superseded"] for v in body["versions"]] == [True, False]
    assert "内部原因不公开" not in str(body)
    assert Client().get("/api/v1/public/certificates/NOPE/history").status_code == 404
