"""The work queues on the home pages (docs/web.md, "Homes as work queues"): one query function per role,
each returning rows with a due date and whether it is overdue, so the templates only lay them out.

The client's queue is built in two steps: ``client_state`` reads where the organisation stands and the pure
``tancert.web.nextstep.client_steps`` turns it into steps.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q

from tancert.audits import grades
from tancert.audits.models import (
    Audit,
    AuditPlanAnswer,
    AuditPlanDocument,
    AuditReport,
    AuditTeamMember,
    Finding,
)
from tancert.audits.programme.actions import expected_windows
from tancert.certificates.committee import decision_queue
from tancert.certificates.enforcement import next_surveillance_due
from tancert.certificates.models import (
    Certificate,
    ClientNotice,
    Decision,
    SuspensionEvidence,
    SuspensionProposal,
)
from tancert.clients.models import Application, Contract
from tancert.ops.models import Reminder
from tancert.ops.reminders import SWEEP_RAN
from tancert.web.nextstep import (
    ApplicationState,
    CertificateState,
    ClientState,
    FindingState,
    PlanState,
)

HORIZON_DAYS = 90  # how far ahead the programme manager sees surveillance falling due (R9.3-renewal's horizon)


@dataclass(frozen=True)
class Row:
    """One line of a staff queue: the object, its due date and how urgent it is."""

    obj: object
    due: date | None
    overdue: bool
    extra: object = None


def _row(obj, due, today, extra=None) -> Row:
    return Row(obj, due, due is not None and due < today, extra)


# --- the client ---------------------------------------------------------------------------------------


def current_application(org):
    """The application still on its way: not refused or withdrawn, and not yet concluded by a decision."""
    return (org.applications.exclude(status__in=[Application.REJECTED, Application.WITHDRAWN])
            .filter(decisions__isnull=True).order_by("-created_at").first())


def _surveillance_window(cert) -> tuple[date | None, date] | None:
    done = cert.audits.filter(kind=Audit.SURVEILLANCE, status=Audit.COMPLETED).count()
    planned = cert.audits.filter(kind=Audit.SURVEILLANCE, status__in=[Audit.PLANNED, Audit.IN_PROGRESS]).exists()
    for kind, seq, earliest, latest, _rule in expected_windows(cert):
        if kind == "surveillance" and seq > done and not planned:
            return earliest, latest
    return None


def client_state(org, today: date) -> ClientState:
    open_states = [Finding.OPEN, Finding.RETURNED]
    nc_grades = grades.codes_to(grades.VERIFY) + grades.codes_to(grades.ACCEPT)
    findings = [FindingState(f.pk, f.audit_id, f.number, f.get_grade_display(), f.due_date)
                for f in Finding.objects.filter(audit__organisation=org, status__in=open_states, grade__in=nc_grades)
                .exclude(audit__status=Audit.CANCELLED)]
    app = current_application(org)
    app_state = None
    if app is not None:
        contract = Contract.objects.filter(application=app).first()
        app_state = ApplicationState(app.pk, app.status, app.kind, getattr(app, "review_deadline", None),
                                     contract_to_sign=contract is not None and contract.status == Contract.ISSUED)
    certs = []
    # The newest certificate of each chain first; an ended one matters only when nothing newer holds.
    for cert in org.certificates.select_related("decision").order_by("-issue_date", "-pk"):
        status = cert.public_status
        certs.append(CertificateState(
            cert.pk, cert.number, status, cert.expiry_date, respond_by=cert.respond_by,
            renewal_applied=cert.renewal_application_id is not None,
            surveillance=_surveillance_window(cert) if status == Certificate.VALID else None,
            evidence_sent=status == Certificate.SUSPENDED and cert.suspension_evidence.filter(
                sent_at__gte=cert.status_changed_at or cert.created_at).exists()))
    plans = []
    for audit in org.audits.filter(status=Audit.PLANNED, end_date__gte=today).order_by("start_date"):
        doc = AuditPlanDocument.objects.filter(audit=audit).order_by("-version").first()
        if doc is not None:
            plans.append(PlanState(audit.pk, audit.get_kind_display(), audit.start_date, audit.end_date, doc.version))
    return ClientState(findings=findings, application=app_state, certificates=certs, plans=plans)


# --- the office ---------------------------------------------------------------------------------------


def reviewer_queue(today: date) -> list[Row]:
    """Submitted applications, the acceptance deadline first (R7.2-deadline: 3 working days)."""
    apps = Application.objects.filter(status=Application.SUBMITTED).select_related("organisation").order_by(
        "review_deadline", "submitted_at")
    return [_row(a, a.review_deadline, today) for a in apps]


def unpaid_contracts():
    return Contract.objects.filter(status=Contract.SIGNED).select_related("application__organisation").order_by(
        "signed_at")


def applications_to_plan(today: date) -> list[Row]:
    """Accepted applications with no stage 2 audit planned yet; the contract must be paid before planning."""
    apps = (Application.objects.filter(status=Application.ACCEPTED, decisions__isnull=True)
            .exclude(audits__kind__in=[Audit.STAGE2, Audit.RECERTIFICATION])
            .select_related("organisation", "contract").order_by("submitted_at"))
    return [_row(a, None, today, extra=getattr(a, "contract", None)) for a in apps]


def surveillance_due(today: date, horizon_days: int = HORIZON_DAYS) -> list[Row]:
    """Valid certificates whose next surveillance must end within the horizon and is not planned yet."""
    planned = Audit.objects.filter(certificate=OuterRef("pk"), kind=Audit.SURVEILLANCE,
                                   status__in=[Audit.PLANNED, Audit.IN_PROGRESS])
    rows = []
    for cert in (Certificate.objects.filter(status=Certificate.VALID, expiry_date__gte=today)
                 .annotate(planned=Exists(planned)).filter(planned=False)
                 .select_related("organisation", "decision")):
        due = next_surveillance_due(cert)
        if due is not None and due <= today + timedelta(days=horizon_days):
            rows.append(_row(cert, due, today))
    return sorted(rows, key=lambda r: r.due)


def notices_to_review(today: date) -> list[Row]:
    """Holders' notices of changes and serious events not yet resolved, the oldest first (CB-notice-review):
    each may call for an extra surveillance, a change or a suspension proposal. The scheme sets no deadline,
    so nothing is marked overdue; the day it was lodged is shown."""
    notices = (ClientNotice.objects.filter(state=ClientNotice.RECEIVED)
               .select_related("organisation", "certificate").order_by("lodged_at"))
    return [_row(n, None, today) for n in notices]


def leader_queues(user, today: date) -> dict:
    """What a team leader has to do: client answers to review, reports to sign, audits running today."""
    led = Audit.objects.filter(team__user=user, team__role=AuditTeamMember.LEADER).exclude(status=Audit.CANCELLED)
    answers = (Finding.objects.filter(audit__in=led, status=Finding.RESPONDED)
               .select_related("audit", "audit__organisation").order_by("responded_at"))
    signed = AuditReport.objects.filter(audit=OuterRef("pk"), superseded_at__isnull=True)
    to_sign = (led.filter(status=Audit.COMPLETED).annotate(signed=Exists(signed)).filter(signed=False)
               .select_related("organisation").order_by("end_date"))
    return {
        "answers": [_row(f, f.due_date, today, extra=f.audit) for f in answers],
        "to_sign": [_row(a, a.end_date, today) for a in to_sign],
        "plan_changes": plan_changes(today, led),
        "overdue": list(overdue_findings(today).filter(audit__in=led)),
    }


def plan_changes(today: date, audits=None) -> list[Row]:
    """Plans whose latest version the client asked to change (CB-audit-plan-agreed), on audits still to come
    or running: the leader or the programme manager issues a new version before the audit's first day."""
    newer = AuditPlanDocument.objects.filter(audit=OuterRef("plan__audit"), version__gt=OuterRef("plan__version"))
    answers = (AuditPlanAnswer.objects.filter(answer=AuditPlanAnswer.CHANGE,
                                              plan__audit__status__in=[Audit.PLANNED, Audit.IN_PROGRESS])
               .annotate(superseded=Exists(newer)).filter(superseded=False)
               .select_related("plan__audit__organisation", "answered_by").order_by("plan__audit__start_date"))
    if audits is not None:
        answers = answers.filter(plan__audit__in=audits)
    return [_row(a, a.plan.audit.start_date, today, extra=a.plan.audit) for a in answers]


def my_audits(user, today: date) -> dict:
    mine = (Audit.objects.filter(team__user=user).exclude(status__in=[Audit.COMPLETED, Audit.CANCELLED])
            .select_related("organisation").distinct().order_by("start_date"))
    rows = list(mine)
    return {"today": [a for a in rows if a.start_date <= today <= a.end_date],
            "open": [_row(a, a.end_date, today) for a in rows]}


def decider_queues(user, today: date) -> dict:
    proposals = (SuspensionProposal.objects.filter(state=SuspensionProposal.OPEN)
                 .select_related("certificate", "certificate__organisation").order_by("created"))
    evidence = (SuspensionEvidence.objects.filter(certificate__status=Certificate.SUSPENDED)
                .filter(sent_at__gte=_suspended_since())
                .select_related("certificate", "certificate__organisation", "sent_by").order_by("-sent_at"))
    return {
        "to_decide": [_row(a, None, today) for a in decision_queue(user)],
        "proposals": [_row(p, None, today) for p in proposals],
        "evidence": [_row(e, e.certificate.respond_by, today) for e in evidence],
    }


def _suspended_since():
    from django.db.models import F

    return F("certificate__status_changed_at")


def certificates_to_issue(today: date) -> list[Row]:
    decisions = (Decision.objects.filter(outcome__in=[Decision.GRANT, Decision.GRANT_REDUCED],
                                         certificates__isnull=True)
                 .select_related("organisation").order_by("decided_at"))
    return [_row(d, None, today) for d in decisions]


def admin_status(today: date) -> dict:
    """The system administrator's view: the record chain, the sweep, accounts locked out."""
    from tancert.people.accounts.lockout import current_lockouts
    from tancert.records import checkpoints
    from tancert.records.models import Event

    head = Event.objects.aggregate(seq=Max("seq"), n=Count("pk"))
    latest = checkpoints.latest()
    last_sweep = Reminder.objects.filter(kind=SWEEP_RAN).aggregate(at=Max("sent_at"))["at"]
    return {
        "events": head["n"] or 0, "head_seq": head["seq"] or 0,
        "checkpoint": latest, "unchecked": (head["seq"] or 0) - (latest["seq"] if latest else 0),
        "last_sweep": last_sweep,
        "sweep_late": last_sweep is None or last_sweep.date() < today - timedelta(days=1),
        "lockouts": current_lockouts(),
    }



def certificate_counts() -> list[tuple[str, str, int]]:
    counts = dict(Certificate.objects.values_list("status").annotate(n=Count("pk")))
    return [(code, str(label), counts.get(code, 0)) for code, label in Certificate.STATUSES]


def overdue_findings(today: date):
    """Nonconformities whose answer is overdue (the office sees them all; R7.5.2 holds the decision)."""
    return (Finding.objects.filter(status__in=[Finding.OPEN, Finding.RETURNED], due_date__lt=today)
            .filter(Q(grade__in=grades.codes_to(grades.VERIFY)) | Q(grade__in=grades.codes_to(grades.ACCEPT)))
            .select_related("audit", "audit__organisation").order_by("due_date"))


def certificates_by_month(today: date, months: int = 12) -> list[tuple[str, str, int]]:
    """Certificates issued in each of the last ``months`` months, oldest first (the chart on the office home)."""
    first = date(today.year, today.month, 1)
    for _i in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    issued = Certificate.objects.filter(issue_date__gte=first, issue_date__lte=today).values_list("issue_date",
                                                                                                     flat=True)
    counts: dict[tuple[int, int], int] = {}
    for d in issued:
        counts[(d.year, d.month)] = counts.get((d.year, d.month), 0) + 1
    rows, y, m = [], first.year, first.month
    for _i in range(months):
        rows.append(("count", f"{y}-{m:02d}", counts.get((y, m), 0)))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return rows


def audits_per_auditor(today: date, days: int = 365, limit: int = 12) -> list[tuple[str, str, int]]:
    """Audits each person was or will be on, from a year back to a year ahead — the programme manager's view of
    the load (R7.3 leaves the choice of team to them); the busiest first, by name."""
    rows = (AuditTeamMember.objects.exclude(audit__status=Audit.CANCELLED)
            .filter(audit__start_date__gte=today - timedelta(days=days),
                    audit__start_date__lte=today + timedelta(days=days))
            .values("user__pk", "user__display_name", "user__first_name", "user__last_name", "user__username")
            .annotate(n=Count("audit", distinct=True)).order_by("-n", "user__username")[:limit])
    out = []
    for r in rows:
        # The person's name without the title before it ("审核组长 陈晨" → "陈晨"): the bar's label is short.
        shown = r["user__display_name"] or f"{r['user__last_name']}{r['user__first_name']}"
        name = shown.split()[-1] if shown.strip() else r["user__username"]
        out.append(("count", name, r["n"]))
    return out
