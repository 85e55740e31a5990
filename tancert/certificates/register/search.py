"""What the public register finds and shows (R9.2-lookup)."""

from __future__ import annotations

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from tancert.certificates.models import Certificate

REGISTER_PAGE_SIZE = 50
NAME_FTS = "certificates_certificate_name_fts"  # migration certificates 0018
TRIGRAM = 3


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
    return list(by_name(qs, q)[:REGISTER_PAGE_SIZE])


def by_name(qs, q: str):
    """Certificates whose organisation name contains `q` (case-insensitive like `icontains`), through an index.

    PostgreSQL: the pg_trgm GIN index on UPPER(organisation_name) serves `icontains` itself (migration
    certificates 0018). SQLite: the FTS5 trigram table narrows the candidates and the same `icontains` decides,
    so the result is the old substring search's. Trigrams need three characters: a one- or two-character
    fragment (a two-character Chinese name part such as 碳素) is answered by the scan in number order, which
    stops at the page size — fast for a common fragment, a full scan for a rare one (docs/performance.md)."""
    matching = qs.filter(organisation_name__icontains=q)
    if connection.vendor != "sqlite" or len(q) < TRIGRAM:
        return matching
    phrase = '"' + q.replace('"', '""') + '"'  # an FTS5 string: every character literal, a substring match
    return matching.filter(pk__in=RawSQL(f"SELECT rowid FROM {NAME_FTS} WHERE {NAME_FTS} MATCH %s", [phrase]))


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
