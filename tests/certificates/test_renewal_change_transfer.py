"""Renewal (R9.3-renewal), the holder's change request (R9.4) and transfer in (RT)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tancert.audits import actions as audits
from tancert.audits.models import Audit
from tancert.audits.programme import actions as programme_actions
from tancert.certificates import actions
from tancert.certificates.models import Certificate, Decision, TransferReview
from tancert.certificates.transfer import actions as transfer
from tancert.clients.models import Application
from tancert.demo.seed import at, clock
from tancert.records.models import Event

from flow import (
    CONDITIONS_MET,
    accept_and_contract,
    calculated_days,
    certify,
    close,
    complete_application,
    issue_plan,
    team,
    train_team,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(p):
    return certify(complete_application(p.org_a, p.client_a), p)


def _fill_and_accept(app, p, user=None):
    from tancert.clients import actions as clients
    from tancert.scheme import rulebook

    from flow import PDF

    user = user or p.client_a
    for meta in rulebook.APPLICATION_DOCUMENTS:
        clients.upload_document(app, meta.code, by=user, filename=f"{meta.code}.pdf", content=PDF,
                                document_date=timezone.localdate() if meta.dated else None)
    clients.give_commitment(app, by=user, signed_by="张三 总经理", signed_on=timezone.localdate())
    clients.submit_application(app, by=user, declarant="张三", declared=True)
    accept_and_contract(app, p)


def _recertify(cert, app, p):
    today = timezone.localdate()
    train_team(p, today.year)
    days = calculated_days(Audit.RECERTIFICATION, application=app)
    audit = programme_actions.plan_audit(cert.organisation, by=p.planner, kind=Audit.RECERTIFICATION, start_date=today,
                              end_date=today + timedelta(days=1), auditor_days=days, team=team(p), application=app,
                              certificate=cert)
    close(audit, p.lead, conclusion="持续符合")
    decision = actions.decide(audit, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    return actions.issue_certificate(decision, by=p.certadmin)


def test_renewal_earlier_than_90_days_before_expiry_is_refused(p, cert, rule):
    with rule("R9.3-renewal", field="applied_on"):
        actions.apply_for_renewal(cert, by=p.client_a)
    with rule("R9.3-renewal", field="certificate"):
        actions.apply_for_renewal(cert, by=p.client_b)
    assert not Application.objects.filter(kind=Application.RECERTIFICATION).exists()


def test_recertification_before_expiry_continues_the_chain(p, cert, client):
    with clock(at(cert.expiry_date - timedelta(days=80))):
        app = actions.apply_for_renewal(cert, by=p.client_a)
        assert app.kind == Application.RECERTIFICATION
        _fill_and_accept(app, p)
        new = _recertify(cert, app, p)
    assert new.number == cert.number[:-1] + "1" and new.cycle == 1 and new.renewal_of == cert
    assert new.first_issue_date == cert.first_issue_date
    assert new.expiry_date == cert.expiry_date + relativedelta(years=3)
    assert "再认证，延续证书" in Event.objects.filter(action="certificate.issued").last().summary
    # The register: the old certificate is superseded by the new one (links both ways) and lists only the current
    # one unless asked for all; the signed status statement names the successor (docs/verify.md).
    old_page = client.get(f"/register/{cert.number}/").content.decode()
    assert 'id="superseded-by"' in old_page and f"/register/{new.number}/" in old_page
    assert f"/register/{cert.number}/" in client.get(f"/register/{new.number}/").content.decode()
    listed = client.get("/register/", {"q": cert.organisation_name}).content.decode()
    assert f"/register/{new.number}/" in listed and f"/register/{cert.number}/" not in listed
    # Asked for all, by name and by credit code, the old one is marked superseded — in the search's own statement,
    # not in a query per row (search.marked).
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for q in (cert.organisation_name, cert.credit_code):
        with CaptureQueriesContext(connection) as statements:
            rows = client.get("/register/", {"q": q, "all": "1"}).content.decode().split("<tr>")[2:]
        assert [(f"/register/{c.number}/" in row, "已被替代" in row) for c, row in zip((cert, new), rows, strict=True)] == [
            (True, True), (True, False)], q
        assert not any((s["sql"] or "").startswith('SELECT 1 AS "a"') for s in statements), q  # no .exists() per row
    # The same by credit code and by a two-character fragment (the bigram index), through the API.
    api = "/api/v1/public/certificates"
    for q in (cert.credit_code, cert.organisation_name[1:3]):
        assert [c["number"] for c in client.get(api, {"q": q}).json()] == [new.number], q
        everything = client.get(api, {"q": q, "include_superseded": "true"}).json()
        assert [c["number"] for c in everything] == sorted([cert.number, new.number]), q
    status = client.get(f"/api/v1/public/certificates/{cert.number}/status").json()
    assert status["superseded_by"] == new.number


def test_an_expired_certificate_is_not_renewed_the_holder_applies_anew(p, cert, rule, client):
    # R9.3-renewal: recertification is applied for within the 90 days before expiry, never after.
    with clock(at(cert.expiry_date + timedelta(days=1))):
        # The expiry sweep has not run yet: the date alone closes the renewal.
        assert cert.status == Certificate.VALID
        with rule("R9.3-renewal", field="applied_on") as info:
            actions.apply_for_renewal(cert, by=p.client_a)
        assert cert.number in info.value.message_zh and "申请新的认证" in info.value.message_zh
        actions.expire_certificates()
        cert.refresh_from_db()
        assert cert.status == Certificate.EXPIRED
        with rule("R9.3-renewal", field="applied_on"):
            actions.apply_for_renewal(cert, by=p.client_a)
        assert not Application.objects.filter(kind=Application.RECERTIFICATION).exists()
        client.force_login(p.client_a)
        page = client.get(f"/certificates/{cert.pk}/").content.decode()
        # the page offers a new application, not a recertification
        assert f"/certificates/{cert.pk}/renew/" not in page and "申请再认证" not in page
        assert 'id="apply-anew"' in page and "/applications/new/" in page and "申请新的认证" in page
        refused = client.post(f"/certificates/{cert.pk}/renew/")
        assert refused.status_code == 302 and not Application.objects.filter(kind=Application.RECERTIFICATION).exists()


def test_withdrawn_certificate_page_offers_a_new_application(p, cert, client):
    with clock(at(cert.expiry_date - timedelta(days=30))):
        actions.cancel_certificate(cert, by=p.certadmin, reason="获证组织申请注销")
        client.force_login(p.client_a)
        page = client.get(f"/certificates/{cert.pk}/").content.decode()
    assert f"/certificates/{cert.pk}/renew/" not in page and 'id="apply-anew"' in page


def test_renewal_applied_in_time_and_decided_late_restores_the_chain_later_is_refused(p, cert, settings):
    # Applied for before expiry (R9.3-renewal); decided within TANCERT_LATE_RENEWAL_MONTHS after expiry, the
    # recertification restores the chain (ISO/IEC 17021-1 9.6.3.2.5), later the organisation starts anew.
    with clock(at(cert.expiry_date - timedelta(days=10))):
        app = actions.apply_for_renewal(cert, by=p.client_a)
        _fill_and_accept(app, p)
    with clock(at(cert.expiry_date + timedelta(days=40))):
        actions.expire_certificates()
        new = _recertify(cert, app, p)
        assert new.cycle == 1 and new.expiry_date == cert.expiry_date + relativedelta(years=3)
        assert Event.objects.filter(action="certificate.issued").last().data["late_renewal"] is True


def test_recertification_decided_after_the_late_period_is_refused(p, rule, settings):
    settings.TANCERT_LATE_RENEWAL_MONTHS = 0
    other = certify(complete_application(p.org_b, p.client_b), p)
    with clock(at(other.expiry_date - timedelta(days=5))):
        app = actions.apply_for_renewal(other, by=p.client_b)
        _fill_and_accept(app, p, p.client_b)
    with clock(at(other.expiry_date + timedelta(days=2))):
        with rule("R9.3-renewal", field="decision"):
            _recertify(other, app, p)


def test_renewal_reminder_stops_once_applied(p, cert):
    from tancert.certificates.enforcement import remind_renewals

    with clock(at(cert.expiry_date - timedelta(days=60))):
        actions.apply_for_renewal(cert, by=p.client_a)
        assert remind_renewals(timezone.localdate()) == []


def test_a_change_needing_an_audit_waits_for_a_positive_one(p, cert, rule):
    from tancert.certificates import changes

    req = changes.request_change(cert, by=p.client_a, changes={"scope": "扩大范围"}, reason="扩项")
    today = timezone.localdate()
    special = programme_actions.plan_audit(cert.organisation, by=p.planner, kind=Audit.SPECIAL, start_date=today, end_date=today,
                                auditor_days=1, team=team(p), certificate=cert)
    with rule("R9.4.2", field="audit"):
        changes.review_change(req, by=p.certadmin, approve=True, note="扩项审核", audit=special)
    issue_plan(special, p)
    audits.complete_audit(special, by=p.lead, conclusion="符合", recommendation=Audit.RECOMMEND)
    req = changes.review_change(req, by=p.certadmin, approve=True, note="扩项审核通过", audit=special)
    changes.decide_change(req, by=p.decider, approve=True, note="同意扩项")
    cert.refresh_from_db()
    assert cert.scope == "扩大范围"


def _review(p, org, **overrides):
    today = timezone.localdate()
    data = dict(previous_body="某认证有限公司", previous_number="ABC24CMS0001R0", previous_status="valid",
                previous_issue_date=today - relativedelta(years=1), previous_expiry_date=today + relativedelta(years=2),
                previous_cycle=0, stage="s1", scope="化工产品生产相关的碳管理活动",
                authenticity="国家认监委认证信息查询系统核验有效", reason="原机构服务网点撤销",
                reports="初次认证审核报告、第一次监督审核报告")
    data.update(overrides)
    return transfer.review_transfer(org, by=p.certadmin, **data)


@pytest.mark.parametrize("status", ["suspended", "under_action", "withdrawn", "expired"])
def test_transfer_of_a_certificate_not_currently_valid_is_refused(p, rule, status):
    with rule("RT-valid", field="previous_status"):
        _review(p, p.org_a, previous_status=status)
    assert not TransferReview.objects.exists()


def test_transfer_of_an_expired_certificate_is_refused(p, rule):
    with rule("RT-valid", field="previous_expiry_date"):
        _review(p, p.org_a, previous_expiry_date=timezone.localdate() - timedelta(days=1))


def test_transfer_needs_the_reason_and_authenticity(p, rule):
    with rule("RT-reason", field="reason"):
        _review(p, p.org_a, reason=" ")
    with rule("RT-valid", field="authenticity"):
        _review(p, p.org_a, authenticity="")
    with pytest.raises(PermissionDenied):
        transfer.review_transfer(p.org_a, by=p.client_a, previous_body="x", previous_number="x",
                                 previous_status="valid", previous_issue_date=timezone.localdate(),
                                 previous_expiry_date=timezone.localdate(), stage="s1", scope="x", authenticity="x",
                                 reason="x", reports="x")


def test_an_organisation_we_withdrew_needs_its_rectification_recorded(p, cert, rule):
    actions.withdraw_certificate(cert, by=p.decider, reason="严重违规")
    with rule("RT-withdrawn", field="rectification"):
        _review(p, p.org_a)
    assert _review(p, p.org_a, rectification="已彻底整改，撤销原因已消除（整改报告 2026-10）").pk


def test_open_nonconformities_block_acceptance(p, rule):
    with rule("RT-profit", field="nc_note"):
        _review(p, p.org_b, open_ncs=2)
    review = _review(p, p.org_b, open_ncs=2, nc_note="两项一般不符合，纠正措施计划已提交")
    with rule("RT-profit", field="open_ncs"):
        transfer.decide_transfer(review, by=p.decider, accept=True, reason="接受")
    d = transfer.decide_transfer(review, by=p.decider, accept=False, reason="不符合项未关闭")
    assert d.outcome == Decision.REFUSE
    with rule("RT-valid", field="outcome"):
        transfer.decide_transfer(review, by=p.decider, accept=False, reason="again")


def test_accepted_transfer_keeps_the_cycle_and_expiry(p, rule):
    review = _review(p, p.org_b, previous_cycle=1)
    _audit_b(p)
    with rule("R7.5", field="decided_by"):  # audited B: not independent
        transfer.decide_transfer(review, by=p.decider_who_audited, accept=True, reason="x")
    d = transfer.decide_transfer(review, by=p.decider, accept=True, reason="评审充分，证书有效")
    cert = actions.issue_certificate(d, by=p.certadmin)
    assert cert.origin == Certificate.TRANSFER and cert.previous_body == "某认证有限公司"
    assert cert.expiry_date == review.previous_expiry_date and cert.cycle == 1
    assert cert.first_issue_date == review.previous_issue_date
    assert "转入" in cert.versions.get().content["other_information"]


def _audit_b(p):
    """Put decider_who_audited on an audit of B, so they are not independent of B."""
    app = complete_application(p.org_b, p.client_b)
    accept_and_contract(app, p)
    from flow import plan_initial

    plan_initial(app, p)


def test_transfer_becomes_impossible_once_expired_before_the_decision(p, rule):
    review = _review(p, p.org_b, previous_expiry_date=timezone.localdate() + timedelta(days=3))
    with clock(at(timezone.localdate() + timedelta(days=5))):
        with rule("RT-valid", field="previous_expiry_date"):
            transfer.decide_transfer(review, by=p.decider, accept=True, reason="接受")
