"""What a certificate's public page shows, read through queries compiled once (register/prepared.py).

Compiling the page's six querysets to SQL took about half of a page's time in the process (docs/performance.md,
Public register); the statements are the same for every certificate except the number. Every parameter is the
certificate's number (an exact match on an indexed column, joined where the table holds the certificate's key),
so each statement is compiled once per connection and then only executed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tancert.certificates.models import Certificate, CertificateVersion
from tancert.certificates.register.prepared import Prepared
from tancert.certificates.register.search import public_history_labels
from tancert.records.models import Event, LogLeaf

PUBLIC_ACTIONS = tuple(public_history_labels())  # the keys only: the same in every language

CERTIFICATE = Prepared(lambda number: Certificate.objects.filter(number=number).order_by("pk")[:1])
HISTORY = Prepared(lambda subject: Event.objects.filter(subject_type="certificate", subject_id=subject,
                                                        action__in=PUBLIC_ACTIONS).order_by("seq"))
VERSIONS = Prepared(lambda number: CertificateVersion.objects.filter(certificate__number=number).order_by("version"))
RENEWALS = Prepared(lambda number: Certificate.objects.filter(renewal_of__number=number).order_by("pk"))
PREDECESSOR = Prepared(lambda number: Certificate.objects.filter(renewals__number=number).order_by("pk")[:1])
LOG = Prepared(lambda number: LogLeaf.objects.filter(number=number).order_by("index"))


@dataclass
class PageData:
    cert: Certificate
    history: list = field(default_factory=list)  # (when, what) in the visitor's language
    versions: list = field(default_factory=list)
    renewals: list = field(default_factory=list)
    log: list = field(default_factory=list)

    @property
    def successor(self) -> Certificate | None:
        """The newest recertification's certificate (as status.current_successor, from the list)."""
        return max(self.renewals, key=lambda c: c.cycle, default=None)

    @property
    def chain(self) -> list:
        return [c for c in (self.cert.renewal_of, *self.renewals) if c]


def page_data(number: str) -> PageData | None:
    """The page's data for the certificate `number` (upper-cased), None when there is none."""
    number = number.upper()
    found = CERTIFICATE.run(number)
    if not found:
        return None
    cert = found[0]
    if cert.renewal_of_id:  # the predecessor only when there is one: most certificates are a first cycle
        cert.renewal_of = PREDECESSOR.run(number)[0]
    labels = public_history_labels()
    return PageData(cert=cert, history=[(e.at, labels[e.action]) for e in HISTORY.run(str(cert.pk))],
                    versions=VERSIONS.run(number), renewals=RENEWALS.run(number), log=LOG.run(number))
