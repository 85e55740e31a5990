"""Planning pages and API against the personas: who may open the plan form, the programme, the
calendars and the audit plan PDF, what the plan form shows (audit time, off-site, every team
problem next to the team fields, the suggestion and its exclusions), and the sweep's reminders."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from tancert.audits.models import Audit
from tancert.audits.programme import actions as programme_actions
from tancert.ops.models import Notification
from tancert.people.auditors import actions as reg

from flow import accept_and_contract, certify, complete_application, fill_agenda, issue_plan, team

pytestmark = pytest.mark.django_db
API = "/api/v1"
ALL = ["client_a", "client_b", "reviewer", "planner", "lead", "auditor", "outsider", "expert", "decider",
       "certadmin", "sysadmin"]


def today():
    return timezone.localdate()


@pytest.fixture
def world(p):
    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    programme_actions.build_programme(p.org_a, by=p.planner)
    s2 = app.audits.get(kind="stage2")
    return {"app": app, "cert": cert, "s2": s2}


def _get(client, user, url):
    client.force_login(user)
    return client.get(url).status_code


def test_programme_page_only_for_the_programme_manager(client, p, world):
    url = reverse("programme", args=[p.org_a.pk])
    codes = {name: _get(client, getattr(p, name), url) for name in ALL}
    assert codes.pop("planner") == 200
    assert set(codes.values()) == {403}
    client.force_login(p.planner)
    html = client.get(url).content.decode()
    assert 'id="entry-surveillance-1"' in html and 'id="entry-recertification-0"' in html
    assert reverse("programme", args=[p.org_a.pk]) in client.get(reverse("organisation", args=[p.org_a.pk])).content.decode()


def test_plan_form_only_for_the_programme_manager(client, p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    url = reverse("audit_plan", args=[app.pk])
    codes = {name: _get(client, getattr(p, name), url) for name in ALL}
    assert codes.pop("planner") == 200 and set(codes.values()) == {403}


def test_plan_form_shows_audit_time_offsite_and_defaults(client, p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    client.force_login(p.planner)
    r = client.get(reverse("audit_plan", args=[app.pk]))
    html = r.content.decode()
    assert 'id="calculated-days"' in html and "附录B基准" in html and "R7.4.1-S1-offsite" in html
    form = r.context["form"]
    assert form.initial["kind"] == "stage1" and form.initial["auditor_days"] >= 1 and not form.initial["offsite"]


def test_every_team_problem_is_shown_next_to_the_team_fields(client, p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    reg.declare_conflict(p.auditor, by=p.auditor, kind="consulted", organisation=p.org_a,
                         started_on=today() - relativedelta(years=3), ended_on=today() - relativedelta(months=18))
    client.force_login(p.planner)
    day = (today() + timedelta(days=10)).isoformat()
    r = client.post(reverse("audit_plan", args=[app.pk]), {
        "kind": "stage1", "start_date": day, "end_date": day, "auditor_days": "1", "method": "FS01",
        "leader": p.outsider.pk, "auditors": [p.auditor.pk]})
    assert r.status_code == 200 and not app.audits.exists()
    form = r.context["form"]
    leader_errors = " ".join(form.errors["leader"])
    assert "R4.A1" in leader_errors and "outsider" in leader_errors  # the person, the key, the fix
    assert "R7.3.2" in " ".join(form.errors["auditors"])  # impartiality, on the auditor's field


def test_suggest_a_team_lists_teams_and_exclusions_and_fills_the_form(client, p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    client.force_login(p.planner)
    day = (today() + timedelta(days=10)).isoformat()
    url = reverse("audit_plan", args=[app.pk])
    r = client.post(url, {"kind": "stage1", "start_date": day, "end_date": day, "auditor_days": "1",
                          "method": "FS01", "suggest": "1"})
    rows = r.context["suggestion"]
    assert rows and rows[0]["leader"] == p.lead.pk
    excluded = {e["name"]: e for e in r.context["excluded"]}
    assert "R4.A1" in excluded["outsider"]["keys"]
    assert excluded["expert"]["codes"] == ["not_selected"]  # R4 does not apply to a technical expert
    # "Use this team": the GET fills the form with the suggested team, which passes the check.
    r = client.get(url, {"kind": "stage1", "start_date": day, "end_date": day, "auditor_days": "1",
                         "method": "FS01", "leader": rows[0]["leader"], "auditors": rows[0]["auditors"],
                         "experts": rows[0]["experts"]})
    assert r.context["form"].is_bound and not r.context["form"].errors
    assert not app.audits.exists()  # filling is not planning


def test_suggestion_page_queries_do_not_grow_with_the_register(client, p):
    """The exclusion table once asked each excluded person's roles separately (496 queries for 500)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tancert.people.actions import create_staff_user
    from tancert.people.models import Role

    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    client.force_login(p.planner)
    day = (today() + timedelta(days=10)).isoformat()
    data = {"kind": "stage1", "start_date": day, "end_date": day, "auditor_days": "1", "method": "FS01",
            "suggest": "1"}
    url = reverse("audit_plan", args=[app.pk])
    client.post(url, data)  # warm the caches of the first request
    with CaptureQueriesContext(connection) as before:
        client.post(url, data)
    for i in range(6):
        create_staff_user(f"extra{i}", "test-pass-123", roles=[Role.AUDITOR], by=None, display_name=f"extra{i}")
    with CaptureQueriesContext(connection) as after:
        r = client.post(url, data)
    assert len(r.context["excluded"]) >= 6 and len(after) == len(before)


def test_audit_plan_pdf_for_office_team_and_own_client_only(client, p, world):
    s2 = world["s2"]
    Audit.objects.filter(pk=s2.pk).update(status=Audit.PLANNED)  # issue on an open audit
    s2.refresh_from_db()
    doc = issue_plan(s2, p)
    url = reverse("audit_plan_pdf", args=[s2.pk, doc.version])
    allowed = {"planner", "reviewer", "decider", "certadmin", "sysadmin", "lead", "auditor", "expert", "client_a"}
    for name in ALL:
        assert _get(client, getattr(p, name), url) == (200 if name in allowed else 404), name
    client.force_login(p.client_a)
    assert client.get(url).getvalue().startswith(b"%PDF")
    api = client.get(f"{API}/audits/{s2.pk}/plan-documents/{doc.version}/pdf")
    assert api.status_code == 200
    client.force_login(p.client_b)
    assert client.get(f"{API}/audits/{s2.pk}/plan-documents/{doc.version}/pdf").status_code == 404


def test_issue_and_confirm_from_the_audit_page(client, p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1 = __import__("tancert.audits.programme.actions", fromlist=["x"]).plan_audit(
        p.org_a, by=p.planner, kind="stage1", start_date=today() + timedelta(days=5),
        end_date=today() + timedelta(days=5), auditor_days=1, team=team(p), application=app)
    client.force_login(p.planner)
    html = client.get(reverse("audit", args=[s1.pk])).content.decode()
    assert 'id="issue-plan"' in html and 'id="confirm-team"' in html
    moved = s1.start_date + timedelta(days=1)
    client.post(reverse("audit_move", args=[s1.pk]), {"start_date": moved.isoformat(), "end_date": moved.isoformat(),
                                                       "reason": "客户要求"})
    s1.refresh_from_db()
    assert s1.start_date == moved
    client.post(reverse("audit_confirm_team", args=[s1.pk]))
    fill_agenda(s1, p.planner)  # on the moved dates
    client.post(reverse("audit_issue_plan", args=[s1.pk]), {"key_points": "排放源完整性"})
    assert s1.team_confirmations.count() == 1 and s1.plan_documents.get().key_points == "排放源完整性"
    client.force_login(p.auditor)  # on the team, not the leader: sees the plan, cannot issue or confirm
    html = client.get(reverse("audit", args=[s1.pk])).content.decode()
    assert 'id="issue-plan"' not in html and 'id="confirm-team"' not in html and "v1" in html
    assert client.post(reverse("audit_confirm_team", args=[s1.pk])).status_code == 403
    assert client.post(reverse("audit_move", args=[s1.pk]), {"start_date": moved.isoformat(),
                                                              "end_date": moved.isoformat(),
                                                              "reason": "x"}).status_code == 403
    assert bearer(p.lead).post(f"{API}/audits/{s1.pk}/replan", {"start_date": moved.isoformat(),
                                                                "end_date": moved.isoformat(), "reason": "x"},
                               content_type="application/json").status_code == 403
    r = bearer(p.planner).post(f"{API}/audits/{s1.pk}/replan", {"start_date": moved.isoformat(),
                                                                "end_date": moved.isoformat(), "reason": ""},
                               content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "R8.1-programme"


def test_plan_form_defaults_a_surveillance_to_its_window(client, p, world):
    entry = programme_actions.current_programme(p.org_a).current_entries().get(kind="surveillance", sequence=1)
    client.force_login(p.planner)
    r = client.get(reverse("audit_plan", args=[world["app"].pk]), {"kind": "surveillance"})
    form = r.context["form"]
    assert form.initial["start_date"] == entry.earliest and form.initial["kind"] == "surveillance"
    # The calculated surveillance time of the test client (base 2 + ⅓ of its increases), not the bare base.
    assert form.initial["auditor_days"] == Decimal("2.5")
    day = entry.earliest.isoformat()
    r = client.post(reverse("audit_plan", args=[world["app"].pk]), {
        "kind": "surveillance", "start_date": day, "end_date": day, "auditor_days": "2", "method": "FS01",
        "leader": p.lead.pk, "auditors": [p.auditor.pk]})
    assert r.status_code == 200 and "R7.3.3" in r.content.decode()  # below the calculated time: refused
    assert not world["cert"].audits.filter(kind="surveillance").exists()
    two_days = (entry.earliest + timedelta(days=1)).isoformat()  # 2 auditors × 2 days cover 2.5 auditor-days
    r = client.post(reverse("audit_plan", args=[world["app"].pk]), {
        "kind": "surveillance", "start_date": day, "end_date": two_days, "auditor_days": "2.5", "method": "FS01",
        "leader": p.lead.pk, "auditors": [p.auditor.pk]})
    audit = world["cert"].audits.get(kind="surveillance")
    assert r.status_code == 302 and audit.sequence == 1
    entry.refresh_from_db()
    assert entry.audit == audit


def test_calendars(client, p, world):
    mine = reverse("my_audits")
    assert _get(client, p.lead, mine) == 200 and _get(client, p.client_a, mine) == 403
    assert _get(client, p.planner, mine) == 403
    client.force_login(p.lead)
    assert "甲化工" in client.get(mine).content.decode()
    client.force_login(p.outsider)
    assert "甲化工" not in client.get(mine).content.decode()
    body = reverse("audit_calendar")
    codes = {name: _get(client, getattr(p, name), body) for name in ALL}
    assert codes.pop("planner") == 200 and set(codes.values()) == {403}
    client.force_login(p.planner)
    html = client.get(body).content.decode()
    assert "甲化工" in html


def test_sweep_reminds_of_windows_once_and_flags_overdue(p, world):
    from tancert import sweep

    s1 = programme_actions.current_programme(p.org_a).current_entries().get(kind="surveillance", sequence=1)
    report = sweep.run(today=s1.latest - timedelta(days=10))
    assert f"{s1.pk}:due" in report.windows_reminded
    assert Notification.objects.filter(recipient=p.planner, subject__contains="即将到期").count() == 1
    assert sweep.run(today=s1.latest - timedelta(days=9)).windows_reminded == []  # idempotent
    late = sweep.run(today=s1.latest + timedelta(days=1))
    assert f"{s1.pk}:overdue" in late.windows_reminded
    assert sweep.run(today=s1.latest + timedelta(days=2)).windows_reminded == []
    assert Notification.objects.filter(recipient=p.planner, subject__contains="已逾期").count() == 1


def bearer(user):
    from django.test import Client

    from tancert.people.actions import create_api_token

    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_api_programme_team_and_calendars(p, world):
    pm = bearer(p.planner)
    r = pm.get(f"{API}/organisations/{p.org_a.pk}/programme")
    assert r.status_code == 200 and {e["kind"] for e in r.json()["entries"]} >= {"surveillance", "recertification"}
    s1 = next(e for e in r.json()["entries"] if e["kind"] == "surveillance" and e["sequence"] == 1)
    r = pm.post(f"{API}/programme-entries/{s1['id']}/replan", {"earliest": s1["earliest"], "latest": s1["latest"],
                                                                "reason": ""}, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "R8.1-programme"
    r = pm.post(f"{API}/organisations/{p.org_a.pk}/programme/extra",
                {"reason_kind": "major_change", "reason": "新增生产线", "start": today().isoformat()},
                content_type="application/json")
    assert r.status_code == 201 and r.json()["kind"] == "extra_surveillance"
    day = (today() + timedelta(days=40)).isoformat()
    need = {"organisation_id": p.org_a.pk, "start_date": day, "end_date": day, "auditor_days": 2,
            "team": [{"username": "lead", "role": "leader"}]}
    r = pm.post(f"{API}/planning/team-check", need, content_type="application/json")
    assert r.status_code == 200 and {x["rule"] for x in r.json()} == {"R7.3.3"}
    r = pm.post(f"{API}/planning/team-suggestion", need, content_type="application/json")
    assert r.json()["teams"] and any(e["username"] == "outsider" and "R4.A1" in e["rules"]
                                     for e in r.json()["excluded"])
    r = pm.post(f"{API}/planning/audit-time", {"audit_type": "initial", "employees": 120, "sites": 5,
                                               "technical_areas": [8]}, content_type="application/json")
    assert r.status_code == 200 and r.json()["planned_days"] and r.json()["lines"][0]["zh"]
    assert pm.get(f"{API}/planning/calendar/body").status_code == 200
    lead = bearer(p.lead)
    assert lead.get(f"{API}/planning/calendar/mine").json()["done"]
    for path in ("/planning/team-check", "/planning/team-suggestion"):
        assert lead.post(f"{API}{path}", need, content_type="application/json").status_code == 403
    assert lead.get(f"{API}/planning/calendar/body").status_code == 403
    assert bearer(p.client_a).get(f"{API}/organisations/{p.org_a.pk}/programme").status_code == 403
    assert bearer(p.client_a).post(f"{API}/planning/audit-time", {"audit_type": "initial", "employees": 1},
                                   content_type="application/json").status_code == 403
    schema = pm.get(f"{API}/openapi.json").json()["paths"]
    assert "/api/v1/planning/team-suggestion" in schema and "/api/v1/organisations/{org_id}/programme" in schema


def test_audit_time_calculator_answers_bad_input_with_its_key(p):
    """An empty or malformed client description is a 422 naming what is missing, never a 500."""
    pm = bearer(p.planner)
    r = pm.post(f"{API}/planning/audit-time", {}, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "R7.3.1"
    assert "employees" in r.json()["field"] and "不完整" in r.json()["message_zh"]
    r = pm.post(f"{API}/planning/audit-time", {"audit_type": "initial", "employees": 10, "sites": 1,
                                               "other_systems": [{"days": "many"}]}, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "R7.3.1"
