"""The audit programme's part of the sweep: programme managers — and the client, who must prepare — hear once
of each window closing within 30 days without a planned audit, and once more when it is overdue
(R8.1.1-interval)."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from tancert.audits.models import ProgrammeEntry
from tancert.ops.notifications.send import send
from tancert.ops.reminders import remind_once


def remind_programme_windows(today: date, within_days: int = 30) -> list[str]:
    """Programme managers hear once of each surveillance / recertification window closing within
    30 days without a planned audit, and once more when it is overdue (R8.1.1-interval)."""
    sent = []
    open_entries = ProgrammeEntry.objects.filter(
        superseded_at__isnull=True, latest__isnull=False, latest__lte=today + timedelta(days=within_days),
        kind__in=(ProgrammeEntry.SURVEILLANCE, ProgrammeEntry.EXTRA, ProgrammeEntry.RECERTIFICATION),
    ).select_related("programme__organisation", "audit")
    for e in open_entries:
        if e.audit_id and e.audit.status != "cancelled":
            continue
        overdue = e.latest < today
        kind = "programme_window_overdue" if overdue else "programme_window_due"
        org = e.programme.organisation
        with transaction.atomic():
            if not remind_once(kind, f"entry:{e.pk}", e.latest):
                continue
            state = "已逾期" if overdue else "即将到期"
            facts = {"organisation": org, "state": state, "window": e.label_zh(), "earliest": e.earliest,
                     "latest": e.latest}
            send("programme.window_due", **facts)
            send("surveillance.due", **facts)
        sent.append(f"{e.pk}:{'overdue' if overdue else 'due'}")
    return sent
