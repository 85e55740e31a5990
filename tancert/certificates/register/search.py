"""What the public register finds and shows (R9.2-lookup)."""

from __future__ import annotations

import json
import math
import time
from functools import cache

from django.db import connection
from django.db.models import BooleanField, Exists, OuterRef
from django.db.models.expressions import RawSQL
from django.utils import translation
from django.utils.translation import gettext as _

from tancert.certificates.models import Certificate
from tancert.certificates.register.prepared import Prepared

REGISTER_PAGE_SIZE = 50
# A name search needs two characters: one character is in a large share of the names or in almost none, and for a
# rare one no index narrows the scan (a whole-table scan at 1,000,000 certificates took 0.37 s of the database,
# which any anonymous visitor could ask for again and again: docs/certificates.md, Public register).
MIN_NAME = 2
NAME_FTS = "certificates_certificate_name_fts"  # migration certificates 0018
NAME_BIGRAMS = "certificates_certificate_name_bigram"  # SQLite side table, migration certificates 0019
PG_BIGRAMS = "tancert_name_bigrams"  # PostgreSQL function under the GIN index, migration certificates 0019
TRIGRAM = 3
BIGRAM = 2
# A gram with more postings than common_gram() is common: the scan in number order meets 50 matches after about
# 50 × table / postings rows, the index fetches and sorts every posting; the two cost the same at
# postings = √(50 × table) — 2,236 at 100,000 certificates, 7,071 at 1,000,000 (docs/performance.md, Public
# register). A fixed 2,000 sent every rare gram at 1,000,000 to the scan on PostgreSQL, whose estimate for a gram
# outside its most common elements was 2,500 there: a whole-table scan (0.8 s) for 31 matches.
SIZE_TTL = 60  # seconds a process keeps the table's size: an input to a cost model, not to the result
_size: tuple[float, int] = (-math.inf, 0)  # (when read, size)


def table_size() -> int:
    """About how many certificates there are: the largest key (on its index, one row), read at most once a
    minute per process. Certificates are not deleted, so it is the count without the count's full scan."""
    global _size
    when, size = _size
    if time.monotonic() - when > SIZE_TTL:
        with connection.cursor() as cur:
            cur.execute(f"SELECT max(id) FROM {Certificate._meta.db_table}")  # noqa: S608 (our own table)
            size = cur.fetchone()[0] or 0
        _size = time.monotonic(), size
    return size


def forget_size() -> None:
    global _size
    _size = (-math.inf, 0)


def common_gram() -> int:
    """Postings above which a gram is common: where the scan in number order costs what the index costs. Never
    below a page: on a small register a gram in fewer names than that is rare whatever the cost."""
    return max(REGISTER_PAGE_SIZE, math.isqrt(REGISTER_PAGE_SIZE * table_size()))


# What a search or a lookup shows of a certificate (api/register.py `_publics`, the register's search page): a
# certificate row has thirty columns, two of them JSON decoded on every read; a search of 50 built them all for
# nothing (docs/performance.md, Public register).
PUBLIC_COLUMNS = ("number", "status", "organisation_name", "organisation_address", "credit_code", "scope", "criterion",
                  "issue_date", "first_issue_date", "expiry_date", "surveillance_status")


def current(qs):
    """Leave out a certificate that a recertification superseded (R9.3-renewal).

    A correlated NOT EXISTS, not `renewals__isnull=True`: that LEFT JOIN on the self-reference made SQLite
    scan the whole table in number order and build an automatic index on `renewal_of_id` for every query
    (its statistics rate the mostly-NULL column useless); NOT EXISTS lets the filter's own index drive and
    probes the `renewal_of_id` index per candidate, on both databases (docs/performance.md)."""
    return qs.filter(~Exists(Certificate.objects.filter(renewal_of=OuterRef("pk"))))


def marked(qs):
    """Each certificate marked `superseded` when a recertification replaced it (the register's "all" list shows
    it): one probe of the `renewal_of_id` index in the same statement, not one query per row from the page."""
    return qs.annotate(superseded=Exists(Certificate.objects.filter(renewal_of=OuterRef("pk"))))


def _exact(current_only: bool):
    def build(ident):
        by_number, by_code = (Certificate.objects.order_by().filter(**{column: ident}).only(*PUBLIC_COLUMNS)
                              for column in ("number", "credit_code"))
        by_number, by_code = ((current(by_number), current(by_code)) if current_only else
                              (marked(by_number), marked(by_code)))
        return by_number.union(by_code).order_by("number")[:REGISTER_PAGE_SIZE]
    return Prepared(build)


# By number or credit code: the same statement for every lookup, compiled once (register/prepared.py). The UNION
# of two index lookups in one round trip, not one `number = x OR credit_code = x ORDER BY number`: the database
# may answer that by walking the number index in order and testing every row (bench/register.py).
EXACT = {current: _exact(current) for current in (True, False)}
BY_NUMBER = Prepared(lambda number: Certificate.objects.filter(number=number).only(*PUBLIC_COLUMNS).order_by("pk")[:1])


def certificate_by_number(number: str) -> Certificate | None:
    """The certificate with this number (spaces dropped, upper case), or None."""
    found = BY_NUMBER.run("".join(number.split()).upper())
    return found[0] if found else None


class TooShort(ValueError):
    """A search that is neither a number nor a credit code, with a name fragment shorter than MIN_NAME."""

    @property
    def message(self) -> str:
        return _("Type at least two characters of the organisation's name, or a whole certificate number or "
                 "unified social credit code.")


def search_certificates(q: str, *, current_only: bool = False):
    """Search by number, organisation name or unified social credit code (R9.2-lookup).

    Numbers and credit codes are stored upper case without spaces, so an exact match on their
    unique / indexed columns answers first; only a query that is neither scans organisation names
    (one OR of the three would defeat the indexes: bench/register.py).

    `current_only` leaves out a certificate that a recertification superseded (R9.3-renewal): the register
    lists the current certificate of each chain unless the visitor asks for all.

    Raises TooShort for a name fragment shorter than MIN_NAME."""
    ident = "".join(q.split()).upper()
    if ident:
        exact = EXACT[current_only].run(ident)
        if exact:
            return exact
    if len(q.strip()) < MIN_NAME:
        raise TooShort
    return by_name(q, current_only=current_only)


def by_name(q: str, *, current_only: bool) -> list:
    """Certificates whose organisation name contains `q` (case-insensitive like `icontains`), through an index.

    The index only narrows the candidates; the same `icontains` decides, so the result is the old substring
    search's (docs/performance.md, Public register).
    - Three characters or more: PostgreSQL's pg_trgm GIN index on UPPER(organisation_name) serves `icontains`
      itself; SQLite narrows through the FTS5 trigram table (migration certificates 0018).
    - Two characters (a Chinese name part such as 碳素): the bigram index (migration certificates 0019) —
      unless the gram is common (more than `common_gram()` postings, e.g. 有限, 公司): then the scan in number
      order, which stops at the page size, is the cheaper plan. PostgreSQL: the planner's estimate of the
      gram's postings from the indexed array's statistics (most common elements) decides (`_pg_estimate`);
      SQLite's planner knows only the average postings per gram, so a probe `LIMIT 1 OFFSET common_gram()` on
      the side table decides. The same probe on the FTS5 table sends a common longer fragment on SQLite
      (有限公司) to the scan.
    - One character: the scan in number order (a unigram is in most names; not indexed).
    Each statement is compiled once (register/prepared.py: compiling took most of a search's time in the
    process) and never prepared on the PostgreSQL server: its best plan depends on the fragment."""
    shape, narrowing = _name_plan(q)
    return BY_NAME[current_only, shape].run(q, *narrowing)


def _name_plan(q: str) -> tuple[str, tuple]:
    """Which statement finds the names containing `q` ("scan" or a key of NARROWING), and its narrowing value."""
    sqlite = connection.vendor == "sqlite"
    if len(q) == BIGRAM:
        if not sqlite:
            common = _pg_estimate(f"{PG_BIGRAMS}(organisation_name::text) @> ARRAY[upper(%s)]", [q]) > common_gram()
            return ("scan", ()) if common else ("pg_bigram", (q,))
        shape, value = "bigram", q
    elif sqlite and len(q) >= TRIGRAM:
        shape, value = "fts", '"' + q.replace('"', '""') + '"'  # an FTS5 string: every character literal
    else:
        return "scan", ()
    return ("scan", ()) if _common(NARROWING[shape], [value]) else (shape, (value,))


NARROWING = {  # the candidates' keys (SQLite) or the index condition (PostgreSQL), for one value
    "bigram": f"SELECT certificate_id FROM {NAME_BIGRAMS} WHERE gram = upper(%s)",
    "fts": f"SELECT rowid FROM {NAME_FTS} WHERE {NAME_FTS} MATCH %s",
    "pg_bigram": f'{PG_BIGRAMS}("certificates_certificate"."organisation_name"::text) @> ARRAY[upper(%s)]',
}


def _name_statement(current_only: bool, shape: str) -> Prepared:
    def build(fragment, *narrowing):
        qs = Certificate.objects.order_by("number").only(*PUBLIC_COLUMNS)
        qs = current(qs) if current_only else marked(qs)
        qs = qs.filter(organisation_name__icontains=fragment)
        if shape == "pg_bigram":
            qs = qs.filter(RawSQL(NARROWING[shape], narrowing, output_field=BooleanField()))
        elif shape != "scan":
            qs = qs.filter(pk__in=RawSQL(NARROWING[shape], narrowing))
        return qs[:REGISTER_PAGE_SIZE]
    return Prepared(build, on_server=False)


BY_NAME = {(current_only, shape): _name_statement(current_only, shape)
           for current_only in (True, False) for shape in ("scan", *NARROWING)}


def _pg_estimate(condition: str, params: list) -> float:
    # The planner's own row estimate for the gram, from the indexed array's statistics (most common elements):
    # planning only, a fraction of a millisecond. Asked alone because, combined with the `icontains` that
    # matches exactly the same rows, the planner multiplies the two selectivities (北京, in 2 % of the names,
    # became 0.04 %) and chose the index and a sort of every match over the short scan in number order.
    with connection.cursor() as cur:
        cur.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM certificates_certificate WHERE {condition}", params)
        plan = cur.fetchone()[0]
    return float((json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"])


def _common(sql: str, params: list) -> bool:
    # Reads at most common_gram() postings (the side table's primary key, or FTS5's doclists): about a
    # millisecond, against the hundreds a common fragment costs through the index.
    with connection.cursor() as cur:
        cur.execute(f"{sql} LIMIT 1 OFFSET %s", [*params, common_gram()])
        return cur.fetchone() is not None


def public_history_labels() -> dict:
    """What the public sees of a certificate's history: the kind of change, never internal reasons. Translated
    once per language and process (every certificate page asks: docs/performance.md); a copy, for the caller."""
    return dict(_history_labels(translation.get_language()))


@cache
def _history_labels(language: str | None) -> dict:
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
