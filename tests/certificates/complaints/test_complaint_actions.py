"""Complaints and appeals as actions (ISO/IEC 17021-1 §9.8, §9.7; keys CB-complaint-*, CB-appeal-*)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from tancert.certificates import actions as certs
from tancert.certificates.complaints import actions
from tancert.certificates.models import Appeal, Complaint, SuspensionProposal
from tancert.people.actions import create_staff_user
from tancert.people.models import Role
from tancert.records.models import Event

from flow import CONDITIONS_MET, certify, clock, complete_application, through_audits

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(p):
    return certify(complete_application(p.org_a, p.client_a), p)


@pytest.fixture
def judge(db):
    """A decision maker who had nothing to do with client A."""
    return create_staff_user("judge", "test-pass-123", roles=[Role.DECISION_MAKER], by=None, display_name="judge")


def public_complaint(cert):
    return actions.lodge_complaint(by=None, name="王先生", contact="wang@example.com", text="证书持有者排放数据造假",
                                   certificate=cert)


def test_public_complaint_is_acknowledged_with_a_reference(p, cert, mailoutbox):
    c = public_complaint(cert)
    assert c.reference.startswith("TS") and c.channel == Complaint.PUBLIC and c.organisation == p.org_a
    assert c.respond_by > timezone.localdate()
    ev = Event.objects.get(action="complaint.lodged", subject_id=str(c.pk))
    assert c.reference in ev.summary and "受理投诉" in ev.summary


def test_a_complaint_needs_who_how_and_what(p, cert, rule):
    for field, changes in [("name", {"name": " "}), ("contact", {"contact": ""}), ("text", {"text": "x" * 5001})]:
        data = {"name": "王先生", "contact": "138 0000 0000", "text": "内容", **changes}
        with rule("CB-complaint-lodge", field=field):
            actions.lodge_complaint(by=None, certificate=cert, **data)
        assert not Complaint.objects.exists(), field


def test_the_public_complains_from_a_certificate_only(p, rule):
    with rule("CB-complaint-lodge", field="certificate"):
        actions.lodge_complaint(by=None, name="王", contact="x@example.com", text="内容")


def test_a_client_complains_about_its_own_matters_only(p, cert):
    with pytest.raises(PermissionDenied):
        actions.lodge_complaint(by=p.client_b, name="乙", contact="b@example.com", text="内容", certificate=cert)
    c = actions.lodge_complaint(by=p.client_a, name="甲", contact="a@example.com", text="审核员迟到",
                                audit=cert.decision.audit, auditor=p.auditor)
    assert c.channel == Complaint.CLIENT and c.organisation == p.org_a


def test_investigator_must_not_be_involved(p, cert, rule, judge):
    c = public_complaint(cert)
    for involved in (p.lead, p.decider):
        with rule("CB-complaint-independent", field="investigator"):
            actions.assign_investigator(c, by=p.planner, investigator=involved)
    with pytest.raises(PermissionDenied):
        actions.assign_investigator(c, by=p.client_a, investigator=p.outsider)
    c = actions.assign_investigator(c, by=p.planner, investigator=p.outsider)
    assert c.state == Complaint.INVESTIGATING


def test_decided_by_someone_not_involved_after_investigation_and_answered(p, cert, rule, judge, mailoutbox,
                                                                          django_capture_on_commit_callbacks):
    c = actions.assign_investigator(public_complaint(cert), by=p.planner, investigator=p.outsider)
    with rule("CB-complaint-decide", field="outcome"):
        actions.decide_complaint(c, by=judge, outcome="not_upheld", response="经调查不成立")
    with pytest.raises(PermissionDenied):
        actions.record_findings(c, by=p.lead, findings="看过了")
    c = actions.record_findings(c, by=p.outsider, findings="核查了排放数据，未发现造假")
    with rule("CB-complaint-decide", field="outcome"):
        actions.decide_complaint(c, by=p.decider, outcome="not_upheld", response="经调查不成立")
    with rule("CB-complaint-decide", field="response"):
        actions.decide_complaint(c, by=judge, outcome="not_upheld", response=" ")
    with django_capture_on_commit_callbacks(execute=True):
        c = actions.decide_complaint(c, by=judge, outcome="not_upheld", response="经调查不成立")
    assert c.state == Complaint.DECIDED and c.decided_by == judge
    assert any(c.reference in m.subject and m.to == ["wang@example.com"] for m in mailoutbox)


def test_upheld_complaint_may_propose_a_suspension(p, cert, judge, rule):
    c = actions.assign_investigator(public_complaint(cert), by=p.planner, investigator=p.outsider)
    c = actions.record_findings(c, by=p.outsider, findings="排放数据与台账不符")
    with rule("CB-complaint-decide", field="follow_up"):
        actions.decide_complaint(c, by=judge, outcome="not_upheld", response="不成立", follow_up="suspension_proposal")
    c = actions.decide_complaint(c, by=judge, outcome="upheld", response="投诉成立，已启动暂停程序",
                                 follow_up="suspension_proposal", trigger="T1")
    proposal = c.suspension_proposal
    assert proposal.certificate == cert and proposal.state == SuspensionProposal.OPEN and proposal.trigger == "T1"


def test_the_database_refuses_an_incomplete_decided_complaint(p, cert):
    c = public_complaint(cert)
    with pytest.raises(IntegrityError), transaction.atomic():
        Complaint.objects.filter(pk=c.pk).update(state=Complaint.DECIDED)


def test_overdue_complaint_is_reminded_once(p, cert):
    c = public_complaint(cert)
    assert actions.remind_complaints(c.respond_by) == [c.reference]
    assert actions.remind_complaints(c.respond_by) == []


# --- appeals ---------------------------------------------------------------------------------------------


@pytest.fixture
def refused(p):
    s2 = through_audits(complete_application(p.org_a, p.client_a), p)
    return certs.decide(s2, by=p.decider, outcome="refuse", conditions=CONDITIONS_MET, reason="碳数据不可信")


def test_client_appeals_a_refusal_within_the_period(p, refused, rule):
    with pytest.raises(PermissionDenied):
        actions.lodge_appeal(by=p.client_b, decision=refused, grounds="不服")
    with rule("CB-appeal-window", field="grounds"):
        actions.lodge_appeal(by=p.client_a, decision=refused, grounds=" ")
    late = refused.decided_at + timedelta(days=60)
    with clock(late), rule("CB-appeal-window", field="grounds"):
        actions.lodge_appeal(by=p.client_a, decision=refused, grounds="不服")
    a = actions.lodge_appeal(by=p.client_a, decision=refused, grounds="数据已补充核实")
    assert a.kind == Appeal.REFUSAL and p.decider.pk in a.involved and p.lead.pk in a.involved
    with rule("CB-appeal-window", field="grounds"):
        actions.lodge_appeal(by=p.client_a, decision=refused, grounds="再次申诉")


def test_a_grant_cannot_be_appealed(p, cert, rule):
    with rule("CB-appeal-window", field="decision"):
        actions.lodge_appeal(by=p.client_a, decision=cert.decision, grounds="不服")


def test_appeal_decided_by_someone_independent_and_upheld_is_reconsidered(p, refused, rule, judge):
    a = actions.lodge_appeal(by=p.client_a, decision=refused, grounds="数据已补充核实")
    with rule("CB-appeal-independent", field="outcome"):
        actions.decide_appeal(a, by=p.decider, outcome="upheld", reasons="理由", reconsideration="重新决定")
    with rule("CB-appeal-reconsider", field="reconsideration"):
        actions.decide_appeal(a, by=judge, outcome="upheld", reasons="补充证据充分")
    a = actions.decide_appeal(a, by=judge, outcome="upheld", reasons="补充证据充分", reconsideration="由另一决定人重新决定")
    refused.refresh_from_db()
    assert a.state == Appeal.DECIDED and refused.outcome == "refuse"  # recorded, not silently changed
    assert Event.objects.filter(action="appeal.decided", summary__contains="重新考虑").exists()


def test_client_appeals_a_suspension(p, cert, judge, rule):
    certs.suspend_certificate(cert, by=p.decider, trigger="T3", reason="受到行政处罚",
                              respond_by=timezone.localdate() + timedelta(days=30))
    with rule("CB-appeal-window", field="kind"):
        actions.lodge_appeal(by=p.client_a, certificate=cert, kind="withdrawal", grounds="不服")
    a = actions.lodge_appeal(by=p.client_a, certificate=cert, kind="suspension", grounds="处罚已撤销")
    assert p.decider.pk in a.involved
    a = actions.decide_appeal(a, by=judge, outcome="not_upheld", reasons="处罚仍有效")
    assert a.outcome == "not_upheld" and a.reconsideration == ""
