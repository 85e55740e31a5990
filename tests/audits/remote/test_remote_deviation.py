"""Remote audit deviation (IAF MD4:2023; docs/audits.md, "Remote audit deviation"): off by the body's policy,
requested by the programme manager with the ICT risk assessment, decided by someone else with the approving
role; only an approved deviation changes one audit's method, and the on-site keys still hold without it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from tancert.audits.checklists import items as policy_file
from tancert.audits.models import Audit, RemoteDeviation
from tancert.audits.programme import actions as programme_actions
from tancert.audits.programme.plandoc import plan_content
from tancert.audits.remote import actions as remote
from tancert.audits.report import actions as report
from tancert.people.actions import create_api_token, create_staff_user
from tancert.people.models import Role
from tancert.records.models import Event

from flow import issue_plan, plan_initial

pytestmark = pytest.mark.django_db
API = "/api/v1"
ASSESSMENT = dict(reason=RemoteDeviation.EPIDEMIC, explanation="所在地区因疫情实施出行管控至月底，审核组无法进入",
                  ict_means="腾讯会议视频、屏幕共享查阅文件和能源计量数据，现场由企业人员手持移动端直播",
                  ict_tested=True, security="会议加密，不录制；企业文件只读共享，审核后删除",
                  not_remote="回转窑计量器具校准状态无法远程确认：管控解除后 30 日内补充现场验证")


@pytest.fixture
def allowed(monkeypatch):
    """The body turned its policy switch on (audits/checklists/data/policy.json ships it off)."""
    data = {**policy_file.load_policy(), "remote_deviation": {"allowed": True}}
    monkeypatch.setattr(policy_file, "load_policy", lambda: data)


@pytest.fixture
def stage2(p, accepted):
    """A stage 2 planned on site for next week (stage 1 before it), not started."""
    _s1, s2 = plan_initial(accepted, p, start=timezone.localdate() + timedelta(days=7))
    return s2


def _request(audit, by, **kw):
    return remote.request_deviation(audit, by=by, **{"method": "FS02", **ASSESSMENT, **kw})


def test_the_policy_switch_is_off_by_default_and_refuses_every_request(p, stage2, rule):
    assert policy_file.load_policy()["remote_deviation"]["allowed"] is False
    with rule("R7.4.1-S2", field="method") as info:
        _request(stage2, p.planner)
    assert "政策" in info.value.message_zh
    assert not RemoteDeviation.objects.exists()


def test_an_approved_deviation_changes_the_method_of_that_audit_and_is_recorded(p, stage2, allowed):
    dev = _request(stage2, p.planner)
    stage2.refresh_from_db()
    assert stage2.method == "FS01" and dev.status == RemoteDeviation.REQUESTED  # nothing changes before approval
    remote.decide_deviation(dev, by=p.decider, approve=True, reason="疫情管控属实，风险评估充分")
    stage2.refresh_from_db()
    dev.refresh_from_db()
    assert stage2.method == "FS02" and dev.status == RemoteDeviation.APPROVED and dev.decided_by == p.decider
    events = Event.objects.filter(subject_type="audit", subject_id=str(stage2.pk)).order_by("seq")
    summaries = [e.summary for e in events if e.action.startswith("audit.remote_deviation")]
    assert summaries[0].startswith("申请第二阶段审核远程审核偏离") and "疫情" in summaries[0]
    assert summaries[1].startswith("批准") and "疫情管控属实" in summaries[1]
    # The audit plan states the deviation (IAF MD4: the plan says how far ICT is used).
    doc = issue_plan(stage2, p)
    assert doc.content["method"] == "FS02"
    assert doc.content["remote_deviation"].startswith("远程审核偏离，已于 ")
    assert "批准" in doc.content["remote_deviation"] and "IAF MD4:2023" in doc.content["remote_deviation"]
    # …and so does the audit report (its content, stored with each signed version).
    content = report.build_content(stage2, objectives="目的", deviations="", evaluation="评价",
                                   recommendation=Audit.RECOMMEND)
    assert content["remote_deviation"] == doc.content["remote_deviation"]
    assert "回转窑计量器具校准状态无法远程确认" in content["remote_deviation"]


def test_without_an_approved_deviation_the_on_site_gates_still_hold(p, stage2, allowed, rule):
    # Planning: an on-site type never starts remote, deviation or not (the request is made for a planned audit).
    with rule("R7.4.1-S2", field="method"):
        programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.STAGE2, start_date=stage2.start_date,
                                     end_date=stage2.end_date, auditor_days=4, team=[], application=stage2.application,
                                     method="FS03")
    # A method changed around the actions (the admin, the database) is refused at the plan and at closing.
    Audit.objects.filter(pk=stage2.pk).update(method="FS02")
    stage2.refresh_from_db()
    with rule("R7.4.1-S2", field="method"):
        programme_actions.issue_audit_plan(stage2, by=p.planner)
    with rule("R7.4.1-S2", field="method"):
        remote.require_method_allowed(stage2)
    # A rejected request does not allow it either.
    Audit.objects.filter(pk=stage2.pk).update(method="FS01")
    dev = _request(stage2, p.planner)
    remote.decide_deviation(dev, by=p.sysadmin, approve=False, reason="可推迟审核，不属于特殊情况")
    stage2.refresh_from_db()
    assert stage2.method == "FS01"
    Audit.objects.filter(pk=stage2.pk).update(method="FS02")
    stage2.refresh_from_db()
    with rule("R7.4.1-S2", field="method"):
        remote.require_method_allowed(stage2)


def test_the_requester_cannot_approve_and_only_the_approving_roles_decide(p, stage2, allowed, rule):
    both = create_staff_user("pm_dm", "test-pass-123", roles=[Role.PROGRAMME_MANAGER, Role.DECISION_MAKER], by=None,
                             display_name="兼任")
    dev = _request(stage2, both)
    with rule("R7.4.1-S2", field="decision"):
        remote.decide_deviation(dev, by=both, approve=True, reason="自己批准")
    for person in (p.planner, p.lead, p.certadmin, p.client_a):
        with pytest.raises(PermissionDenied):
            remote.decide_deviation(dev, by=person, approve=True, reason="批准")
    with rule("R7.4.1-S2", field="reason"):
        remote.decide_deviation(dev, by=p.decider, approve=True, reason=" ")
    remote.decide_deviation(dev, by=p.sysadmin, approve=True, reason="技术负责人批准")
    with rule("R7.4.1-S2", field="decision"):  # decided once
        remote.decide_deviation(dev, by=p.decider, approve=False, reason="再次决定")


def test_only_the_programme_manager_requests_with_the_whole_risk_assessment(p, stage2, allowed, rule):
    for person in (p.client_a, p.lead, p.decider, p.sysadmin):
        with pytest.raises(PermissionDenied):
            _request(stage2, person)
    with rule("R7.4.1-S2", field="ict_tested"):
        _request(stage2, p.planner, ict_tested=False)
    for field in ("explanation", "ict_means", "security", "not_remote"):
        with rule("R7.4.1-S2", field=field):
            _request(stage2, p.planner, **{field: "  "})
    with rule("R7.4.1-S2", field="reason"):
        _request(stage2, p.planner, reason="holiday")
    with rule("R7.4.1-S2", field="method"):
        _request(stage2, p.planner, method="FS01")
    stage1 = stage2.application.audits.get(kind=Audit.STAGE1)
    with rule("R7.4.1-S1-offsite", field="kind"):  # a stage 1 away from the site takes the O1–O3 route
        _request(stage1, p.planner)
    assert not RemoteDeviation.objects.exists()


def test_one_open_deviation_per_audit_and_the_database_holds_it(p, stage2, allowed, rule):
    first = _request(stage2, p.planner)
    with rule("R7.4.1-S2", field="method"):
        _request(stage2, p.planner)
    with pytest.raises(IntegrityError), transaction.atomic():  # the wall behind the check
        RemoteDeviation.objects.create(audit=stage2, method="FS03", requested_by=p.planner, **ASSESSMENT)
    remote.decide_deviation(first, by=p.decider, approve=False, reason="证据不足")
    second = _request(stage2, p.planner, method="FS03")  # after a rejection a new request may be made
    remote.decide_deviation(second, by=p.decider, approve=True, reason="补充证据后批准")
    with rule("R7.4.1-S2", field="method"):  # one in force
        _request(stage2, p.planner)


def _bearer(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_api_request_and_decision_with_the_walls(p, stage2, allowed):
    url = f"{API}/audits/{stage2.pk}/remote-deviations"
    body = {"method": "FS03", **ASSESSMENT}
    assert _bearer(p.client_a).post(url, body, content_type="application/json").status_code in (403, 404)
    assert _bearer(p.client_b).get(url).status_code in (403, 404)
    assert _bearer(p.decider).post(url, body, content_type="application/json").status_code == 403
    r = _bearer(p.planner).post(url, body, content_type="application/json")
    assert r.status_code == 201, r.content
    dev = r.json()
    assert dev["status"] == "requested" and dev["status_display"] == "待批准"
    again = _bearer(p.planner).post(url, body, content_type="application/json")
    assert again.status_code == 422 and again.json()["rule"] == "R7.4.1-S2"
    decide = f"{url}/{dev['id']}/decision"
    assert _bearer(p.planner).post(decide, {"approve": True, "reason": "批准"},
                                   content_type="application/json").status_code == 403
    r = _bearer(p.decider).post(decide, {"approve": True, "reason": "风险可控"}, content_type="application/json")
    assert r.status_code == 200 and r.json()["status"] == "approved"
    assert Audit.objects.get(pk=stage2.pk).method == "FS03"
    assert [d["id"] for d in _bearer(p.decider).get(url).json()] == [dev["id"]]
    long = {**body, "explanation": "长" * 4001}
    assert _bearer(p.planner).post(url, long, content_type="application/json").status_code == 422


def test_api_refuses_when_the_policy_is_off(p, stage2):
    r = _bearer(p.planner).post(f"{API}/audits/{stage2.pk}/remote-deviations", {"method": "FS02", **ASSESSMENT},
                                content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "R7.4.1-S2"


def _page(user, audit) -> str:
    c = Client()
    c.force_login(user)
    return c.get(f"/audits/{audit.pk}/").content.decode()


def test_audit_page_shows_each_role_its_part(p, stage2, allowed):
    assert 'id="request-deviation"' in _page(p.planner, stage2)
    assert "远程审核偏离" not in _page(p.client_a, stage2)
    page = _page(p.decider, stage2)
    assert 'id="request-deviation"' not in page and 'id="decide-deviation"' not in page
    c = Client()
    c.force_login(p.planner)
    r = c.post(f"/audits/{stage2.pk}/remote-deviation/", {"method": "FS02", **ASSESSMENT}, follow=True)
    assert "待批准" in r.content.decode()
    dev = RemoteDeviation.objects.get()
    assert 'id="decide-deviation"' not in _page(p.planner, stage2)  # the requester sees no decision form
    assert 'id="decide-deviation"' in _page(p.decider, stage2)
    client = Client()
    client.force_login(p.client_a)
    assert client.post(f"/audits/{stage2.pk}/remote-deviation/", {"method": "FS02", **ASSESSMENT}).status_code == 403
    assert client.post(f"/audits/{stage2.pk}/remote-deviation/{dev.pk}/decide/",
                       {"decision": "approve", "reason": "x"}).status_code == 403
    c.force_login(p.decider)
    r = c.post(f"/audits/{stage2.pk}/remote-deviation/{dev.pk}/decide/", {"decision": "approve", "reason": "属实"},
               follow=True)
    assert "已批准" in r.content.decode()
    assert Audit.objects.get(pk=stage2.pk).method == "FS02"


def test_the_plan_content_of_an_on_site_audit_has_no_deviation_line(p, stage2):
    assert plan_content(stage2, key_points="")["remote_deviation"] == ""
