"""Complaints and appeals over /api/v1: the public lodges and sees only its acknowledgment; clients see only
their own; rule violations are keyed 422s."""

from __future__ import annotations

import pytest
from django.test import Client

from tancert.people.actions import create_api_token, create_staff_user
from tancert.people.models import Role

from flow import CONDITIONS_MET, certify, complete_application, through_audits

pytestmark = pytest.mark.django_db
API = "/api/v1"


def api(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_the_paths_are_documented():
    paths = Client().get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/complaints", "/api/v1/complaints/{complaint_id}/decision", "/api/v1/appeals",
                 "/api/v1/appeals/{appeal_id}/decision", "/api/v1/public/certificates/{number}/complaints"):
        assert path in paths, path


def test_public_lodges_then_investigated_and_answered_over_the_api(p):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    url = f"{API}/public/certificates/{cert.number}/complaints"
    bad = Client().post(url, {"name": "王", "contact": "", "text": "x"}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["rule"] == "CB-complaint-lodge"
    assert Client().post(url, {"name": "王", "contact": "a" * 201, "text": "x"},
                         content_type="application/json").status_code == 422
    assert Client().post(f"{API}/public/certificates/NOPE/complaints", {"name": "王", "contact": "c", "text": "x"},
                         content_type="application/json").status_code == 404
    r = Client().post(url, {"name": "王", "contact": "wang@example.com", "text": "数据造假"},
                      content_type="application/json")
    assert r.status_code == 201 and set(r.json()) == {"reference", "respond_by"}
    staff = api(p.planner)
    cid = staff.get(f"{API}/complaints").json()[0]["id"]
    assert api(p.client_a).get(f"{API}/complaints/{cid}").status_code == 404  # not lodged by the client
    r = staff.post(f"{API}/complaints/{cid}/investigator", {"investigator_id": p.lead.pk},
                   content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "CB-complaint-independent"
    assert staff.post(f"{API}/complaints/{cid}/investigator", {"investigator_id": p.outsider.pk},
                      content_type="application/json").status_code == 200
    assert api(p.outsider).post(f"{API}/complaints/{cid}/findings", {"findings": "未发现问题"},
                                content_type="application/json").status_code == 200
    judge = create_staff_user("judge", "test-pass-123", roles=[Role.DECISION_MAKER], by=None)
    r = api(judge).post(f"{API}/complaints/{cid}/decision", {"outcome": "not_upheld", "response": "经调查不成立"},
                        content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "decided"


def test_client_appeal_over_the_api(p):
    s2 = through_audits(complete_application(p.org_a, p.client_a), p)
    from tancert.certificates import actions as certs

    refused = certs.decide(s2, by=p.decider, outcome="refuse", conditions=CONDITIONS_MET, reason="不符合")
    assert api(p.client_b).post(f"{API}/appeals", {"grounds": "不服", "decision_id": refused.pk},
                                content_type="application/json").status_code == 404
    r = api(p.client_a).post(f"{API}/appeals", {"grounds": "补充材料", "decision_id": refused.pk},
                             content_type="application/json")
    assert r.status_code == 201
    aid = r.json()["id"]
    assert api(p.client_b).get(f"{API}/appeals/{aid}").status_code == 404
    r = api(p.decider).post(f"{API}/appeals/{aid}/decision", {"outcome": "not_upheld", "reasons": "维持"},
                            content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "CB-appeal-independent"
