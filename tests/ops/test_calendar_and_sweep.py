"""The administrator's calendar (R7.2-deadline beyond the package) and the idempotent sweep."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from tancert import sweep
from tancert.clients import actions as clients
from tancert.clients.models import Application
from tancert.ops import actions
from tancert.ops.calendar import add_working_days
from tancert.ops.models import Notification
from tancert.records.models import Event

from flow import complete_application

pytestmark = pytest.mark.django_db


def test_year_beyond_the_package_without_calendar_falls_back_visibly():
    result = add_working_days(date(2027, 2, 4), 3)
    assert result.uses_fallback and result.date == date(2027, 2, 9)


def test_year_beyond_the_package_with_the_administrators_calendar(p, rule):
    # Spring Festival 2027 as an administrator would enter it (holidays on weekdays 5th, 8th–10th).
    for day in (date(2027, 2, 5), date(2027, 2, 8), date(2027, 2, 9), date(2027, 2, 10)):
        actions.set_calendar_day(day, by=p.sysadmin, is_workday=False, note="春节")
    actions.set_calendar_day(date(2027, 2, 6), by=p.sysadmin, is_workday=True, note="春节调休")
    result = add_working_days(date(2027, 2, 4), 3)
    assert not result.uses_fallback
    assert result.date == date(2027, 2, 12)  # make-up Sat 6th, Thu 11th, Fri 12th
    with rule("R7.2-deadline", field="note"):
        actions.set_calendar_day(date(2027, 1, 1), by=p.sysadmin, is_workday=False, note="")
    assert Event.objects.filter(action="calendar.day_set").count() == 5


def test_only_system_administrators_edit_the_calendar(p):
    with pytest.raises(PermissionDenied):
        actions.set_calendar_day(date(2027, 1, 1), by=p.reviewer, is_workday=False, note="元旦")


def test_sweep_reminds_reviewers_once_of_deadlines_due_tomorrow(p):
    app = complete_application(p.org_a, p.client_a)
    day_before = app.review_deadline - timedelta(days=1)
    first = sweep.run(day_before)
    second = sweep.run(day_before)
    assert first.reminded == [str(app.pk)] and second.reminded == []
    reminders = Notification.objects.filter(recipient=p.reviewer, subject__startswith="明天到期")
    assert reminders.count() == 1
    assert sweep.run(day_before - timedelta(days=1)).reminded == []


def test_sweep_command_prints_what_it_did(p, capsys):
    call_command("sweep", "--today", "2026-01-05")
    out = capsys.readouterr().out
    assert "expired certificates: 0" in out and "deadline reminders: 0" in out


def test_notifications_follow_the_steps(p):
    app = complete_application(p.org_a, p.client_a)
    assert Notification.objects.filter(recipient=p.reviewer, link=f"/applications/{app.pk}/").exists()
    clients.request_supplement(app, by=p.reviewer, missing="补充 D10")
    assert Notification.objects.filter(recipient=p.client_a, body="补充 D10").exists()
    assert Application.objects.get(pk=app.pk).status == "supplement_requested"


def test_giant_parameters_are_refused_not_computed(p):
    """A million working days or the year 107727 is a 422 at once: no worker tied up, no 500."""
    from django.test import Client

    from tancert.people.actions import create_api_token

    _token, secret = create_api_token(p.reviewer, "test", by=None)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/workdays", {"start": "2026-01-01", "days": 1_000_000}).status_code == 422
    assert api.get("/api/v1/workdays", {"start": "2026-01-01", "days": 565588339}).status_code == 422
    assert api.get("/api/v1/workdays", {"start": "2026-01-01", "days": -1}).status_code == 422
    assert api.get("/api/v1/workdays", {"start": "2026-02-13", "days": 3}).json()["days"] == 3
    assert api.get("/api/v1/calendar", {"year": 107727}).status_code == 422
    assert api.get("/api/v1/calendar", {"year": 2026}).status_code == 200
