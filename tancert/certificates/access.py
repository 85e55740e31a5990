"""What of the certificates a user may see (docs/architecture.md, "Walls between roles"): a client its
own, the office all, an auditor those of the organisations they audit."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from tancert.certificates.models import Certificate
from tancert.clients.access import organisations_for
from tancert.people.access import is_office
from tancert.ui.walls import get_or_404


def certificates_for(user):
    if not user.is_authenticated:
        return Certificate.objects.none()
    if user.is_client:
        return Certificate.objects.filter(organisation_id=user.organisation_id)
    if is_office(user):
        return Certificate.objects.all()
    return Certificate.objects.filter(organisation__in=organisations_for(user))


def require_office(user, *roles) -> None:
    """Office pages: any office role, or one of ``roles`` when given (403 otherwise)."""
    if not is_office(user) or (roles and not user.has_role(*roles)):
        raise PermissionDenied


def certificate_for(request, pk):
    return get_or_404(certificates_for(request.user), pk=pk)
