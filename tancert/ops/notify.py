"""Notifications at each step: an in-app notice and an e-mail (console backend in the demo).

Called from actions inside their transaction; the notice rows commit with the action, the
e-mails go out only after the commit (side effects on commit, docs/architecture.md).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from tancert.ops.models import Notification
from tancert.people.models import User


def notify(users, subject: str, body: str = "", link: str = "") -> None:
    recipients = [u for u in users if u is not None and u.is_active]
    Notification.objects.bulk_create(
        [Notification(recipient=u, subject=subject[:200], body=body, link=link) for u in recipients])
    addresses = [u.email for u in recipients if u.email]
    if addresses:
        url = settings.TANCERT_BODY["public_url"].rstrip("/") + link if link else ""
        text = "\n\n".join(part for part in (body, url) if part)
        transaction.on_commit(lambda: send_mail(subject, text, None, addresses, fail_silently=True))


def organisation_users(org):
    return list(org.users.filter(is_active=True))


def staff_with_role(role: str):
    return list(User.objects.filter(role_grants__role=role, is_active=True).distinct())
