"""Time per site on the audit plan — the even default over the IAF MD1 sample, and a
planner's allocation refused (R7.3.3) unless it adds up, gives the central function time and visits
the sample. Hand-computed: 5 permanent sites → central function + ⌈√4⌉ = 3 visits for an initial
audit; stage 2 of 4 auditor-days → 1.4 / 1.3 / 1.3 / 0 / 0."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pypdf
import pytest
from django.test import Client
from django.urls import reverse

from tancert.audits.programme import actions as programme_actions
from tancert.audits.programme import sitetime
from tancert.clients.profile import actions as profile
from tancert.people.actions import create_api_token
from tancert.records.models import Event

from flow import accept_and_contract, complete_application, fill_agenda, plan_initial

pytestmark = pytest.mark.django_db


@pytest.fixture
def stage2(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    _s1, s2 = plan_initial(app, p)
    # Sites added after planning: the plan's sites are the organisation's current permanent sites.
    for i, name in enumerate(["总部", "一厂", "二厂", "三厂", "四厂"]):
        profile.add_site(p.org_a, by=p.client_a, name=name, address=f"北京市测试路{i + 1}号")
    profile.add_site(p.org_a, by=p.client_a, name="临时仓库", address="天津", kind="temporary")
    fill_agenda(s2, p.planner)  # the agenda of the new sites (the flow's covered the address alone)
    return s2


def _ids(audit):
    return [s.site_id for s in sitetime.plan_sites(audit)]


def test_default_allocation_covers_the_md1_sample(p, stage2):
    rows = sitetime.default_allocation(stage2)
    assert [r.name for r in rows] == ["总部", "一厂", "二厂", "三厂", "四厂"]  # temporary sites are not planned
    assert rows[0].central and not any(r.central for r in rows[1:])
    assert [r.days for r in rows] == [Decimal("1.4"), Decimal("1.3"), Decimal("1.3"), 0, 0]
    assert sitetime.required_visits(stage2, 5) == 3
    assert sitetime.check_allocation(stage2, {r.site_id: r.days for r in rows})


def test_an_organisation_without_sites_has_one_pseudo_site(p):
    app = complete_application(p.org_b, p.client_b)
    accept_and_contract(app, p)
    s1, _s2 = plan_initial(app, p)
    rows = sitetime.default_allocation(s1)
    assert len(rows) == 1 and rows[0].site_id is None and rows[0].days == s1.auditor_days
    assert sitetime.check_allocation(s1, {None: s1.auditor_days})[0].days == s1.auditor_days


BAD_ALLOCATIONS = [
    (lambda ids: {ids[0]: 2, ids[1]: 1, ids[2]: "0.5"}, "adds up to 3.5"),
    (lambda ids: {ids[0]: 0, ids[1]: 2, ids[2]: 1, ids[3]: 1}, "central function"),
    (lambda ids: {ids[0]: 2, ids[1]: 2}, "at least 3 of the 5"),
    (lambda ids: {ids[0]: "-1", ids[1]: 3, ids[2]: 2}, "at most one decimal"),
    (lambda ids: {ids[0]: "1.25", ids[1]: "1.25", ids[2]: "1.5"}, "at most one decimal"),
    (lambda ids: {ids[0]: "abc", ids[1]: 2, ids[2]: 2}, "at most one decimal"),
    (lambda ids: {ids[0]: 2, ids[1]: 1, ids[2]: 1, 999999: 0}, "not a site of this organisation"),
]


def test_a_bad_allocation_is_refused_and_no_plan_is_issued(p, stage2, rule):
    # One planned stage 2 for every bad allocation: each refusal must leave nothing behind.
    for change, message in BAD_ALLOCATIONS:
        before, plans = Event.objects.count(), stage2.plan_documents.count()
        with rule("R7.3.3", field="site_allocation") as info:
            programme_actions.issue_audit_plan(stage2, by=p.planner, site_allocation=change(_ids(stage2)))
        assert message in info.value.message_en
        assert stage2.plan_documents.count() == plans and Event.objects.count() == before, message


def test_a_site_of_another_client_is_refused(p, stage2, rule):
    other = profile.add_site(p.org_b, by=p.client_b, name="乙厂", address="上海")
    ids = _ids(stage2)
    with rule("R7.3.3", field="site_allocation"):
        programme_actions.issue_audit_plan(stage2, by=p.planner,
                                           site_allocation={ids[0]: 2, ids[1]: 1, ids[2]: 1, other.pk: 0})


def test_the_plan_states_the_time_per_site(p, stage2):
    ids = _ids(stage2)
    doc = programme_actions.issue_audit_plan(stage2, by=p.planner, site_days="二厂含夜班抽查",
                                             site_allocation={ids[0]: 2, ids[3]: "1.5", ids[4]: "0.5"})
    rows = doc.content["site_time"]
    assert [r["days"] for r in rows] == ["2", "0", "0", "1.5", "0.5"] and doc.content["required_visits"] == 3
    text = "".join(page.extract_text() for page in pypdf.PdfReader(doc.pdf.open("rb")).pages)
    assert "本次不访问" in text and "中心职能" in text and "二厂含夜班抽查" in text
    event = Event.objects.filter(action="audit.plan_issued").order_by("-seq").first()
    assert event.data["site_time"] == rows


def test_time_per_site_on_the_audit_page_and_the_api(client, p, stage2):
    ids = _ids(stage2)
    client.force_login(p.planner)
    page = client.get(reverse("audit", args=[stage2.pk])).content.decode()
    assert f'name="site_{ids[0]}"' in page and f'name="site_{ids[4]}"' in page
    fields = {f"site_{i}": d for i, d in zip(ids, ["1", "1", "1", "1", "0"], strict=True)}
    client.post(reverse("audit_issue_plan", args=[stage2.pk]), {"key_points": "", **fields})
    assert [r["days"] for r in stage2.plan_documents.latest("version").content["site_time"]] == ["1", "1", "1", "1", "0"]
    _t, secret = create_api_token(p.lead, "test", by=None)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    url = f"/api/v1/audits/{stage2.pk}/plan-documents"
    r = api.post(url, {"site_allocation": {str(ids[0]): 4}}, content_type="application/json")
    assert r.status_code == 422 and r.json()["rule"] == "R7.3.3" and r.json()["field"] == "site_allocation"
    r = api.post(url, {"site_allocation": {str(ids[0]): 2, str(ids[1]): 1, str(ids[2]): 1}},
                 content_type="application/json")
    assert r.status_code == 201 and r.json()["version"] == 3  # the flow issued version 1
    assert stage2.start_date - timedelta(days=1) < stage2.end_date  # the audit is unchanged
