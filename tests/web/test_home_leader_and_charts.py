"""The team leader's and the programme manager's homes (docs/web.md, "Homes as work queues"): the client's
answer to the audit plan reaches whoever issues plans, in the app, by e-mail and on the home until a new
version answers it (CB-audit-plan-agreed); a leader who is not office staff still sees the overdue answers on
the audits they lead; the office home draws certificates by month and audits per auditor."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from tancert.audits.programme import plan_actions
from tancert.ops.models import Notification

from flow import (
    accept_and_contract,
    certify,
    clock,
    complete_application,
    issue_plan,
    plan_initial,
    through_audits,
)

pytestmark = pytest.mark.django_db


def home(client, user):
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 200
    return response


def test_a_plan_change_asked_reaches_the_leader_and_the_programme_manager_until_a_new_version(
        client, p, django_capture_on_commit_callbacks):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    _s1, s2 = plan_initial(app, p, start=timezone.localdate() + timedelta(days=10))
    doc = s2.plan_documents.get()
    for who in (p.lead, p.planner):
        who.email = f"{who.username}@tancert.test"
        who.save(update_fields=["email"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        plan_actions.answer_plan(doc, by=p.client_a, answer="change_requested", reason="首次会议请改到 9:00")
    got = Notification.objects.filter(event="audit.plan_answered")
    assert set(got.values_list("recipient__username", flat=True)) == {"lead", "planner"}
    note = got.get(recipient=p.lead)
    assert "要求修改" in note.subject and "首次会议请改到 9:00" in note.body
    assert note.link == f"/audits/{s2.pk}/#plan-answer"
    assert {m.to[0] for m in mail.outbox} == {"lead@tancert.test", "planner@tancert.test"}

    for who in (p.lead, p.planner):
        r = home(client, who)
        page = r.content.decode()
        assert 'id="plan-changes"' in page and "首次会议请改到 9:00" in page, who
        assert f'href="/audits/{s2.pk}/#plan-answer"' in page
        assert ("审核计划修改要求", 1, 0, "plan-changes") in r.context["summary"]
    # a team member who does not lead has nothing to do about it
    assert "首次会议请改到 9:00" not in home(client, p.auditor).content.decode()

    issue_plan(s2, p)  # version 2 answers the change
    assert "首次会议请改到 9:00" not in home(client, p.lead).content.decode()
    assert "首次会议请改到 9:00" not in home(client, p.planner).content.decode()
    # a confirmation is heard of too, and leaves nothing to do
    plan_actions.answer_plan(s2.plan_documents.get(version=2), by=p.client_a, answer="confirmed")
    assert Notification.objects.filter(event="audit.plan_answered", subject__contains="已确认第二阶段审核计划第 2 版",
                                       recipient=p.lead).exists()
    assert home(client, p.lead).context["leader"]["plan_changes"] == []


def test_a_leader_sees_overdue_answers_on_the_audits_they_lead(client, p):
    s2 = through_audits(complete_application(p.org_a, p.client_a), p, major=True)
    finding = s2.findings.get()
    assert finding.due_date is not None
    later = timezone.make_aware(datetime.combine(finding.due_date + timedelta(days=1), time(10)))
    with clock(later):
        r = home(client, p.lead)
        assert [f.pk for f in r.context["leader"]["overdue"]] == [finding.pk]
        page = r.content.decode()
        assert 'id="overdue-findings"' in page and f"#finding-{finding.pk}" in page
        assert any(row[3] == "overdue-findings" and row[2] == 1 for row in r.context["summary"])
        # an auditor on no audit of A sees none of it
        assert not home(client, p.outsider).context["leader"]["overdue"]


def test_the_office_home_charts_certificates_by_month_and_audits_per_auditor(client, p):
    certify(complete_application(p.org_a, p.client_a), p)
    r = home(client, p.planner)
    months = r.context["month_chart"]
    assert len(months.columns) == 12 and months.columns[-1].label == timezone.localdate().strftime("%Y-%m")
    assert months.columns[-1].value == 1 and months.total == 1
    # one column per month, left to right: the drawing keeps a phone-friendly shape (wide, not a tall list)
    assert months.height * 2 < months.width
    assert [c.x for c in months.columns] == sorted(c.x for c in months.columns)
    assert months.columns[0].year and all(c.year == (c.label[:4] if c.month == "01" else "")
                                          for c in months.columns[1:])
    per_auditor = {b.label: b.value for b in r.context["auditor_chart"].bars}
    assert per_auditor["lead"] == 2  # stage 1 and stage 2
    page = r.content.decode()
    assert 'id="chart-months"' in page and 'id="chart-auditors"' in page and "style=" not in page
    assert 'class="chart months card"' in page and f"<title>{months.columns[-1].label}: 1</title>" in page
    # not the client's, not the auditor's home
    assert "month_chart" not in home(client, p.client_a).context
    assert "auditor_chart" not in home(client, p.auditor).context
