"""The signed, short-lived status statement of one certificate, like an OCSP response (docs/verify.md).

{number, status, expiry_date, superseded_by, produced_at, valid_until, key_id, algorithm, signature}: the status
is the one the register shows (public_status), `valid_until` is when the statement itself goes stale
(TANCERT_STATUS_LIFETIME_MINUTES, default 60) — a relying party asks again after it. Signed with the
records key under its own context, so a statement can never pass for an event, a checkpoint or a tree head.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.conf import settings

from tancert.records import transparency

CONTEXT = b"tancert-certificate-status-v1\n"


def current_successor(cert):
    """The certificate that continues this one after a recertification, once it is issued (R9.3-renewal)."""
    return cert.renewals.order_by("-cycle").first()


def statement(cert, *, now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    lifetime = timedelta(minutes=getattr(settings, "TANCERT_STATUS_LIFETIME_MINUTES", 60))
    successor = current_successor(cert)
    return transparency.sign(CONTEXT, {
        "number": cert.number, "status": cert.public_status, "expiry_date": cert.expiry_date.isoformat(),
        "superseded_by": successor.number if successor else None,
        "produced_at": now.isoformat(timespec="seconds"), "valid_until": (now + lifetime).isoformat(timespec="seconds"),
    })
