"""What of the clients a user may see (docs/architecture.md, "Walls between roles").

An auditor or technical expert sees the organisations of the audits they are on; the lookup follows
the relation in the database (``audits__team__user``), so this module imports nothing above clients.
"""

from __future__ import annotations

from tancert.clients.models import Application, Organisation
from tancert.people.access import is_office
from tancert.people.models import Role
from tancert.ui.walls import get_or_404


def organisations_for(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_client:
        return Organisation.objects.filter(pk=user.organisation_id)
    if is_office(user):
        return Organisation.objects.all()
    if user.has_role(Role.AUDITOR, Role.TECHNICAL_EXPERT):
        return Organisation.objects.filter(audits__team__user=user).distinct()
    return Organisation.objects.none()


def applications_for(user):
    if not user.is_authenticated:
        return Application.objects.none()
    if user.is_client:
        return Application.objects.filter(organisation_id=user.organisation_id)
    if is_office(user):
        return Application.objects.all()
    return Application.objects.filter(organisation__in=organisations_for(user))


def application_in_wall(request, pk):
    """The application a page is about, looked up behind the wall (404 outside it)."""
    return get_or_404(applications_for(request.user).select_related("organisation"), pk=pk)
