"""What a certificate's public page (and the API's history of it) shows, read through queries compiled once (register/prepared.py).

Compiling the page's six querysets to SQL took about half of a page's time in the process (docs/performance.md,
Public register); the statements are the same for every certificate except the number. Every parameter is the
certificate's number (an exact match on an indexed column, joined where the table holds the certificate's key),
so each statement is compiled once per connection and then only executed, and the four go to PostgreSQL in one
round trip.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import CharField
from django.db.models.functions import Cast

from tancert.certificates.models import Certificate, CertificateVersion
from tancert.certificates.register.prepared import Prepared, run_together
from tancert.certificates.register.search import public_history_labels
from tancert.records.models import Event, LogLeaf

PUBLIC_ACTIONS = tuple(public_history_labels())  # the keys only: the same in every language


def _chain(number):
    """The certificate, the certificates that renewed it and the one it renewed: three index lookups, one statement."""
    parts = (Certificate.objects.order_by().filter(**{lookup: number})
             for lookup in ("number", "renewal_of__number", "renewals__number"))
    first = next(parts)
    return first.union(*parts, all=True).order_by("pk")


def _history(number):
    # Events name their subject by its key as text (records/models.py); the key comes from the number here, so
    # that all four statements take the number and can go to the database together (prepared.run_together).
    key = Certificate.objects.filter(number=number).annotate(key=Cast("pk", CharField())).values("key")
    return Event.objects.filter(subject_type="certificate", subject_id__in=key,
                                action__in=PUBLIC_ACTIONS).order_by("seq").only("at", "action")


# Only the columns the page and the API's history read: a certificate's events carry their whole record (data,
# signature) and its versions their whole content, which the page never shows and decoding them cost.
CHAIN = Prepared(_chain)
HISTORY = Prepared(_history)
VERSIONS = Prepared(lambda number: CertificateVersion.objects.filter(certificate__number=number).order_by(
    "version").only("version", "superseded_at", "seal"))
LOG = Prepared(lambda number: LogLeaf.objects.filter(number=number).order_by("index").only("index"))


@dataclass
class PageData:
    cert: Certificate
    events: list = field(default_factory=list)  # its public history (the actions of public_history_labels)
    versions: list = field(default_factory=list)
    renewals: list = field(default_factory=list)
    log: list = field(default_factory=list)

    @property
    def history(self) -> list:
        """(when, what) for each event, in the visitor's language."""
        labels = public_history_labels()
        return [(e.at, labels[e.action]) for e in self.events]

    @property
    def successor(self) -> Certificate | None:
        """The newest recertification's certificate (as status.current_successor, from the list)."""
        return max(self.renewals, key=lambda c: c.cycle, default=None)

    @property
    def chain(self) -> list:
        return [c for c in (self.cert.renewal_of, *self.renewals) if c]


def page_data(number: str, *lead: tuple) -> tuple[list, PageData | None]:
    """The rows of the statements `lead` (run first, in the same round trip: register/pagecache.py), and the page's
    data for the certificate `number` (upper-cased), None when there is none."""
    number = number.upper()
    *before, chain, events, versions, log = run_together(
        *lead, *((query, (number,)) for query in (CHAIN, HISTORY, VERSIONS, LOG)))
    cert = next((c for c in chain if c.number == number), None)
    if cert is None:
        return before, None
    if cert.renewal_of_id:
        cert.renewal_of = next(c for c in chain if c.pk == cert.renewal_of_id)
    return before, PageData(cert=cert, events=events, versions=versions,
                            renewals=[c for c in chain if c.renewal_of_id == cert.pk], log=log)
