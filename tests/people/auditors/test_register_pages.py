"""The auditor register's pages and API against the personas: who sees what, who may change what."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tancert.people.actions import create_api_token
from tancert.people.auditors import actions as reg
from tancert.people.models.auditors import (
    CcaaRegistration,
    ConflictDeclaration,
    CpdPlan,
    CpdRecord,
    Unavailability,
)
from tancert.records.models import Event

pytestmark = pytest.mark.django_db
API = "/api/v1"
OFFICE = ["reviewer", "planner", "decider", "certadmin", "sysadmin"]


def today():
    return timezone.localdate()


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def bearer(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def api_post(c, url, data):
    return c.post(API + url, data=data, content_type="application/json")


# ---------------------------------------------------------------------------------------------
# Pages
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona,status", [(o, 200) for o in OFFICE] + [
    ("auditor", 302), ("expert", 302), ("client_a", 403)])
def test_dashboard_per_persona(p, persona, status):
    r = login(getattr(p, persona)).get("/auditors/")
    assert r.status_code == status
    if status == 302:
        assert r["Location"] == f"/auditors/{getattr(p, persona).pk}/"


def test_dashboard_needs_a_login(p):
    r = Client().get("/auditors/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_dashboard_lists_auditors_and_experts_with_warnings(p):
    t = today()
    reg.add_registration(p.lead, by=p.planner, grade="senior", number="EXPIRING-1", valid_from=t - timedelta(days=800),
                         valid_to=t + timedelta(days=30))
    reg.add_registration(p.auditor, by=p.planner, grade="auditor", number="EXPIRED-1",
                         valid_from=t - timedelta(days=800), valid_to=t - timedelta(days=3))
    reg.add_qualification(p.auditor, by=p.planner, type="ghg-manager", issuer="i", number="G",
                          valid_from=t - timedelta(days=800), valid_to=t - timedelta(days=3))
    reg.add_competence(p.lead, by=p.planner, kind="cms", evaluated_on=t, evidence="e")
    reg.add_cpd(p.lead, by=p.planner, year=t.year, content="c", hours=8, completed_on=t)
    html = login(p.planner).get("/auditors/").content.decode()
    for name in ("lead", "auditor", "outsider", "expert", "decider2"):
        assert f">{name}</a>" in html
    assert ">reviewer</a>" not in html and ">client_a</a>" not in html
    lead = html.split(f'id="auditor-{p.lead.pk}"')[1].split("</tr>")[0]
    assert "warning-registration_expiring" in lead and "warning-cpd" not in lead and "warning-cms" not in lead
    auditor = html.split(f'id="auditor-{p.auditor.pk}"')[1].split("</tr>")[0]
    for w in ("registration_expired", "ghg_expired", "cpd", "cms"):
        assert f"warning-{w}" in auditor
    expert = html.split(f'id="auditor-{p.expert.pk}"')[1].split("</tr>")[0]
    assert "warning-cpd" in expert and "warning-registration" not in expert


def test_dashboard_query_count_does_not_grow_with_people(p, django_assert_max_num_queries):
    c = login(p.planner)
    c.get("/auditors/")
    with django_assert_max_num_queries(30):
        assert c.get("/auditors/").status_code == 200


@pytest.mark.parametrize("persona,own,other", [
    ("planner", 200, 200), ("sysadmin", 200, 200), ("reviewer", 200, 200), ("decider", 200, 200),
    ("auditor", 200, 404), ("expert", 200, 404), ("client_a", 404, 404)])
def test_auditor_page_per_persona(p, persona, own, other):
    user = getattr(p, persona)
    c = login(user)
    assert c.get(f"/auditors/{user.pk if persona not in ('client_a',) else p.auditor.pk}/").status_code == own
    target = p.lead if persona != "lead" else p.auditor
    assert c.get(f"/auditors/{target.pk}/").status_code == other


def test_a_client_user_has_no_register_page(p):
    assert login(p.planner).get(f"/auditors/{p.client_a.pk}/").status_code == 404


def test_programme_manager_sees_every_form_the_auditor_only_own_conflict_and_unavailability(p):
    html = login(p.planner).get(f"/auditors/{p.auditor.pk}/").content.decode()
    for kind in ("registration", "qualification", "experience", "competence", "cpd", "conflict", "unavailability"):
        assert f"/auditors/{p.auditor.pk}/{kind}/add/" in html
    own = login(p.auditor).get(f"/auditors/{p.auditor.pk}/").content.decode()
    assert f"/auditors/{p.auditor.pk}/conflict/add/" in own and f"/auditors/{p.auditor.pk}/unavailability/add/" in own
    assert f"/auditors/{p.auditor.pk}/registration/add/" not in own
    read_only = login(p.reviewer).get(f"/auditors/{p.auditor.pk}/").content.decode()
    assert "/add/" not in read_only


def test_programme_manager_adds_and_removes_through_the_page(p):
    c = login(p.planner)
    r = c.post(f"/auditors/{p.auditor.pk}/registration/add/", {
        "grade": "auditor", "number": "2024-N1MS-7", "valid_from": "2024-01-01", "valid_to": "2027-01-01"})
    assert r.status_code == 302 and r["Location"] == f"/auditors/{p.auditor.pk}/#registration"
    reg_ = CcaaRegistration.objects.get(user=p.auditor)
    page = c.get(f"/auditors/{p.auditor.pk}/").content.decode()
    assert "2024-N1MS-7" in page
    r = c.post(f"/auditors/{p.auditor.pk}/registration/{reg_.pk}/remove/", {"reason": "不再适用"})
    assert r.status_code == 302 and not CcaaRegistration.objects.exists()
    assert Event.objects.filter(action="register.registration_ended").exists()


def test_a_rule_violation_on_the_page_is_shown_with_its_key(p):
    c = login(p.planner)
    r = c.post(f"/auditors/{p.auditor.pk}/registration/add/", {
        "grade": "auditor", "number": "N", "valid_from": "2024-01-01", "valid_to": "2023-01-01"}, follow=True)
    assert "R4.A1" in r.content.decode() and not CcaaRegistration.objects.exists()
    r = c.post(f"/auditors/{p.auditor.pk}/competence/add/", {
        "kind": "area", "area": "", "function": "auditor", "evaluated_on": "2024-01-01", "evidence": "e"}, follow=True)
    assert "R4.A3" in r.content.decode()


def test_an_invalid_form_is_reported_and_saves_nothing(p):
    r = login(p.planner).post(f"/auditors/{p.auditor.pk}/registration/add/", {"grade": "auditor"}, follow=True)
    assert r.status_code == 200 and not CcaaRegistration.objects.exists()


def test_auditor_declares_own_conflict_and_unavailability_on_the_page(p):
    c = login(p.auditor)
    r = c.post(f"/auditors/{p.auditor.pk}/conflict/add/", {"kind": "consulted", "organisation_name": "某公司",
                                                          "started_on": "2024-01-01", "ended_on": "2025-01-01"})
    assert r.status_code == 302 and ConflictDeclaration.objects.filter(user=p.auditor).count() == 1
    c.post(f"/auditors/{p.auditor.pk}/unavailability/add/", {"starts_on": "2026-05-01", "ends_on": "2026-05-05",
                                                            "reason": "年假"})
    u = Unavailability.objects.get(user=p.auditor)
    c.post(f"/auditors/{p.auditor.pk}/unavailability/{u.pk}/remove/", {"reason": "不再适用"})
    assert not Unavailability.objects.exists()


def test_auditor_may_not_edit_own_register_or_anyone_elses(p):
    c = login(p.auditor)
    data = {"grade": "auditor", "number": "N", "valid_from": "2024-01-01", "valid_to": "2027-01-01"}
    assert c.post(f"/auditors/{p.auditor.pk}/registration/add/", data).status_code == 403
    assert c.post(f"/auditors/{p.lead.pk}/registration/add/", data).status_code == 404
    assert c.post(f"/auditors/{p.lead.pk}/unavailability/add/",
                  {"starts_on": "2026-05-01", "ends_on": "2026-05-05"}).status_code == 404
    r = reg.add_registration(p.auditor, by=p.planner, grade="auditor", number="N", valid_from=date(2024, 1, 1),
                             valid_to=date(2027, 1, 1))
    assert c.post(f"/auditors/{p.auditor.pk}/registration/{r.pk}/remove/", {"reason": "不再适用"}).status_code == 403
    assert CcaaRegistration.objects.filter(pk=r.pk).exists()
    assert login(p.client_a).post(f"/auditors/{p.auditor.pk}/unavailability/add/",
                                  {"starts_on": "2026-05-01", "ends_on": "2026-05-05"}).status_code == 404


def test_remove_through_another_persons_url_is_404(p):
    r = reg.add_registration(p.auditor, by=p.planner, grade="auditor", number="N", valid_from=date(2024, 1, 1),
                             valid_to=date(2027, 1, 1))
    assert login(p.planner).post(f"/auditors/{p.lead.pk}/registration/{r.pk}/remove/").status_code == 404
    assert CcaaRegistration.objects.filter(pk=r.pk).exists()


def test_cpd_plan_and_completion_on_the_pages(p):
    c = login(p.planner)
    year = today().year
    assert c.post("/auditors/cpd-plan/", {"year": year, "content": "标准与行业动态"}).status_code == 302
    assert CpdPlan.objects.get(year=year).content == "标准与行业动态"
    assert "标准与行业动态" in c.get("/auditors/").content.decode()
    c.post(f"/auditors/{p.lead.pk}/cpd/add/", {"year": year, "hours": "0"})
    record = CpdRecord.objects.get(user=p.lead)
    assert record.content == "标准与行业动态" and record.completed_on is None
    assert f"/auditors/{p.lead.pk}/cpd/{record.pk}/complete/" in c.get(f"/auditors/{p.lead.pk}/").content.decode()
    c.post(f"/auditors/{p.lead.pk}/cpd/{record.pk}/complete/", {"completed_on": today().isoformat(), "hours": "12"})
    record.refresh_from_db()
    assert record.completed_on == today()
    assert login(p.auditor).post("/auditors/cpd-plan/", {"year": year, "content": "x"}).status_code == 403
    assert login(p.auditor).post(f"/auditors/{p.auditor.pk}/cpd/{record.pk}/complete/",
                                 {"completed_on": today().isoformat(), "hours": "1"}).status_code == 403


def test_qualification_types_page_is_for_the_system_administrator(p):
    assert login(p.planner).post("/auditors/qualification-types/", {"code": "x", "name_zh": "x",
                                                                    "name_en": "x"}).status_code == 403
    r = login(p.sysadmin).post("/auditors/qualification-types/", {"code": "ets", "name_zh": "核查员",
                                                                  "name_en": "verifier"})
    assert r.status_code == 302
    assert "核查员" in login(p.sysadmin).get("/auditors/").content.decode()


def test_nav_links_to_the_register_for_staff_not_clients(p):
    assert 'href="/auditors/"' in login(p.auditor).get("/me/").content.decode()
    assert 'href="/auditors/"' not in login(p.client_a).get("/me/").content.decode()


# ---------------------------------------------------------------------------------------------
# API
# ---------------------------------------------------------------------------------------------


def test_api_lists_the_register_with_warnings_for_the_office(p):
    rows = bearer(p.reviewer).get(f"{API}/auditors").json()
    by_name = {r["username"]: r for r in rows}
    assert {"lead", "auditor", "expert", "outsider"} <= set(by_name) and "reviewer" not in by_name
    assert {w["rule"] for w in by_name["auditor"]["warnings"]} == {"R4.A1", "R4.CPD", "R4.A3"}
    assert [w["code"] for w in by_name["expert"]["warnings"]] == ["cpd"]


def test_api_auditor_sees_only_themselves_and_the_client_nothing(p):
    rows = bearer(p.auditor).get(f"{API}/auditors").json()
    assert [r["username"] for r in rows] == ["auditor"]
    assert bearer(p.client_a).get(f"{API}/auditors").status_code == 403
    assert bearer(p.client_a).get(f"{API}/auditors/{p.auditor.pk}").status_code == 404
    assert bearer(p.auditor).get(f"{API}/auditors/{p.lead.pk}").status_code == 404
    assert bearer(p.auditor).get(f"{API}/auditors/{p.auditor.pk}").status_code == 200


def test_api_programme_manager_keeps_the_register(p):
    c = bearer(p.planner)
    uid = p.lead.pk
    assert api_post(c, f"/auditors/{uid}/registrations", {"grade": "senior", "number": "N-1",
                                                          "valid_from": "2024-01-01",
                                                          "valid_to": "2030-01-01"}).status_code == 201
    assert api_post(c, f"/auditors/{uid}/qualifications", {"issuer": "i", "number": "G-1", "valid_from": "2024-01-01",
                                                           "valid_to": "2030-01-01"}).status_code == 201
    assert api_post(c, f"/auditors/{uid}/experience", {"field": "carbon", "employer": "e",
                                                       "started_on": "2015-01-01"}).status_code == 201
    assert api_post(c, f"/auditors/{uid}/competences", {"kind": "cms", "evaluated_on": "2024-01-01",
                                                        "evidence": "e"}).status_code == 201
    assert api_post(c, f"/auditors/{uid}/competences", {"kind": "area", "area": 7, "function": "team_leader",
                                                        "evaluated_on": "2024-01-01",
                                                        "evidence": "e"}).status_code == 201
    r = api_post(c, f"/auditors/{uid}/cpd", {"year": today().year, "content": "c"})
    assert r.status_code == 201
    cpd_id = r.json()["id"]
    r = api_post(c, f"/auditors/{uid}/cpd/{cpd_id}/complete", {"completed_on": today().isoformat(), "hours": 8})
    assert r.status_code == 200 and r.json()["completed_on"] == today().isoformat()
    assert api_post(c, f"/auditors/{uid}/conflicts", {"kind": "employed", "organisation_id": p.org_b.pk,
                                                      "ended_on": "2025-01-01"}).status_code == 201
    assert api_post(c, f"/auditors/{uid}/unavailability", {"starts_on": "2026-01-01",
                                                           "ends_on": "2026-01-02"}).status_code == 201
    body = c.get(f"{API}/auditors/{uid}").json()
    a = body["auditor"]
    assert a["registration_grade"] == "senior" and a["ghg_valid_to"] == "2030-01-01" and a["cms_competence"]
    assert a["warnings"] == [] and a["cpd_years"] == [today().year]
    assert body["conflicts"][0]["organisation_id"] == p.org_b.pk
    assert {(x["kind"], x["area"], x["function"]) for x in body["competences"]} == {("cms", None, ""),
                                                                                    ("area", 7, "team_leader")}
    reg_id = body["registrations"][0]["id"]
    assert c.delete(f"{API}/auditors/{uid}/registration/{reg_id}").status_code == 422  # no reason
    assert c.delete(f"{API}/auditors/{uid}/registration/{reg_id}?reason=离职").status_code == 204
    assert c.delete(f"{API}/auditors/{uid}/registration/{reg_id}?reason=离职").status_code == 404
    assert c.delete(f"{API}/auditors/{uid}/nonsense/1").status_code == 404


def test_api_rule_violation_is_422_with_the_key(p):
    r = api_post(bearer(p.planner), f"/auditors/{p.lead.pk}/competences", {
        "kind": "area", "area": 30, "function": "auditor", "evaluated_on": "2024-01-01", "evidence": "e"})
    assert r.status_code == 422 and r.json()["rule"] == "R4.A3" and r.json()["field"] == "area"
    r = api_post(bearer(p.planner), "/cpd-plans", {"year": 1900, "content": "x"})
    assert r.status_code == 422 and r.json()["rule"] == "R4.CPD"


def test_api_auditor_self_service_and_limits(p):
    c = bearer(p.auditor)
    own = p.auditor.pk
    assert api_post(c, f"/auditors/{own}/conflicts", {"kind": "consulted",
                                                      "organisation_name": "某公司"}).status_code == 201
    assert api_post(c, f"/auditors/{own}/unavailability", {"starts_on": "2026-01-01",
                                                           "ends_on": "2026-01-01"}).status_code == 201
    assert api_post(c, f"/auditors/{own}/registrations", {"grade": "auditor", "number": "N",
                                                          "valid_from": "2024-01-01",
                                                          "valid_to": "2030-01-01"}).status_code == 403
    assert api_post(c, f"/auditors/{p.lead.pk}/unavailability", {"starts_on": "2026-01-01",
                                                                 "ends_on": "2026-01-01"}).status_code == 404
    # The organisation is looked up through the auditor's wall (on no audit: sees no client).
    assert api_post(c, f"/auditors/{own}/conflicts", {"kind": "consulted",
                                                      "organisation_id": p.org_a.pk}).status_code == 404
    conflict = ConflictDeclaration.objects.get(user=p.auditor)
    assert c.delete(f"{API}/auditors/{own}/conflict/{conflict.pk}").status_code == 403
    assert bearer(p.client_a).post(f"{API}/cpd-plans", {"year": 2025, "content": "x"},
                                   content_type="application/json").status_code == 403
    assert bearer(p.client_a).get(f"{API}/cpd-plans").status_code == 403


def test_api_qualification_types(p):
    assert [t["code"] for t in bearer(p.auditor).get(f"{API}/qualification-types").json()] == ["ghg-manager"]
    body = {"code": "ets", "name_zh": "核查员", "name_en": "verifier"}
    assert api_post(bearer(p.planner), "/qualification-types", body).status_code == 403
    assert api_post(bearer(p.sysadmin), "/qualification-types", body).status_code == 201


def test_openapi_lists_the_register_endpoints(p):
    paths = Client().get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/auditors", "/api/v1/auditors/{user_id}", "/api/v1/auditors/{user_id}/registrations",
                 "/api/v1/auditors/{user_id}/conflicts", "/api/v1/auditors/{user_id}/{kind}/{entry_id}",
                 "/api/v1/cpd-plans", "/api/v1/qualification-types"):
        assert path in paths, path
