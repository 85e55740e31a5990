"""Notices (docs/notifications.md): every line of the table reaches exactly the people it names and nobody else
— roles are walls, a client never hears of another organisation — and the real lifecycle sends them."""

from __future__ import annotations

import re
import string
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import resolve
from django.utils import timezone

from tancert.audits.findings import actions as finding_actions
from tancert.audits.findings.reminders import remind_overdue_findings
from tancert.audits.models import Audit
from tancert.ops.models import Notification
from tancert.ops.notifications import actions as notices
from tancert.ops.notifications.send import send
from tancert.ops.notifications.table import (
    CERTADMIN,
    CLIENT,
    DECIDER,
    EVENTS,
    LEADER,
    NAMED,
    PLANNER,
    REVIEWER,
    TEAM,
)

from flow import accept_and_contract, certify, complete_application, plan_initial

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u4e00-\u9fff]")


class Stub:
    """Any object a message speaks of: every attribute is 7 (a pk, a number, a reference)."""

    def __getattr__(self, name):
        return 7

    def __str__(self):
        return "7"


def _fields(notice) -> set[str]:
    names = set()
    for text in (notice.subject, notice.body, notice.link):
        names |= {f.split(".")[0] for _lit, f, _spec, _conv in string.Formatter().parse(text) if f}
    return names - {"organisation", "audit"}


def expected(p, audience) -> set[str]:
    team = {"lead", "auditor", "decider2", "expert"}
    by_audience = {CLIENT: {"client_a"}, LEADER: {"lead"}, TEAM: team, NAMED: {"auditor"},
                   REVIEWER: {"reviewer"}, PLANNER: {"planner"}, DECIDER: {"decider", "decider2"},
                   CERTADMIN: {"certadmin"}}
    return set().union(*(by_audience[a] for a in audience))


def received(event: str) -> dict[str, str]:
    return dict(Notification.objects.filter(event=event).values_list("recipient__username", "link"))


def test_the_lifecycle_notifies_each_side_and_every_line_of_the_table_reaches_only_its_people(p):
    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    s2 = app.audits.get(kind=Audit.STAGE2)

    # --- the real lifecycle: the other side hears of each step it must act on ---------------------------
    assert set(received("application.submitted")) == {"reviewer"}
    assert set(received("application.accepted")) == {"client_a"}
    assert set(received("contract.issued")) == {"client_a"}
    assert set(received("contract.signed")) == {"reviewer"}
    assert set(received("contract.paid")) == {"planner"}
    # The planner planned: the whole team hears of it; the plan reaches the client and the team.
    assert set(received("audit.assigned")) == {"lead", "auditor", "decider2", "expert"}
    assert {"client_a", "lead", "auditor"} <= set(received("audit.plan_issued"))
    assert set(received("audit.report_to_sign")) == {"lead"}
    # The decision makers' queue — not the one who audited (R7.5) — and the link opens the decision page.
    waiting = received("audit.awaiting_decision")
    assert set(waiting) == {"decider"} and waiting["decider"] == f"/decisions/audit/{s2.pk}/"
    assert set(received("decision.made")) == {"client_a"}
    assert set(received("decision.to_issue")) == {"certadmin"}
    assert received("certificate.issued") == {"client_a": f"/certificates/{cert.pk}/"}
    # Data-quality nonconformities of the carbon verification (tests/flow.verify_carbon): raised → answered →
    # accepted, each heard by the other side.
    if Notification.objects.filter(event="finding.raised").exists():
        assert set(received("finding.raised")) == {"client_a"}
        assert set(received("finding.responded")) == {"lead"}
        assert set(received("finding.accepted")) == {"client_a"}
    assert not Notification.objects.filter(recipient=p.client_b).exists()
    assert all(CJK.search(s) for s in Notification.objects.values_list("subject", flat=True))

    # --- every line of the table, walked: exactly its audience, never organisation B ---------------------
    Notification.objects.all().delete()
    for event, notice in EVENTS.items():
        params = {name: Stub() for name in _fields(notice)}
        send(event, audit=s2, users=[p.auditor], **params)
        got = received(event)
        assert set(got) == expected(p, notice.audience), event
        subject = Notification.objects.filter(event=event).values_list("subject", flat=True).first()
        assert CJK.search(subject) and "{" not in subject, event
        link = next(iter(got.values()))
        assert link.startswith("/") and resolve(link.split("#")[0]), event
    assert not Notification.objects.filter(recipient=p.client_b).exists()
    # The one who acted is not told of their own step.
    Notification.objects.all().delete()
    send("contract.signed", by=p.reviewer, organisation=p.org_a, application=Stub())
    assert not Notification.objects.exists()


def test_email_goes_after_commit_one_message_each_and_only_to_those_who_want_it(p, django_capture_on_commit_callbacks):
    from tancert.people.accounts.users import set_email_notifications

    for user, address in ((p.client_a, "a@example.cn"), (p.decider, "d@example.cn"), (p.decider_who_audited,
                                                                                       "d2@example.cn")):
        user.email = address
        user.save(update_fields=["email"])
    set_email_notifications(p.decider_who_audited, False, by=p.decider_who_audited)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send("certificate.suspension_evidence", organisation=p.org_a, certificate=Stub(), message="已整改")
        assert not mail.outbox  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [["d@example.cn"]]  # decider2 chose the app only
    text = mail.outbox[0].body
    assert "证书 7 的持有人提交了解除暂停的证据" in mail.outbox[0].subject and "/certificates/7/" in text
    assert Notification.objects.filter(recipient=p.decider_who_audited).exists()  # still in the app


def test_the_page_marks_one_or_all_read_and_another_users_notice_is_a_404(client, p):
    send("application.accepted", organisation=p.org_a, application=Stub(), reason="")
    send("application.rejected", organisation=p.org_a, application=Stub(), reason="")
    first, second = Notification.objects.filter(recipient=p.client_a).order_by("pk")
    client.force_login(p.client_a)
    page = client.get("/notifications/").content.decode()
    assert "认证申请已受理" in page and 'class="badge"' in page
    r = client.get(f"/notifications/{first.pk}/")
    assert r.status_code == 302 and r["Location"] == "/applications/7/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at and not second.read_at
    client.post("/notifications/read-all/")
    second.refresh_from_db()
    assert second.read_at
    client.force_login(p.client_b)
    assert client.get(f"/notifications/{first.pk}/").status_code == 404
    assert client.post(f"/notifications/{first.pk}/read/").status_code == 404
    assert notices.mark_all_read(p.client_b) == 0


def test_the_sweep_reminds_an_overdue_nonconformity_once_to_the_client_and_the_leader(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    _s1, s2 = plan_initial(app, p)
    today = timezone.localdate()
    finding = finding_actions.raise_finding(s2, by=p.auditor, grade="minor", clause="6.5", description="台账缺失",
                                            evidence="现场查看", due_date=today + timedelta(days=3))
    assert set(received("finding.raised")) == {"client_a"}
    assert remind_overdue_findings(today) == []  # not due yet
    later = today + timedelta(days=4)
    assert remind_overdue_findings(later) == [f"{s2.pk}#{finding.number}"]
    assert remind_overdue_findings(later) == []  # once (a unique Reminder claims it)
    assert set(received("finding.overdue")) == {"client_a", "lead"}
