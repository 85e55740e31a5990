"""Month grids of who is booked when (docs/planning.md §7, Pages): one row per person, one cell per day — on an
audit (which client, which audit), unavailable (days off, training, leave from the auditor register),
or free; non-working days marked from the body's working-day calendar (``ops/calendar.py``: the
official holidays, the administrator's days, Monday–Friday as the visible fallback).

Why a grid beside the lists: a programme manager looks for *free days of the right people*, and an
auditor for the month ahead; both read a calendar faster than a list. Two queries for any number of
people (team memberships and unavailability overlapping the month), so the 500-auditor register
stays one page load.
"""

from __future__ import annotations

import calendar as _calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from tancert.audits.models import Audit, AuditTeamMember
from tancert.ops.calendar import admin_calendar
from tancert.people.auditors.snapshots import register_people
from tancert.people.models.auditors import Unavailability
from tancert.scheme.workdays import classify

AUDIT, OFF, FREE = "audit", "off", "free"


@dataclass
class DayCell:
    day: date
    workday: bool
    audits: list = field(default_factory=list)  # Audit objects the person is on that day
    off: str | None = None  # the reason when unavailable ("" without a reason), else None

    @property
    def state(self) -> str:
        return AUDIT if self.audits else OFF if self.off is not None else FREE

    @property
    def clash(self) -> bool:
        """On an audit while unavailable, or on two clients' audits the same day: planning should look."""
        clients = {a.organisation_id for a in self.audits}
        return bool(self.audits) and (self.off is not None or len(clients) > 1)


@dataclass
class PersonRow:
    user: object
    cells: list[DayCell]

    @property
    def audit_days(self) -> int:
        return sum(1 for c in self.cells if c.audits)

    @property
    def free_workdays(self) -> int:
        return sum(1 for c in self.cells if c.workday and c.state == FREE)


@dataclass
class MonthGrid:
    month: date  # the first day
    days: list[date]
    workdays: list[bool]
    rows: list[PersonRow]

    @property
    def columns(self) -> list[tuple[date, bool]]:
        return list(zip(self.days, self.workdays, strict=True))

    @property
    def previous(self) -> date:
        return (self.month - timedelta(days=1)).replace(day=1)

    @property
    def next(self) -> date:
        return self.days[-1] + timedelta(days=1)


def parse_month(text: str | None, today: date) -> date:
    """"2027-01" → 2027-01-01; anything else (missing, malformed, out of range) → today's month."""
    try:
        year, month = (int(x) for x in (text or "")[:7].split("-"))  # "YYYY-MM": a giant month never reaches date()
        if 2000 <= year <= 2100 and 1 <= month <= 12:
            return date(year, month, 1)
    except ValueError:
        pass
    return today.replace(day=1)


def month_days(month: date) -> list[date]:
    return [month.replace(day=d) for d in range(1, _calendar.monthrange(month.year, month.month)[1] + 1)]


def workday_flags(days: list[date]) -> list[bool]:
    overrides, years = admin_calendar()
    return [classify(d, overrides, years).workday for d in days]


def month_grid(users, month: date) -> MonthGrid:
    """The grid of ``users`` (in the order given) for the month starting at ``month``."""
    users = list(users)
    days = month_days(month)
    first, last = days[0], days[-1]
    booked: dict[int, list[Audit]] = defaultdict(list)
    members = (AuditTeamMember.objects.filter(user__in=users, audit__start_date__lte=last, audit__end_date__gte=first)
               .exclude(audit__status=Audit.CANCELLED).select_related("audit__organisation"))
    for m in members:
        booked[m.user_id].append(m.audit)
    away: dict[int, list] = defaultdict(list)
    for u in Unavailability.objects.filter(user__in=users, starts_on__lte=last, ends_on__gte=first):
        away[u.user_id].append(u)
    flags = workday_flags(days)
    rows = []
    for user in users:
        cells = []
        for day, workday in zip(days, flags, strict=True):
            on = [a for a in booked[user.pk] if a.start_date <= day <= a.end_date]
            off = next((u.reason for u in away[user.pk] if u.starts_on <= day <= u.ends_on), None)
            cells.append(DayCell(day, workday, sorted(on, key=lambda a: a.pk), off))
        rows.append(PersonRow(user, cells))
    return MonthGrid(month, days, flags, rows)


PEOPLE_PER_PAGE = 50


def register_page(q: str | None, page):
    """One page of auditors and technical experts for the grid, narrowed by name (``q``, ≤ 50 chars);
    the page and the API share it. Returns (q as applied, the Django page)."""
    from django.core.paginator import Paginator
    from django.db.models import Q

    people = register_people()
    q = (q or "").strip()[:50]
    if q:
        people = people.filter(Q(display_name__icontains=q) | Q(username__icontains=q))
    return q, Paginator(people, PEOPLE_PER_PAGE).get_page(page)


def grid_as_dict(grid: MonthGrid) -> dict:
    """The grid for the API: only the days that are not free, per person."""
    return {
        "month": grid.month.strftime("%Y-%m"),
        "non_working_days": [d for d, w in zip(grid.days, grid.workdays, strict=True) if not w],
        "people": [{
            "username": r.user.username, "name": r.user.get_full_name() or r.user.username,
            "audit_days": r.audit_days, "free_working_days": r.free_workdays,
            "days": {c.day.isoformat(): {"state": c.state, "audits": [a.pk for a in c.audits],
                                         "reason": c.off or "", "clash": c.clash}
                     for c in r.cells if c.state != FREE},
        } for r in grid.rows],
    }
