"""Every POST page of the backbone, driven through the Django test client as a person would:
good input does the action; bad input shows the rule key and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tancert.audits.models import Audit, Finding
from tancert.certificates.models import Certificate, Decision

from flow import (
    accept_and_contract,
    answer_checklist,
    complete_application,
    fill_stage1,
    plan_initial,
    sign_report,
    verify_carbon,
)

pytestmark = pytest.mark.django_db

# The authorised person's declaration at submission (CB-declaration).
DECLARED = {"declarant": "张三 总经理", "declared": "on"}


def as_user(client, user):
    client.force_login(user)
    return client


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_audit_pages_from_findings_to_certificate(client, p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)
    as_user(client, p.lead)
    r = client.post(f"/audits/{s1.pk}/complete/", {"conclusion": "就绪", "recommendation": "recommend"}, follow=True)
    assert "R7.4.1-S1" in messages_of(r) and Audit.objects.get(pk=s1.pk).status != "completed"
    fill_stage1(s1, p.lead)  # the stage 1 record (its own page is tested in test_audit_work_pages.py)
    r = client.post(f"/audits/{s1.pk}/complete/", {"conclusion": "就绪", "recommendation": "recommend"}, follow=True)
    assert "审核已关闭" in messages_of(r) or Audit.objects.get(pk=s1.pk).status == "completed"
    sign_report(Audit.objects.get(pk=s1.pk), p.lead)  # the report page is tested in tests/audits/report/
    r = client.post(f"/audits/{s2.pk}/findings/", {"grade": "major", "description": "碳基准未调整", "evidence": ""},
                    follow=True)
    assert "R7.5.1" in r.content.decode() and not Finding.objects.exists()
    client.post(f"/audits/{s2.pk}/findings/", {"grade": "major", "description": "碳基准未调整", "evidence": "报告"})
    finding = Finding.objects.get()
    r = client.post(f"/audits/{s2.pk}/findings/", {"grade": ""}, follow=True)
    assert Finding.objects.count() == 1 and messages_of(r)

    as_user(client, p.client_a)
    r = client.post(f"/audits/{s2.pk}/findings/{finding.pk}/respond/", {"correction": "x"}, follow=True)
    assert Finding.objects.get().status == "open" and messages_of(r)
    client.post(f"/audits/{s2.pk}/findings/{finding.pk}/respond/", {
        "correction": "已调整", "root_cause": "程序缺失", "corrective_action": "修订程序", "evidence": "新报告"})
    assert Finding.objects.get().status == "responded"

    as_user(client, p.auditor)
    client.post(f"/audits/{s2.pk}/findings/{finding.pk}/review/", {"outcome": "verify"})
    assert Finding.objects.get().status == "verified"
    as_user(client, p.lead)
    answer_checklist(s2, p.lead)
    r = client.post(f"/audits/{s2.pk}/complete/", {"conclusion": "符合", "recommendation": "recommend"}, follow=True)
    assert "R7.4.3" in messages_of(r) and Audit.objects.get(pk=s2.pk).status != "completed"
    verify_carbon(s2, p.lead)  # the carbon page is tested in tests/audits/carbon/
    client.post(f"/audits/{s2.pk}/complete/", {"conclusion": "符合", "recommendation": "recommend"})
    sign_report(Audit.objects.get(pk=s2.pk), p.lead)

    as_user(client, p.decider)
    r = client.post(f"/audits/{s2.pk}/decide/", {"outcome": ""}, follow=True)
    assert not Decision.objects.exists() and messages_of(r)
    data = {"outcome": "grant", "reason": "满足条件"}
    for c in ("C1", "C2", "C3", "C4"):
        data[f"{c}_met"], data[f"{c}_evidence"] = "yes", "证据"
    data["C4_met"] = "no"
    r = client.post(f"/audits/{s2.pk}/decide/", data, follow=True)
    assert "R7.5.2-C4" in r.content.decode() and not Decision.objects.exists()
    data["C4_met"] = "yes"
    client.post(f"/audits/{s2.pk}/decide/", data)
    decision = Decision.objects.get()

    as_user(client, p.certadmin)
    r = client.post(f"/decisions/{decision.pk}/issue/", follow=True)
    cert = Certificate.objects.get()
    assert r.redirect_chain[-1][0] == f"/certificates/{cert.pk}/"
    r = client.post(f"/certificates/{cert.pk}/change/", {"organisation_name": "甲新材料有限公司",
                                                         "organisation_address": cert.organisation_address,
                                                         "scope": cert.scope, "reason": "更名"})
    cert.refresh_from_db()
    assert cert.version == 1  # a change the body initiates waits for a decision (R9.4.2)
    change = cert.change_requests.get()

    as_user(client, p.decider)
    client.post(f"/certificates/{cert.pk}/change-decision/{change.pk}/approve/", {"note": "同意更名"})
    cert.refresh_from_db()
    assert cert.version == 2 and cert.organisation_name == "甲新材料有限公司"
    later = (timezone.localdate() + timedelta(days=30)).isoformat()
    r = client.post(f"/certificates/{cert.pk}/suspend/", {"trigger": "T3", "reason": "", "respond_by": later},
                    follow=True)
    assert Certificate.objects.get().status == "valid" and messages_of(r)
    client.post(f"/certificates/{cert.pk}/suspend/", {"trigger": "T3", "reason": "受处罚", "respond_by": later})
    assert Certificate.objects.get().status == "suspended"
    public = client.get(f"/register/{cert.number}/").content.decode()
    assert "暂停" in public and "受处罚" not in public  # the public sees the status, not internal reasons
    client.post(f"/certificates/{cert.pk}/restore/", {"reason": "已验证整改"})
    assert Certificate.objects.get().status == "valid"
    assert client.post(f"/certificates/{cert.pk}/explode/", {}).status_code == 403


def test_application_pages_for_client_and_reviewer(client, p):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from flow import PDF

    as_user(client, p.client_a)
    r = client.post("/applications/new/", {"kind": "initial", "scope": "范围", "industry_code": "7",
                                            "cms_started_on": (timezone.localdate() + timedelta(days=3)).isoformat()})
    assert "R7.1-C2" in r.content.decode()
    start = (timezone.localdate() - timedelta(days=200)).isoformat()
    r = client.post("/applications/new/", {"kind": "initial", "scope": "范围", "cms_started_on": start,
                                           "industry_code": "7"})
    app = p.org_a.applications.get()
    r = client.post(f"/applications/{app.pk}/documents/D1/upload/",
                    {"file": SimpleUploadedFile("evil.pdf", b"MZ not a pdf")}, follow=True)
    assert "R7.1-D1" in r.content.decode() and not app.documents.exists()
    client.post(f"/applications/{app.pk}/documents/D1/upload/", {"file": SimpleUploadedFile("d1.pdf", PDF)})
    client.post(f"/applications/{app.pk}/documents/D4/not-applicable/", {"reason": "无需许可"})
    assert sorted(app.current_documents()) == ["D1", "D4"]
    client.post(f"/applications/{app.pk}/commitment/", {"signed_by": "张三", "signed_on": timezone.localdate()})
    r = client.post(f"/applications/{app.pk}/submit/", DECLARED, follow=True)
    assert "R7.1-D2" in r.content.decode()
    for code in ("D2", "D3", "D5", "D6", "D7", "D8", "D9", "D10", "D11"):
        data = {"file": SimpleUploadedFile(f"{code}.pdf", PDF)}
        if code == "D5":
            data["document_date"] = timezone.localdate().isoformat()
        client.post(f"/applications/{app.pk}/documents/{code}/upload/", data)
    client.post(f"/applications/{app.pk}/submit/", DECLARED)
    app.refresh_from_db()
    assert app.status == "submitted"

    as_user(client, p.reviewer)
    assert "甲化工" in client.get("/").content.decode()  # in the review queue
    r = client.post(f"/applications/{app.pk}/review/accept/", {"described": "on"}, follow=True)
    assert "R7.2-review" in r.content.decode()
    client.post(f"/applications/{app.pk}/review/supplement/", {"missing": "补充 D10 签字页"})
    app.refresh_from_db()
    assert app.status == "supplement_requested"
    as_user(client, p.client_a)
    assert "补充 D10 签字页" in client.get(f"/applications/{app.pk}/").content.decode()
    client.post(f"/applications/{app.pk}/submit/", DECLARED)
    as_user(client, p.reviewer)
    client.post(f"/applications/{app.pk}/review/accept/", {"described": "on", "understands": "on", "competent": "on"})
    app.refresh_from_db()
    assert app.status == "accepted"

    as_user(client, p.client_a)
    r = client.get(f"/applications/{app.pk}/")
    assert "sign-contract" in r.content.decode()
    client.post(f"/applications/{app.pk}/contract/sign/", {"signer_name": "张三 总经理"})
    assert client.get(f"/applications/{app.pk}/contract.pdf").status_code == 200
    assert client.post(f"/applications/{app.pk}/contract/payment/", {"amount": "1", "reference": "x"}).status_code == 403
    as_user(client, p.reviewer)
    app.refresh_from_db()
    client.post(f"/applications/{app.pk}/contract/payment/", {"amount": str(app.contract.total), "reference": "回单"})
    app.contract.refresh_from_db()
    assert app.contract.status == "paid"

    from flow import qualify_team

    qualify_team(p)  # the team must pass the register check (R4, R7.3.2)
    as_user(client, p.planner)
    today = timezone.localdate().isoformat()
    r = client.post(f"/applications/{app.pk}/plan/", {"kind": "stage1", "start_date": today, "end_date": today,
                                                       "auditor_days": "1", "method": "FS01",
                                                       "leader": p.lead.pk, "auditors": [p.auditor.pk]})
    assert app.audits.count() == 1 and r.status_code == 302


def test_token_page_creates_and_revokes(client, p):
    as_user(client, p.client_a)
    r = client.post("/me/tokens/", {"name": "laptop"}, follow=True)
    assert "tc_" in messages_of(r)
    token = p.client_a.api_tokens.get()
    client.post(f"/me/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is not None
    as_user(client, p.client_b)
    assert client.post(f"/me/tokens/{token.pk}/revoke/").status_code == 404


def test_signup_page_registers_and_logs_in(client):
    from flow import code

    r = client.post("/signup/", {"name": "丁公司", "credit_code": "91110108551385082A", "registered_address": "a",
                                 "address": "b", "employees": 10, "technical_areas": ["3"], "contact_name": "丁",
                                 "email": "d@example.cn", "username": "ding", "password": "long-enough-1"})
    assert "R7.1-C1" in r.content.decode()
    r = client.post("/signup/", {"name": "丁公司", "credit_code": code("110108MA0E0005"), "registered_address": "a",
                                 "address": "b", "employees": 10, "technical_areas": ["3"], "contact_name": "丁",
                                 "email": "d@example.cn", "username": "ding", "password": "long-enough-1"},
                    follow=True)
    assert "丁公司" in r.content.decode() and r.context["user"].is_authenticated
