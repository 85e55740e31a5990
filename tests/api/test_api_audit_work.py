"""The API of stage 1, checklists, evidence, offline sync, check-ins and corrective-action files (docs/audits.md §7)."""

from __future__ import annotations

import uuid
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tancert.audits import actions
from tancert.audits.models import Audit
from tancert.audits.models.checklists import ChecklistItem, EvidenceEntry
from tancert.people.actions import create_api_token

from flow import PDF, accept_and_contract, complete_application, fill_stage1, plan_initial

pytestmark = pytest.mark.django_db
API = "/api/v1"


def bearer(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def post(c, url, data=None):
    return c.post(API + url, data=data or {}, content_type="application/json")


def jpeg() -> bytes:
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (40, 30), (10, 90, 200)).save(out, format="JPEG")
    return out.getvalue()


@pytest.fixture
def world(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)
    return {"s1": s1, "s2": s2}


def test_openapi_schema_lists_the_audit_work_endpoints():
    paths = Client().get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/audits/{audit_id}/stage1", "/api/v1/audits/{audit_id}/checklist",
                 "/api/v1/checklist-items/{item_id}/answer", "/api/v1/checklist-items/{item_id}/evidence",
                 "/api/v1/checklist-items/{item_id}/evidence/upload", "/api/v1/audits/{audit_id}/checklist/sync",
                 "/api/v1/audits/{audit_id}/report-items", "/api/v1/audits/{audit_id}/checkins",
                 "/api/v1/audits/{audit_id}/checkin-anomalies", "/api/v1/audits/{audit_id}/checkin-explanations",
                 "/api/v1/findings/{finding_id}/response/upload"):
        assert path in paths, path


def test_stage1_record_over_the_api(p, world):
    s1 = world["s1"]
    lead = bearer(p.lead)
    r = lead.get(f"{API}/audits/{s1.pk}/stage1")
    assert r.status_code == 200 and r.json()["version"] == 0
    r = lead.put(f"{API}/audits/{s1.pk}/stage1", data={"version": 0, "baseline": "2024 年",
                                                      "reviews": {"D1": {"result": "adequate"}}},
                 content_type="application/json")
    assert r.status_code == 200 and r.json()["reviews"]["D1"]["result"] == "adequate"
    r = bearer(p.auditor).put(f"{API}/audits/{s1.pk}/stage1", data={"version": 0, "baseline": "2023 年"},
                              content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "R7.4.1-S1" and r.json()["field"] == "version"
    r = post(lead, f"/audits/{s1.pk}/complete", {"conclusion": "就绪", "recommendation": "recommend"})
    assert r.status_code == 422 and r.json()["rule"] == "R7.4.1-S1"
    assert bearer(p.outsider).get(f"{API}/audits/{s1.pk}/stage1").status_code == 404
    assert bearer(p.client_a).get(f"{API}/audits/{s1.pk}/stage1").status_code == 403
    assert bearer(p.client_b).get(f"{API}/audits/{s1.pk}/stage1").status_code == 404


def test_checklist_answers_conflicts_and_evidence(p, world):
    s2 = world["s2"]
    lead, auditor = bearer(p.lead), bearer(p.auditor)
    assert lead.get(f"{API}/audits/{s2.pk}/checklist").json()["started"] is False
    r = post(lead, f"/audits/{s2.pk}/checklist")
    assert r.status_code == 201 and r.json()["items"][0]["code"] == "R7.4.2-F1"
    item_id = r.json()["items"][2]["id"]
    r = post(lead, f"/checklist-items/{item_id}/answer", {"conformity": "conforming", "version": 0})
    assert r.status_code == 200 and r.json()["version"] == 1 and r.json()["auditor"] == "lead"
    r = post(auditor, f"/checklist-items/{item_id}/answer", {"conformity": "finding", "version": 0})
    assert r.status_code == 422 and r.json() | {"message": ""} == r.json() | {"message": ""}
    assert r.json()["rule"] == "R7.4.2-F3" and r.json()["field"] == "version" and "lead" in r.json()["message_en"]
    r = post(auditor, f"/checklist-items/{item_id}/evidence", {"kind": "interview", "text": "在线监测说明",
                                                             "person": "王工"})
    assert r.status_code == 201 and r.json()["who"] == "王工"
    r = auditor.post(f"{API}/checklist-items/{item_id}/evidence/upload",
                     data={"kind": "photo", "file": SimpleUploadedFile("meter.jpg", jpeg(), "image/jpeg")})
    assert r.status_code == 201 and r.json()["content_type"] == "image/jpeg"
    r = auditor.post(f"{API}/checklist-items/{item_id}/evidence/upload",
                     data={"kind": "photo", "file": SimpleUploadedFile("fake.jpg", b"MZ\x90 not an image",
                                                                       "image/jpeg")})
    assert r.status_code == 422 and r.json()["field"] == "file"
    assert EvidenceEntry.objects.filter(item_id=item_id).count() == 2
    rows = lead.get(f"{API}/audits/{s2.pk}/report-items").json()
    assert rows[2]["code"] == "R7.4.2-F3" and len(rows[2]["evidence"]) == 2


def test_walls_of_the_checklist(p, world):
    s2 = world["s2"]
    post(bearer(p.lead), f"/audits/{s2.pk}/checklist")
    item = ChecklistItem.objects.filter(checklist__audit=s2).first()
    assert bearer(p.outsider).get(f"{API}/audits/{s2.pk}/checklist").status_code == 404
    assert post(bearer(p.outsider), f"/checklist-items/{item.pk}/answer",
                {"conformity": "conforming", "version": 0}).status_code == 404
    assert bearer(p.client_a).get(f"{API}/audits/{s2.pk}/checklist").status_code == 403
    assert bearer(p.client_b).get(f"{API}/audits/{s2.pk}/checklist").status_code == 404
    assert bearer(p.planner).get(f"{API}/audits/{s2.pk}/checklist").status_code == 200  # the office reads
    assert post(bearer(p.planner), f"/checklist-items/{item.pk}/answer",
                {"conformity": "conforming", "version": 0}).status_code == 403
    assert post(bearer(p.expert), f"/checklist-items/{item.pk}/answer",
                {"conformity": "conforming", "version": 0}).status_code == 200


def test_sync_is_idempotent(p, world):
    s2 = world["s2"]
    entries = [{"uuid": str(uuid.uuid4()), "type": "answer", "item": "6.5", "conformity": "conforming", "version": 0},
               {"uuid": str(uuid.uuid4()), "type": "evidence", "item": "6.5", "kind": "note", "text": "基准报告"}]
    c = bearer(p.auditor)
    for _ in range(3):
        r = post(c, f"/audits/{s2.pk}/checklist/sync", {"entries": entries})
        assert r.status_code == 200 and [x["status"] for x in r.json()] == ["saved", "saved"]
    item = ChecklistItem.objects.get(checklist__audit=s2, code="6.5")
    assert item.version == 1 and item.evidence.count() == 1 and item.answers.count() == 1
    assert post(bearer(p.outsider), f"/audits/{s2.pk}/checklist/sync", {"entries": entries}).status_code == 404


def test_findings_with_item_and_evidence_and_the_clients_answer_with_files(p, world):
    s2 = world["s2"]
    lead = bearer(p.lead)
    items = post(lead, f"/audits/{s2.pk}/checklist").json()["items"]
    f65 = next(i for i in items if i["code"] == "6.5")
    ev = post(lead, f"/checklist-items/{f65['id']}/evidence", {"kind": "note", "text": "基准未调整"}).json()
    r = post(lead, f"/audits/{s2.pk}/findings", {"grade": "major", "description": "碳基准未调整",
                                                 "item_id": f65["id"], "evidence_ids": [ev["id"]]})
    assert r.status_code == 201 and r.json()["clause"] == "6.5" and r.json()["checklist_item_id"] == f65["id"]
    finding_id = r.json()["id"]
    r = post(lead, f"/audits/{s2.pk}/findings", {"grade": "minor", "description": "无证据"})
    assert r.status_code == 422 and r.json()["rule"] == "R7.5.1"
    answer = {"correction": "已调整", "root_cause": "程序缺失", "corrective_action": "修订程序"}
    r = bearer(p.client_b).post(f"{API}/findings/{finding_id}/response/upload", data=answer)
    assert r.status_code == 404
    r = bearer(p.client_a).post(f"{API}/findings/{finding_id}/response/upload",
                                data={**answer, "files": [SimpleUploadedFile("基准.pdf", PDF, "application/pdf")]})
    assert r.status_code == 200 and r.json()["status"] == "responded"


def test_check_ins_over_the_api(p, world, rule):
    s1 = world["s1"]
    lead = bearer(p.lead)
    r = lead.put(f"{API}/audits/{s1.pk}/checkin-setting", data={"required": True}, content_type="application/json")
    assert r.status_code == 200
    r = lead.post(f"{API}/audits/{s1.pk}/checkins",
                  data={"meeting": "opening", "photos": [SimpleUploadedFile("t.jpg", jpeg(), "image/jpeg")]})
    assert r.status_code == 201 and len(r.json()["photos"]) == 1
    r = lead.post(f"{API}/audits/{s1.pk}/checkins",
                  data={"meeting": "closing", "photos": [SimpleUploadedFile("t.jpg", b"text", "image/jpeg")]})
    assert r.status_code == 422 and r.json()["rule"] == "R7.4"
    fill_stage1(s1, p.lead)
    # The closing check-in is missing: an anomaly to explain (CB-checkin), not a reason to keep the audit open.
    actions.complete_audit(s1, by=p.lead, conclusion="就绪", recommendation=Audit.RECOMMEND)
    assert bearer(p.outsider).get(f"{API}/audits/{s1.pk}/checkins").status_code == 404
