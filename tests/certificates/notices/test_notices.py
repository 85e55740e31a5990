"""Client notices of changes and serious events (CB-notice-lodge, CB-notice-review; docs/obligations.md): the
holder notifies on its certificate (page and API); the programme manager resolves each notice as no action, an
extra surveillance audit (R8.1.1-extra), the certificate's change request or a suspension proposal (T1–T4), with
the trigger recorded and what it started linked."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from tancert.audits.models import ProgrammeEntry
from tancert.certificates import changes
from tancert.certificates.models import ClientNotice, SuspensionProposal
from tancert.certificates.notices import actions
from tancert.people.actions import create_api_token
from tancert.records.models import Event

from flow import certify, complete_application

pytestmark = pytest.mark.django_db
API = "/api/v1"


def api(user) -> Client:
    _token, secret = create_api_token(user, "test", by=None)
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_notices_are_lodged_reviewed_and_resolved_each_way(p, rule, client):
    cert = certify(complete_application(p.org_a, p.client_a), p)
    today = timezone.localdate()

    # --- lodging (CB-notice-lodge) -----------------------------------------------------------------------
    with rule("CB-notice-lodge", field="kind"):
        actions.lodge_notice(cert, by=p.client_a, kind="weather", description="x", occurred_on=today)
    with rule("CB-notice-lodge", field="description"):
        actions.lodge_notice(cert, by=p.client_a, kind="accident", description=" ", occurred_on=today)
    with rule("CB-notice-lodge", field="occurred_on"):
        actions.lodge_notice(cert, by=p.client_a, kind="accident", description="锅炉爆管",
                             occurred_on=today + timedelta(days=1))
    for outsider in (p.client_b, p.planner):
        with pytest.raises(PermissionDenied):
            actions.lodge_notice(cert, by=outsider, kind="accident", description="x", occurred_on=today)
    accident = actions.lodge_notice(cert, by=p.client_a, kind="accident", description="锅炉爆管停产三天",
                                    occurred_on=today)
    # The client's page and the API.
    client.force_login(p.client_a)
    assert 'id="notice-form"' in client.get(f"/certificates/{cert.pk}/notices/new/").content.decode()
    r = client.post(f"/certificates/{cert.pk}/notices/new/",
                    {"kind": "ownership", "occurred_on": today.isoformat(), "description": "控股股东变更"})
    ownership = ClientNotice.objects.get(kind="ownership")
    assert r.status_code == 302 and r["Location"] == f"/notices/{ownership.pk}/"
    r = api(p.client_a).post(f"{API}/notices", {"certificate_id": cert.pk, "kind": "penalty",
                                                "occurred_on": today.isoformat(), "description": "环保处罚"},
                             content_type="application/json")
    assert r.status_code == 201 and r.json()["state"] == "received"
    penalty = ClientNotice.objects.get(pk=r.json()["id"])
    r = api(p.client_a).post(f"{API}/notices", {"certificate_id": cert.pk, "kind": "sites",
                                                "occurred_on": (today + timedelta(days=3)).isoformat(),
                                                "description": "新增厂区"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "CB-notice-lodge"
    sites = actions.lodge_notice(cert, by=p.client_a, kind="sites", description="新增二号厂区", occurred_on=today)
    assert api(p.client_b).get(f"{API}/notices/{accident.pk}").status_code == 404  # the wall
    assert [n["id"] for n in api(p.client_b).get(f"{API}/notices").json()] == []

    # --- review (CB-notice-review) -----------------------------------------------------------------------
    with pytest.raises(PermissionDenied):
        actions.resolve_notice(accident, by=p.decider, resolution="no_action", note="无影响")
    with rule("CB-notice-review", field="resolution"):
        actions.resolve_notice(accident, by=p.planner, resolution="ignore", note="x")
    with rule("CB-notice-review", field="note"):
        actions.resolve_notice(accident, by=p.planner, resolution="no_action", note=" ")
    with rule("CB-notice-review", field="trigger"):
        actions.resolve_notice(accident, by=p.planner, resolution="extra_surveillance", note="影响碳绩效")
    extra = actions.resolve_notice(accident, by=p.planner, resolution="extra_surveillance", note="影响碳绩效",
                                   trigger="major_incident")
    assert extra.programme_entry.kind == ProgrammeEntry.EXTRA and extra.trigger == "major_incident"
    assert "锅炉爆管" in extra.programme_entry.reason or "重大事故" in extra.programme_entry.reason
    with rule("CB-notice-review", field="resolution"):  # once
        actions.resolve_notice(accident, by=p.planner, resolution="no_action", note="再次")

    with rule("CB-notice-review", field="trigger"):
        actions.resolve_notice(penalty, by=p.planner, resolution="suspension_proposal", note="受到处罚")
    r = api(p.planner).post(f"{API}/notices/{penalty.pk}/resolution",
                            {"resolution": "suspension_proposal", "trigger": "T3", "note": "认证有效期内受到处罚"},
                            content_type="application/json")
    assert r.status_code == 200 and r.json()["trigger"] == "T3"
    proposal = SuspensionProposal.objects.get(pk=r.json()["suspension_proposal_id"])
    assert (proposal.trigger, proposal.state, proposal.reported_by) == ("T3", "open", p.client_a)

    with rule("CB-notice-review", field="resolution"):  # no change request is open yet
        actions.resolve_notice(sites, by=p.planner, resolution="change_request", note="需变更证书场所")
    req = changes.request_change(cert, by=p.client_a, changes={"sites": "北京市海淀区测试路2号；二号厂区"},
                                 reason="新增二号厂区")
    linked = actions.resolve_notice(sites, by=p.planner, resolution="change_request", note="按变更申请处理")
    assert linked.change_request == req and linked.trigger == ""

    client.force_login(p.planner)
    page = client.get(f"/notices/{ownership.pk}/").content.decode()
    assert 'id="notice-resolve-form"' in page and "控股股东变更" in page
    client.post(f"/notices/{ownership.pk}/resolve/", {"resolution": "no_action", "note": "不影响认证范围"})
    ownership.refresh_from_db()
    assert (ownership.state, ownership.resolution, ownership.reviewed_by) == ("resolved", "no_action", p.planner)
    assert Event.objects.filter(action="notice.lodged").count() == 4
    assert Event.objects.filter(action="notice.resolved").count() == 4
    client.force_login(p.client_a)
    listing = client.get("/notices/").content.decode()
    assert "不采取措施" in listing or "no action" in listing


def test_the_paths_are_documented():
    paths = Client().get(f"{API}/openapi.json").json()["paths"]
    for path in ("/api/v1/notices", "/api/v1/notices/{notice_id}", "/api/v1/notices/{notice_id}/resolution"):
        assert path in paths, path
