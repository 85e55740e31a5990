"""Public lookups (R9.2-lookup): rate-limited per client address and logged.

The limit is a fixed one-minute window per address, counted in the database (LookupWindow) by one
atomic insert-or-increment, so every worker process and every server shares one count — a per-process
cache would multiply the limit by the number of workers. Rows of past minutes are purged when a new
minute's row is written. Over the limit the caller raises `Refused`: the register answers 429 with
Retry-After (seconds to the next window) and the refused lookup is logged too (docs/certificates.md).

With `REDIS_URL` set, the same windows are counted in Redis instead (one INCR and EXPIRE per lookup in a
MULTI block, so concurrent workers never lose a count), which takes the count off the database of a busy
register; an unreachable Redis falls back to the database count rather than to no limit (docs/security.md).
"""

from __future__ import annotations

import logging
import threading
import time
from functools import cache

from django.conf import settings
from django.db import connection, transaction
from django.utils.translation import gettext as _

from tancert.certificates.models import LookupWindow
from tancert.certificates.register import lookuplog
from tancert.scheme.violations import switched_off

log_ = logging.getLogger(__name__)
REDIS_PREFIX = "tancert:lookup:"
LEASE_MAX = 256
LEASE_SHARE = 64

_leases_lock = threading.Lock()
_leases: dict[tuple[str, int], list[int]] = {}  # (address, minute) → [lookups held, shared count at the claim]


class Refused(Exception):
    """A lookup over the address's limit; `retry` seconds until the window resets."""

    def __init__(self, retry: int):
        self.retry = retry
        super().__init__(retry)

    @property
    def message(self) -> str:
        return _("Too many lookups from your address in the last minute. Please try again in %(n)d seconds.") % {
            "n": self.retry}


def client_address(request) -> str:
    header = getattr(settings, "TANCERT_CLIENT_ADDRESS_HEADER", "")
    if header and request.META.get(header):
        # A proxy header lists the chain; the first entry is the original client.
        return request.META[header].split(",")[0].strip()[:64]
    return (request.META.get("REMOTE_ADDR") or "unknown")[:64]


def _count(address: str, minute: int, claim: int = 1) -> int:
    """This address's count in this minute after adding `claim` lookups to it, from the configured store."""
    url = getattr(settings, "TANCERT_REDIS_URL", "")
    if url:
        try:
            return _count_in_redis(url, address, minute, claim)
        except _redis_errors() as exc:
            log_.warning("lookup limit: Redis unreachable (%s), counting in the database", exc)
    return _count_in_database(address, minute, claim)


@cache
def _redis(url: str):
    """One connection pool per URL and process (redis-py's client is thread-safe)."""
    import redis
    from redis.backoff import NoBackoff
    from redis.retry import Retry

    # No retries: a retried INCR whose answer was lost would count one lookup twice; a failure falls back to the
    # database count instead (_count).
    return redis.Redis.from_url(url, socket_timeout=3, socket_connect_timeout=1, retry=Retry(NoBackoff(), 0))


def _redis_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.RedisError, OSError)


def _count_in_redis(url: str, address: str, minute: int, claim: int = 1) -> int:
    """INCR and EXPIRE in one MULTI: atomic for every worker; the key outlives its minute by one, then Redis
    drops it (no purge needed)."""
    key = f"{REDIS_PREFIX}{minute}:{address}"
    pipe = _redis(url).pipeline(transaction=True)
    pipe.incrby(key, claim)
    pipe.expire(key, 120)
    hits, _ = pipe.execute()
    return int(hits)


def _count_in_database(address: str, minute: int, claim: int = 1) -> int:
    """This address's lookups in this minute, the current one included: one statement, atomic in SQLite
    and PostgreSQL alike (the unique constraint arbitrates concurrent first lookups)."""
    table = connection.ops.quote_name(LookupWindow._meta.db_table)
    sql = (f"INSERT INTO {table} (client, minute, hits) VALUES (%s, %s, %s) "
           f"ON CONFLICT (client, minute) DO UPDATE SET hits = {table}.hits + %s RETURNING hits")
    # The count does not wait for the disk: waiting for the log's flush of every count cost a lookup more
    # than all the rest of it (docs/performance.md, Public register). A crash of the machine (not of the
    # process) may forget the last counts of the current minute; certification data keeps its full commits.
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            with transaction.atomic():
                cur.execute("SET LOCAL synchronous_commit TO OFF")
                cur.execute(sql, [address, minute, claim, claim])
                hits = cur.fetchone()[0]
        elif connection.vendor == "sqlite" and not connection.in_atomic_block:
            # Per connection and only outside a transaction (SQLite refuses it inside one; there the enclosing
            # transaction's commit decides): NORMAL for this one commit, then FULL as before.
            cur.execute("PRAGMA synchronous = NORMAL")
            try:
                cur.execute(sql, [address, minute, claim, claim])
                hits = cur.fetchone()[0]
            finally:
                cur.execute("PRAGMA synchronous = FULL")
        else:
            cur.execute(sql, [address, minute, claim, claim])
            hits = cur.fetchone()[0]
    if hits == claim:  # the address's first lookup this minute: the windows before the last one are done with
        LookupWindow.objects.filter(minute__lt=minute - 1).delete()
    return hits


def allow(address: str) -> tuple[bool, int]:
    """(allowed, seconds until the window resets)."""
    now = time.time()
    minute = int(now // 60)
    retry = max(1, 60 - int(now % 60))
    limit = settings.TANCERT_LOOKUPS_PER_MINUTE
    key = (address, minute)
    with _leases_lock:
        lease = _leases.get(key)
        if lease and lease[0] > 0:  # a lookup this process claimed from the shared count already
            lease[0] -= 1
            return True, retry
        seen = lease[1] if lease else 0
    claim = min(LEASE_MAX, max(1, (limit - seen) // LEASE_SHARE))
    hits = _count(address, minute, claim)
    granted = min(claim, max(0, limit - (hits - claim)))  # never beyond the limit, whatever others claimed
    # The limit keeps the lookup open to everyone (R9.2-lookup); switchable for `tancert rules --mutate`.
    within = granted > 0 or switched_off("R9.2-lookup")  # enforces: R9.2-lookup
    with _leases_lock:
        if key not in _leases:  # a new window: the leases of past minutes are void
            for old in [k for k in _leases if k[1] < minute]:
                del _leases[old]
        lease = _leases.setdefault(key, [0, 0])
        lease[0] += max(0, granted - 1)
        lease[1] = max(lease[1], hits)
    return within, retry


def forget_leases() -> None:
    """Drop this process's unspent leases (tests; a changed limit)."""
    with _leases_lock:
        _leases.clear()


def admit(request, channel: str, query: str) -> str:
    """The client's address when the lookup is within the limit; raises Refused (logged) otherwise."""
    address = client_address(request)
    allowed, retry = allow(address)
    if not allowed:
        log(address, channel, query, 0, limited=True)
        raise Refused(retry)
    return address


def log(address: str, channel: str, query: str, found: int, limited: bool = False) -> None:
    """Log the lookup (R9.2-lookup): batched off the request path (register/lookuplog.py)."""
    lookuplog.record(address, channel, query, found, limited)
