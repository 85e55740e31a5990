"""The auditor register as the planning engine sees it, and the register's warnings.

:func:`snapshots` turns the register rows of many people into
:class:`tancert.planning.teams.Auditor` values with a fixed number of queries (one per kind
of row, whatever the number of people), so a 500-auditor suggestion costs ~10 queries.

Readings:

* Registration and GHG manager qualification: renewals are new rows. The snapshot takes the row
  that runs latest and extends its start back over earlier rows that overlap or adjoin it (a
  renewal chain), so an audit spanning a renewal date still counts as covered. The grade is the
  latest row's.
* A conflict declared for an organisation not in the system is matched by its unified social
  credit code if that organisation registers later; otherwise it cannot match a client.
* Busy: the person's unavailability plus every audit they are on that is not cancelled
  (``exclude_audit``: the audit being (re)planned, so it does not collide with itself).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.people.access import is_office
from tancert.people.models import Role, RoleGrant, User
from tancert.people.models.auditors import (
    AuditorRecord,
    CcaaRegistration,
    CompetenceEvaluation,
    ConflictDeclaration,
    CpdRecord,
    Experience,
    Qualification,
    Unavailability,
    client_organisations,
)
from tancert.planning.teams import Auditor, Conflict

REGISTER_ROLES = (Role.AUDITOR, Role.TECHNICAL_EXPERT)
EXPIRY_WARNING_DAYS = 60  # body policy (product default): warn this long before a registration expires


# ---------------------------------------------------------------------------------------------
# Who is in the register, and who sees whom (the wall)
# ---------------------------------------------------------------------------------------------


def register_people():
    """Auditors and technical experts: the people the dashboard lists."""
    return (User.objects.filter(organisation__isnull=True, is_active=True, role_grants__role__in=REGISTER_ROLES)
            .distinct().order_by("display_name", "username"))


def people_for(viewer):
    """Whose register ``viewer`` may see: the office sees every member of staff, an auditor or
    technical expert only themselves, anyone else nobody."""
    if viewer is None or not viewer.is_authenticated or viewer.is_client:
        return User.objects.none()
    if is_office(viewer):
        return User.objects.filter(organisation__isnull=True, role_grants__isnull=False).distinct()
    if viewer.has_role(*REGISTER_ROLES):
        return User.objects.filter(pk=viewer.pk)
    return User.objects.none()


# ---------------------------------------------------------------------------------------------
# Snapshots for the planning engine
# ---------------------------------------------------------------------------------------------


def _span(rows: list[tuple[date, date, Any]]) -> tuple[date, date, Any] | None:
    """(from, to, payload) of the latest row, its start extended over a chain of renewals."""
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: (r[1], r[0]), reverse=True)
    start, end, payload = rows[0]
    for r_from, r_to, _p in rows[1:]:
        if r_to < start - timedelta(days=1):
            break
        start = min(start, r_from)
    return start, end, payload


def _unlisted(credit_code: str, name: str) -> str:
    return f"unlisted:{credit_code or name}"


MONITORING = (AuditorRecord.WITNESS, AuditorRecord.EVALUATION)


def snapshots(users: Iterable[User], *, since: date | None = None,
              bookings: Mapping[int, list[tuple[date, date]]] | None = None) -> list[Auditor]:
    """The planning engine's :class:`Auditor` for each user, in the given order.

    The register knows the days off; the days a person is already booked on audits come from the
    audits app (``audits/programme/bookings.py`` passes them as ``bookings``: user id → spans).
    ``since``: leave out days off that ended before this day (a smaller ``busy`` for planning ahead).
    """
    users = list(users)
    ids = [u.pk for u in users]
    regs: dict[int, list] = defaultdict(list)
    for uid, grade, number, vfrom, vto in CcaaRegistration.objects.filter(user_id__in=ids).values_list(
            "user_id", "grade", "number", "valid_from", "valid_to"):
        regs[uid].append((vfrom, vto, (grade, number)))
    ghg: dict[int, list] = defaultdict(list)
    for uid, vfrom, vto in Qualification.objects.filter(user_id__in=ids, type__is_ghg_manager=True).values_list(
            "user_id", "valid_from", "valid_to"):
        ghg[uid].append((vfrom, vto, None))
    experienced = set(Experience.objects.filter(user_id__in=ids).values_list("user_id", flat=True).distinct())
    cms: set[int] = set()
    competences: dict[int, set] = defaultdict(set)
    for uid, kind, area, function in CompetenceEvaluation.objects.filter(user_id__in=ids).values_list(
            "user_id", "kind", "area", "function"):
        if kind == CompetenceEvaluation.CMS:
            cms.add(uid)
        else:
            competences[uid].add((area, function))
    cpd: dict[int, set] = defaultdict(set)
    for uid, year in CpdRecord.objects.filter(user_id__in=ids, completed_on__isnull=False).values_list(
            "user_id", "year"):
        cpd[uid].add(year)
    declared = list(ConflictDeclaration.objects.filter(user_id__in=ids).values_list(
        "user_id", "organisation_id", "credit_code", "organisation_name", "started_on", "ended_on", "kind"))
    unlinked = {row[2] for row in declared if row[1] is None and row[2]}
    by_code = dict(client_organisations().filter(credit_code__in=unlinked).values_list("credit_code", "pk")) \
        if unlinked else {}
    conflicts: dict[int, list] = defaultdict(list)
    for uid, org_id, code, name, start, end, kind in declared:
        org = org_id if org_id is not None else by_code.get(code, _unlisted(code, name))
        conflicts[uid].append(Conflict(org, start, end, kind))
    busy: dict[int, list] = defaultdict(list)
    days_off = Unavailability.objects.filter(user_id__in=ids)
    if since is not None:
        days_off = days_off.filter(ends_on__gte=since)
    for uid, start, end in days_off.values_list("user_id", "starts_on", "ends_on"):
        busy[uid].append((start, end))
    for uid, spans in (bookings or {}).items():
        busy[uid].extend(spans)
    # The latest witness audit or performance evaluation (CB-auditor-evaluation): not satisfactory → not fit.
    latest: dict[int, str] = {}
    for uid, outcome in (AuditorRecord.objects.filter(user_id__in=ids, kind__in=MONITORING)
                         .order_by("user_id", "-on", "-pk").values_list("user_id", "outcome")):
        latest.setdefault(uid, outcome)

    out = []
    for u in users:
        reg = _span(regs.get(u.pk, []))
        qual = _span(ghg.get(u.pk, []))
        out.append(Auditor(
            id=u.pk, name=u.get_full_name() or u.username,
            registration_grade=reg[2][0] if reg else "", registration_number=reg[2][1] if reg else "",
            registration_valid_from=reg[0] if reg else None, registration_valid_to=reg[1] if reg else None,
            ghg_valid_from=qual[0] if qual else None, ghg_valid_to=qual[1] if qual else None,
            experience=u.pk in experienced, cms_competence=u.pk in cms,
            competences=frozenset(competences.get(u.pk, ())), cpd_years=frozenset(cpd.get(u.pk, ())),
            conflicts=tuple(conflicts.get(u.pk, ())), busy=tuple(sorted(busy.get(u.pk, ()))),
            performance_ok=latest.get(u.pk) != AuditorRecord.UNSATISFACTORY,
        ))
    return out


def auditor_snapshot(user: User) -> Auditor:
    """One person's register snapshot, without audit bookings (audits/programme/bookings.py adds them)."""
    return snapshots([user])[0]


# ---------------------------------------------------------------------------------------------
# Warnings (the auditor's page and the staff dashboard)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisterWarning:
    key: str
    code: str  # registration_missing / registration_expired / registration_expiring / ghg_expired / cpd / cms
    message: Any  # lazy, %(…)s placeholders filled from params
    params: dict = field(default_factory=dict)
    severe: bool = True

    def __str__(self) -> str:
        return str(self.message) % self.params if self.params else str(self.message)


def register_warnings(a: Auditor, *, is_auditor: bool = True, today: date | None = None) -> list[RegisterWarning]:
    """What the office must act on. Registration and CMS competence concern those acting as auditors
    (R4 does not apply to technical experts); GHG expiry and CPD concern everyone in the register."""
    today = today or timezone.localdate()
    out = []
    if is_auditor:
        if a.registration_valid_to is None:
            out.append(RegisterWarning("R4.A1", "registration_missing", _("No CCAA registration is recorded.")))
        elif a.registration_valid_to < today:
            out.append(RegisterWarning("R4.A1", "registration_expired",
                                       _("The CCAA registration %(number)s expired on %(date)s."),
                                       {"number": a.registration_number, "date": a.registration_valid_to}))
        elif a.registration_valid_to <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            out.append(RegisterWarning("R4.A1", "registration_expiring",
                                       _("The CCAA registration %(number)s expires on %(date)s, in %(days)d days."),
                                       {"number": a.registration_number, "date": a.registration_valid_to,
                                        "days": (a.registration_valid_to - today).days}, severe=False))
    if a.ghg_valid_to is not None and a.ghg_valid_to < today:
        out.append(RegisterWarning("R7.3.2", "ghg_expired", _("The GHG manager qualification expired on %(date)s."),
                                   {"date": a.ghg_valid_to}))
    if today.year not in a.cpd_years:
        out.append(RegisterWarning("R4.CPD", "cpd", _("No continuing education completed for %(year)d."),
                                   {"year": today.year}))
    if is_auditor and not a.cms_competence:
        out.append(RegisterWarning("R4.A3", "cms", _("No CMS competence evaluation is recorded.")))
    return out


@dataclass
class Row:
    user: User
    snapshot: Auditor
    roles: set[str]
    warnings: list[RegisterWarning]

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR in self.roles


def overview(users=None, *, today: date | None = None) -> list[Row]:
    """One row per person with their snapshot and warnings (the dashboard): a fixed number of queries."""
    users = list(register_people() if users is None else users)
    roles: dict[int, set] = defaultdict(set)
    for uid, role in RoleGrant.objects.filter(user_id__in=[u.pk for u in users]).values_list("user_id", "role"):
        roles[uid].add(role)
    rows = []
    for u, snap in zip(users, snapshots(users), strict=True):
        is_auditor = Role.AUDITOR in roles[u.pk]
        rows.append(Row(u, snap, roles[u.pk], register_warnings(snap, is_auditor=is_auditor, today=today)))
    return rows
