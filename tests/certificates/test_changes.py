"""Certificate changes (R9.4): only through the holder's request or a body-initiated change, reviewed and decided
by an independent decision maker; one open change per certificate; every step recorded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from tancert.certificates import actions, changes
from tancert.certificates.models import ChangeRequest
from tancert.people.auditors import actions as register
from tancert.records.models import Event

from flow import PDF, certify, complete_application

API = "/api/v1"


@pytest.fixture
def cert(p):
    return certify(complete_application(p.org_a, p.client_a), p)


def _bearer(user):
    from django.test import Client

    from tancert.people.actions import create_api_token

    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_change_needs_an_approved_request_decided_by_a_decision_maker(p, cert, rule):
    with rule("R9.4.2", field="request"):
        changes.change_certificate(cert, by=p.certadmin, request=None)
    req = changes.request_change(cert, by=p.client_a, changes={"organisation_name": "甲新材料有限公司"},
                                 reason="组织更名")
    with rule("R9.4.2", field="request"):  # requested, not decided
        changes.change_certificate(cert, by=p.certadmin, request=req)
    with rule("R9.4.2", field="status"):  # a decision needs the review first
        changes.decide_change(req, by=p.decider, approve=True, note="同意")
    changes.review_change(req, by=p.certadmin, approve=True, note="已审查营业执照变更登记")
    cert.refresh_from_db()
    assert cert.version == 1
    with pytest.raises(PermissionDenied):
        changes.decide_change(req, by=p.certadmin, approve=True, note="同意")
    with rule("R9.4.2", field="note"):
        changes.decide_change(req, by=p.decider, approve=True, note="")
    number, issue, expiry = cert.number, cert.issue_date, cert.expiry_date
    changes.decide_change(req, by=p.decider, approve=True, note="同意变更")
    cert.refresh_from_db()
    assert (cert.number, cert.issue_date, cert.expiry_date) == (number, issue, expiry)
    assert cert.version == 2 and cert.change_date == timezone.localdate()
    v1, v2 = cert.versions.order_by("version")
    assert v1.superseded_at is not None and v2.content["organisation_name"] == "甲新材料有限公司"
    req.refresh_from_db()
    with rule("R9.4.2", field="request"):  # applied once
        changes.change_certificate(cert, by=p.decider, request=req)
    actions_in_order = list(Event.objects.filter(action__startswith="certificate.change").values_list(
        "action", flat=True).order_by("seq"))
    assert actions_in_order == ["certificate.change_requested", "certificate.change_reviewed",
                                "certificate.change_decided", "certificate.changed"]
    ev = Event.objects.get(action="certificate.changed")
    assert ev.data["request"] == req.pk and ev.data["pdf_sha256"] == v2.sha256


def test_what_a_request_may_change(p, cert, rule):
    with rule("R9.4.2", field="expiry_date"):
        changes.request_change(cert, by=p.client_a, changes={"expiry_date": "2040-01-01"}, reason="延期")
    with rule("R9.4.1", field="reason"):
        changes.request_change(cert, by=p.client_a, changes={"organisation_name": "新名"}, reason="")
    with rule("R9.4.1", field="changes"):
        changes.request_change(cert, by=p.client_a, changes={"scope": cert.scope}, reason="无变化")
    with rule("R9.4.2", field="document"):
        changes.request_change(cert, by=p.client_a, changes={"scope": "新范围"}, reason="扩项",
                               document=("x.exe", b"MZ\x90\x00"))
    req = changes.request_change(cert, by=p.client_a, changes={"scope": "新范围"}, reason="扩项",
                                 document=("证明.pdf", PDF))
    assert req.document_sha256 and req.document.name


def test_a_client_cannot_request_for_another_clients_certificate(p, cert):
    with pytest.raises(PermissionDenied):
        changes.request_change(cert, by=p.client_b, changes={"organisation_address": "x"}, reason="x")
    r = _bearer(p.client_b).post(f"{API}/certificates/{cert.pk}/change-requests",
                                 {"changes": {"organisation_address": "x"}, "reason": "x"},
                                 content_type="application/json")
    assert r.status_code in (403, 404) and not ChangeRequest.objects.exists()


def test_one_open_change_per_certificate(p, cert, rule):
    changes.request_change(cert, by=p.client_a, changes={"organisation_address": "新址"}, reason="迁址")
    with rule("R9.4.1", field="changes"):
        changes.request_change(cert, by=p.client_a, changes={"scope": "新范围"}, reason="再来一次")
    with rule("R9.4.1", field="changes"):
        changes.propose_change(cert, by=p.certadmin, changes={"scope": "缩小的范围"}, reason="不符合项")
    with pytest.raises(IntegrityError), transaction.atomic():  # the constraint behind the check
        ChangeRequest.objects.create(certificate=cert, changes={"scope": "y"}, reason="y", requested_by=p.client_a,
                                     requested_at=timezone.now(), status=ChangeRequest.REVIEWED)


def test_the_body_reduces_the_scope_after_a_finding_by_a_decision(p, cert, rule):
    with pytest.raises(PermissionDenied):
        changes.propose_change(cert, by=p.client_a, changes={"scope": "缩小的范围"}, reason="x")
    with rule("R9.4.1", field="reason"):
        changes.propose_change(cert, by=p.certadmin, changes={"scope": "缩小的范围"}, reason=" ")
    req = changes.propose_change(cert, by=p.certadmin, changes={"scope": "缩小的范围"},
                                 reason="监督审核发现二厂未纳入碳管理体系，缩小认证范围")
    assert req.initiated_by_body and req.status == ChangeRequest.REVIEWED
    cert.refresh_from_db()
    assert cert.scope != "缩小的范围"
    changes.decide_change(req, by=p.decider, approve=True, note="同意缩小范围")
    cert.refresh_from_db()
    assert cert.scope == "缩小的范围" and cert.version == 2


def test_the_decider_of_a_change_is_independent_of_the_client(p, cert, rule):
    req = changes.propose_change(cert, by=p.certadmin, changes={"scope": "缩小的范围"}, reason="不符合项")
    with rule("R7.5", field="decided_by"):  # was on the client's audit team
        changes.decide_change(req, by=p.decider_who_audited, approve=True, note="同意")
    register.declare_conflict(p.decider, by=p.sysadmin, organisation=p.org_a, kind="consulted",
                              started_on=timezone.localdate() - timedelta(days=400), note="曾提供咨询")
    with rule("R7.5", field="decided_by"):
        changes.decide_change(req, by=p.decider, approve=True, note="同意")


def test_refused_change_leaves_the_certificate_and_a_suspended_one_cannot_change(p, cert, rule):
    req = changes.request_change(cert, by=p.client_a, changes={"organisation_address": "新址"}, reason="迁址")
    changes.review_change(req, by=p.certadmin, approve=True, note="已审查")
    changes.decide_change(req, by=p.decider, approve=False, note="证据不足")
    cert.refresh_from_db()
    assert cert.version == 1 and ChangeRequest.objects.get().status == ChangeRequest.REJECTED
    actions.suspend_certificate(cert, by=p.decider, trigger="T1", reason="x",
                                respond_by=timezone.localdate() + timedelta(days=5))
    cert.refresh_from_db()
    with rule("R9.4.2", field="status"):
        changes.request_change(cert, by=p.client_a, changes={"scope": "新范围"}, reason="扩大范围")


def test_the_api_has_no_direct_change(p, cert):
    body = {"changes": {"scope": "缩小的范围"}, "reason": "不符合项，缩小范围"}
    r = _bearer(p.certadmin).post(f"{API}/certificates/{cert.pk}/change", body, content_type="application/json")
    assert r.status_code == 201 and r.json()["status"] == "reviewed" and r.json()["initiated_by_body"]
    cert.refresh_from_db()
    assert cert.version == 1
    r = _bearer(p.decider).post(f"{API}/change-requests/{r.json()['id']}/decide",
                                {"approve": True, "note": "同意"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    cert.refresh_from_db()
    assert cert.version == 2 and cert.scope == "缩小的范围"


def test_the_certificate_page_names_the_changed_fields_in_chinese(p, cert, client):
    """People read "组织地址", never the field's code name organisation_address."""
    changes.request_change(cert, by=p.client_a, changes={"organisation_address": "山东省烟台市化工产业园区新区路 18 号",
                                                         "sites": [{"name": "新厂区", "address": "烟台市新区路 18 号"}]},
                           reason="生产基地整体搬迁")
    client.force_login(p.client_a)
    html = client.get(f"/certificates/{cert.pk}/").content.decode()
    assert "组织地址: 山东省烟台市化工产业园区新区路 18 号" in html and "场所: 新厂区: 烟台市新区路 18 号" in html
    assert "organisation_address:" not in html and "<li>sites" not in html
