"""Sending a notice of the table (ops/notifications/table.py): who, what, and when.

Called by actions inside their transaction. The in-app rows are written in that transaction, so a rolled-back
action notifies nobody; the e-mails go out only after the commit (``transaction.on_commit``, side effects on
commit: docs/architecture.md), one message per person so that no one sees another's address.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from tancert.ops.models import Notification
from tancert.ops.notifications.table import CLIENT, EVENTS, LEADER, NAMED, TEAM
from tancert.people.models import User

log = logging.getLogger(__name__)

EMAIL_FOOTER = "——\n{body}\n此邮件由系统自动发送。不需要邮件通知时，可在“我的账户”页面关闭：{me}"


def staff_with_role(role: str) -> list:
    # A client account never holds a role (people/accounts/manage.py); the filter keeps the wall if one did.
    return list(User.objects.filter(role_grants__role=role, is_active=True, organisation__isnull=True).distinct())


def _team(audit, *, leader_only: bool) -> list:
    members = audit.team.select_related("user")
    if leader_only:
        members = members.filter(role="leader")
    return [m.user for m in members]


def recipients(event: str, *, organisation=None, audit=None, users=(), by=None, exclude=()) -> list:
    """The people a notice of `event` reaches — the table's audience resolved for these objects."""
    notice = EVENTS[event]
    if organisation is None and audit is not None:
        organisation = audit.organisation
    found: list = []
    named = {u.pk for u in users if u is not None} if NAMED in notice.audience else set()
    for audience in notice.audience:
        if audience == CLIENT:
            found += list(organisation.users.all()) if organisation is not None else []
        elif audience in (LEADER, TEAM):
            found += _team(audit, leader_only=audience == LEADER) if audit is not None else []
        elif audience == NAMED:
            found += [u for u in users if u is not None]
        else:
            found += staff_with_role(audience)
    skip = {u.pk for u in exclude if u is not None}
    if by is not None and getattr(by, "pk", None) and NAMED not in notice.audience:
        skip.add(by.pk)  # the one who acted knows
    out, seen = [], set()
    for user in found:
        if user.pk in skip or user.pk in seen or not user.is_active:
            continue
        # Roles are walls: a client user hears only of its own organisation — unless the action names them
        # (the client who lodged a complaint hears of its outcome).
        if user.organisation_id is not None and user.pk not in named and (
                organisation is None or user.organisation_id != organisation.pk):
            continue
        seen.add(user.pk)
        out.append(user)
    return out


def render(event: str, **context) -> tuple[str, str, str]:
    notice = EVENTS[event]
    return (notice.subject.format_map(context)[:200], notice.body.format_map(context).strip(),
            notice.link.format_map(context)[:300])


def send(event: str, *, organisation=None, audit=None, users=(), by=None, exclude=(), **params) -> list:
    """Write the notice for everyone the table names and e-mail those who want e-mail, after the commit."""
    if organisation is None and audit is not None:
        organisation = audit.organisation
    people = recipients(event, organisation=organisation, audit=audit, users=users, by=by, exclude=exclude)
    if not people:
        return []
    subject, body, link = render(event, organisation=organisation, audit=audit, **params)
    notes = Notification.objects.bulk_create(
        [Notification(event=event, recipient=u, subject=subject, body=body, link=link) for u in people])
    addresses = [u.email for u in people if u.email and u.email_notifications]
    if addresses:
        transaction.on_commit(lambda: mail(subject, body, link, addresses), robust=True)
    return notes


def mail(subject: str, body: str, link: str, addresses: list[str]) -> None:
    base = settings.TANCERT_BODY["public_url"].rstrip("/")
    text = "\n\n".join(part for part in (body, base + link if link else "") if part)
    text += "\n\n" + EMAIL_FOOTER.format(body=settings.TANCERT_BODY["name_zh"], me=f"{base}/me/")
    prefix = f"[{settings.TANCERT_BODY['name_zh']}] "
    messages = [EmailMessage(prefix + subject, text, None, [address]) for address in addresses]
    try:
        get_connection().send_messages(messages)
    except OSError:
        # The notice is in the app already; a mail server that is down must not undo the action.
        log.exception("notification e-mail not sent: %s", subject)
