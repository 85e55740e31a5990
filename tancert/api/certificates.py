"""Decisions and the certificate lifecycle over the API."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.utils import timezone
from ninja import Router, Schema, Status

from tancert.api.schemas import CertificateOut, Day, DecisionOut, Id, Version, audit_out, decision_out
from tancert.audits.access import audits_for
from tancert.audits.models import Audit
from tancert.certificates import actions, changes, dashboard
from tancert.certificates.access import certificate_for, certificates_for, require_office
from tancert.certificates.committee import committee_size, decision_queue
from tancert.certificates.models import ChangeRequest, Decision, DecisionVote
from tancert.clients.access import organisations_for
from tancert.people.access import is_office
from tancert.people.models import Role
from tancert.ui.walls import get_or_404

router = Router(tags=["certificates"])


class ConditionIn(Schema):
    met: bool | None = None
    evidence: str = ""


class DecisionIn(Schema):
    outcome: str
    conditions: dict[str, ConditionIn]
    scope: str = ""
    reason: str = ""


class VoteOut(Schema):
    votes: int
    committee_size: int
    detail: str


@router.post("/audits/{audit_id}/decision", response={201: DecisionOut, 202: VoteOut})
def decide(request, audit_id: Id, payload: DecisionIn):
    """Decide (R7.5). With a committee, 202 records this member's vote until the committee is complete."""
    audit = get_or_404(audits_for(request.user), pk=audit_id)
    conditions = {k: v.dict() for k, v in payload.conditions.items()}
    d = actions.decide(audit, by=request.user, outcome=payload.outcome, conditions=conditions, scope=payload.scope,
                       reason=payload.reason)
    if d is None:
        return Status(202, {"votes": DecisionVote.objects.filter(audit=audit).count(),
                            "committee_size": committee_size(), "detail": "vote recorded"})
    return Status(201, decision_out(d))


def _decisions(user):
    if user.is_client:
        return Decision.objects.filter(organisation_id=user.organisation_id)
    return Decision.objects.filter(organisation__in=organisations_for(user))


@router.get("/decisions", response=list[DecisionOut])
def decisions(request):
    return [decision_out(d) for d in _decisions(request.user).select_related("decided_by")]


@router.post("/decisions/{decision_id}/certificate", response={201: CertificateOut})
def issue(request, decision_id: Id):
    decision = get_or_404(_decisions(request.user), pk=decision_id)
    return Status(201, actions.issue_certificate(decision, by=request.user))


@router.get("/certificates", response=list[CertificateOut])
def certificates(request, status: str | None = None):
    qs = certificates_for(request.user)
    if status:
        qs = qs.filter(status=status)
    return list(qs)


@router.get("/certificates/{cert_id}", response=CertificateOut)
def certificate(request, cert_id: Id):
    return certificate_for(request, cert_id)


@router.get("/certificates/{cert_id}/pdf")
def certificate_pdf(request, cert_id: Id, version: Version | None = None):
    """The certificate PDF/A (latest version unless `version` is given)."""
    cert = certificate_for(request, cert_id)
    qs = cert.versions.exclude(pdf="")
    v = get_or_404(qs, version=version) if version else qs.order_by("-version").first()
    if v is None:
        raise PermissionDenied
    return FileResponse(v.pdf.open("rb"), content_type="application/pdf", filename=f"{cert.number}-v{v.version}.pdf")


class SuspendIn(Schema):
    trigger: str
    reason: str
    respond_by: Day
    confirmed_on: Day | None = None


class ReasonIn(Schema):
    reason: str


@router.post("/certificates/{cert_id}/suspend", response=CertificateOut)
def suspend(request, cert_id: Id, payload: SuspendIn):
    return actions.suspend_certificate(certificate_for(request, cert_id), by=request.user, **payload.dict())


@router.post("/certificates/{cert_id}/restore", response=CertificateOut)
def restore(request, cert_id: Id, payload: ReasonIn):
    return actions.restore_certificate(certificate_for(request, cert_id), by=request.user, reason=payload.reason)


@router.post("/certificates/{cert_id}/withdraw", response=CertificateOut)
def withdraw(request, cert_id: Id, payload: ReasonIn):
    return actions.withdraw_certificate(certificate_for(request, cert_id), by=request.user, reason=payload.reason)


@router.post("/certificates/{cert_id}/cancel", response=CertificateOut)
def cancel(request, cert_id: Id, payload: ReasonIn):
    return actions.cancel_certificate(certificate_for(request, cert_id), by=request.user, reason=payload.reason)


@router.get("/decision-queue", response=list[dict])
def queue(request):
    """Audits awaiting a decision that the caller may decide on (R7.5: independence, no vote yet)."""
    if not request.user.has_role(Role.DECISION_MAKER):
        return []
    return [audit_out(a) for a in decision_queue(request.user)]


class ApplicationRef(Schema):
    id: int
    kind: str
    status: str


@router.post("/certificates/{cert_id}/renewal", response={201: ApplicationRef})
def renew(request, cert_id: Id):
    """The holder applies for recertification (R9.3-renewal: from 90 days before expiry)."""
    app = actions.apply_for_renewal(certificate_for(request, cert_id), by=request.user)
    return Status(201, {"id": app.pk, "kind": app.kind, "status": app.status})


class ChangeRequestIn(Schema):
    changes: dict
    reason: str


class ChangeRequestOut(Schema):
    id: int
    certificate_id: int
    changes: dict
    reason: str
    status: str
    initiated_by_body: bool
    requested_at: datetime
    review_note: str
    decision_note: str


@router.get("/certificates/{cert_id}/change-requests", response=list[ChangeRequestOut])
def change_requests(request, cert_id: Id):
    cert = certificate_for(request, cert_id)
    if not (request.user.organisation_id == cert.organisation_id or is_office(request.user)):
        return []
    return list(cert.change_requests.all())


@router.post("/certificates/{cert_id}/change-requests", response={201: ChangeRequestOut})
def change_request(request, cert_id: Id, payload: ChangeRequestIn):
    """The holder applies for a change (R9.4.1); validity dates cannot change (R9.4.2)."""
    return Status(201, changes.request_change(certificate_for(request, cert_id), by=request.user,
                                              changes=payload.changes, reason=payload.reason))


class ChangeReviewIn(Schema):
    approve: bool
    note: str
    audit_id: Id | None = None


@router.post("/change-requests/{request_id}/review", response=ChangeRequestOut)
def change_review(request, request_id: Id, payload: ChangeReviewIn):
    req = get_or_404(ChangeRequest.objects.filter(certificate__in=certificates_for(request.user)),
                            pk=request_id)
    audit = get_or_404(Audit.objects.filter(organisation_id=req.certificate.organisation_id),
                              pk=payload.audit_id) if payload.audit_id else None
    return changes.review_change(req, by=request.user, approve=payload.approve, note=payload.note, audit=audit)


class ChangeDecisionIn(Schema):
    approve: bool
    note: str


@router.post("/change-requests/{request_id}/decide", response={200: ChangeRequestOut})
def change_decide(request, request_id: Id, payload: ChangeDecisionIn):
    """A decision maker independent of the client decides a reviewed change (R9.4.2, R7.5)."""
    req = get_or_404(ChangeRequest.objects.filter(certificate__in=certificates_for(request.user)), pk=request_id)
    return changes.decide_change(req, by=request.user, approve=payload.approve, note=payload.note)


class ChangeIn(Schema):
    changes: dict
    reason: str


@router.post("/certificates/{cert_id}/change", response={201: ChangeRequestOut})
def change(request, cert_id: Id, payload: ChangeIn):
    """The body records a change it initiates (R9.4.2, e.g. a scope reduction after a finding): it takes effect
    only when a decision maker approves it (``/change-requests/{id}/decide``)."""
    return Status(201, changes.propose_change(certificate_for(request, cert_id), by=request.user,
                                              changes=payload.changes, reason=payload.reason))


@router.post("/certificates/{cert_id}/english")
def english(request, cert_id: Id):
    """The English PDF/A of the current version (made on the first request)."""
    cert = certificate_for(request, cert_id)
    v = actions.english_version(cert, by=request.user)
    return FileResponse(v.pdf_en.open("rb"), content_type="application/pdf",
                        filename=f"{cert.number}-v{v.version}-en.pdf")


class DashboardOut(Schema):
    by_status: dict
    expiring: list[CertificateOut]
    surveillance: list[dict]
    suspended: list[dict]


@router.get("/certificates-dashboard", response=DashboardOut)
def dashboard_api(request):
    """Certificates by status, expiries and surveillance due within 90 days, open suspensions."""
    require_office(request.user)
    o = dashboard.overview(timezone.localdate())
    return {"by_status": {code: n for code, _label, n in o["by_status"]}, "expiring": list(o["expiring"]),
            "surveillance": [{"certificate_id": c.pk, "number": c.number, "due": due.isoformat(), "overdue": over}
                             for c, due, over in o["surveillance"]],
            "suspended": [{"certificate_id": c.pk, "number": c.number, "trigger": c.suspension_trigger,
                           "respond_by": c.respond_by.isoformat() if c.respond_by else None, "overdue": over}
                          for c, over in o["suspended"]]}
