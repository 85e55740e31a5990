"""Retention is computed, never typed (RR-retention, docs/architecture.md, reference/certification.md §3).

Keep until the latest of:
- the certificate's validity (scheme RR-retention),
- 2 years after expiry, cancellation or withdrawal (Measures for the Administration of Certification Bodies),
- the current cycle plus one further cycle (ISO/IEC 17021-1).
For an organisation that never got a certificate, 2 years after its last record (product default).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone

from tancert.records.models import Event

AFTER_END_YEARS = 2


@dataclass
class Retention:
    until: date
    basis: str  # Chinese explanation, shown on the record pages
    rule: str = "RR-retention"


def certificate_retention(cert) -> Retention:
    validity_end = cert.expiry_date
    ended = cert.expiry_date
    if cert.status in ("withdrawn", "cancelled") and cert.status_changed_at:
        ended = min(cert.expiry_date, timezone.localtime(cert.status_changed_at).date())
    after_end = ended + relativedelta(years=AFTER_END_YEARS)
    cycle = relativedelta(years=settings.TANCERT_CERT_VALIDITY_YEARS)
    next_cycle_end = cert.issue_date + cycle + cycle
    candidates = [
        (validity_end, "证书有效期"),
        (after_end, "证书到期、注销或撤销之日起2年"),
        (next_cycle_end, "当前认证周期再加一个周期"),
    ]
    until, basis = max(candidates, key=lambda c: c[0])
    return Retention(until, f"{basis}（{cert.number}）")


def retention_until(org) -> Retention:
    certs = list(org.certificates.all())
    if certs:
        return max((certificate_retention(c) for c in certs), key=lambda r: r.until)

    last = Event.objects.filter(organisation_id=org.pk).order_by("-seq").values_list("at", flat=True).first()
    start = timezone.localtime(last).date() if last else timezone.localdate()
    return Retention(start + relativedelta(years=AFTER_END_YEARS), "未获证：最后一条记录之日起2年")
