"""Suspension proposals (docs/certificates.md, "Suspension proposals"): T1–T4 are detected where the event
happens — a negative surveillance recommendation (R9.2-T1), a surveillance major unverified past its deadline
(R9.2-T4), overdue surveillance (T1, the sweep), the holder's serious-event report (R9.2-T1…T3) — and wait in
the decision makers' queue; accepting suspends under the trigger, dismissing needs a reason."""

from __future__ import annotations

from datetime import timedelta

import pytest
from dateutil.relativedelta import relativedelta
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tancert import sweep
from tancert.audits.findings import actions as finding_actions
from tancert.audits.models import Audit
from tancert.audits.programme import actions as programme_actions
from tancert.certificates.models import Certificate, SuspensionProposal
from tancert.certificates.proposals import actions as proposals
from tancert.records.models import Event

from flow import certify, close, complete_application, issue_plan, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def cert(p):
    return certify(complete_application(p.org_a, p.client_a), p)


def _surveillance(p, cert):
    day = timezone.localdate() + timedelta(days=200)
    audit = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.SURVEILLANCE, start_date=day,
                                         end_date=day, auditor_days=2.5, team=team(p), certificate=cert)
    issue_plan(audit, p)
    return audit


def test_a_negative_surveillance_recommendation_proposes_suspension_t1(p, cert):
    audit = _surveillance(p, cert)
    close(audit, p.lead, conclusion="体系运行存在重大缺陷", recommendation=Audit.NOT_RECOMMEND)
    proposal = SuspensionProposal.objects.get()
    assert (proposal.trigger, proposal.source, proposal.state) == ("T1", "negative_surveillance", "open")
    assert proposal.audit_id == audit.pk
    assert Event.objects.filter(action="certificate.suspension_proposed", data__rule="R9.2-T1").exists()
    assert list(proposals.open_proposals()) == [proposal]


def test_a_surveillance_major_unverified_past_its_deadline_proposes_t4(p, cert):
    audit = _surveillance(p, cert)
    finding = None

    def raise_major():
        nonlocal finding
        finding = finding_actions.raise_finding(audit, by=p.auditor, grade="major", clause="6.5",
                                                description="碳目标未分解", evidence="目标管理台账")
    raise_major()
    assert finding.due_date == finding_actions.verification_deadline(audit) is not None  # surveillance too
    close(audit, p.lead)
    assert sweep.run(finding.due_date).majors_proposed == []
    after = finding.due_date + timedelta(days=1)
    assert sweep.run(after).majors_proposed == [f"{cert.number}#{finding.number}"]
    assert sweep.run(after).majors_proposed == []  # idempotent
    proposal = SuspensionProposal.objects.get(trigger="T4")
    assert proposal.finding_id == finding.pk and proposal.source == "major_overdue"
    assert Event.objects.filter(action="certificate.suspension_proposed", data__rule="R9.2-T4").exists()


def test_overdue_surveillance_puts_a_proposal_in_the_queue(p, cert):
    later = timezone.localdate() + relativedelta(months=15)
    assert sweep.run(later).suspension_proposed == [cert.number]
    proposal = SuspensionProposal.objects.get()
    assert (proposal.trigger, proposal.source) == ("T1", "surveillance_overdue")
    assert Certificate.objects.get(pk=cert.pk).surveillance_status == Certificate.SURV_OVERDUE


def test_the_holder_reports_a_serious_event_and_one_open_proposal_per_trigger(p, cert, rule):
    with pytest.raises(PermissionDenied):
        proposals.report_serious_event(cert, by=p.client_b, kind="penalty", description="x",
                                       occurred_on=timezone.localdate())
    with rule("R9.2-T3", field="description"):
        proposals.report_serious_event(cert, by=p.client_a, kind="penalty", description=" ",
                                       occurred_on=timezone.localdate())
    with rule("R9.2-T2", field="occurred_on"):
        proposals.report_serious_event(cert, by=p.client_a, kind="trading_compliance", description="未按期履约",
                                       occurred_on=timezone.localdate() + timedelta(days=1))
    first = proposals.report_serious_event(cert, by=p.client_a, kind="penalty", description="生态环境局罚款 5 万元",
                                           occurred_on=timezone.localdate())
    again = proposals.report_serious_event(cert, by=p.client_a, kind="penalty", description="同一事项补充说明",
                                           occurred_on=timezone.localdate())
    assert first.pk == again.pk and first.trigger == "T3" and first.source == "serious_event"
    assert SuspensionProposal.objects.count() == 1
    assert Event.objects.filter(action="certificate.serious_event_reported").count() == 2


def test_accepting_suspends_under_the_trigger_and_dismissing_needs_a_reason(p, cert, rule):
    t3 = proposals.report_serious_event(cert, by=p.client_a, kind="penalty", description="罚款",
                                        occurred_on=timezone.localdate())
    t1 = proposals.report_serious_event(cert, by=p.client_a, kind="major_incident", description="主要排放设施火灾",
                                        occurred_on=timezone.localdate())
    with pytest.raises(PermissionDenied):
        proposals.dismiss_proposal(t1, by=p.lead, reason="x")
    with rule("R9.2-suspend", field="reason"):
        proposals.dismiss_proposal(t1, by=p.decider, reason=" ")
    proposals.dismiss_proposal(t1, by=p.decider, reason="火灾未影响碳管理体系运行，已现场确认")
    proposals.accept_proposal(t3, by=p.decider, reason="行政处罚属实", respond_by=timezone.localdate() + timedelta(days=60))
    cert.refresh_from_db()
    assert cert.status == Certificate.SUSPENDED and cert.suspension_trigger == "T3"
    assert {(x.trigger, x.state) for x in SuspensionProposal.objects.all()} == {("T1", "dismissed"), ("T3", "accepted")}
    with rule("R9.2-suspend", field="state"):
        proposals.dismiss_proposal(t3, by=p.decider, reason="again")
    assert Event.objects.filter(action="certificate.suspension_proposal_accepted").exists()
    assert Event.objects.filter(action="certificate.suspension_proposal_dismissed").exists()


def test_the_queue_page_and_the_serious_event_page(p, cert, client):
    client.force_login(p.client_a)
    page = client.get(f"/certificates/{cert.pk}/serious-event/")
    assert page.status_code == 200
    r = client.post(f"/certificates/{cert.pk}/serious-event/", {"kind": "penalty", "occurred_on":
                    timezone.localdate().isoformat(), "description": "市场监管局处罚"})
    assert r.status_code == 302 and SuspensionProposal.objects.filter(trigger="T3").exists()
    client.force_login(p.client_b)
    assert client.get(f"/certificates/{cert.pk}/serious-event/").status_code == 404
    client.force_login(p.decider)
    queue = client.get("/decisions/").content.decode()
    assert "R9.2-T3" in queue and cert.number in queue
    proposal = SuspensionProposal.objects.get()
    r = client.post(f"/decisions/proposals/{proposal.pk}/dismiss/", {"reason": "已核实，处罚与碳管理无关"})
    assert r.status_code == 302 and SuspensionProposal.objects.get().state == "dismissed"
