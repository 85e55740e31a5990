"""Reminders sent at most once: the memory every idempotent sweep step uses (docs/architecture.md,
"Deadlines, notifications and sweeps").

Each app owns its reminder steps (clients/reminders.py, audits/programme/reminders.py,
certificates/enforcement.py, certificates/export/regulator.py); ``tancert/sweep.py`` composes them.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

from tancert.ops.models import Reminder

SWEEP_RAN = "sweep_ran"  # the mark `tancert sweep` leaves once a day (the administrator's home reads it)


def remind_once(kind: str, key: str, due: date) -> bool:
    """Claim the reminder; False when an earlier run (or a worker running at the same time) already sent it.

    The unique Reminder row is the claim: two sweeps at once get one winner, never two notifications.
    """
    try:
        with transaction.atomic():
            Reminder.objects.create(kind=kind, subject_key=key, due=due)
        return True
    except IntegrityError:
        return False
