"""The office dashboard (docs/certificates.md): certificates by status, upcoming expiries and surveillance
windows, open suspensions with their deadlines, pending change requests and transfers."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count

from tancert.certificates.enforcement import next_surveillance_due
from tancert.certificates.models import Certificate, ChangeRequest, TransferReview

HORIZON_DAYS = 90  # the renewal window (R9.3-renewal) is the natural horizon


def overview(today: date) -> dict:
    counts = dict(Certificate.objects.values_list("status").annotate(n=Count("pk")))
    by_status = [(code, label, counts.get(code, 0)) for code, label in Certificate.STATUSES]
    horizon = today + timedelta(days=HORIZON_DAYS)
    expiring = Certificate.objects.filter(status__in=[Certificate.VALID, Certificate.SUSPENDED],
                                          expiry_date__gte=today, expiry_date__lte=horizon).order_by("expiry_date")
    surveillance = []
    for cert in Certificate.objects.filter(status=Certificate.VALID).select_related("decision"):
        due = next_surveillance_due(cert)
        if due is not None and due <= horizon:
            surveillance.append((cert, due, due < today))
    surveillance.sort(key=lambda row: row[1])
    suspended = Certificate.objects.filter(status=Certificate.SUSPENDED).order_by("respond_by")
    return {"by_status": by_status, "total": sum(counts.values()), "expiring": expiring,
            "surveillance": surveillance, "suspended": [(c, c.respond_by is not None and c.respond_by < today)
                                                        for c in suspended],
            "changes": ChangeRequest.objects.filter(status=ChangeRequest.PENDING).select_related("certificate"),
            "transfers": TransferReview.objects.filter(outcome=TransferReview.PENDING).select_related("organisation"),
            "today": today, "horizon": horizon}
