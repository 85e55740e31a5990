"""Each role's home is its work queue (docs/web.md, "Homes as work queues"): the client's next step for the
state it is really in, and each office role's queue with due dates — every object made the real way
(tests/flow.py), every page fetched as the persona (tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from tancert import sweep
from tancert.audits import actions as audits
from tancert.audits.findings import actions as finding_actions
from tancert.certificates import actions as certs
from tancert.certificates.enforcement import next_surveillance_due
from tancert.certificates.models import SuspensionEvidence
from tancert.records.models import Event

from flow import (
    CONDITIONS_MET,
    accept_and_contract,
    certify,
    clock,
    closing_day,
    complete_application,
    fill_stage1,
    plan_initial,
    through_audits,
)

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def at(day):
    return timezone.make_aware(datetime.combine(day, time(10)))


@pytest.fixture
def cert(p):
    return certify(complete_application(p.org_a, p.client_a), p)


def test_a_draft_application_is_to_be_completed(client, p):
    app = complete_application(p.org_a, p.client_a, submit=False)
    r = home(client, p.client_a)
    assert r.context["next"].kind == "application_draft"
    assert f'href="/applications/{app.pk}/"' in r.content.decode()


def test_a_certified_client_sees_the_surveillance_window_not_planning(client, p, cert):
    r = home(client, p.client_a)
    step = r.context["next"]
    assert step.kind == "surveillance" and step.href == f"/certificates/{cert.pk}/"
    page = r.content.decode()
    assert step.due.isoformat() in page and "监督审核" in page
    assert "正在策划审核" not in page


def test_within_90_days_of_expiry_the_client_is_asked_to_renew(client, p, cert):
    with clock(at(cert.expiry_date - timedelta(days=60))):
        r = home(client, p.client_a)
        kinds = [s.kind for s in r.context["steps"]]
        assert "renew" in kinds
        renew = next(s for s in r.context["steps"] if s.kind == "renew")
        assert renew.href == f"/certificates/{cert.pk}/renew/"
        assert "申请再认证" in r.content.decode()


def test_an_expired_client_applies_anew(client, p, cert):
    with clock(at(cert.expiry_date + timedelta(days=400))):
        r = home(client, p.client_a)
    step = r.context["next"]
    assert step.kind == "apply" and step.href == "/applications/new/"
    assert cert.number in step.text


def test_a_suspended_client_sends_evidence_and_the_decider_sees_it(client, p, cert):
    deadline = timezone.localdate() + timedelta(days=30)
    certs.suspend_certificate(cert, by=p.decider, trigger="T1", reason="体系严重缺陷", respond_by=deadline)
    r = home(client, p.client_a)
    step = r.context["next"]
    assert step.kind == "suspended" and step.due == deadline
    assert step.href == f"/certificates/{cert.pk}/suspension-evidence/"
    # an empty message is refused on the field, nothing written
    r = client.post(step.href, {"message": "  "})
    assert r.status_code == 200 and r.context["form"].errors["message"]
    assert not SuspensionEvidence.objects.exists()
    r = client.post(step.href, {"message": "已完成纠正：碳基准重新核算，见内审报告 2026-05"})
    assert r.status_code == 302
    assert Event.objects.filter(action="certificate.suspension_evidence").count() == 1
    assert "已提交" in home(client, p.client_a).context["next"].text
    # the other client cannot see it, a staff member cannot send it
    client.force_login(p.client_b)
    assert client.post(step.href, {"message": "x"}).status_code == 404
    r = home(client, p.decider)
    rows = r.context["decider"]["evidence"]
    assert [row.obj.certificate_id for row in rows] == [cert.pk]
    assert "碳基准重新核算" in r.content.decode()
    assert client.post(step.href, {"message": "x"}).status_code == 403


def test_evidence_on_a_valid_certificate_is_refused(client, p, cert):
    client.force_login(p.client_a)
    assert client.post(f"/certificates/{cert.pk}/suspension-evidence/", {"message": "x"}).status_code == 403
    assert not SuspensionEvidence.objects.exists()


def test_an_open_nonconformity_comes_first_for_the_client_and_its_answer_waits_for_the_leader(client, p):
    app = complete_application(p.org_a, p.client_a)
    s2 = through_audits(app, p, major=True)
    finding = s2.findings.get()
    r = home(client, p.client_a)
    assert r.context["next"].kind == "finding"
    assert r.context["next"].href == f"/audits/{s2.pk}/#finding-{finding.pk}"
    finding_actions.respond_to_finding(finding, by=p.client_a, correction="已重新核算碳基准", root_cause="程序缺失",
                                       corrective_action="修订基准调整程序")
    r = home(client, p.lead)
    assert [row.obj.pk for row in r.context["leader"]["answers"]] == [finding.pk]
    assert f"#finding-{finding.pk}" in r.content.decode()
    # a team member who does not lead sees no answers to review
    assert home(client, p.auditor).context["leader"]["answers"] == []


def test_reviewer_sees_the_deadline_and_overdue_in_red(client, p):
    app = complete_application(p.org_a, p.client_a)
    app.refresh_from_db()
    r = home(client, p.reviewer)
    rows = r.context["review_queue"]
    assert [row.obj.pk for row in rows] == [app.pk] and rows[0].due == app.review_deadline and not rows[0].overdue
    with clock(at(app.review_deadline + timedelta(days=1))):
        r = home(client, p.reviewer)
    assert r.context["review_queue"][0].overdue
    assert 'class="overdue"' in r.content.decode()
    assert ("待评审的认证申请", 1, 1, "review") in [(str(a), b, c, d) for a, b, c, d in r.context["summary"]]


def test_programme_manager_plans_accepted_applications_and_surveillance(client, p, cert):
    app_b = complete_application(p.org_b, p.client_b)
    accept_and_contract(app_b, p)
    r = home(client, p.planner)
    assert [row.obj.pk for row in r.context["to_plan"]] == [app_b.pk]
    assert r.context["surveillance_due"] == []  # the first surveillance is a year away
    due = next_surveillance_due(cert)
    with clock(at(due - timedelta(days=30))):
        r = home(client, p.planner)
    assert [(row.obj.pk, row.due) for row in r.context["surveillance_due"]] == [(cert.pk, due)]
    # a holder's notice waits in the same queue until it is resolved
    from tancert.certificates.notices import actions as notices

    notice = notices.lodge_notice(cert, by=p.client_a, kind="accident", description="锅炉爆管",
                                  occurred_on=timezone.localdate())
    r = home(client, p.planner)
    assert [row.obj.pk for row in r.context["notices"]] == [notice.pk]
    assert f'/notices/{notice.pk}/' in r.content.decode() and "待审查的持证组织变更和事件通报" in r.content.decode()


def test_team_leader_signs_reports_of_closed_audits(client, p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, _s2 = plan_initial(app, p)
    fill_stage1(s1, p.lead)
    with closing_day(s1):
        audits.complete_audit(s1, by=p.lead, conclusion="准备就绪", recommendation="recommend")
    r = home(client, p.lead)
    assert [row.obj.pk for row in r.context["leader"]["to_sign"]] == [s1.pk]
    assert f'href="/audits/{s1.pk}/report/"' in r.content.decode()
    assert _s2.pk in [a.pk for a in r.context["mine"]["today"]]  # stage 2 runs today


def test_decider_and_certificate_administrator_queues(client, p):
    s2 = through_audits(complete_application(p.org_a, p.client_a), p)
    assert [row.obj.pk for row in home(client, p.decider).context["decider"]["to_decide"]] == [s2.pk]
    # a decision maker who audited the client does not get it (R7.5)
    assert home(client, p.decider_who_audited).context["decider"]["to_decide"] == []
    decision = certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    r = home(client, p.certadmin)
    assert [row.obj.pk for row in r.context["to_issue"]] == [decision.pk]
    page = r.content.decode()
    assert "data-confirm-box" in page and "此操作不可撤销" in page


def test_administrator_sees_chain_sweep_and_lockouts(client, p, settings):
    from axes.models import AccessAttempt

    r = home(client, p.sysadmin)
    admin = r.context["admin"]
    assert admin["last_sweep"] is None and admin["sweep_late"]
    assert "从未运行" in r.content.decode()
    sweep.run()
    AccessAttempt.objects.create(username="reviewer", ip_address="10.0.0.9", failures_since_start=settings.AXES_FAILURE_LIMIT,
                                 user_agent="x", path_info="/accounts/login/", attempt_time=timezone.now())
    r = home(client, p.sysadmin)
    admin = r.context["admin"]
    assert admin["last_sweep"] is not None and not admin["sweep_late"]
    assert admin["events"] == Event.objects.count() > 0
    assert [lock["value"] for lock in admin["lockouts"]["usernames"]] == ["reviewer"]
    assert 'id="chain-status"' in r.content.decode()
    # a second sweep the same day leaves one mark
    sweep.run()
    from tancert.ops.models import Reminder

    assert Reminder.objects.filter(kind="sweep_ran").count() == 1


def test_the_office_home_draws_certificates_by_status_without_inline_style(client, p, cert):
    r = home(client, p.certadmin)
    page = r.content.decode()
    assert "<svg" in page and 'class="bar valid"' in page
    assert "style=" not in page and "<script>" not in page
