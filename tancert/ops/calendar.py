"""The working-day calendar the acceptance deadline uses: package + administrator's days + fallback."""

from __future__ import annotations

from datetime import date

from tancert.ops.models import CalendarDay
from tancert.scheme.workdays import WorkdayResult, add_workdays


def admin_calendar() -> tuple[dict[date, bool], set[int]]:
    days = dict(CalendarDay.objects.values_list("day", "is_workday"))
    return days, {d.year for d in days}


def add_working_days(start: date, n: int) -> WorkdayResult:
    overrides, years = admin_calendar()
    return add_workdays(start, n, overrides, years)
