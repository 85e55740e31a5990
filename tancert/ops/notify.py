"""Older entry point, kept so that code written before the table still works: new code names its event in
the table (ops/notifications/table.py) and calls ``ops.notifications.send.send``."""

from __future__ import annotations

from tancert.ops.notifications.send import staff_with_role

__all__ = ["notify", "organisation_users", "staff_with_role"]


def notify(users, subject: str, body: str = "", link: str = "") -> None:
    from tancert.ops.models import Notification

    Notification.objects.bulk_create([Notification(recipient=u, subject=subject[:200], body=body, link=link)
                                      for u in users if u is not None and u.is_active])


def organisation_users(org):
    return list(org.users.filter(is_active=True))
