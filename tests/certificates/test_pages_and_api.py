"""The lifecycle pages and endpoints against every persona (roles are walls), and the web flows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tancert.certificates import actions
from tancert.certificates.models import Certificate, ChangeRequest, MarkMisuse, TransferReview
from tancert.certificates.transfer import actions as transfer

from flow import certify, complete_application

pytestmark = pytest.mark.django_db

OFFICE = ["reviewer", "planner", "decider", "certadmin", "sysadmin"]
TEAM = ["lead", "auditor", "expert"]
PERSONAS = ["client_a", "client_b", "outsider", *TEAM, *OFFICE]
API = "/api/v1"


@pytest.fixture
def world(p):
    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    actions.english_version(cert, by=p.client_a)
    review = transfer.review_transfer(
        p.org_b, by=p.certadmin, previous_body="某认证有限公司", previous_number="ABC24CMS0001R0",
        previous_status="valid", previous_issue_date=timezone.localdate() - timedelta(days=300),
        previous_expiry_date=timezone.localdate() + timedelta(days=500), stage="s1", scope="钢铁生产",
        authenticity="认监委网站核验", reason="原机构停业", reports="初次认证报告")
    audit = app.audits.get(kind="stage2")
    return cert, {
        "decision_page": reverse("decision_page", args=[audit.pk]),
        "dashboard": reverse("certificate_dashboard"),
        "export": reverse("regulator_export"),
        "transfers": reverse("transfers"),
        "transfer": reverse("transfer", args=[review.pk]),
        "mark_svg": reverse("certificate_mark", args=[cert.pk, "svg"]),
        "mark_png": reverse("certificate_mark", args=[cert.pk, "png"]),
        "english_pdf": reverse("certificate_pdf_en", args=[cert.pk, 1]),
        "mark_rules": reverse("mark_rules"),
        "certificate": reverse("certificate", args=[cert.pk]),
    }


def expected(persona: str, page: str) -> int:
    if page == "mark_rules":
        return 200
    own = {"mark_svg", "mark_png", "english_pdf", "certificate"}
    if page in own:
        if persona in ("client_b", "outsider"):
            return 404
        if page.startswith("mark") and persona in TEAM:
            return 403  # the team sees the certificate, but only the holder (or the office) takes the mark
        return 200
    if persona not in OFFICE:
        return 403
    if page == "export":
        return 200 if persona in ("certadmin", "sysadmin") else 403
    return 200


def test_every_new_page_respects_the_wall_of_each_persona(client, p, world):
    # One certified world for all personas (read-only walls; the world is the cost).
    _cert, urls = world
    wrong = {}
    for persona in PERSONAS:
        client.force_login(getattr(p, persona))
        got = {page: client.get(url).status_code for page, url in urls.items()}
        want = {page: expected(persona, page) for page in urls}
        if got != want:
            wrong[persona] = {page: (got[page], want[page]) for page in urls if got[page] != want[page]}
    assert wrong == {}, "persona: {page: (got, want)}"


def test_anonymous_users_are_sent_to_log_in(client, world):
    _cert, urls = world
    for page, url in urls.items():
        if page != "mark_rules":
            assert client.get(url).status_code == 302, page


def test_a_suspended_holder_cannot_download_the_mark(client, p, world):
    cert, urls = world
    actions.suspend_certificate(cert, by=p.decider, trigger="T1", reason="重大缺陷",
                                respond_by=timezone.localdate() + timedelta(days=20))
    client.force_login(p.client_a)
    r = client.get(urls["mark_svg"], follow=True)
    assert "image/svg" not in r["Content-Type"] and "R11.1" in r.content.decode()
    assert "认证标志" in client.get(urls["certificate"]).content.decode()


def test_holder_change_request_and_admin_approval_through_the_pages(client, p, world):
    cert, urls = world
    client.force_login(p.client_a)
    r = client.post(reverse("certificate_change_request", args=[cert.pk]), {
        "organisation_name": cert.organisation_name, "organisation_address": "北京市朝阳区新址1号",
        "scope": cert.scope, "reason": "迁址"}, follow=True)
    assert r.status_code == 200
    req = ChangeRequest.objects.get()
    client.force_login(p.certadmin)
    assert "北京市朝阳区新址1号" in client.get(urls["certificate"]).content.decode()
    client.post(reverse("certificate_change_review", args=[cert.pk, req.pk, "approve"]), {"note": "已核实"})
    cert.refresh_from_db()
    assert cert.version == 1  # reviewed, not yet decided (R9.4.2)
    client.force_login(p.decider)
    client.post(reverse("certificate_change_decide", args=[cert.pk, req.pk, "approve"]), {"note": "同意"})
    cert.refresh_from_db()
    assert cert.version == 2 and cert.organisation_address == "北京市朝阳区新址1号"


def test_transfer_through_the_pages(client, p, world):
    _cert, urls = world
    review = TransferReview.objects.get()
    client.force_login(p.decider)
    client.post(urls["transfer"], {"accept": "yes", "reason": "评审充分"})
    review.refresh_from_db()
    assert review.outcome == TransferReview.ACCEPTED
    client.force_login(p.certadmin)
    r = client.post(reverse("certificate_issue", args=[review.decision_id]), follow=True)
    assert r.status_code == 200
    assert Certificate.objects.get(origin=Certificate.TRANSFER).expiry_date == review.previous_expiry_date


def test_export_page_downloads_the_workbook(client, p, world):
    client.force_login(p.certadmin)
    period = timezone.localdate().strftime("%Y-%m")
    r = client.post(reverse("regulator_export"), {"period": period, "format": "xlsx"})
    assert r.status_code == 200 and r.content[:2] == b"PK"
    r = client.post(reverse("regulator_export"), {"period": "bad"}, follow=True)
    assert "年-月" in r.content.decode()


def test_misuse_is_recorded_from_the_certificate_page(client, p, world):
    cert, urls = world
    client.force_login(p.certadmin)
    client.post(reverse("certificate_misuse", args=[cert.pk]), {
        "observed_on": timezone.localdate().isoformat(), "description": "标志变形使用", "evidence": "宣传册第3页"})
    assert MarkMisuse.objects.get().certificate == cert
    client.force_login(p.client_a)
    assert "标志变形使用" in client.get(urls["certificate"]).content.decode()


def bearer(user) -> Client:
    from tancert.people.actions import create_api_token

    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_api_endpoints_are_in_the_schema():
    paths = Client().get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/decision-queue", "/api/v1/certificates/{cert_id}/renewal",
                 "/api/v1/certificates/{cert_id}/change-requests", "/api/v1/change-requests/{request_id}/review",
                 "/api/v1/certificates/{cert_id}/english", "/api/v1/certificates/{cert_id}/mark.{kind}",
                 "/api/v1/certificates/{cert_id}/mark-misuse", "/api/v1/transfers",
                 "/api/v1/transfers/{review_id}/decision", "/api/v1/certificates-dashboard",
                 "/api/v1/regulator-export/{period}"):
        assert path in paths, path


def test_api_walls_and_rule_errors(p, world):
    cert, _urls = world
    c = f"{API}/certificates/{cert.pk}"
    assert bearer(p.client_b).get(f"{c}/mark.svg").status_code == 404
    assert bearer(p.client_a).get(f"{c}/mark.svg").status_code == 200
    assert bearer(p.lead).get(f"{c}/mark.png").status_code == 403
    assert bearer(p.client_a).get(f"{API}/certificates-dashboard").status_code == 403
    assert bearer(p.decider).get(f"{API}/certificates-dashboard").json()["by_status"]["valid"] == 1
    assert bearer(p.client_a).get(f"{API}/transfers").status_code == 403
    assert bearer(p.decider).get(f"{API}/regulator-export/2026-01").status_code == 403
    assert bearer(p.certadmin).get(f"{API}/regulator-export/bad").status_code == 400
    period = timezone.localdate().strftime("%Y-%m")
    assert bearer(p.certadmin).get(f"{API}/regulator-export/{period}").json()["period"] == period
    r = bearer(p.client_a).post(f"{c}/change-requests", {"changes": {"expiry_date": "2040-01-01"}, "reason": "x"},
                                content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "R9.4.2"
    r = bearer(p.client_a).post(f"{c}/renewal", content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "R9.3-renewal"
    r = bearer(p.certadmin).post(f"{API}/transfers", {
        "organisation_id": p.org_b.pk, "previous_body": "x", "previous_number": "X1", "previous_status": "suspended",
        "previous_issue_date": "2025-01-01", "previous_expiry_date": "2028-01-01", "stage": "s1", "scope": "x",
        "authenticity": "x", "reason": "x", "reports": "x"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "RT-valid"
    review = TransferReview.objects.get()
    r = bearer(p.decider).post(f"{API}/transfers/{review.pk}/decision", {"accept": True, "reason": "评审充分"},
                               content_type="application/json")
    assert r.status_code == 201 and r.json()["audit_id"] is None
    r = bearer(p.client_a).post(f"{c}/english", content_type="application/json")
    assert r.status_code == 200 and b"".join(r.streaming_content).startswith(b"%PDF")
    assert bearer(p.decider).get(f"{API}/decision-queue").json() == []


def test_holder_changes_the_sites_through_the_page_and_bad_lines_are_refused(client, p, world):
    cert, urls = world
    client.force_login(p.client_a)
    url = reverse("certificate_change_request", args=[cert.pk])
    base = {"organisation_name": cert.organisation_name, "organisation_address": cert.organisation_address,
            "scope": cert.scope, "reason": "新增生产场所"}
    r = client.post(url, {**base, "sites": "没有分隔符的一行"}, follow=True)
    assert not ChangeRequest.objects.exists() and "名称: 地址" in r.content.decode()
    client.post(url, {**base, "sites": "总部：北京市海淀区测试路2号\n二厂: 河北省廊坊市测试路9号"})
    assert ChangeRequest.objects.get().changes["sites"][1] == {"name": "二厂", "address": "河北省廊坊市测试路9号"}
