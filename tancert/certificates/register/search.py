"""What the public register finds and shows (R9.2-lookup)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext as _

from tancert.certificates.models import Certificate

REGISTER_PAGE_SIZE = 50


def search_certificates(q: str, *, current_only: bool = False):
    """Search by number, organisation name or unified social credit code (R9.2-lookup).

    Numbers and credit codes are stored upper case without spaces, so an exact match on their
    unique / indexed columns answers first; only a query that is neither scans organisation names
    (one OR of the three would defeat the indexes: bench/register.py).

    `current_only` leaves out a certificate that a recertification superseded (R9.3-renewal): the register
    lists the current certificate of each chain unless the visitor asks for all."""
    ident = "".join(q.split()).upper()
    qs = Certificate.objects.order_by("number")
    if current_only:
        qs = qs.filter(renewals__isnull=True)
    exact = list(qs.filter(Q(number=ident) | Q(credit_code=ident))[:REGISTER_PAGE_SIZE]) if ident else []
    if exact:
        return exact
    return list(qs.filter(organisation_name__icontains=q)[:REGISTER_PAGE_SIZE])


def public_history_labels() -> dict:
    """What the public sees of a certificate's history: the kind of change, never internal reasons."""
    return {
        "certificate.issued": _("Certificate issued"),
        "certificate.surveillance_recorded": _("Surveillance audit passed"),
        "certificate.suspended": _("Certificate suspended"),
        "certificate.restored": _("Certificate restored"),
        "certificate.withdrawn": _("Certificate withdrawn"),
        "certificate.cancelled": _("Certificate cancelled"),
        "certificate.expired": _("Certificate expired"),
        "certificate.changed": _("Certificate changed"),
        "certificate.renewal_applied": _("Recertification applied for"),
    }
