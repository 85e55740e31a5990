"""Register snapshots with the audits each person is already booked on: what the team check, the team
suggestion and the month grids read (R7.3.2 availability). The register itself (people/auditors/)
knows only days off; the bookings are audit data, so they are added here, next to the audits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from tancert.audits.models import Audit, AuditTeamMember
from tancert.people.auditors import snapshots as register
from tancert.planning.teams import Auditor


def booked(user_ids: Iterable[int], *, exclude_audit=None, since: date | None = None,
           exclude_organisation=None) -> dict[int, list[tuple[date, date]]]:
    """user id → (start, end) of every audit they are on that is not cancelled.

    ``since``: leave out bookings that ended before this day.
    ``exclude_organisation``: leave out audits of this organisation — stage 1 and stage 2 of one
    client may follow each other on the same day with the same team (same place, not a double booking).
    """
    rows = AuditTeamMember.objects.filter(user_id__in=list(user_ids)).exclude(audit__status=Audit.CANCELLED)
    if exclude_audit is not None:
        rows = rows.exclude(audit_id=getattr(exclude_audit, "pk", exclude_audit))
    if since is not None:
        rows = rows.filter(audit__end_date__gte=since)
    if exclude_organisation is not None:
        rows = rows.exclude(audit__organisation_id=getattr(exclude_organisation, "pk", exclude_organisation))
    out: dict[int, list[tuple[date, date]]] = defaultdict(list)
    for uid, start, end in rows.values_list("user_id", "audit__start_date", "audit__end_date"):
        out[uid].append((start, end))
    return out


def snapshots(users, *, exclude_audit=None, since: date | None = None, exclude_organisation=None) -> list[Auditor]:
    """The planning engine's :class:`Auditor` for each user: the register plus their audit bookings."""
    users = list(users)
    spans = booked([u.pk for u in users], exclude_audit=exclude_audit, since=since,
                   exclude_organisation=exclude_organisation)
    return register.snapshots(users, since=since, bookings=spans)


def auditor_snapshot(user, *, exclude_audit=None) -> Auditor:
    return snapshots([user], exclude_audit=exclude_audit)[0]
