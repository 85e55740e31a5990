"""Decisions (R7.5) and the certificate lifecycle (R9)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.utils import timezone

from tancert.audits.findings import actions as finding_actions
from tancert.certificates import actions
from tancert.certificates.models import Certificate, Decision
from tancert.records.models import Event

from flow import CONDITIONS_MET, certify, complete_application, through_audits

pytestmark = pytest.mark.django_db


@pytest.fixture
def audited(p):
    return through_audits(complete_application(p.org_a, p.client_a), p)


def test_decision_maker_who_audited_cannot_decide(p, audited, rule):
    with rule("R7.5", field="decided_by"):
        actions.decide(audited, by=p.decider_who_audited, outcome="grant", conditions=CONDITIONS_MET)


def test_only_decision_makers_decide(p, audited):
    for user in (p.lead, p.certadmin, p.client_a):
        with pytest.raises(PermissionDenied):
            actions.decide(audited, by=user, outcome="grant", conditions=CONDITIONS_MET)


def test_each_condition_must_be_answered_with_evidence(p, audited, rule):
    for code in ("C1", "C2", "C3", "C4"):  # each refusal leaves nothing, so one audited world serves all four
        conditions = {**CONDITIONS_MET, code: {"met": True, "evidence": ""}}
        with rule(f"R7.5.2-{code}", field=f"conditions.{code}"):
            actions.decide(audited, by=p.decider, outcome="grant", conditions=conditions)
    assert not Decision.objects.exists()


@pytest.mark.parametrize("code", ["C1", "C2", "C3", "C4"])
def test_unmet_condition_forbids_granting_but_allows_refusal(p, audited, rule, code):
    conditions = {**CONDITIONS_MET, code: {"met": False, "evidence": "查见处罚决定书"}}
    with rule(f"R7.5.2-{code}"):
        actions.decide(audited, by=p.decider, outcome="grant", conditions=conditions)
    d = actions.decide(audited, by=p.decider, outcome="refuse", conditions=conditions, reason="条件不满足")
    assert d.outcome == Decision.REFUSE
    with rule("R7.5.2", field="decision"):
        actions.issue_certificate(d, by=p.certadmin)


def test_unverified_major_forbids_granting(p, rule):
    s2 = through_audits(complete_application(p.org_a, p.client_a), p, major=True)
    with rule("R7.5.2", field="findings"):
        actions.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    major = s2.findings.get(grade="major")
    finding_actions.respond_to_finding(major, by=p.client_a, correction="a", root_cause="b", corrective_action="c",
                              evidence="d")
    finding_actions.review_finding_response(major, by=p.lead, outcome="accept")
    with rule("R7.5.2", field="findings"):  # accepted is not enough for a major
        actions.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    finding_actions.review_finding_response(major, by=p.lead, outcome="verify")
    assert actions.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET).grants


def test_reduced_scope_needs_the_scope(p, audited, rule):
    with rule("R9.1-c", field="scope"):
        actions.decide(audited, by=p.decider, outcome="grant_reduced", conditions=CONDITIONS_MET, scope=" ")


def test_second_decision_on_same_audit_is_refused(p, audited, rule):
    actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    with rule("R7.5", field="audit"):
        actions.decide(audited, by=p.decider, outcome="refuse", conditions=CONDITIONS_MET)


def test_issued_certificate_has_r91_content_and_three_year_validity(p, audited, settings):
    d = actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    cert = actions.issue_certificate(d, by=p.certadmin)
    today = timezone.localdate()
    assert cert.number == f"CEC{today:%y}CMS00001R0"
    assert cert.expiry_date == today.replace(year=today.year + 3) - timedelta(days=1)
    assert cert.organisation_name == p.org_a.name and cert.criterion == "T/CCAA 39-2022"
    v = cert.versions.get()
    assert v.pdf.read().startswith(b"%PDF") and len(v.sha256) == 64
    ev = Event.objects.get(action="certificate.issued")
    assert ev.data["pdf_sha256"] == v.sha256 and ev.data["content"]["number"] == cert.number


def test_a_decision_gives_one_certificate(p, audited, rule):
    d = actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    actions.issue_certificate(d, by=p.certadmin)
    with rule("R9.1-a", field="decision"):
        actions.issue_certificate(d, by=p.certadmin)


def test_certificate_pdf_is_pdfa_with_embedded_chinese_font(p, audited):
    d = actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    pdf = actions.issue_certificate(d, by=p.certadmin).versions.get().pdf.read()
    from flow import pdf_text_streams

    content = pdf_text_streams(pdf)
    assert b"pdfaid:part" in content  # PDF/A identification in the XMP metadata
    assert b"FontFile" in content  # the fonts are embedded
    assert b"Noto" in content


def test_issue_date_cannot_be_in_the_future(p, audited, rule):
    d = actions.decide(audited, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    with rule("R9.1-e", field="issue_date"):
        actions.issue_certificate(d, by=p.certadmin, issue_date=timezone.localdate() + timedelta(days=1))


def test_suspension_for_each_trigger_and_restoration(p, rule):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    respond_by = timezone.localdate() + timedelta(days=30)
    for trigger in ("T1", "T2", "T3", "T4"):  # one certificate suspended and restored under each trigger in turn
        with rule(f"R9.2-{trigger}", field="reason"):
            actions.suspend_certificate(cert, by=p.decider, trigger=trigger, reason="", respond_by=respond_by)
        actions.suspend_certificate(cert, by=p.decider, trigger=trigger, reason="原因", respond_by=respond_by)
        assert cert.status == Certificate.SUSPENDED and cert.suspension_trigger == trigger
        actions.restore_certificate(cert, by=p.decider, reason="已验证整改")
        assert cert.status == Certificate.VALID


def test_suspension_needs_a_trigger_and_a_valid_certificate(p, rule):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    later = timezone.localdate() + timedelta(days=30)
    with rule("R9.2-suspend", field="trigger"):
        actions.suspend_certificate(cert, by=p.decider, trigger="T9", reason="x", respond_by=later)
    with rule("R9.2-suspend", field="respond_by"):
        actions.suspend_certificate(cert, by=p.decider, trigger="T1", reason="x", respond_by=timezone.localdate())
    actions.withdraw_certificate(cert, by=p.decider, reason="严重违规")
    with rule("R9.2-suspend", field="status"):
        actions.suspend_certificate(cert, by=p.decider, trigger="T1", reason="x", respond_by=later)
    with rule("R9.2-suspend", field="status"):
        actions.restore_certificate(cert, by=p.decider, reason="x")


def test_cancel_at_holders_request_needs_the_request(p, rule):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    with rule("R9.4.1", field="reason"):
        actions.cancel_certificate(cert, by=p.certadmin, reason="")
    with pytest.raises(PermissionDenied):
        actions.cancel_certificate(cert, by=p.decider, reason="x")
    actions.cancel_certificate(cert, by=p.certadmin, reason="组织书面申请注销")
    assert cert.status == Certificate.CANCELLED


def test_expiry_sweep_is_idempotent(p, rule):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    after = cert.expiry_date + timedelta(days=1)
    assert actions.expire_certificates(today=cert.expiry_date) == []
    assert actions.expire_certificates(today=after) == [cert.number]
    assert actions.expire_certificates(today=after) == []
    cert.refresh_from_db()
    assert cert.status == Certificate.EXPIRED
    assert Event.objects.filter(action="certificate.expired").count() == 1
    with rule("R9.2-suspend", field="status"):
        actions.restore_certificate(cert, by=p.decider, reason="x")


def test_a_suspended_certificate_past_its_expiry_cannot_be_restored(p, rule):
    from tancert.demo.seed import at, clock

    cert = certify(complete_application(p.org_a, p.client_a), p)
    actions.suspend_certificate(cert, by=p.decider, trigger="T1", reason="体系严重缺陷",
                                respond_by=timezone.localdate() + timedelta(days=30))
    with clock(at(cert.expiry_date + timedelta(days=1))):
        with rule("R9.2-validity", field="status"):
            actions.restore_certificate(cert, by=p.decider, reason="x")


@pytest.mark.django_db(transaction=True)
def test_two_decision_makers_at_once_one_wins(p):
    """Both submit a decision on the same audit at the same moment: exactly one is recorded."""
    from tancert.people.actions import create_staff_user
    from tancert.people.models import Role
    from tancert.scheme.violations import RuleViolation

    s2 = through_audits(complete_application(p.org_a, p.client_a), p)
    other = create_staff_user("decider3", "test-pass-123", roles=[Role.DECISION_MAKER], by=None)
    results, barrier = [], threading.Barrier(2)

    def run(user):
        barrier.wait()
        try:
            actions.decide(s2, by=user, outcome="grant", conditions=CONDITIONS_MET)
            results.append("ok")
        except RuleViolation as v:
            results.append(v.key)
        except Exception as exc:  # SQLite may report the lock as an OperationalError
            results.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(u,)) for u in (p.decider, other)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("ok") == 1, results
    assert Decision.objects.filter(audit=s2).count() == 1


def test_the_certificate_states_the_industry_requirement_beside_the_standard(p):
    """R9.1-d with R3: the industry requirement chosen in the application is a criterion the certificate states."""
    app = complete_application(p.org_a, p.client_a, industry_requirement="GB/T 32151.10-2015 化工")
    cert = certify(app, p)
    assert cert.criterion == "T/CCAA 39-2022；GB/T 32151.10-2015 化工"
    assert cert.versions.get().content["criterion"] == cert.criterion
