"""The audit plan's agenda (CB-audit-plan, R7.3.3, R7.4.3), the client's answer to the plan
(CB-audit-plan-agreed) and the stage 1 report's document review and conclusions (R7.4.1-S1) —
through the actions, the pages and the API, against the personas (docs/audits.md §0)."""

from __future__ import annotations

import copy

import pypdf
import pytest
from django.urls import reverse

from tancert.audits.models import Audit, AuditAgenda, AuditPlanAnswer
from tancert.audits.programme import actions as programme_actions
from tancert.audits.programme import agenda, plan_actions
from tancert.audits.report import actions as report
from tancert.clients.profile import actions as profile
from tancert.records.models import Event

from flow import (
    accept_and_contract,
    complete_application,
    fill_agenda,
    fill_stage1,
    issue_plan,
    plan_initial,
    team,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def world(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)  # both plans issued with the proposed agenda, the real way (flow.issue_plan)
    return {"app": app, "s1": s1, "s2": s2}


def _text(data) -> str:
    """The PDF's text without white space (a wrapped cell breaks its line anywhere)."""
    from io import BytesIO

    raw = data if isinstance(data, bytes) else b"".join(data.streaming_content) if hasattr(data, "streaming_content") \
        else data.read()
    return "".join("".join(page.extract_text().split()) for page in pypdf.PdfReader(BytesIO(raw)).pages)


def _name(user) -> str:
    return user.get_full_name() or user.username


def _bearer(user):
    from django.test import Client

    from tancert.people.actions import create_api_token

    _t, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _work(slots, uid):
    return [i for i, s in enumerate(slots) if s["kind"] in agenda.WORK and uid in s["auditors"]]


def test_the_agenda_is_refused_with_the_slot_and_the_reason(p, world, rule):
    s2 = world["s2"]
    base = agenda.proposed_agenda(s2)
    assert agenda.check_agenda(s2, base)  # the proposal passes every check
    work = [i for i, s in enumerate(base) if s["kind"] == agenda.AUDIT]
    first = work[0]
    other_member = next(u for u in base[first]["auditors"])

    def change(fn):
        slots = copy.deepcopy(base)
        fn(slots)
        return slots

    def overlap(slots):  # the same person at a second site in the same hours
        twin = dict(slots[first], topic="另一过程", auditors=[other_member])
        slots.append(twin)

    def no_carbon(slots):
        slots[:] = [x for x in slots if x["kind"] != agenda.CARBON]

    def drop_expert(slots):
        for i in reversed(_work(slots, p.expert.pk)):
            slots.pop(i)

    cases = [
        ("CB-audit-plan", lambda s: s[first].update(day="2000-01-01"), "not one of the audit's days"),
        ("CB-audit-plan", lambda s: s[first].update(start="12:00", end="09:00"), "end time must be after"),
        ("CB-audit-plan", lambda s: s[first].update(start="9am"), "give the day, the start and end time"),
        ("CB-audit-plan", lambda s: s[first].update(auditors=[p.outsider.pk]), "only members of this audit"),
        ("CB-audit-plan", lambda s: s[first].update(auditors="abc"), "only members of this audit"),
        ("CB-audit-plan", lambda s: s[first].update(topic=""), "say what is audited"),
        ("CB-audit-plan", overlap, "two places at once"),
        ("CB-audit-plan", lambda s: s.pop(0), "exactly one opening meeting"),
        ("CB-audit-plan", lambda s: s[first].update(start="07:00", end="08:00"), "opening meeting comes first"),
        ("CB-audit-plan", lambda s: s[first].update(day=s[-1]["day"], start="16:00", end="17:30"),
         "closing meeting comes last"),
        ("CB-audit-plan", drop_expert, "has nothing to audit"),
        ("R7.4.3", no_carbon, "no carbon data verification"),
        ("R7.3.3", lambda s: s[first].update(site="999999"), "not a site of this organisation"),
        ("R7.3.3", lambda s: s[first].update(site=""), "name the site"),
    ]
    before = Event.objects.count()
    for key, fn, fragment in cases:
        with rule(key, field="agenda") as info:
            plan_actions.set_agenda(s2, by=p.planner, slots=change(fn))
        assert fragment in info.value.message_en, (fragment, info.value.message_en)
    for bad in ("x", [], [1, 2], [{"kind": "opening"}] * (agenda.MAX_SLOTS + 1)):
        with rule("CB-audit-plan", field="agenda"):
            plan_actions.set_agenda(s2, by=p.planner, slots=bad)
    # Chinese, with the slot's number (as the user numbered it), and nothing saved or recorded.
    with rule("CB-audit-plan") as info:
        plan_actions.set_agenda(s2, by=p.planner, slots=change(lambda s: s[first].update(day="2000-01-01")))
    assert f"第 {first + 1} 项" in info.value.message_zh and "2000-01-01" in info.value.message_zh
    assert Event.objects.count() == before
    # Only the programme manager or the team leader sets it.
    from django.core.exceptions import PermissionDenied

    for who in (p.auditor, p.client_a, p.outsider):
        with pytest.raises(PermissionDenied):
            plan_actions.set_agenda(s2, by=who, slots=base)


def test_issuing_needs_the_agenda_checked_again_and_the_pdf_shows_it(client, p, rule):
    app = complete_application(p.org_b, p.client_b)
    accept_and_contract(app, p)
    from datetime import timedelta

    from django.utils import timezone

    day = timezone.localdate() + timedelta(days=10)
    s1 = programme_actions.plan_audit(p.org_b, by=p.planner, kind=Audit.STAGE1, start_date=day, end_date=day,
                                      auditor_days=1.5, team=team(p), application=app)
    with rule("CB-audit-plan", field="agenda"):
        programme_actions.issue_audit_plan(s1, by=p.planner)
    client.force_login(p.planner)
    html = client.get(reverse("audit", args=[s1.pk])).content.decode()
    assert "制定审核日程（发布计划前必须完成）" in html
    html = client.get(reverse("audit_agenda", args=[s1.pk])).content.decode()
    assert 'id="agenda-proposed"' in html and "首次会议" in html and 'id="agenda-preview"' not in html
    fill_agenda(s1, p.lead)  # the team leader may set it
    # A site listed after the agenda was saved: the saved agenda names the address only, so it is checked again.
    profile.add_site(p.org_b, by=p.client_b, name="第一生产基地有限责任公司热电联产分厂", address="上海市测试路1号")
    with rule("R7.3.3", field="agenda"):
        programme_actions.issue_audit_plan(s1, by=p.planner)
    row = fill_agenda(s1, p.planner)
    assert row.version == 2
    doc = programme_actions.issue_audit_plan(s1, by=p.planner)
    assert [r["kind"] for r in doc.content["agenda"]][0] == "首次会议" and doc.content["agenda"][-1]["kind"] == "末次会议"
    assert {a["name"] for a in doc.content["assignments"]} == {_name(m.user) for m in s1.team.all()}
    text = _text(doc.pdf.open("rb"))
    for words in ("审核日程安排", "首次会议", "末次会议", "审核组分工", "待受审核方确认", "热电联产分厂"):
        assert words in text, words
    for enum in ("opening", "closing", "carbon", "stage1"):
        assert enum not in text
    assert "第1版" in text
    ev = Event.objects.filter(action="audit.agenda_saved").order_by("-seq").first()
    assert ev.summary.startswith("保存审核日程（第 2 版）")
    assert Event.objects.filter(action="audit.plan_issued").order_by("-seq").first().data["agenda"] == row.slots


def test_the_client_confirms_the_plan_on_the_audit_page(client, p, world):
    s2 = world["s2"]
    doc = s2.plan_documents.get()
    page, answer = reverse("audit", args=[s2.pk]), reverse("audit_plan_answer", args=[s2.pk, doc.version])
    # Walls: another client and an auditor not on the audit see nothing; a team member cannot answer for the client.
    for who in (p.client_b, p.outsider):
        client.force_login(who)
        assert client.get(page).status_code == 404
        assert client.post(answer, {"answer": "confirmed"}).status_code == 404
    client.force_login(p.auditor)
    assert client.post(answer, {"answer": "confirmed"}).status_code == 403
    client.force_login(p.lead)
    assert 'id="plan-unconfirmed"' in client.get(page).content.decode()
    client.force_login(p.client_a)
    html = client.get(page).content.decode()
    assert 'id="answer-plan"' in html and "CB-audit-plan" not in html  # no rule key for the client
    client.post(answer, {"answer": "change_requested", "reason": " "})  # a change needs its reason
    assert not AuditPlanAnswer.objects.exists()
    client.post(answer, {"answer": "confirmed"})
    ans = AuditPlanAnswer.objects.get(plan=doc)
    assert ans.answer == "confirmed" and ans.answered_by == p.client_a and ans.sha256
    client.post(answer, {"answer": "change_requested", "reason": "改期"})  # answered once
    assert AuditPlanAnswer.objects.filter(plan=doc).count() == 1
    assert 'id="answer-plan"' not in client.get(page).content.decode()
    pdf = client.get(reverse("audit_plan_pdf", args=[s2.pk, doc.version]))
    text = _text(pdf)
    assert "已确认" in text and "确认人" + _name(p.client_a) in text
    client.force_login(p.lead)  # the team leader sees the answer
    html = client.get(page).content.decode()
    assert 'id="plan-unconfirmed"' not in html and 'id="plan-answer"' in html
    ev = Event.objects.get(action="audit.plan_answered")
    assert ev.summary.startswith("受审核方") and "确认" in ev.summary and ev.data["confirmed_pdf_sha256"] == ans.sha256


def test_a_change_request_over_the_api_is_answered_by_a_new_version(p, world, rule):
    s1 = world["s1"]
    url = f"{API}/audits/{s1.pk}/plan-documents/1/answer"
    assert _bearer(p.client_b).post(url, {"answer": "confirmed"}, content_type="application/json").status_code == 404
    api = _bearer(p.client_a)
    r = api.post(url, {"answer": "change_requested", "reason": ""}, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "CB-audit-plan-agreed" and r.json()["field"] == "reason"
    r = api.post(url, {"answer": "whatever"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "answer"
    r = api.post(url, {"answer": "change_requested", "reason": "首次会议请改到 9:00"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["answer"] == "change_requested" and r.json()["confirmed_pdf_sha256"] == ""
    assert api.get(url).json()["reason"] == "首次会议请改到 9:00"
    assert plan_actions.plan_state(s1)["plan_unconfirmed"]
    issue_plan(s1, p)  # version 2
    r = api.post(url, {"answer": "confirmed"}, content_type="application/json")
    assert r.status_code == 422 and "newer version" in r.json()["message_en"]
    r = api.post(f"{API}/audits/{s1.pk}/plan-documents/2/answer", {"answer": "confirmed"},
                 content_type="application/json")
    assert r.status_code == 201 and r.json()["answered_by"] == _name(p.client_a)
    pdf = api.get(f"{API}/audits/{s1.pk}/plan-documents/2/pdf")
    assert "确认人" in _text(pdf)
    assert not plan_actions.plan_state(s1)["plan_unconfirmed"]


def test_the_agenda_over_the_api_and_the_page(client, p, world):
    s2 = world["s2"]
    url = f"{API}/audits/{s2.pk}/agenda"
    slots = agenda.proposed_agenda(s2)
    assert _bearer(p.outsider).get(url).status_code == 404
    assert _bearer(p.client_a).get(url).status_code == 403
    assert _bearer(p.client_a).put(url, {"slots": slots}, content_type="application/json").status_code == 403
    assert _bearer(p.auditor).put(url, {"slots": slots}, content_type="application/json").status_code == 403
    lead = _bearer(p.lead)
    r = lead.put(url, {"slots": slots}, content_type="application/json")
    assert r.status_code == 200 and r.json()["version"] == 2 and r.json()["rows"][0]["kind"] == "首次会议"
    r = lead.put(url, {"slots": [{"day": "x", "auditors": {"a": 1}}]}, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "CB-audit-plan" and r.json()["field"] == "agenda"
    assert lead.put(url, {"slots": "x"}, content_type="application/json").status_code == 422
    # The page: the planner and the leader edit, a team member and the client do not, an outsider gets 404.
    page = reverse("audit_agenda", args=[s2.pk])
    for who, code in ((p.outsider, 404), (p.client_b, 404), (p.auditor, 403), (p.client_a, 403), (p.lead, 200)):
        client.force_login(who)
        assert client.get(page).status_code == code, who
    r = client.get(page)
    rows = r.context["rows"]
    data = {"rows": str(len(rows))}
    for i, f in enumerate(rows):
        for name in ("day", "start", "end", "kind", "topic", "site"):
            value = f.initial.get(name) if f.initial else ""
            data[f"s{i}-{name}"] = value or ""
        if f.initial:
            data[f"s{i}-auditors"] = f.initial["auditors"]
    assert client.post(page, data).status_code == 302
    assert AuditAgenda.objects.get(audit=s2).version == 3
    clash = dict(data, **{"s1-start": "08:00"})  # the first audit slot before the opening meeting ends
    html = client.post(page, clash).content.decode()
    assert 'id="agenda-error"' in html and AuditAgenda.objects.get(audit=s2).version == 3
    assert "首次会议应最先进行：第 2 项" in html


def test_the_stage1_report_shows_the_document_review_and_the_conclusions(p, world):
    s1 = world["s1"]
    fill_stage1(s1, p.lead)
    from tancert.audits.stage1 import actions as stage1

    record = stage1.record_for(s1)
    code = next(iter(stage1.submitted_documents(s1)))
    stage1.save_stage1_record(s1, by=p.lead, version=record.version, ready_for_stage2=False,
                              reviews={code: {"result": "inadequate", "note": "缺少 2025 年新增生产线的计量器具清单"}})
    content = report.build_content(s1, objectives="目的", deviations="", evaluation="评价",
                                   recommendation=Audit.RECOMMEND)
    section = content["stage1"]
    assert len(section["documents"]) == len(stage1.submitted_documents(s1))
    row = next(d for d in section["documents"] if d["code"] == code)
    assert row["result"] == "需在第二阶段前改进" and row["name"] and "第 1 版" in row["file"]
    assert section["ready"] == "尚不具备进入第二阶段审核的条件"
    assert any("缺少 2025 年新增生产线" in i for i in section["issues"])
    assert report.build_content(world["s2"], objectives="目的", deviations="", evaluation="评价",
                                recommendation=Audit.RECOMMEND)["stage1"] is None
    text = _text(report.render_pdf(content, version=1, signed_by="组长", signed_at="2026-01-01 10:00"))
    for words in ("第一阶段文件评审", "第一阶段审核结论", "需在第二阶段前改进", "第二阶段前需解决的问题",
                  "尚不具备进入第二阶段审核的条件"):
        assert words in text, words
    for enum in ("inadequate", "adequate", "not_applicable"):
        assert enum not in text
