"""Audit work pages (checklist, stage 1 record, check-ins) against every persona; forms go through the actions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from tancert.audits import actions
from tancert.audits.findings import actions as finding_actions
from tancert.audits.models import Audit
from tancert.audits.models.checklists import ChecklistItem
from tancert.audits.programme import actions as programme_actions

from flow import accept_and_contract, complete_application, fill_stage1, issue_plan, plan_initial, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p)
    return {"s1": s1, "s2": s2,
            "checklist": reverse("audit_checklist", args=[s2.pk]), "stage1": reverse("audit_stage1", args=[s1.pk])}


EXPECTED = {  # persona → (checklist page, stage 1 page)
    "lead": 200, "auditor": 200, "expert": 200, "planner": 200, "decider": 200, "reviewer": 200,
    "outsider": 404, "client_a": 403, "client_b": 404,
}


@pytest.mark.parametrize("persona", sorted(EXPECTED))
def test_working_papers_respect_the_walls(client, p, world, persona):
    client.force_login(getattr(p, persona))
    for page in ("checklist", "stage1"):
        assert client.get(world[page]).status_code == EXPECTED[persona], (persona, page)


def test_an_auditor_not_on_the_team_cannot_post_answers(client, p, world):
    client.force_login(p.lead)
    client.get(world["checklist"])
    item = ChecklistItem.objects.filter(checklist__audit=world["s2"]).first()
    for persona, status in (("outsider", 404), ("client_a", 403), ("planner", 403)):
        client.force_login(getattr(p, persona))
        r = client.post(reverse("checklist_answer", args=[world["s2"].pk, item.pk]),
                        {"conformity": "conforming", "version": 0})
        assert r.status_code == status, persona
    item.refresh_from_db()
    assert item.version == 0


def test_the_team_answers_and_a_conflict_is_shown(client, p, world):
    client.force_login(p.lead)
    page = client.get(world["checklist"]).content.decode()
    assert "R7.4.2-F9" in page and "9.1.2" in page and "offline.js" in page
    item = ChecklistItem.objects.get(checklist__audit=world["s2"], code="R7.4.2-F5")
    url = reverse("checklist_answer", args=[world["s2"].pk, item.pk])
    client.post(url, {"conformity": "finding", "version": 0, "reason": ""})
    client.force_login(p.auditor)
    r = client.post(url, {"conformity": "conforming", "version": 0}, follow=True)
    text = r.content.decode()
    assert "R7.4.2-F5" in text and "lead" in text  # the conflict message names the other auditor
    item.refresh_from_db()
    assert item.conformity == "finding" and item.auditor == p.lead


def test_evidence_photo_upload_and_finding_from_the_item(client, p, world):
    from io import BytesIO

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    out = BytesIO()
    Image.new("RGB", (20, 20), (0, 0, 0)).save(out, format="PNG")
    client.force_login(p.auditor)
    client.get(world["checklist"])
    item = ChecklistItem.objects.get(checklist__audit=world["s2"], code="6.6")
    client.post(reverse("checklist_evidence", args=[world["s2"].pk, item.pk]),
                {"kind": "photo", "text": "流量计铭牌", "file": SimpleUploadedFile("a.png", out.getvalue())})
    entry = item.evidence.get()
    assert entry.content_type == "image/png"
    assert client.get(reverse("evidence_file", args=[world["s2"].pk, entry.pk])).status_code == 200
    client.force_login(p.outsider)
    assert client.get(reverse("evidence_file", args=[world["s2"].pk, entry.pk])).status_code == 404
    client.force_login(p.auditor)
    client.post(reverse("checklist_finding", args=[world["s2"].pk, item.pk]),
                {"grade": "minor", "description": "流量计未检定", "evidence_ids": [entry.pk]})
    finding = world["s2"].findings.get()
    assert finding.checklist_item == item and list(finding.evidence_entries.all()) == [entry]


def test_stage1_form_saves_the_record_and_stage2_shows_the_key_points(client, p, world):
    client.force_login(p.lead)
    data = {"version": 0, "ready_for_stage2": "yes", "significant_sources": "回转窑燃料燃烧",
            "key_parameters": "窑头温度", "review_D1": "adequate", "review_D2": "inadequate", "note_D2": ""}
    r = client.post(world["stage1"], data, follow=True)
    assert "R7.4.1-S1" in r.content.decode()  # D2 needs a note: nothing saved
    from tancert.audits.models.stage1 import Stage1Record

    assert not Stage1Record.objects.filter(audit=world["s1"]).exists()
    data["note_D2"] = "缺少 2025 年排放报告"
    client.post(world["stage1"], data)
    record = Audit.objects.get(pk=world["s1"].pk).stage1_record
    assert record.version == 1 and record.document_reviews.get(code="D2").note == "缺少 2025 年排放报告"
    page = client.get(reverse("audit", args=[world["s2"].pk])).content.decode()
    assert "回转窑燃料燃烧" in page and "窑头温度" in page


def test_audit_page_says_when_stage2_must_be_repeated(client, p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    day = timezone.localdate() - timedelta(days=250)
    s1 = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.STAGE1, start_date=day, end_date=day,
                            auditor_days=1.5, team=team(p), application=app)
    s2 = programme_actions.plan_audit(p.org_a, by=p.planner, kind=Audit.STAGE2, start_date=day + timedelta(days=1),
                            end_date=day + timedelta(days=2), auditor_days=4, team=team(p), application=app)
    fill_stage1(s1, p.lead)
    issue_plan(s1, p)
    actions.complete_audit(s1, by=p.lead, conclusion="就绪", recommendation=Audit.RECOMMEND)
    finding_actions.raise_finding(s2, by=p.lead, grade="major", description="碳基准未调整", evidence="报告")
    client.force_login(p.decider)
    page = client.get(reverse("audit", args=[s2.pk])).content.decode()
    assert "R7.4.1-S2" in page and "必须重新进行第二阶段审核" in page


def test_check_in_from_the_audit_page(client, p, world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from flow import PNG

    client.force_login(p.lead)
    client.post(reverse("audit_checkin_setting", args=[world["s1"].pk]), {"required": "yes"})
    client.post(reverse("audit_checkin", args=[world["s1"].pk]),
                {"meeting": "opening", "photos": [SimpleUploadedFile("t.png", PNG)]})
    page = client.get(reverse("audit", args=[world["s1"].pk])).content.decode()
    assert world["s1"].checkins.count() == 1 and "R7.4.1-S1" in page
    client.force_login(p.outsider)
    assert client.post(reverse("audit_checkin", args=[world["s1"].pk]),
                       {"meeting": "closing"}).status_code == 404
