"""Who is on an audit's team: the check every team action makes (R7.3.2)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit, AuditTeamMember


def on_team(audit: Audit, user) -> bool:
    return user.is_authenticated and audit.team.filter(user=user).exists()


def require_team(audit: Audit, user, *, leader: bool = False) -> None:
    qs = audit.team.filter(user=user) if user.is_authenticated else audit.team.none()
    if leader:
        qs = qs.filter(role=AuditTeamMember.LEADER)
    if not qs.exists():
        raise PermissionDenied(_("Only the team leader can do this.") if leader
                               else _("Only members of this audit team can do this."))
