"""The public lookup log (R9.2-lookup) written off the request path.

One INSERT per lookup, in the request, serialised the register's requests on the database's write lock
(SQLite has one writer) and cost every lookup a round trip (docs/performance.md, Public register). Rows now
wait in this worker's memory; a background thread writes them in one `bulk_create` at most
`TANCERT_LOOKUP_LOG_FLUSH_SECONDS` later (0 = the old way, one INSERT in the request).

Nothing is lost on a clean stop: `shutdown()` runs at interpreter exit (gunicorn's worker exits with
`sys.exit`, so the atexit hook runs on SIGTERM/SIGHUP/SIGQUIT of the worker and on a normal end of any
command) and writes what waits. A crash of the worker (SIGKILL, OOM, power loss) loses the rows of at most
the last flush interval of that worker, and a failed write is retried at the next flush while fewer than
`MAX_PENDING` rows wait (docs/performance.md, "Lookup log"). The time of each row is the time of the
lookup, not of the write.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading

from django.conf import settings
from django.db import connection
from django.utils import timezone

from tancert.certificates.models import LookupLog

log_ = logging.getLogger(__name__)
MAX_PENDING = 50_000  # a database down for long: beyond this, rows are dropped (with a warning), not memory

_lock = threading.Lock()
_pending: list[LookupLog] = []
_state = {"pid": None, "thread": None, "stop": None}


def record(address: str, channel: str, query: str, found: int, limited: bool) -> None:
    row = LookupLog(at=timezone.now(), client=address, channel=channel, query=(query or "")[:100], found=found,
                    limited=limited)
    if settings.TANCERT_LOOKUP_LOG_FLUSH_SECONDS <= 0:
        row.save()
        return
    with _lock:
        if len(_pending) >= MAX_PENDING:
            log_.warning("lookup log: %d rows wait, dropping one", len(_pending))
            return
        _pending.append(row)
    _ensure_writer()


def pending() -> int:
    with _lock:
        return len(_pending)


def flush() -> int:
    """Write every waiting row in one batch; the number written. A failed write puts the rows back."""
    with _lock:
        batch = _pending[:]
        _pending.clear()
    if not batch:
        return 0
    try:
        LookupLog.objects.bulk_create(batch, batch_size=1000)
    except Exception:  # the database is away: keep the rows for the next flush (bounded by MAX_PENDING)
        log_.exception("lookup log: writing %d rows failed, retrying at the next flush", len(batch))
        with _lock:
            _pending[:0] = batch[:max(0, MAX_PENDING - len(_pending))]
        return 0
    return len(batch)


def _ensure_writer() -> None:
    """Start this process's writer thread once (again after a fork: threads do not survive one)."""
    if _state["pid"] == os.getpid():
        return
    with _lock:
        if _state["pid"] == os.getpid():
            return
        stop = threading.Event()
        thread = threading.Thread(target=_write_loop, args=(stop,), name="lookup-log", daemon=True)
        _state.update(pid=os.getpid(), thread=thread, stop=stop)
        thread.start()


def _write_loop(stop: threading.Event) -> None:
    while not stop.wait(settings.TANCERT_LOOKUP_LOG_FLUSH_SECONDS or 1.0):
        flush()
        connection.close_if_unusable_or_obsolete()  # this thread's own connection, like a request's
    connection.close()


def shutdown() -> int:
    """Stop the writer and write what waits (the clean-stop path); the number of rows written."""
    stop, thread = _state["stop"], _state["thread"]
    if stop is not None and _state["pid"] == os.getpid():
        stop.set()
        thread.join(timeout=10)
    _state.update(pid=None, thread=None, stop=None)
    return flush()


atexit.register(shutdown)
