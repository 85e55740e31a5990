"""Periodic work, safe to run twice: `tancert sweep` (a timer or a long-running worker calls it).

This module only composes; each step is a public function of the app that owns the data, and each
claims its reminders through ``ops.reminders.remind_once`` so that a second run sends nothing twice:

- certificates past their validity expire (R9.2-validity);
- reviewers are reminded of acceptance deadlines due tomorrow (R7.2-deadline);
- overdue surveillance, majors unverified after their deadline and ended suspensions are proposed to decision makers, holders are reminded
  when the renewal window opens (certificates/enforcement.py);
- programme managers are reminded of programme windows closing within 30 days and of overdue ones;
- the certificate administrators are reminded of the monthly regulator report;
- programme managers are reminded of complaints not answered by their due day (CB-complaint-decide);
- clients and team leaders are reminded of nonconformities whose answer is overdue (R8.1.3-F5);
- programme managers are reminded of check-in anomalies the body has not explained near and after the
  5-working-day deadline (CB-checkin).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from tancert.audits.checklists.explanations import remind_missing_explanations
from tancert.audits.findings.reminders import remind_overdue_findings
from tancert.audits.programme.reminders import remind_programme_windows as programme_reminders
from tancert.certificates import enforcement
from tancert.certificates.actions import expire_certificates
from tancert.certificates.complaints.actions import remind_complaints
from tancert.certificates.export import regulator as export
from tancert.clients.reminders import remind_acceptance_deadlines as acceptance_reminders
from tancert.ops.reminders import SWEEP_RAN, remind_once


@dataclass
class SweepReport:
    expired: list[str] = field(default_factory=list)
    reminded: list[str] = field(default_factory=list)
    suspension_proposed: list[str] = field(default_factory=list)
    majors_proposed: list[str] = field(default_factory=list)
    withdrawal_proposed: list[str] = field(default_factory=list)
    renewal_reminded: list[str] = field(default_factory=list)
    windows_reminded: list[str] = field(default_factory=list)
    export_reminded: list[str] = field(default_factory=list)
    complaints_reminded: list[str] = field(default_factory=list)
    findings_reminded: list[str] = field(default_factory=list)
    checkins_reminded: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        parts = [("expired certificates", self.expired), ("deadline reminders", self.reminded),
                 ("suspensions proposed (surveillance overdue)", self.suspension_proposed),
                 ("suspensions proposed (major nonconformity unverified)", self.majors_proposed),
                 ("withdrawals proposed (suspension ended)", self.withdrawal_proposed),
                 ("renewal reminders", self.renewal_reminded),
                 ("programme windows due or overdue", self.windows_reminded),
                 ("regulator report reminders", self.export_reminded),
                 ("complaints due", self.complaints_reminded),
                 ("nonconformity answers overdue", self.findings_reminded),
                 ("check-in anomalies unexplained", self.checkins_reminded)]
        return [f"{label}: {len(items)} {' '.join(items)}".rstrip() for label, items in parts]


def run(today: date | None = None) -> SweepReport:
    today = today or timezone.localdate()
    report = SweepReport()
    report.expired = expire_certificates(today=today)
    report.reminded = acceptance_reminders(today)
    report.suspension_proposed = enforcement.propose_suspensions_for_overdue_surveillance(today)
    report.majors_proposed = enforcement.propose_suspensions_for_unverified_majors(today)
    report.withdrawal_proposed = enforcement.propose_withdrawals_for_unresolved_suspensions(today)
    report.renewal_reminded = enforcement.remind_renewals(today)
    report.windows_reminded = programme_reminders(today)
    report.export_reminded = export.remind(today)
    report.complaints_reminded = remind_complaints(today)
    report.findings_reminded = remind_overdue_findings(today)
    report.checkins_reminded = remind_missing_explanations(today)
    # The day's run leaves its mark, so the administrator's home shows when the sweep last ran.
    remind_once(SWEEP_RAN, "sweep", today)
    return report
