"""Who sees which complaint and appeal (docs/architecture.md, "Walls between roles"; docs/obligations.md).

The office sees all; a client only the complaints its own people lodged and its organisation's appeals (not
complaints others made about it: the complainant is protected); an auditor only the complaints they
investigate; the public nothing but the acknowledgment it was shown when lodging."""

from __future__ import annotations

from django.db.models import Q

from tancert.certificates.models import Appeal, Complaint
from tancert.people.access import is_office


def complaints_for(user):
    qs = Complaint.objects.select_related("certificate", "organisation", "investigator", "decided_by")
    if not user.is_authenticated:
        return qs.none()
    if is_office(user):
        return qs
    if user.is_client:
        return qs.filter(lodged_by__organisation_id=user.organisation_id, channel=Complaint.CLIENT)
    return qs.filter(Q(investigator=user))


def appeals_for(user):
    qs = Appeal.objects.select_related("organisation", "decision", "certificate", "decided_by")
    if not user.is_authenticated:
        return qs.none()
    if is_office(user):
        return qs
    if user.is_client:
        return qs.filter(organisation_id=user.organisation_id)
    return qs.none()
