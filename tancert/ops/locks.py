"""Locks that hold across processes and servers (docs/deployment.md: several app servers share one PostgreSQL).

A row lock (select_for_update) serialises work on one existing row. Some work has no row to lock — the next
certificate number is counted over all certificates — and a lock inside one Python process would not stop a
second gunicorn worker or a second server. A PostgreSQL advisory lock does: it lives in the database that every
process shares.
"""

from __future__ import annotations

import hashlib

from django.db import connection


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for `name` (pg_advisory_xact_lock takes a bigint); prefixed so that another
    application's advisory locks in the same database cannot collide with ours by accident."""
    return int.from_bytes(hashlib.sha256(b"tancert:" + name.encode()).digest()[:8], "big", signed=True)


def hold_until_commit(name: str) -> None:
    """Until the current transaction ends, no other transaction — in any process on any server — holds `name`;
    a second caller waits here.

    PostgreSQL: a transaction-level advisory lock, released by the commit or the rollback (never leaked by a
    crashed request). SQLite: nothing to do — its IMMEDIATE transactions already let one writer in at a time
    (settings.py), and SQLite is never shared by several servers.
    """
    if connection.vendor != "postgresql":
        return
    if not connection.in_atomic_block:
        # Outside a transaction the lock would end with the statement and protect nothing.
        raise RuntimeError("hold_until_commit() must run inside transaction.atomic()")
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [advisory_key(name)])
