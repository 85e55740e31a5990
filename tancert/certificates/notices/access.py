"""Who sees which client notice: the office all; a client its own organisation's; nobody else
(docs/architecture.md, "Walls between roles")."""

from __future__ import annotations

from tancert.certificates.models import ClientNotice
from tancert.people.access import is_office


def notices_for(user):
    qs = ClientNotice.objects.select_related("certificate", "organisation", "reviewed_by", "programme_entry",
                                             "change_request", "suspension_proposal")
    if not user.is_authenticated:
        return qs.none()
    if is_office(user):
        return qs
    if user.is_client:
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()
