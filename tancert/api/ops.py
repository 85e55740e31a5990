"""Notifications and the working-day calendar over the API."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Query, Router, Schema, Status

from tancert.api.schemas import Day, Id, Year
from tancert.ops import actions
from tancert.ops.calendar import add_working_days
from tancert.ops.models import CalendarDay
from tancert.ops.notifications import actions as notices

router = Router(tags=["notifications and calendar"])


class NotificationOut(Schema):
    id: int
    subject: str
    body: str
    link: str
    created_at: datetime
    read_at: datetime | None


@router.get("/notifications", response=list[NotificationOut])
def notifications(request, unread: bool = False):
    qs = request.user.notifications.all()
    return list(qs.filter(read_at__isnull=True) if unread else qs[:200])


@router.post("/notifications/{note_id}/read", response={204: None})
def mark_read(request, note_id: Id):
    notices.mark_read(request.user, note_id)
    return Status(204, None)


class CalendarDayIn(Schema):
    day: Day
    is_workday: bool
    note: str


class CalendarDayOut(Schema):
    day: date
    is_workday: bool
    note: str


@router.get("/calendar", response=list[CalendarDayOut])
def calendar(request, year: Year | None = Query(None, ge=1900, le=2200)):  # noqa: B008
    qs = CalendarDay.objects.all()
    return list(qs.filter(day__year=year) if year else qs)


@router.post("/calendar", response={201: CalendarDayOut})
def set_day(request, payload: CalendarDayIn):
    """Enter a day of the State Council's holiday notice (system administrators)."""
    return Status(201, actions.set_calendar_day(payload.day, by=request.user, is_workday=payload.is_workday,
                                                note=payload.note))


@router.delete("/calendar/{day}", response={204: None})
def remove_day(request, day: Day):
    actions.remove_calendar_day(day, by=request.user)
    return Status(204, None)


MAX_WORKDAYS = 366


class WorkdaysOut(Schema):
    start: date
    days: int
    result: date
    fallback_years: list[int]


@router.get("/workdays", response=WorkdaysOut)
def workdays(request, start: Day, days: int = Query(3, ge=0, le=MAX_WORKDAYS)):  # noqa: B008
    """The date `days` Chinese working days after `start`; fallback_years lists years counted Monday–Friday.
    At most a year of working days: the scheme's deadlines are days, not decades (a bigger number is a 422)."""
    result = add_working_days(start, max(0, days))
    return {"start": start, "days": days, "result": result.date, "fallback_years": sorted(result.fallback_years)}
