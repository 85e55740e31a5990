"""Check-in anomalies of an audit and their explanations (CB-checkin; docs/obligations.md "审核签到").

The anomalies are computed, never stored (audits/checklists/checkin_rules.py): from the plan's days and the
recorded check-ins. What is stored is each side's explanation of an anomaly — the audit team's (an auditor
on the team) and the body's (a programme manager) — as the CNCA system asks both; the body's is due 5 working
days after the audit's last day (working-day calendar, ops/calendar.py). The sweep reminds the programme
managers once when that day is near and once when it has passed with an anomaly still unexplained by the body.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.checklists import checkin_rules as rules
from tancert.audits.models import Audit
from tancert.audits.models.checklists import CheckInExplanation
from tancert.ops.calendar import add_working_days
from tancert.ops.notifications.send import send
from tancert.ops.reminders import remind_once
from tancert.people.models import Role
from tancert.records import chain
from tancert.scheme.violations import require

MAX_TEXT = 2000
NEAR = timedelta(days=2)  # "near the deadline": the sweep's first reminder
SWEEP_DAYS = 60  # audits that ended longer ago were reminded already (the deadline is ~1–2 weeks)
PARTY_ZH = {CheckInExplanation.AUDITOR: "审核员", CheckInExplanation.BODY: "认证机构"}


@dataclass
class Row:
    anomaly: rules.Anomaly
    auditor: CheckInExplanation | None = None
    body: CheckInExplanation | None = None

    @property
    def key(self) -> str:
        return self.anomaly.key


@dataclass
class Overview:
    required: bool
    rows: list[Row]
    deadline: date
    overdue: bool

    @property
    def unexplained_by_body(self) -> int:
        return sum(1 for r in self.rows if r.body is None)


def meetings_of(audit: Audit) -> rules.Meetings:
    # The plan stores days only; the meeting times stay unknown (checkin_rules: day-level windows).
    return rules.Meetings(first_day=audit.start_date, last_day=audit.end_date)


def seen_of(audit: Audit) -> list[rules.Seen]:
    # No position is recorded (the location is free text): the distance rule is not judged.
    return [rules.Seen(c.meeting, timezone.localtime(c.at)) for c in audit.checkins.all()]


def anomalies(audit: Audit, today: date | None = None) -> list[rules.Anomaly]:
    if not audit.checkin_required or audit.status == Audit.CANCELLED:
        return []
    return rules.anomalies(meetings_of(audit), seen_of(audit), today=today or timezone.localdate())


def deadline(audit: Audit) -> date:
    return rules.explanation_deadline(audit.end_date, lambda d, n: add_working_days(d, n).date)


def overview(audit: Audit, today: date | None = None) -> Overview:
    today = today or timezone.localdate()
    found = {(e.anomaly, e.party): e for e in audit.checkin_explanations.select_related("by")}
    rows = [Row(a, found.get((a.key, CheckInExplanation.AUDITOR)), found.get((a.key, CheckInExplanation.BODY)))
            for a in anomalies(audit, today)]
    due = deadline(audit)
    return Overview(audit.checkin_required, rows, due, today > due and any(r.body is None for r in rows))


def explain(audit: Audit, *, by, anomaly: str, party: str, text: str) -> CheckInExplanation:
    """An auditor on the team explains for the team, a programme manager for the body (CB-checkin)."""
    on_team = by.is_authenticated and audit.team.filter(user=by).exists()
    manager = by.is_authenticated and by.has_role(Role.PROGRAMME_MANAGER) and not by.is_client
    if not (on_team or manager):
        raise PermissionDenied(_("Only the audit team or the programme manager can do this."))
    require(party in dict(CheckInExplanation.PARTIES), "CB-checkin", _("Say whether you explain for the team or the body."),
            field="party")
    if party == CheckInExplanation.AUDITOR:
        require(on_team, "CB-checkin", _("Only a member of the audit team explains for the team."), field="party")
    else:
        require(manager, "CB-checkin", _("Only the programme manager explains for the certification body."), field="party")
    current = {a.key: a for a in anomalies(audit)}
    require(anomaly in current, "CB-checkin", _("This audit has no such check-in anomaly."), field="anomaly")
    text = (text or "").strip()
    require(bool(text), "CB-checkin", _("Write the explanation."), field="text")
    require(len(text) <= MAX_TEXT, "CB-checkin", _("Keep the explanation within %(n)s characters."), field="text",
            params={"n": MAX_TEXT})
    require(not audit.checkin_explanations.filter(anomaly=anomaly, party=party).exists(), "CB-checkin",
            _("This side has already explained this anomaly."), field="anomaly")
    found = current[anomaly]
    try:
        with transaction.atomic():
            e = CheckInExplanation.objects.create(audit=audit, anomaly=anomaly, party=party, text=text, by=by)
            chain.append("audit.checkin_explained", subject=audit, by=by, organisation=audit.organisation_id,
                         summary=f"{PARTY_ZH[party]}说明签到异常（{found.label}）：{text[:200]}",
                         data={"anomaly": anomaly, "party": party, "text": text, "expected": found.expected,
                               "happened": found.happened})
    except IntegrityError:  # two at once: the unique constraint keeps one
        require(False, "CB-checkin", _("This side has already explained this anomaly."), field="anomaly")
    return e


def remind_missing_explanations(today: date) -> list[str]:
    """Sweep step: the programme managers are reminded once near the body's deadline and once after it, of an
    audit whose check-in anomalies are not all explained by the body."""
    sent = []
    recent = (Audit.objects.filter(checkin_required=True, end_date__lt=today,
                                   end_date__gte=today - timedelta(days=SWEEP_DAYS))
              .exclude(status=Audit.CANCELLED).select_related("organisation").prefetch_related("checkins"))
    for audit in recent:
        due = deadline(audit)
        if today < due - NEAR:
            continue
        view = overview(audit, today)
        if not view.unexplained_by_body:
            continue
        kind, state = ("checkin_explain_overdue", "已逾期") if today > due else ("checkin_explain_near", "即将到期")
        with transaction.atomic():
            if not remind_once(kind, f"audit:{audit.pk}", due):
                continue
            send("audit.checkin_explanation_due", audit=audit, state=state, due=due,
                 count=view.unexplained_by_body)
        sent.append(str(audit.pk))
    return sent
