"""The month grids — per auditor (my audits) and for every auditor (programme
manager) — with audits, days off, non-working days and clashes; walls on the pages and the API."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tancert.audits.programme import daygrid
from tancert.people.actions import create_api_token
from tancert.people.auditors import actions as reg
from tancert.people.auditors.snapshots import register_people

from flow import accept_and_contract, complete_application, plan_initial, team

pytestmark = pytest.mark.django_db


@pytest.fixture
def planned(p):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    start = date.today() + timedelta(days=20)
    s1, s2 = plan_initial(app, p, start=start)
    return s1, s2


def _cell(grid, user, day):
    row = next(r for r in grid.rows if r.user.pk == user.pk)
    return next(c for c in row.cells if c.day == day)


def test_parse_month():
    today = date(2026, 12, 1)
    assert daygrid.parse_month("2027-02", today) == date(2027, 2, 1)
    for bad in ("", None, "2027-13", "abc", "2027-1-1", "1900-01", "9999-01"):
        assert daygrid.parse_month(bad, today) == date(2026, 12, 1)


def test_grid_shows_audits_days_off_rest_days_and_clashes(p, planned):
    s1, s2 = planned
    team(p)
    month = s2.start_date.replace(day=1)
    grid = daygrid.month_grid([p.lead, p.outsider], month)
    assert [r.user for r in grid.rows] == [p.lead, p.outsider]
    assert len(grid.days) in (28, 29, 30, 31) and grid.days[0] == month
    cell = _cell(grid, p.lead, s2.start_date)
    assert cell.state == daygrid.AUDIT and cell.audits == [s2] and not cell.clash
    assert _cell(grid, p.outsider, s2.start_date).state == daygrid.FREE
    # Saturdays are non-working under every source of the working-day calendar.
    saturday = next(d for d in grid.days if d.weekday() == 5)
    assert not _cell(grid, p.lead, saturday).workday
    # A day off entered after planning makes the audit day a clash the programme manager sees.
    reg.add_unavailability(p.lead, by=p.sysadmin, starts_on=s2.start_date, ends_on=s2.start_date, reason="年假")
    free = next(d for d in grid.days if d not in (s1.start_date, s2.start_date, s2.end_date)
                and d.month == month.month)
    reg.add_unavailability(p.outsider, by=p.sysadmin, starts_on=free, ends_on=free, reason="培训")
    grid = daygrid.month_grid([p.lead, p.outsider], month)
    assert _cell(grid, p.lead, s2.start_date).clash and _cell(grid, p.outsider, free).off == "培训"
    assert _cell(grid, p.outsider, free).state == daygrid.OFF
    data = daygrid.grid_as_dict(grid)
    lead = next(x for x in data["people"] if x["username"] == "lead")
    assert lead["days"][s2.start_date.isoformat()] == {"state": "audit", "audits": [s2.pk], "reason": "年假",
                                                        "clash": True}
    assert data["month"] == month.strftime("%Y-%m") and saturday in data["non_working_days"]


def test_grid_queries_do_not_grow_with_people(p, planned):
    month = planned[1].start_date.replace(day=1)
    everyone = list(register_people())
    assert len(everyone) > 4
    with CaptureQueriesContext(connection) as few:
        daygrid.month_grid([p.lead], month)
    with CaptureQueriesContext(connection) as many:
        daygrid.month_grid(everyone, month)
    assert len(many) == len(few) == 3  # team memberships, unavailability, the administrator's calendar


def test_auditor_calendar_page_walls_and_content(client, p, planned):
    url = reverse("auditor_calendar")
    month = planned[1].start_date.strftime("%Y-%m")
    for user, status in ((p.planner, 200), (p.lead, 403), (p.client_a, 403), (p.decider, 403)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302
    client.force_login(p.planner)
    page = client.get(url, {"month": month}).content.decode()
    assert 'id="month-grid"' in page and "甲化" in page and p.outsider.get_full_name() in page
    page = client.get(url, {"month": month, "q": "outsider"}).content.decode()
    assert p.outsider.get_full_name() in page and "甲化" not in page
    assert client.get(url, {"month": "garbage", "page": "x"}).status_code == 200


def test_my_audits_grid_shows_only_my_audits(client, p, planned):
    month = planned[1].start_date.strftime("%Y-%m")
    client.force_login(p.lead)
    page = client.get(reverse("my_audits"), {"month": month}).content.decode()
    assert 'id="month-grid"' in page and "甲化" in page
    client.force_login(p.outsider)
    page = client.get(reverse("my_audits"), {"month": month}).content.decode()
    assert 'id="month-grid"' in page and "甲化" not in page


def test_month_grids_over_the_api(p, planned):
    month = planned[1].start_date.strftime("%Y-%m")

    def api(user):
        _t, secret = create_api_token(user, "test", by=None)
        return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")

    r = api(p.planner).get("/api/v1/planning/calendar/auditors", {"month": month})
    assert r.status_code == 200 and r.json()["month"] == month
    lead = next(x for x in r.json()["people"] if x["username"] == "lead")
    assert planned[1].start_date.isoformat() in lead["days"]
    assert api(p.lead).get("/api/v1/planning/calendar/auditors").status_code == 403
    mine = api(p.lead).get("/api/v1/planning/calendar/mine/month", {"month": month}).json()
    assert [x["username"] for x in mine["people"]] == ["lead"]
    assert api(p.client_a).get("/api/v1/planning/calendar/mine/month").status_code == 403
