"""Check-in anomalies and their explanations (CB-checkin): the actions, the sweep's reminders, the audit page, the
report content and the API, against the personas."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tancert.audits import actions
from tancert.audits.checklists import explanations
from tancert.audits.checklists.checkins import check_in, set_checkin_required
from tancert.audits.models import Audit
from tancert.audits.report.actions import checkins_content as report_checkins
from tancert.ops.models import Notification
from tancert.people.actions import create_api_token
from tancert.records.models import Event

from flow import PNG, accept_and_contract, complete_application, fill_stage1, plan_initial

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def world(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)  # stage 1 two days ago, stage 2 ends today
    return {"s1": s1, "s2": s2}


def bearer(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_anomalies_are_explained_by_both_sides_and_never_block_closing(p, world, rule):
    s1, s2 = world["s1"], world["s2"]
    assert s1.checkin_required and s2.checkin_required  # on by default for an on-site audit
    # Stage 1 ended two days ago without any check-in: both are missing; stage 2 ends today, nothing yet.
    assert [a.key for a in explanations.anomalies(s1)] == ["missing:opening", "missing:closing"]
    assert explanations.anomalies(s2) == []
    fill_stage1(s1, p.lead)
    actions.complete_audit(s1, by=p.lead, conclusion="就绪", recommendation=Audit.RECOMMEND)  # not a blocker

    with pytest.raises(PermissionDenied):
        explanations.explain(s1, by=p.outsider, anomaly="missing:opening", party="auditor", text="x")
    with pytest.raises(PermissionDenied):
        explanations.explain(s1, by=p.client_a, anomaly="missing:opening", party="body", text="x")
    with rule("CB-checkin", field="party"):
        explanations.explain(s1, by=p.auditor, anomaly="missing:opening", party="body", text="审核组说明")
    with rule("CB-checkin", field="anomaly"):
        explanations.explain(s1, by=p.auditor, anomaly="location:opening", party="auditor", text="无")
    with rule("CB-checkin", field="text"):
        explanations.explain(s1, by=p.auditor, anomaly="missing:opening", party="auditor", text="  ")
    explanations.explain(s1, by=p.auditor, anomaly="missing:opening", party="auditor", text="小程序无法定位，未能签到")
    with rule("CB-checkin", field="anomaly"):
        explanations.explain(s1, by=p.lead, anomaly="missing:opening", party="auditor", text="再次说明")
    explanations.explain(s1, by=p.planner, anomaly="missing:opening", party="body", text="已核实审核组按计划到场")
    view = explanations.overview(s1)
    assert view.rows[0].auditor.by == p.auditor and view.rows[0].body.by == p.planner
    assert view.unexplained_by_body == 1
    assert Event.objects.filter(action="audit.checkin_explained", subject_id=str(s1.pk)).count() == 2
    # The report states the check-ins, the anomalies and both sides' explanations as they stand.
    content = report_checkins(s1)
    assert content["required"] and content["items"] == []
    assert [a["label"] for a in content["anomalies"]] == ["首次会议未签到", "末次会议未签到"]
    assert content["anomalies"][0]["body"] == "已核实审核组按计划到场" and content["anomalies"][1]["auditor"] == ""

    # Only the programme manager waives, with a reason; a waived audit has no anomalies.
    with rule("CB-checkin", field="required"):
        set_checkin_required(s2, by=p.lead, required=False, reason="远程")
    with rule("CB-checkin", field="reason"):
        set_checkin_required(s2, by=p.planner, required=False)
    set_checkin_required(s2, by=p.planner, required=False, reason="受审核方临时停产，改期前不签到")
    assert not Audit.objects.get(pk=s2.pk).checkin_required
    assert Event.objects.filter(action="audit.checkin_setting", summary__contains="临时停产").exists()
    s2.refresh_from_db()
    assert explanations.anomalies(s2, timezone.localdate() + timedelta(days=5)) == []


def test_the_sweep_reminds_the_programme_manager_near_and_after_the_deadline(p, world):
    s1 = world["s1"]
    set_checkin_required(world["s2"], by=p.planner, required=False, reason="受审核方停产")  # s1 alone here
    check_in(s1, by=p.lead, meeting="opening", photos=[("t.png", PNG)])  # on today's date: outside the day
    due = explanations.deadline(s1)
    assert [a.key for a in explanations.anomalies(s1, due)] == ["window:opening", "missing:closing"]
    assert explanations.remind_missing_explanations(due - timedelta(days=3)) == []  # not near yet
    assert explanations.remind_missing_explanations(due - timedelta(days=1)) == [str(s1.pk)]
    assert explanations.remind_missing_explanations(due) == []  # once
    late = due + timedelta(days=1)
    assert explanations.overview(s1, late).overdue
    assert explanations.remind_missing_explanations(late) == [str(s1.pk)]
    sent = Notification.objects.filter(event="audit.checkin_explanation_due")
    assert {n.recipient.username for n in sent} == {"planner"} and sent.count() == 2
    assert any("已逾期" in n.subject for n in sent) and all(n.link.endswith("#checkins") for n in sent)
    for key in ("window:opening", "missing:closing"):
        explanations.explain(s1, by=p.planner, anomaly=key, party="body", text="已说明")
    assert not explanations.overview(s1, late + timedelta(days=1)).overdue
    assert explanations.remind_missing_explanations(late + timedelta(days=1)) == []


def test_the_page_and_the_api_by_persona(client, p, world):
    s1 = world["s1"]
    url = reverse("audit", args=[s1.pk])
    client.force_login(p.lead)
    page = client.get(url).content.decode()
    assert "签到异常" in page and "首次会议未签到" in page and "checkins/explain/" in page
    client.post(reverse("audit_checkin_explain", args=[s1.pk]),
                {"anomaly": "missing:opening", "party": "auditor", "text": "网络故障"})
    assert s1.checkin_explanations.filter(party="auditor").count() == 1
    client.force_login(p.client_a)
    page = client.get(url).content.decode()
    assert "签到" not in page and "网络故障" not in page
    assert client.post(reverse("audit_checkin_explain", args=[s1.pk]),
                       {"anomaly": "missing:closing", "party": "body", "text": "x"}).status_code == 403
    client.force_login(p.outsider)
    assert client.post(reverse("audit_checkin_explain", args=[s1.pk]),
                       {"anomaly": "missing:closing", "party": "auditor", "text": "x"}).status_code == 404

    got = f"{API}/audits/{s1.pk}/checkin-anomalies"
    r = bearer(p.planner).get(got)
    body = r.json()
    assert r.status_code == 200 and body["checkin_required"] and body["deadline"] == explanations.deadline(s1).isoformat()
    assert [a["key"] for a in body["anomalies"]] == ["missing:opening", "missing:closing"]
    assert body["anomalies"][0]["auditor_explanation"]["text"] == "网络故障" and body["anomalies"][0]["label"] == "首次会议未签到"
    assert bearer(p.client_a).get(got).status_code == 403
    assert bearer(p.outsider).get(got).status_code == 404
    post = f"{API}/audits/{s1.pk}/checkin-explanations"
    payload = {"anomaly": "missing:closing", "party": "body", "text": "审核组按计划完成末次会议"}
    assert bearer(p.outsider).post(post, payload, content_type="application/json").status_code == 404
    assert bearer(p.client_a).post(post, payload, content_type="application/json").status_code == 403
    r = bearer(p.lead).post(post, payload, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "CB-checkin"
    r = bearer(p.planner).post(post, {**payload, "text": "x" * 5000}, content_type="application/json")
    assert r.status_code == 422
    r = bearer(p.planner).post(post, payload, content_type="application/json")
    assert r.status_code == 201 and r.json()["party"] == "body"
    r = bearer(p.lead).put(f"{API}/audits/{s1.pk}/checkin-setting", {"required": False}, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "CB-checkin"
