"""What of the audits a user may see (docs/architecture.md, "Walls between roles"): a client its own
organisation's audits, the office every audit, an auditor or technical expert only audits they are on."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tancert.audits.models import Audit, Finding
from tancert.people.access import is_office
from tancert.ui.walls import get_or_404


def audits_for(user):
    if not user.is_authenticated:
        return Audit.objects.none()
    if user.is_client:
        return Audit.objects.filter(organisation_id=user.organisation_id)
    if is_office(user):
        return Audit.objects.all()
    return Audit.objects.filter(team__user=user).distinct()


def findings_for(user):
    return Finding.objects.filter(audit__in=audits_for(user))


def audit_for_staff(request, pk):
    """The working papers (checklist, stage 1 record, check-ins): team members edit, office roles read;
    clients have no business with them."""
    a = get_or_404(audits_for(request.user).select_related("organisation", "application"), pk=pk)
    if request.user.is_client:
        raise PermissionDenied
    return a
