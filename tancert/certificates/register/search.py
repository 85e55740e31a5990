"""What the public register finds and shows (R9.2-lookup)."""

from __future__ import annotations

from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils.translation import gettext as _

from tancert.certificates.models import Certificate
from tancert.certificates.register.prepared import Prepared

REGISTER_PAGE_SIZE = 50
NAME_FTS = "certificates_certificate_name_fts"  # migration certificates 0018
TRIGRAM = 3


def _exact(current_only: bool, column: str):
    def build(ident):
        qs = Certificate.objects.order_by("number")
        if current_only:
            qs = qs.filter(renewals__isnull=True)
        return qs.filter(**{column: ident})[:REGISTER_PAGE_SIZE]
    return Prepared(build)


# By number or credit code: the same statements for every lookup, compiled once (register/prepared.py). Two
# index lookups, not one `number = x OR credit_code = x ORDER BY number`: the database may answer that by
# walking the number index in order and testing every row (bench/register.py).
EXACT = {(current, column): _exact(current, column) for current in (True, False) for column in ("number", "credit_code")}
BY_NUMBER = Prepared(lambda number: Certificate.objects.filter(number=number).order_by("pk")[:1])


def certificate_by_number(number: str) -> Certificate | None:
    """The certificate with this number (spaces dropped, upper case), or None."""
    found = BY_NUMBER.run("".join(number.split()).upper())
    return found[0] if found else None


def search_certificates(q: str, *, current_only: bool = False):
    """Search by number, organisation name or unified social credit code (R9.2-lookup).

    Numbers and credit codes are stored upper case without spaces, so an exact match on their
    unique / indexed columns answers first; only a query that is neither scans organisation names
    (one OR of the three would defeat the indexes: bench/register.py).

    `current_only` leaves out a certificate that a recertification superseded (R9.3-renewal): the register
    lists the current certificate of each chain unless the visitor asks for all."""
    ident = "".join(q.split()).upper()
    if ident:
        exact = {c.pk: c for column in ("number", "credit_code") for c in EXACT[current_only, column].run(ident)}
        if exact:
            return sorted(exact.values(), key=lambda c: c.number)[:REGISTER_PAGE_SIZE]
    qs = Certificate.objects.order_by("number")
    if current_only:
        qs = qs.filter(renewals__isnull=True)
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
