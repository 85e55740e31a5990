"""The REST API: a new organisation from registration to the public register, with tokens;
rule violations as 422 {"rule", "message", "field"}; walls as 403/404."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from tancert.audits.models import Audit
from tancert.people.actions import create_api_token
from tancert.scheme import rulebook

from flow import PDF, calibrated, closing_day, code, inventory_bytes

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(c, url, data=None):
    return c.post(API + url, data=data or {}, content_type="application/json")


def test_openapi_schema_lists_the_backbone():
    schema = Client().get(f"{API}/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/organisations/register", "/api/v1/applications/{app_id}/submit",
                 "/api/v1/applications/{app_id}/accept", "/api/v1/audits", "/api/v1/audits/{audit_id}/decision",
                 "/api/v1/decisions/{decision_id}/certificate", "/api/v1/certificates/{cert_id}/suspend",
                 "/api/v1/public/certificates/{number}", "/api/v1/records/verify"):
        assert path in paths, path


def test_whole_lifecycle_through_the_api(p):
    anon = Client()
    r = post(anon, "/organisations/register", {
        "name": "丙能源有限公司", "credit_code": code("110108MA0C0003"), "registered_address": "北京",
        "address": "北京", "username": "client_c", "password": "test-pass-123", "technical_areas": ["1"]})
    assert r.status_code == 201, r.content
    from tancert.people.models import User

    client = bearer(User.objects.get(username="client_c"))
    start = (timezone.localdate().replace(day=1) - timezone.timedelta(days=200)).isoformat()
    r = post(client, "/applications", {"scope": "燃煤发电相关的碳管理活动", "cms_started_on": start, "industry_code": 1,
                                       "industry_requirement": "GB/T 32151.1-2015 发电"})
    assert r.status_code == 201, r.content
    app_id = r.json()["id"]
    # Missing documents come back as rule violations with their keys.
    declared = {"declarant": "王五 总经理", "declared": True}
    r = post(client, f"/applications/{app_id}/submit", declared)
    assert r.status_code == 422 and r.json()["rule"] in {"R7.1-C5", "R7.1-D1"}
    for meta in rulebook.APPLICATION_DOCUMENTS:
        data = {"file": ("doc.pdf", PDF)}
        if meta.dated:
            data["document_date"] = timezone.localdate().isoformat()

        r = client.post(f"{API}/applications/{app_id}/documents/{meta.code}",
                        data={**({"document_date": data["document_date"]} if meta.dated else {}),
                              "file": SimpleUploadedFile("doc.pdf", PDF, content_type="application/pdf")})
        assert r.status_code == 201, r.content
    assert post(client, f"/applications/{app_id}/commitment",
                {"signed_by": "王五", "signed_on": timezone.localdate().isoformat()}).status_code == 200
    assert client.get(f"{API}/applications/{app_id}/eligibility").json() == []
    r = post(client, f"/applications/{app_id}/submit")  # without the declaration: refused
    assert r.status_code == 422 and r.json()["rule"] == "CB-declaration"
    r = post(client, f"/applications/{app_id}/submit", declared)
    assert r.status_code == 200 and r.json()["status"] == "submitted" and r.json()["review_deadline"]

    reviewer = bearer(p.reviewer)
    r = post(reviewer, f"/applications/{app_id}/accept", {"described": True, "understands": True})
    assert r.status_code == 422 and r.json() == {**r.json(), "rule": "R7.2-review", "field": "competent"}
    assert "message_zh" in r.json() and r.json()["message"]
    r = post(reviewer, f"/applications/{app_id}/accept", {"described": True, "understands": True, "competent": True})
    assert r.json()["status"] == "accepted"

    from flow import qualify_team

    qualify_team(p)  # the team must pass the register check (R4, R7.3.2)
    planner = bearer(p.planner)
    org_id = r.json()["organisation_id"]
    team = [{"username": "lead", "role": "leader"}, {"username": "auditor", "role": "auditor"}]
    today = timezone.localdate().isoformat()
    base = {"organisation_id": org_id, "application_id": app_id, "start_date": today, "end_date": today, "team": team}
    r = post(planner, "/audits", {**base, "kind": "stage1", "auditor_days": 1})
    assert r.status_code == 422 and r.json()["rule"] == "R7.2-contract"
    contract = client.get(f"{API}/applications/{app_id}/contract").json()
    assert contract["status"] == "issued" and float(contract["auditor_days"]) >= 4 and float(contract["total"]) > 0
    assert client.get(f"{API}/applications/{app_id}/contract/pdf").status_code == 200
    assert post(client, f"/applications/{app_id}/contract/sign", {"signer_name": "王五"}).json()["status"] == "signed"
    r = post(client, f"/applications/{app_id}/contract/payment", {"amount": 1, "reference": "x"})
    assert r.status_code == 403
    r = post(reviewer, f"/applications/{app_id}/contract/payment", {"amount": contract["total"], "reference": "回单 7"})
    assert r.json()["status"] == "paid"
    s1 = post(planner, "/audits", {**base, "kind": "stage1", "auditor_days": 1.5}).json()
    r = post(planner, "/audits", {**base, "kind": "stage2", "auditor_days": 2})  # 3.5 in all: below the base
    assert r.status_code == 422 and r.json()["rule"] == "RB"
    r = post(planner, "/audits", {**base, "kind": "stage2", "auditor_days": 3})
    assert r.status_code == 422 and r.json()["rule"] == "R7.3.3"  # two people on one day give 2 auditor-days
    two_days = (timezone.localdate() + timedelta(days=1)).isoformat()
    s2 = post(planner, "/audits", {**base, "kind": "stage2", "auditor_days": 3, "end_date": two_days}).json()
    for audit in (s1, s2):  # the audit plans, which closing needs (R7.3.1), with the agenda the API proposes
        proposal = planner.get(f"{API}/audits/{audit['id']}/agenda").json()
        assert proposal["proposed"] and proposal["version"] == 0
        r = planner.put(f"{API}/audits/{audit['id']}/agenda", data={"slots": proposal["slots"]},
                        content_type="application/json")
        assert r.status_code == 200 and r.json()["version"] == 1 and not r.json()["proposed"]
        assert post(planner, f"/audits/{audit['id']}/plan-documents", {}).status_code == 201

    lead, auditor = bearer(p.lead), bearer(p.auditor)
    # The stage 1 record: every submitted document reviewed, every part filled in (R7.4.1-S1).
    texts = dict.fromkeys(("readiness", "carbon_review", "baseline", "significant_sources", "key_parameters",
                           "performance_evaluation", "resources", "stage2_arrangements"), "已确认")
    reviews = {m.code: {"result": "adequate"} for m in rulebook.APPLICATION_DOCUMENTS}
    r = lead.put(f"{API}/audits/{s1['id']}/stage1", data={"version": 0, "reviews": reviews, "ready_for_stage2": True,
                                                         **texts}, content_type="application/json")
    assert r.status_code == 200, r.content
    assert post(lead, f"/audits/{s1['id']}/complete", {"conclusion": "就绪", "recommendation": "recommend"}).status_code == 200
    report = {"objectives": "确认符合性", "evaluation": "推动碳绩效改进", "recommendation": "recommend"}
    assert post(lead, f"/audits/{s1['id']}/reports", report).status_code == 201
    f = post(auditor, f"/audits/{s2['id']}/findings", {"grade": "major", "description": "碳基准未调整",
                                                        "evidence": "碳基准报告"}).json()
    # Every checklist item answered with a note, in one offline-sync request.
    items = post(lead, f"/audits/{s2['id']}/checklist").json()["items"]
    entries = []
    for item in items:
        entries += [{"uuid": str(uuid.uuid4()), "type": "answer", "item": item["code"], "conformity": "conforming",
                     "version": item["version"]},
                    {"uuid": str(uuid.uuid4()), "type": "evidence", "item": item["code"], "text": "记录齐全"}]
    r = post(auditor, f"/audits/{s2['id']}/checklist/sync", {"entries": entries})
    assert {x["status"] for x in r.json()} == {"saved"}, r.content
    # The carbon data verified inside the audit (R7.4.3): the client uploads, the auditor checks the sample,
    # the leader freezes the figures; only then does stage 2 close, and its report is signed.
    r = client.post(f"{API}/audits/{s2['id']}/inventories",
                    {"file": SimpleUploadedFile("inventory.json", inventory_bytes(calibrated))})
    assert r.status_code == 201, r.content
    for rec in auditor.get(f"{API}/audits/{s2['id']}/inventories/1/sample").json():
        assert post(auditor, f"/audits/{s2['id']}/inventories/1/checks",
                    {"row": rec["row"], "source_kind": "invoice", "reference": "发票", "result": "agrees",
                     "value_found": rec["quantity"]}).status_code == 201
    r = post(lead, f"/audits/{s2['id']}/complete", {"conclusion": "符合", "recommendation": "recommend"})
    assert r.status_code == 422 and r.json()["rule"] == "R7.4.1-S2"  # stage 2 runs until tomorrow
    with closing_day(Audit.objects.get(pk=s2["id"])):  # waiting for the day
        r = post(lead, f"/audits/{s2['id']}/complete", {"conclusion": "符合", "recommendation": "recommend"})
        assert r.status_code == 422 and r.json()["rule"] == "R7.4.3"
        assert post(lead, f"/audits/{s2['id']}/frozen-figures").status_code == 201
        r = post(lead, f"/audits/{s2['id']}/complete", {"conclusion": "符合", "recommendation": "recommend"})
        assert r.status_code == 200
    assert post(lead, f"/audits/{s2['id']}/reports", report).status_code == 201
    decider = bearer(p.decider)
    conditions = {c: {"met": True, "evidence": "证据"} for c in ("C1", "C2", "C3", "C4")}
    r = post(decider, f"/audits/{s2['id']}/decision", {"outcome": "grant", "conditions": conditions})
    assert r.status_code == 422 and r.json()["rule"] == "R7.5.2"
    r = post(client, f"/findings/{f['id']}/response", {"correction": "已调整", "root_cause": "程序缺失",
                                                        "corrective_action": "修订程序", "evidence": "新报告"})
    assert r.status_code == 200
    assert post(lead, f"/findings/{f['id']}/review", {"outcome": "verify"}).json()["status"] == "verified"
    decision = post(decider, f"/audits/{s2['id']}/decision", {"outcome": "grant", "conditions": conditions}).json()
    cert = post(bearer(p.certadmin), f"/decisions/{decision['id']}/certificate").json()
    assert cert["status"] == "valid"

    public = anon.get(f"{API}/public/certificates/{cert['number'].lower()}").json()
    assert public["organisation_name"] == "丙能源有限公司" and public["status"] == "valid"
    assert {"number", "status", "organisation_address", "scope", "criterion", "issue_date", "expiry_date",
            "surveillance_status"} <= set(public)
    assert client.get(f"{API}/certificates/{cert['id']}/pdf").status_code == 200

    r = post(decider, f"/certificates/{cert['id']}/suspend", {"trigger": "T3", "reason": "受到行政处罚",
                                                               "respond_by": "2099-01-01"})
    assert r.json()["status"] == "suspended"
    assert anon.get(f"{API}/public/certificates/{cert['number']}").json()["status"] == "suspended"
    assert bearer(p.sysadmin).get(f"{API}/records/verify").json()["ok"] is True


def test_api_needs_authentication_and_respects_walls(p):
    from flow import certify, complete_application

    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    audit = app.audits.get(kind="stage2")
    urls = [f"/organisations/{p.org_a.pk}", f"/applications/{app.pk}", f"/audits/{audit.pk}",
            f"/certificates/{cert.pk}", f"/audits/{audit.pk}/findings"]
    for url in urls:
        assert Client().get(API + url).status_code == 401
        assert Client(HTTP_AUTHORIZATION="Bearer tc_wrong").get(API + url).status_code == 401
        assert bearer(p.client_b).get(API + url).status_code == 404, url
        assert bearer(p.outsider).get(API + url).status_code == 404, url
        assert bearer(p.client_a).get(API + url).status_code == 200, url
        assert bearer(p.lead).get(API + url).status_code == 200, url
        assert bearer(p.reviewer).get(API + url).status_code == 200, url
    assert bearer(p.client_b).get(f"{API}/organisations").json()[0]["name"] == p.org_b.name
    assert len(bearer(p.client_b).get(f"{API}/organisations").json()) == 1
    assert bearer(p.client_a).get(f"{API}/records/verify").status_code == 403
    assert bearer(p.client_b).get(f"{API}/organisations/{p.org_a.pk}/records").status_code == 404
    assert bearer(p.lead).get(f"{API}/organisations/{p.org_a.pk}/records").status_code == 403
    r = post(bearer(p.lead), f"/certificates/{cert.pk}/suspend", {"trigger": "T1", "reason": "x",
                                                                 "respond_by": "2099-01-01"})
    assert r.status_code == 403


def test_revoked_token_stops_working(p):
    from tancert.people.actions import revoke_api_token

    token, secret = create_api_token(p.client_a, "laptop", by=p.client_a)
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert c.get(f"{API}/organisations").status_code == 200
    revoke_api_token(token, by=p.client_a)
    assert c.get(f"{API}/organisations").status_code == 401


def test_token_command_prints_a_working_token(p, capsys):
    from django.core.management import call_command

    call_command("token", "reviewer")
    secret = capsys.readouterr().out.strip()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get(f"{API}/applications").status_code == 200


def test_public_lookup_of_unknown_number_is_404_and_search_is_safe():
    anon = Client()
    assert anon.get(f"{API}/public/certificates/NOPE").status_code == 404
    r = anon.get(f"{API}/public/certificates", {"q": "' OR 1=1 --"})
    assert r.status_code == 200 and r.json() == []


def test_signed_original_through_the_api(p):

    from tancert.records import chain

    ev = chain.append("test.event", subject=p.org_a, by=None, summary="纸质评审记录", organisation=p.org_a)
    url = f"{API}/records/{ev.seq}/originals"
    r = bearer(p.reviewer).post(url, {"file": SimpleUploadedFile("scan.pdf", PDF), "kept_at": "档案室 B-3"})
    assert r.status_code == 201 and len(r.json()["sha256"]) == 64
    r = bearer(p.reviewer).post(url, {"file": SimpleUploadedFile("scan.txt", b"text"), "kept_at": "档案室"})
    assert r.status_code == 422 and r.json()["rule"] == "RR-signed"
    r = bearer(p.client_a).post(url, {"file": SimpleUploadedFile("scan.pdf", PDF), "kept_at": "x"})
    assert r.status_code == 403


def test_application_data_contract_and_calendar_endpoints_respect_walls(p):
    from flow import complete_application, through_audits

    app = complete_application(p.org_a, p.client_a, submit=False)
    a = bearer(p.client_a)
    r = a.patch(f"{API}/applications/{app.pk}", data={"base_year": 2022, "baseline_emissions": "9000"},
                content_type="application/json")
    assert r.status_code == 200 and r.json()["base_year"] == 2022
    r = post(a, f"/applications/{app.pk}/targets", {"indicator": "强度", "kind": "intensity", "unit": "t/t",
                                                    "baseline_value": 1, "target_value": "0.9", "target_year": 2021})
    assert r.status_code == 422 and r.json()["rule"] == "R7.1-D11" and r.json()["field"] == "target_year"
    r = post(a, f"/organisations/{p.org_a.pk}/sites", {"name": "二厂", "address": "天津"})
    assert r.status_code == 201
    site_id = r.json()["id"]
    b = bearer(p.client_b)
    assert b.patch(f"{API}/applications/{app.pk}", data={"scope": "x"},
                   content_type="application/json").status_code == 404
    assert post(b, f"/organisations/{p.org_a.pk}/sites", {"name": "x", "address": "y"}).status_code == 404
    assert b.delete(f"{API}/application-data/site/{site_id}").status_code == 403
    assert a.delete(f"{API}/application-data/site/{site_id}").status_code == 204

    other = complete_application(p.org_b, p.client_b)
    through_audits(other, p)
    assert b.get(f"{API}/applications/{other.pk}/contract").json()["status"] == "paid"
    assert a.get(f"{API}/applications/{other.pk}/contract").status_code == 404
    assert bearer(p.lead).get(f"{API}/applications/{other.pk}/contract").status_code == 404
    assert bearer(p.reviewer).get(f"{API}/applications/{other.pk}/contract").status_code == 200

    r = post(bearer(p.reviewer), "/calendar", {"day": "2027-02-05", "is_workday": False, "note": "春节"})
    assert r.status_code == 403
    r = post(bearer(p.sysadmin), "/calendar", {"day": "2027-02-05", "is_workday": False, "note": "春节"})
    assert r.status_code == 201
    r = a.get(f"{API}/workdays", {"start": "2027-02-04", "days": 3})
    assert r.json()["result"] == "2027-02-10" and r.json()["fallback_years"] == []
    notes = b.get(f"{API}/notifications").json()
    assert notes and all("甲化工" not in n["subject"] for n in notes)
