"""Public certificate lookup (R9.2-lookup): no authentication."""

from __future__ import annotations

from datetime import date

from django.db.models import Q
from ninja import Router, Schema

from tancert.certificates.models import Certificate
from tancert.people import access

router = Router(tags=["public"], auth=None)


class PublicCertificate(Schema):
    number: str
    status: str
    status_label: str
    organisation_name: str
    organisation_address: str
    credit_code: str
    scope: str
    criterion: str
    issue_date: date
    first_issue_date: date
    expiry_date: date
    surveillance_status: str
    surveillance_status_label: str


def _public(c: Certificate) -> dict:
    return {
        "number": c.number, "status": c.status, "status_label": str(c.get_status_display()),
        "organisation_name": c.organisation_name, "organisation_address": c.organisation_address,
        "credit_code": c.credit_code, "scope": c.scope, "criterion": c.criterion, "issue_date": c.issue_date,
        "first_issue_date": c.first_issue_date, "expiry_date": c.expiry_date,
        "surveillance_status": c.surveillance_status,
        "surveillance_status_label": str(c.get_surveillance_status_display()),
    }


@router.get("/certificates/{number}", response=PublicCertificate)
def lookup(request, number: str):
    """One certificate by number: status, holder, scope, criterion, dates, surveillance status."""
    return _public(access.get_or_404(Certificate.objects.all(), number="".join(number.split()).upper()))


@router.get("/certificates", response=list[PublicCertificate])
def search(request, q: str):
    """Search by number, organisation name or unified social credit code (at most 50 results)."""
    q = q.strip()[:100]
    if not q:
        return []
    qs = Certificate.objects.filter(Q(number__iexact=q.replace(" ", "")) | Q(organisation_name__icontains=q)
                                    | Q(credit_code__iexact=q.upper())).order_by("number")[:50]
    return [_public(c) for c in qs]
