"""The walls between roles (docs/architecture.md), as querysets every view and endpoint uses.

- a client user sees only its own organisation;
- an auditor or technical expert (without an office role) sees only audits they are on;
- office roles (reviewer, programme manager, decision maker, certificate administrator,
  system administrator) see every organisation.
"""

from __future__ import annotations

from django.http import Http404

from tancert.people.models import Role

OFFICE_ROLES = (
    Role.APPLICATION_REVIEWER,
    Role.PROGRAMME_MANAGER,
    Role.DECISION_MAKER,
    Role.CERTIFICATE_ADMIN,
    Role.SYSTEM_ADMIN,
)


def is_office(user) -> bool:
    return user.is_authenticated and user.has_role(*OFFICE_ROLES)


def organisations_for(user):
    from tancert.clients.models import Organisation

    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_client:
        return Organisation.objects.filter(pk=user.organisation_id)
    if is_office(user):
        return Organisation.objects.all()
    if user.has_role(Role.AUDITOR, Role.TECHNICAL_EXPERT):
        return Organisation.objects.filter(audits__team__user=user).distinct()
    return Organisation.objects.none()


def audits_for(user):
    from tancert.audits.models import Audit

    if not user.is_authenticated:
        return Audit.objects.none()
    if user.is_client:
        return Audit.objects.filter(organisation_id=user.organisation_id)
    if is_office(user):
        return Audit.objects.all()
    return Audit.objects.filter(team__user=user).distinct()


def applications_for(user):
    from tancert.clients.models import Application

    if not user.is_authenticated:
        return Application.objects.none()
    if user.is_client:
        return Application.objects.filter(organisation_id=user.organisation_id)
    if is_office(user):
        return Application.objects.all()
    return Application.objects.filter(organisation__in=organisations_for(user))


def certificates_for(user):
    from tancert.certificates.models import Certificate

    if not user.is_authenticated:
        return Certificate.objects.none()
    if user.is_client:
        return Certificate.objects.filter(organisation_id=user.organisation_id)
    if is_office(user):
        return Certificate.objects.all()
    return Certificate.objects.filter(organisation__in=organisations_for(user))


def findings_for(user):
    from tancert.audits.models import Finding

    return Finding.objects.filter(audit__in=audits_for(user))


def get_or_404(queryset, **lookup):
    """Objects outside the user's wall are indistinguishable from missing ones."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404
    return obj
