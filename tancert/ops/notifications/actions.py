"""Reading one's notices. Marking a notice read is the reader's own bookkeeping, not a step of certification:
it changes nothing anyone else sees, so it appends no record (the notice itself was sent by a recorded
action)."""

from __future__ import annotations

from django.utils import timezone


def mark_read(user, note_id: int) -> int:
    """Mark one of the user's own notices read; another's (or none) changes nothing."""
    return user.notifications.filter(pk=note_id, read_at__isnull=True).update(read_at=timezone.now())


def mark_all_read(user) -> int:
    return user.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
