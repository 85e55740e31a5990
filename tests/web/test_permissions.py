"""Roles are walls (docs/architecture.md): every page against every persona.

Outside a user's wall an object is indistinguishable from a missing one (404); a page a
role may never use is 403; anonymous users are sent to the login page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tancert.records.models import Event

from flow import certify, complete_application

pytestmark = pytest.mark.django_db

OFFICE = ["reviewer", "planner", "decider", "certadmin", "sysadmin"]
TEAM = ["lead", "auditor", "expert"]


@pytest.fixture
def world(p):
    app = complete_application(p.org_a, p.client_a)
    cert = certify(app, p)
    audit = app.audits.get(kind="stage2")
    doc = app.documents.exclude(file="").first()
    ev = Event.objects.filter(organisation_id=p.org_a.pk).first()
    urls = {
        "organisation": reverse("organisation", args=[p.org_a.pk]),
        "application": reverse("application", args=[app.pk]),
        "document": reverse("document_download", args=[app.pk, doc.pk]),
        "audit": reverse("audit", args=[audit.pk]),
        "certificate": reverse("certificate", args=[cert.pk]),
        "certificate_pdf": reverse("certificate_pdf", args=[cert.pk, 1]),
        "archive": reverse("organisation_archive", args=[p.org_a.pk]),
        "records": reverse("records"),
        "event": reverse("event", args=[ev.seq]),
        "decisions": reverse("decisions"),
        "plan": reverse("audit_plan", args=[app.pk]),
        "contract_pdf": reverse("contract_pdf", args=[app.pk]),
        "calendar": reverse("calendar"),
        "notifications": reverse("notifications"),
    }
    return urls


def expected(persona: str, page: str) -> int:
    own = {"organisation", "application", "document", "audit", "certificate", "certificate_pdf"}
    if page == "notifications":
        return 200  # everyone has their own list
    if page == "calendar":
        return 200 if persona == "sysadmin" else 403
    if page == "contract_pdf":
        # the client and the office; the audit team has no business with the fee
        return 200 if persona == "client_a" or persona in OFFICE else 404
    if persona == "client_a":
        return 200 if page in own else 403
    if persona == "client_b":
        return 404 if page in own else 403
    if persona in TEAM:
        return 200 if page in own else 403
    if persona == "outsider":
        return 404 if page in own else 403
    if page == "plan":
        return 200 if persona == "planner" else 403
    return 200  # office roles


PERSONAS = ["client_a", "client_b", "outsider", *TEAM, *OFFICE]
PAGES = ["organisation", "application", "document", "audit", "certificate", "certificate_pdf", "archive", "records",
         "event", "decisions", "plan", "contract_pdf", "calendar", "notifications"]


def test_every_page_respects_the_wall_of_each_persona(client, p, world):
    # One certified world for all personas: the walls are read-only, and building the world is the cost.
    wrong = {}
    for persona in PERSONAS:
        client.force_login(getattr(p, persona))
        got = {page: client.get(world[page]).status_code for page in PAGES}
        want = {page: expected(persona, page) for page in PAGES}
        if got != want:
            wrong[persona] = {page: (got[page], want[page]) for page in PAGES if got[page] != want[page]}
    assert wrong == {}, "persona: {page: (got, want)}"


def test_notifications_are_private(client, p, world):
    from tancert.ops.models import Notification

    note = Notification.objects.filter(recipient=p.client_a).first()
    assert note is not None
    client.force_login(p.client_b)
    assert note.subject not in client.get(reverse("notifications")).content.decode()


def test_anonymous_users_are_sent_to_login_for_private_pages(client, world):
    for page in PAGES:
        response = client.get(world[page])
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], page


def test_lists_show_nothing_of_another_organisation(client, p, world):
    for persona in ("client_b", "outsider"):
        client.force_login(getattr(p, persona))
        for name in ("home", "organisations", "applications", "audits", "certificates"):
            response = client.get(reverse(name), follow=True)
            assert response.status_code in (200, 403), (persona, name)
            assert "甲化工" not in response.content.decode(), (persona, name)


def test_client_cannot_post_to_another_organisations_application(client, p, world):
    client.force_login(p.client_b)
    url = world["application"].rstrip("/") + "/submit/"
    assert client.post(url).status_code == 404


def test_auditor_not_on_team_cannot_raise_findings(client, p, world):
    client.force_login(p.outsider)
    response = client.post(world["audit"] + "findings/", {"grade": "minor", "description": "x", "evidence": "y"})
    assert response.status_code == 404


def test_decider_who_audited_does_not_see_the_audit_in_the_decision_queue(client, p):
    from flow import through_audits

    through_audits(complete_application(p.org_a, p.client_a), p)
    client.force_login(p.decider_who_audited)
    assert "甲化工" not in client.get(reverse("decisions")).content.decode()
    client.force_login(p.decider)
    assert "甲化工" in client.get(reverse("decisions")).content.decode()


def test_public_register_needs_no_login_and_escapes_input(client, p, world):
    response = client.get(reverse("register"), {"q": "<script>alert(1)</script>' OR 1=1 --"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    response = client.get(reverse("register"), {"q": "甲化工"})
    assert "甲化工有限公司" in response.content.decode()

