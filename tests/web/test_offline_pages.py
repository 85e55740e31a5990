"""The service worker, the download of today's audits and the outbox's answers (docs/audits.md §5)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from tancert.audits.models import CheckIn, Finding
from tancert.audits.models.checklists import ChecklistItem

from flow import PNG, accept_and_contract, complete_application, plan_initial

pytestmark = pytest.mark.django_db
OUTBOX = {"HTTP_X_TANCERT_OUTBOX": "1"}


@pytest.fixture
def today(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    return plan_initial(app, p)[1]  # stage 2: yesterday and today


def test_service_worker_is_served_from_the_root_within_the_policy(client):
    r = client.get("/sw.js")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/javascript")
    assert r["Service-Worker-Allowed"] == "/" and r["Cache-Control"] == "no-cache"
    assert "script-src 'self'" in r["Content-Security-Policy"]
    assert client.post("/sw.js").status_code == 405


@pytest.mark.parametrize("persona, audits", [("auditor", 1), ("lead", 1), ("outsider", 0), ("planner", 0)])
def test_only_the_audits_the_person_is_on_today_are_downloaded(client, p, today, persona, audits):
    client.force_login(getattr(p, persona))
    data = client.get(reverse("offline_today")).json()
    assert data["user"] == getattr(p, persona).pk and len(data["audits"]) == audits
    if audits:
        assert f"/audits/{today.pk}/checklist/" in data["pages"] and f"/audits/{today.pk}/carbon/" in data["pages"]
        for page in data["pages"]:  # every page downloaded opens for this person
            assert client.get(page).status_code == 200, page
    assert all(a.startswith("/static/") for a in data["assets"])


def test_clients_and_visitors_download_nothing(client, p, today):
    assert client.get(reverse("offline_today")).status_code == 302  # to the log-in
    client.force_login(p.client_a)
    assert client.get(reverse("offline_today")).status_code == 403


def test_outbox_replies_saved_once_then_the_same_key_again(client, p, today):
    client.force_login(p.auditor)
    client.get(reverse("audit_checklist", args=[today.pk]))  # the checklist is built on first open
    item = ChecklistItem.objects.get(checklist__audit=today, code="6.6")
    key = str(uuid.uuid4())
    url = reverse("checklist_finding", args=[today.pk, item.pk])
    form = {"grade": "minor", "description": "铭牌缺失", "uuid": key}
    for _ in range(2):
        photo = _upload("铭牌.png")
        r = client.post(url, {**form, "photo": photo}, **OUTBOX)
        assert r.status_code == 200 and r.json() == {"status": "saved"}
    assert Finding.objects.filter(audit=today).count() == 1
    # The page's own messages were consumed by the replies: the next page does not show them.
    assert "审核发现已记录" not in client.get(reverse("audit", args=[today.pk])).content.decode()


def test_outbox_replies_error_conflict_and_login(client, p, today):
    client.force_login(p.auditor)
    r = client.post(reverse("audit_checkin", args=[today.pk]), {"meeting": "closing", "uuid": str(uuid.uuid4()),
                                                                "photos": _upload("a.png")}, **OUTBOX)
    assert r.json()["status"] == "error" and r.json()["message"] == "请先完成首次会议签到。"
    assert not CheckIn.objects.exists()
    client.force_login(p.outsider)  # not on the team: refused, said so
    r = client.post(reverse("audit_checkin", args=[today.pk]), {"meeting": "opening", "photos": _upload("a.png")},
                    **OUTBOX)
    assert r.json()["status"] == "error"
    client.logout()
    r = client.post(reverse("audit_checkin", args=[today.pk]), {"meeting": "opening"}, **OUTBOX)
    assert r.json()["status"] == "login"  # the entry stays on the device until its person logs in again


def test_outbox_reports_a_stage1_conflict(client, p, today):
    from flow import fill_stage1

    s1 = today.application.audits.get(kind="stage1")
    fill_stage1(s1, p.lead)  # version 1 on the server; the device still had version 0
    client.force_login(p.auditor)
    r = client.post(reverse("audit_stage1", args=[s1.pk]), {"version": 0, "readiness": "离线填写",
                                                           "uuid": str(uuid.uuid4())}, **OUTBOX)
    assert r.json()["status"] == "conflict" and "1" in r.json()["message"]


def _upload(name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PNG, content_type="image/png")
