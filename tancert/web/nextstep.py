"""The client's work queue (docs/web.md, "Homes as work queues"): from a plain picture of where the
organisation stands, the steps it has to take, most urgent first, each with its due date and the page
where it is done.

``client_steps`` is pure (no database): ``client_state`` in ``tancert.web.queues`` reads the picture. The
order follows what blocks certification soonest — an unanswered nonconformity holds the decision (R7.5.2)
and a suspension ends in withdrawal (R9.2-suspend), so both come before paperwork and reminders.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

RENEWAL_DAYS = 90  # R9.3-renewal: the holder applies within the 90 days before expiry
SOON_DAYS = 7  # a due date this close is shown as "due soon"


@dataclass(frozen=True)
class FindingState:
    pk: int
    audit_id: int
    number: int
    grade_label: str
    due: date | None


@dataclass(frozen=True)
class ApplicationState:
    pk: int
    status: str  # Application.STATUSES codes
    kind: str = "initial"
    review_deadline: date | None = None
    contract_to_sign: bool = False


@dataclass(frozen=True)
class CertificateState:
    pk: int
    number: str
    status: str  # the public status: valid, suspended, expired, withdrawn, cancelled
    expiry: date
    respond_by: date | None = None
    renewal_applied: bool = False
    # The next surveillance window not yet audited (opens, closes), if any.
    surveillance: tuple[date | None, date] | None = None
    evidence_sent: bool = False


@dataclass(frozen=True)
class PlanState:
    audit_id: int
    kind_label: str
    start: date
    end: date
    plan_version: int


@dataclass(frozen=True)
class ClientState:
    findings: list[FindingState] = field(default_factory=list)
    application: ApplicationState | None = None
    certificates: list[CertificateState] = field(default_factory=list)
    plans: list[PlanState] = field(default_factory=list)


@dataclass(frozen=True)
class Step:
    """One thing to do: what (text), by when (due), where (url name and arguments, button label)."""

    kind: str
    text: str
    button: str
    url: str
    args: tuple = ()
    due: date | None = None
    opens: date | None = None
    overdue: bool = False
    soon: bool = False
    anchor: str = ""
    href: str = ""  # filled in by the view (the URL of ``url`` with ``args``, and the anchor)


def _step(kind, text, button, url, args=(), *, due=None, opens=None, today, anchor="") -> Step:
    overdue = due is not None and due < today
    soon = due is not None and not overdue and due <= today + timedelta(days=SOON_DAYS)
    return Step(kind, str(text), str(button), url, tuple(args), due, opens, overdue, soon, anchor)


def _application_step(app: ApplicationState, today: date) -> Step | None:
    if app.contract_to_sign:
        return _step("sign_contract", _("Sign the certification contract so that the body can plan your audits."),
                     _("Sign the contract"), "application", (app.pk,), today=today, anchor="contract")
    texts = {
        "draft": (_("Complete the application: fill in the data, upload the 11 documents, sign the commitment and "
                    "submit."), _("Complete the application")),
        "submitted": (_("The certification body is reviewing your application (3 working days)."),
                      _("Open the application")),
        "supplement_requested": (_("The reviewer asked for a supplement: see the request, upload the documents and "
                                   "submit again."), _("Send the supplement")),
    }
    if app.status not in texts:
        return None
    text, button = texts[app.status]
    due = app.review_deadline if app.status == "submitted" else None
    return _step(f"application_{app.status}", text, button, "application", (app.pk,), due=due, today=today)


def _certificate_steps(cert: CertificateState, today: date) -> list[Step]:
    if cert.status == "suspended":
        if cert.evidence_sent:
            text = _("Certificate %(number)s is suspended. Your evidence was sent; the decision makers review it. "
                     "You may send more.") % {"number": cert.number}
        else:
            text = _("Certificate %(number)s is suspended. Correct the cause and send the evidence to lift the "
                     "suspension before the deadline, or the certificate is withdrawn.") % {"number": cert.number}
        return [_step("suspended", text, _("Send evidence"), "certificate_evidence", (cert.pk,),
                      due=cert.respond_by, today=today)]
    if cert.status in ("expired", "withdrawn", "cancelled"):
        return []  # handled once for the organisation: apply anew (see client_steps)
    if cert.status != "valid":
        return []
    steps = []
    opens = cert.expiry - timedelta(days=RENEWAL_DAYS)
    if not cert.renewal_applied and opens <= today <= cert.expiry:  # never after expiry (R9.3-renewal)
        steps.append(_step("renew", _("Certificate %(number)s expires on %(expiry)s. Apply for recertification "
                                      "now, so that the recertification audit is done before expiry.")
                           % {"number": cert.number, "expiry": cert.expiry.isoformat()},
                           _("Apply for recertification"), "certificate_renew", (cert.pk,), due=cert.expiry,
                           today=today))
    if cert.surveillance is not None:
        s_opens, closes = cert.surveillance
        if s_opens is not None and today < s_opens:
            text = _("Certificate %(number)s is valid. The next surveillance audit falls between %(opens)s and "
                     "%(closes)s; the body will send you the audit plan.")
        else:
            text = _("Certificate %(number)s is valid. The surveillance audit is due now (window %(opens)s – "
                     "%(closes)s); the body will send you the audit plan.")
        steps.append(_step("surveillance", text % {"number": cert.number, "closes": closes.isoformat(),
                                                   "opens": s_opens.isoformat() if s_opens else "—"},
                           _("See the certificate"), "certificate", (cert.pk,), due=closes, opens=s_opens,
                           today=today))
    elif not steps:
        steps.append(_step("certified", _("Certificate %(number)s is valid until %(expiry)s. Keep your CMS "
                                          "running.") % {"number": cert.number, "expiry": cert.expiry.isoformat()},
                           _("See the certificate"), "certificate", (cert.pk,), today=today))
    return steps


def client_steps(state: ClientState, today: date) -> list[Step]:
    """Every step the client has to take, most urgent first; the first is the next step."""
    steps: list[Step] = []
    for f in sorted(state.findings, key=lambda f: (f.due or date.max, f.number)):
        steps.append(_step("finding", _("Answer nonconformity %(number)s (%(grade)s) with your correction and "
                                        "corrective action.") % {"number": f.number, "grade": f.grade_label},
                           _("Answer"), "audit", (f.audit_id,), due=f.due, today=today, anchor=f"finding-{f.pk}"))
    for cert in state.certificates:
        if cert.status == "suspended":
            steps.extend(_certificate_steps(cert, today))
    app_step = _application_step(state.application, today) if state.application else None
    if app_step is not None:
        steps.append(app_step)
    for plan in state.plans:
        steps.append(_step("plan", _("Look at the audit plan of the %(kind)s on %(start)s (version %(version)s).")
                           % {"kind": plan.kind_label, "start": plan.start.isoformat(), "version": plan.plan_version},
                           _("See the audit plan"), "audit_plan_pdf", (plan.audit_id, plan.plan_version),
                           due=plan.start, today=today))
    for cert in state.certificates:
        if cert.status == "valid":
            steps.extend(_certificate_steps(cert, today))
    holds = any(c.status in ("valid", "suspended") for c in state.certificates)
    in_progress = state.application is not None and state.application.status in (
        "draft", "submitted", "supplement_requested", "accepted")
    if not holds and not in_progress:
        if state.certificates:
            ended = state.certificates[0]
            text = _("Certificate %(number)s is no longer valid (%(status)s). To be certified again, apply for "
                     "certification anew.") % {"number": ended.number, "status": _status_label(ended.status)}
        else:
            text = _("Start an application for certification.")
        steps.append(_step("apply", text, _("New application"), "application_new", today=today))
    elif not steps and in_progress:
        steps.append(_step("wait_plan", _("Your application is accepted. The body plans your audits; the audit "
                                          "plan will appear here."), _("Open the application"), "application",
                           (state.application.pk,), today=today))
    return steps


def _status_label(status: str) -> str:
    return str({"expired": _("expired"), "withdrawn": _("withdrawn"), "cancelled": _("cancelled")}.get(status, ""))
