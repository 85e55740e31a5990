"""The findings' part of the sweep: a nonconformity whose corrective action is not in by its due date is
reminded once to the client and the team leader (R8.1.3-F5; the table: ops/notifications/table.py)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from tancert.audits.models import Audit, Finding
from tancert.ops.notifications.send import send
from tancert.ops.reminders import remind_once


def remind_overdue_findings(today: date) -> list[str]:
    sent = []
    late = (Finding.objects.filter(status__in=(Finding.OPEN, Finding.RETURNED), due_date__lt=today)
            .exclude(audit__status=Audit.CANCELLED).select_related("audit__organisation"))
    for finding in late:
        if not finding.is_nonconformity:
            continue
        with transaction.atomic():
            if not remind_once("finding_overdue", f"finding:{finding.pk}", finding.due_date):
                continue
            send("finding.overdue", audit=finding.audit, finding=finding)
        sent.append(f"{finding.audit_id}#{finding.number}")
    return sent
