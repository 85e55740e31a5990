"""Retired: the notices of the actions that still call ``notify()`` are sent from the one table
(ops/notifications/table.py) when their record is appended (ops/notifications/triggers.py), so this call does
nothing.

Why the calls are still there: they sit inside functions that check rule keys, and any change to such a function
makes the key's mutation result stale (docs/rules.md, `tancert rules --check-mutation`). They go when those keys'
mutation runs are next repeated. New code never calls this: it names its event in the table and calls
``ops.notifications.send.send`` — or lets the record trigger it.
"""

from __future__ import annotations

from tancert.ops.notifications.send import staff_with_role

__all__ = ["notify", "organisation_users", "staff_with_role"]


def notify(users, subject: str, body: str = "", link: str = "") -> None:
    """Does nothing (see above): the record's trigger sends this notice from the table."""


def organisation_users(org):
    return list(org.users.filter(is_active=True))
