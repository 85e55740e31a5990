"""The administrator's working-day calendar (R7.2-deadline for years the package does not know)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tancert.ops.models import CalendarDay
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.scheme.violations import require


def set_calendar_day(day: date, *, by, is_workday: bool, note: str = "") -> CalendarDay:
    """Enter one day of the State Council's notice: a holiday (on a weekday) or a make-up working day."""
    require_role(by, Role.SYSTEM_ADMIN)
    require(bool(note.strip()), "R7.2-deadline", _("Name the holiday or the make-up working day."), field="note")
    with transaction.atomic():
        obj, _created = CalendarDay.objects.update_or_create(
            day=day, defaults={"is_workday": is_workday, "note": note.strip(), "entered_by": by})
        chain.append("calendar.day_set", subject=("calendarday", day.isoformat()), by=by,
                     summary=f"工作日历：{day.isoformat()} 为{'工作日' if is_workday else '休息日'}（{note.strip()}）",
                     data={"day": day.isoformat(), "workday": is_workday, "note": note.strip()})
    return obj


def remove_calendar_day(day: date, *, by) -> None:
    require_role(by, Role.SYSTEM_ADMIN)
    with transaction.atomic():
        deleted, _rows = CalendarDay.objects.filter(day=day).delete()
        if deleted:
            chain.append("calendar.day_removed", subject=("calendarday", day.isoformat()), by=by,
                         summary=f"工作日历：删除 {day.isoformat()}", data={"day": day.isoformat()})


def set_calendar_day_form(*, by, day: date, is_workday: bool, note: str) -> CalendarDay:
    """Keyword form of set_calendar_day for the page's form."""
    return set_calendar_day(day, by=by, is_workday=is_workday, note=note)
