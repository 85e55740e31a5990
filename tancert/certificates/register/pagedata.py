"""What a certificate's public page (and the API's history of it) shows, in one statement compiled once
(register/prepared.py).

The page shows the certificate, its public history, its versions, its transparency-log entries and its
recertification chain. They are read in one statement: the certificate's row by its number, and each list as a
JSON array built by the database from an index lookup correlated with that row. Until December 2026 they were
five statements in one round trip, and turning their rows into model instances (and the pipeline's bookkeeping)
cost the application more than the database's work did: the page's data took 0.42–0.50 ms of the process's CPU,
the one statement takes 0.10–0.11 (docs/performance.md, Public register). One statement also reads everything in
one snapshot, the chain's head (the page cache's generation: register/pagecache.py) included.

The lists carry only what the page and the API show; `page_data` reads the database's JSON back into small named
tuples (the chain: certificates with the fields their line shows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import NamedTuple

from django.db import connections
from django.db.models.expressions import RawSQL

from tancert.certificates.models import Certificate, CertificateVersion
from tancert.certificates.register.prepared import Prepared, Raw, run_together
from tancert.certificates.register.search import public_history_labels
from tancert.records.models import Event, LogLeaf

PUBLIC_ACTIONS = tuple(public_history_labels())  # the keys only: the same in every language
# The record chain's head: the last event's hash, on the primary-key index (the table name is our own model's).
HEAD_SQL = f"SELECT hash FROM {Event._meta.db_table} ORDER BY seq DESC LIMIT 1"  # noqa: S608


class Happened(NamedTuple):
    """One event of the public history."""
    at: datetime
    action: str


class Version(NamedTuple):
    version: int
    superseded_at: datetime | None


class Leaf(NamedTuple):
    index: int  # its place in the transparency log (records/transparency.py)


# The JSON functions of each database: (array of a row's values, aggregate of arrays).
DIALECTS = {"postgresql": ("json_build_array", "json_agg"), "sqlite": ("json_array", "json_group_array")}


def _lists(vendor: str, quote) -> dict[str, tuple[str, list]]:
    """The page's lists as correlated subqueries of the certificate's row: name → (SQL, parameters). Each is one
    index lookup (events by subject, versions and renewals by certificate, log leaves by number); the order is
    restored in `page_data` (SQLite before 3.44 cannot order inside an aggregate)."""
    array, agg = DIALECTS.get(vendor, DIALECTS["sqlite"])
    cert, event, version, leaf = (quote(m._meta.db_table) for m in (Certificate, Event, CertificateVersion, LogLeaf))
    me = f"{cert}.{quote('id')}"
    marks = ", ".join(["%s"] * len(PUBLIC_ACTIONS))
    # Events name their subject by its key as text (records/models.py); `e`, `v`, `l`, `r` never clash with
    # the outer table, which Django names in full.
    return {
        "page_head": (HEAD_SQL, []),
        "page_events": (f"SELECT {agg}({array}(e.seq, e.at, e.action)) FROM {event} e WHERE e.subject_type = "
                        f"'certificate' AND e.subject_id = CAST({me} AS varchar(64)) AND e.action IN ({marks})",
                        list(PUBLIC_ACTIONS)),
        "page_versions": (f"SELECT {agg}({array}(v.version, v.superseded_at)) FROM {version} v "
                          f"WHERE v.certificate_id = {me}", []),
        "page_log": (f"SELECT {agg}(l.{quote('index')}) FROM {leaf} l WHERE l.number = {cert}.number", []),
        "page_chain": (f"SELECT {agg}({array}(r.id, r.number, r.status, r.issue_date, r.expiry_date, r.cycle, "
                       f"r.renewal_of_id)) FROM {cert} r WHERE r.id = {cert}.renewal_of_id OR r.renewal_of_id = {me}",
                       []),
    }


def _page(number):
    conn = connections[Certificate.objects.db]
    lists = _lists(conn.vendor, conn.ops.quote_name)
    return Certificate.objects.filter(number=number).annotate(
        **{name: RawSQL(f"({sql})", params) for name, (sql, params) in lists.items()})  # noqa: S611


PAGE = Prepared(_page)
HEAD = Raw(HEAD_SQL)  # alone: a number no certificate has, a cached page's check (register/pagecache.py)


@dataclass
class PageData:
    cert: Certificate
    events: list[Happened] = field(default_factory=list)  # its public history (the actions of public_history_labels)
    versions: list[Version] = field(default_factory=list)
    renewals: list[Certificate] = field(default_factory=list)
    log: list[Leaf] = field(default_factory=list)

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


def read_head() -> str | None:
    """The record chain's head now; None for an empty chain."""
    return next(iter(run_together((HEAD, ()))[0]), (None,))[0]


def page_data(number: str, *, head_first: bool = False) -> tuple[str | None, PageData | None]:
    """The record chain's head and the page's data for the certificate `number` (upper-cased); the data is None
    when no certificate has the number, and then the head is None too unless `head_first`: the head is read
    first and the certificate after it (two statements in one round trip), so that the answer "none" is never
    older than the head it is kept under (register/pagecache.py)."""
    number = number.upper()
    if head_first:
        heads, found = run_together((HEAD, ()), (PAGE, (number,)))
        head = next(iter(heads), (None,))[0]
    else:
        found, head = PAGE.run(number), None
    if not found:
        return head, None
    cert = found[0]
    chain = [_certificate(row) for row in sorted(_json(cert.page_chain))]
    renewals = [c for c in chain if c.renewal_of_id == cert.pk]
    if cert.renewal_of_id:
        cert.renewal_of = next(c for c in chain if c.pk == cert.renewal_of_id)
    return cert.page_head, PageData(
        cert=cert,
        events=[Happened(_moment(at), action) for _, at, action in sorted(_json(cert.page_events))],
        versions=[Version(n, _moment(at)) for n, at in sorted(_json(cert.page_versions))],
        renewals=renewals,
        log=[Leaf(index) for index in sorted(_json(cert.page_log))])


def _json(value) -> list:
    """A JSON array as the driver gives it: decoded (psycopg, for `json`), as text (SQLite), None for no rows."""
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str | bytes) else value


def _moment(text: str | None) -> datetime | None:
    """A stored time as the database writes it into JSON: ISO 8601 with an offset (PostgreSQL), or in UTC
    without one (SQLite, where Django keeps times as UTC text)."""
    if text is None:
        return None
    at = datetime.fromisoformat(text)
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _certificate(row: list) -> Certificate:
    """A certificate of the chain with the fields its line and link show (number, dates, status, cycle)."""
    pk, number, status, issued, expires, cycle, renewal_of = row
    return Certificate(id=pk, number=number, status=status, issue_date=date.fromisoformat(issued),
                       expiry_date=date.fromisoformat(expires), cycle=cycle, renewal_of_id=renewal_of)
