"""The bridge from the database to the team rules: a planned audit becomes an
:class:`AuditNeed`, the proposed people become register snapshots (``audits/programme/bookings.py``), and
back come every problem (``planning.teams.check_team``) or the ranked suggestion
(``planning.suggest.suggest_teams``).

Reading of R4.CPD when planning ahead: an audit in a later year than today cannot have that year's
training done yet, so the check counts the training of the year of ``min(audit start, today)``;
confirming the team (``programme_actions.confirm_team``) checks again nearer the audit.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from tancert.audits.models import Audit, AuditProgramme, AuditTeamMember
from tancert.audits.programme.bookings import snapshots
from tancert.people.auditors.snapshots import register_people
from tancert.people.models import Role, RoleGrant
from tancert.planning.suggest import AuditorIndex, Suggestion, suggest_teams
from tancert.planning.teams import AuditNeed, TeamMember, TeamProblem, check_team, consecutive_cycles
from tancert.scheme.violations import switched_off


def technical_areas(org) -> frozenset[int]:
    """R7.3.2: the technical areas the team must cover — the industry (Appendix A code) of the client's
    latest application, which submission requires, and any further areas the client declared."""
    declared = {int(a) for a in (org.technical_areas or []) if str(a).isdigit()}
    industry = (org.applications.exclude(status__in=["rejected", "withdrawn"]).exclude(industry_code=None)
                .order_by("-created_at", "-pk").values_list("industry_code", flat=True).first())
    return frozenset(declared | ({industry} if industry is not None else set()))


def rotation_max() -> int | None:
    """The body's rotation limit (CB-rotation): consecutive certification cycles one person may lead the team
    at a client; settings.TANCERT_ROTATION_MAX_CYCLES, default 2; 0 switches the rule off."""
    n = int(getattr(settings, "TANCERT_ROTATION_MAX_CYCLES", 2) or 0)
    return n if n > 0 else None


def led_cycles(org) -> tuple:
    """Who led the team at ``org`` in which programme cycle (the audits linked to the cycle's programme), and from
    that the consecutive cycles before the current one each person led (planning.teams.consecutive_cycles)."""
    rows = (AuditTeamMember.objects.filter(role=AuditTeamMember.LEADER,
                                           audit__programme_entries__programme__organisation=org)
            .exclude(audit__status=Audit.CANCELLED)
            .values_list("audit__programme_entries__programme__cycle", "user_id").distinct())
    by_cycle: dict[int, set] = {}
    for cycle, user_id in rows:
        by_cycle.setdefault(cycle, set()).add(user_id)
    current = AuditProgramme.objects.filter(organisation=org).aggregate(m=Max("cycle"))["m"] or 0
    return consecutive_cycles(by_cycle, current)


def need_for(org, *, start: date, end: date, auditor_days, today: date | None = None) -> AuditNeed:
    today = today or timezone.localdate()
    limit = rotation_max()
    return AuditNeed(organisation_id=org.pk, technical_areas=technical_areas(org), start=start, end=end,
                     auditor_days=Decimal(str(auditor_days)), cpd_on=min(start, today), rotation_max=limit,
                     led_cycles=led_cycles(org) if limit is not None else ())


def team_problems(need: AuditNeed, team: list[tuple], *, exclude_audit=None) -> list[TeamProblem]:
    """Every problem of ``team`` — [(user, role)] — on this audit, against the register."""
    users = [u for u, _r in team]
    register = snapshots(users, exclude_audit=exclude_audit, exclude_organisation=need.organisation_id)
    members = [TeamMember(u.pk, role) for u, role in team]
    return check_team(need, members, register)


def require_team(need: AuditNeed, team: list[tuple], *, exclude_audit=None) -> None:
    problems = [q for q in team_problems(need, team, exclude_audit=exclude_audit) if not switched_off(q.key)]
    if problems:
        raise problems[0].to_violation()


def suggest(need: AuditNeed, *, exclude_audit=None, limit: int = 5) -> tuple[Suggestion, dict]:
    """Ranked feasible teams for the audit and the users by id (to show names and fill the form)."""
    people = list(register_people())
    register = snapshots(people, exclude_audit=exclude_audit, since=need.start - timedelta(days=1),
                         exclude_organisation=need.organisation_id)
    result = suggest_teams(need, AuditorIndex(register), limit=limit)
    return result, {u.pk: u for u in people}


AUDITOR_ONLY_CODES = {"registration", "provisional", "experience", "cms_competence", "cpd", "performance"}


def exclusions(s: Suggestion, people: dict) -> list[dict]:
    """Why each person is not proposed. For someone who is only a technical expert the auditor
    rules (R4) do not apply, so those reasons are dropped (eligible but not needed remains)."""
    # One query for who is an auditor, not one per excluded person (495 of 500 in the benchmark).
    auditors = set(RoleGrant.objects.filter(user_id__in=[e.auditor_id for e in s.excluded], role=Role.AUDITOR)
                   .values_list("user_id", flat=True))
    out = []
    for e in s.excluded:
        user = people.get(e.auditor_id)
        codes = e.codes
        if user is not None and user.pk not in auditors:
            codes = tuple(c for c in codes if c not in AUDITOR_ONLY_CODES) or ("not_selected",)
        ex = type(e)(e.auditor_id, e.name, codes)
        out.append({"user": user, "username": user.username if user else str(e.auditor_id), "name": e.name,
                    "codes": list(codes), "keys": list(ex.keys), "reasons": ex.reasons()})
    return out


def problem_dict(pr: TeamProblem) -> dict:
    return {"rule": pr.key, "code": pr.code, "auditor_id": pr.auditor_id, "name": pr.name,
            "message": str(pr.to_violation().message), "message_zh": pr.message_zh, "message_en": pr.message_en}
