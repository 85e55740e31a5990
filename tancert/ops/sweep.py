"""Periodic work, safe to run twice (idempotent sweeps a timer calls, docs/architecture.md).

- certificates past their validity expire;
- reviewers are reminded of acceptance deadlines due tomorrow (R7.2-deadline), once per
  application and deadline: the Reminder row is the memory that makes a second run silent;
- certificates: overdue surveillance and ended suspensions are proposed to decision makers,
  holders are reminded when the renewal window opens (certificates/enforcement.py);
- programme managers are reminded of programme windows closing within 30 days and of overdue ones
  (audit programme, docs/planning.md), once each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from tancert.ops.models import Reminder
from tancert.ops.notify import notify, staff_with_role


@dataclass
class SweepReport:
    expired: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    suspension_proposed: list[str] = field(default_factory=list)
    withdrawal_proposed: list[str] = field(default_factory=list)
    renewal_reminded: list[str] = field(default_factory=list)
    windows_reminded: list[str] = field(default_factory=list)
    export_reminded: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        parts = [("expired certificates", self.expired), ("deadline reminders", self.reminded),
                 ("suspensions proposed (surveillance overdue)", self.suspension_proposed),
                 ("withdrawals proposed (suspension ended)", self.withdrawal_proposed),
                 ("renewal reminders", self.renewal_reminded),
                 ("programme windows due or overdue", self.windows_reminded),
                 ("regulator report reminders", self.export_reminded)]
        return [f"{label}: {len(items)} {' '.join(items)}".rstrip() for label, items in parts]


def _remind_once(kind: str, key: str, due: date) -> bool:
    """Claim the reminder; False when an earlier run already sent it."""
    try:
        with transaction.atomic():
            Reminder.objects.create(kind=kind, subject_key=key, due=due)
        return True
    except IntegrityError:
        return False


def remind_acceptance_deadlines(today: date) -> list[str]:
    from tancert.clients.models import Application
    from tancert.people.models import Role

    tomorrow = today + timedelta(days=1)
    sent = []
    reviewers = staff_with_role(Role.APPLICATION_REVIEWER)
    for app in Application.objects.filter(status=Application.SUBMITTED, review_deadline=tomorrow).select_related(
            "organisation"):
        with transaction.atomic():
            if not _remind_once("acceptance_deadline", f"application:{app.pk}", tomorrow):
                continue
            notify(reviewers, f"明天到期：{app.organisation.name} 的认证申请需在 {tomorrow} 前作出受理决定",
                   "R7.2-deadline：资料齐全后 3 个工作日内作出受理或不予受理的决定。", f"/applications/{app.pk}/")
        sent.append(str(app.pk))
    return sent


def remind_programme_windows(today: date, within_days: int = 30) -> list[str]:
    """Programme managers hear once of each surveillance / recertification window closing within
    30 days without a planned audit, and once more when it is overdue (R8.1.1-interval)."""
    from tancert.audits.models import ProgrammeEntry
    from tancert.people.models import Role

    managers = staff_with_role(Role.PROGRAMME_MANAGER)
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
            if not _remind_once(kind, f"entry:{e.pk}", e.latest):
                continue
            state = "已逾期" if overdue else "即将到期"
            notify(managers, f"{state}：{org.name} 的{e.label_zh()}窗口 {e.earliest} 至 {e.latest}",
                   f"{e.rule}：监督审核间隔不超过 12 个月，请尽快策划审核。", f"/organisations/{org.pk}/programme/")
        sent.append(f"{e.pk}:{'overdue' if overdue else 'due'}")
    return sent


def run(today: date | None = None) -> SweepReport:
    from tancert.certificates import enforcement, export
    from tancert.certificates.actions import expire_certificates

    today = today or timezone.localdate()
    report = SweepReport()
    report.expired = expire_certificates(today=today)
    report.reminded = remind_acceptance_deadlines(today)
    report.suspension_proposed = enforcement.propose_suspensions_for_overdue_surveillance(today)
    report.withdrawal_proposed = enforcement.propose_withdrawals_for_unresolved_suspensions(today)
    report.renewal_reminded = enforcement.remind_renewals(today)
    report.windows_reminded = remind_programme_windows(today)
    report.export_reminded = export.remind(today)
    return report
