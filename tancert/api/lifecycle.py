"""The certificate lifecycle over the API beyond decisions and status changes: the decision queue, renewal, change
requests, English version, mark, misuse, transfers, dashboard and the regulator export."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.utils import timezone
from ninja import Router, Schema, Status

from tancert.api.schemas import CertificateOut, DecisionOut, Problem, audit_out, decision_out
from tancert.audits.models import Audit
from tancert.certificates import actions, dashboard
from tancert.certificates.access import certificates_for
from tancert.certificates.committee import decision_queue
from tancert.certificates.export import regulator as export
from tancert.certificates.marks import actions as mark_actions
from tancert.certificates.marks import drawing as marks
from tancert.certificates.models import ChangeRequest, MarkMisuse, TransferReview
from tancert.certificates.transfer import actions as transfer
from tancert.clients.access import organisations_for
from tancert.people.access import is_office
from tancert.people.models import Role
from tancert.ui.walls import get_or_404

router = Router(tags=["certificate lifecycle"])


def _office(user, *roles):
    if not is_office(user) or (roles and not user.has_role(*roles)):
        raise PermissionDenied


def _cert(request, cert_id):
    return get_or_404(certificates_for(request.user), pk=cert_id)


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


@router.post("/certificates/{cert_id}/renewal", response={201: ApplicationRef, 422: Problem})
def renew(request, cert_id: int):
    """The holder applies for recertification (R9.3-renewal: from 90 days before expiry)."""
    app = actions.apply_for_renewal(_cert(request, cert_id), by=request.user)
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
    requested_at: datetime
    review_note: str


@router.get("/certificates/{cert_id}/change-requests", response=list[ChangeRequestOut])
def change_requests(request, cert_id: int):
    cert = _cert(request, cert_id)
    if not (request.user.organisation_id == cert.organisation_id or is_office(request.user)):
        return []
    return list(cert.change_requests.all())


@router.post("/certificates/{cert_id}/change-requests", response={201: ChangeRequestOut, 422: Problem})
def change_request(request, cert_id: int, payload: ChangeRequestIn):
    """The holder applies for a change (R9.4.1); validity dates cannot change (R9.4.2)."""
    return Status(201, actions.request_change(_cert(request, cert_id), by=request.user, changes=payload.changes,
                                              reason=payload.reason))


class ChangeReviewIn(Schema):
    approve: bool
    note: str
    audit_id: int | None = None


@router.post("/change-requests/{request_id}/review", response={200: ChangeRequestOut, 422: Problem})
def change_review(request, request_id: int, payload: ChangeReviewIn):
    req = get_or_404(ChangeRequest.objects.filter(certificate__in=certificates_for(request.user)),
                            pk=request_id)
    audit = get_or_404(Audit.objects.filter(organisation_id=req.certificate.organisation_id),
                              pk=payload.audit_id) if payload.audit_id else None
    return actions.review_change(req, by=request.user, approve=payload.approve, note=payload.note, audit=audit)


@router.post("/certificates/{cert_id}/english")
def english(request, cert_id: int):
    """The English PDF/A of the current version (made on the first request)."""
    cert = _cert(request, cert_id)
    v = actions.english_version(cert, by=request.user)
    return FileResponse(v.pdf_en.open("rb"), content_type="application/pdf",
                        filename=f"{cert.number}-v{v.version}-en.pdf")


@router.get("/certificates/{cert_id}/mark.{kind}")
def mark(request, cert_id: int, kind: str):
    """The certification mark for a valid certificate's holder (R11.1): `svg` or `png`."""
    cert = _cert(request, cert_id)
    mark_actions.mark_allowed(cert, request.user)
    if kind == "svg":
        return HttpResponse(marks.svg(cert.number), content_type="image/svg+xml")
    if kind == "png":
        return HttpResponse(marks.png(cert.number), content_type="image/png")
    raise PermissionDenied


class MisuseIn(Schema):
    observed_on: date
    description: str
    evidence: str
    action: str = ""


class MisuseOut(Schema):
    id: int
    certificate_id: int
    observed_on: date
    description: str
    evidence: str
    action: str


@router.get("/certificates/{cert_id}/mark-misuse", response=list[MisuseOut])
def misuses(request, cert_id: int):
    return list(MarkMisuse.objects.filter(certificate=_cert(request, cert_id)))


@router.post("/certificates/{cert_id}/mark-misuse", response={201: MisuseOut, 422: Problem})
def misuse(request, cert_id: int, payload: MisuseIn):
    """Misuse of the mark found by the body (R11.2)."""
    return Status(201, mark_actions.record_mark_misuse(_cert(request, cert_id), by=request.user, **payload.dict()))


class TransferIn(Schema):
    organisation_id: int
    previous_body: str
    previous_number: str
    previous_status: str
    previous_issue_date: date
    previous_expiry_date: date
    stage: str
    scope: str
    authenticity: str
    reason: str
    reports: str
    previous_cycle: int = 0
    criterion: str = "T/CCAA 39-2022"
    open_ncs: int = 0
    nc_note: str = ""
    complaints: str = ""
    onsite_needed: bool = False
    rectification: str = ""


class TransferOut(Schema):
    id: int
    organisation_id: int
    previous_body: str
    previous_number: str
    previous_status: str
    previous_issue_date: date
    previous_expiry_date: date
    previous_cycle: int
    stage: str
    scope: str
    outcome: str
    decision_id: int | None


@router.get("/transfers", response=list[TransferOut])
def transfers(request):
    _office(request.user)
    return list(TransferReview.objects.all())


@router.post("/transfers", response={201: TransferOut, 422: Problem})
def transfer_review(request, payload: TransferIn):
    """The pre-transfer review (RT-valid, RT-reason, RT-withdrawn, RT-profit)."""
    _office(request.user)
    data = payload.dict()
    org = get_or_404(organisations_for(request.user), pk=data.pop("organisation_id"))
    return Status(201, transfer.review_transfer(org, by=request.user, **data))


class TransferDecisionIn(Schema):
    accept: bool
    reason: str
    audit_id: int | None = None


@router.post("/transfers/{review_id}/decision", response={201: DecisionOut, 422: Problem})
def transfer_decision(request, review_id: int, payload: TransferDecisionIn):
    _office(request.user)
    review = get_or_404(TransferReview.objects.all(), pk=review_id)
    audit = get_or_404(Audit.objects.filter(organisation=review.organisation), pk=payload.audit_id) \
        if payload.audit_id else None
    d = transfer.decide_transfer(review, by=request.user, accept=payload.accept, reason=payload.reason, audit=audit)
    return Status(201, decision_out(d))


class DashboardOut(Schema):
    by_status: dict
    expiring: list[CertificateOut]
    surveillance: list[dict]
    suspended: list[dict]


@router.get("/certificates-dashboard", response=DashboardOut)
def dashboard_api(request):
    """Certificates by status, expiries and surveillance due within 90 days, open suspensions."""
    _office(request.user)
    o = dashboard.overview(timezone.localdate())
    return {"by_status": {code: n for code, _label, n in o["by_status"]}, "expiring": list(o["expiring"]),
            "surveillance": [{"certificate_id": c.pk, "number": c.number, "due": due.isoformat(), "overdue": over}
                             for c, due, over in o["surveillance"]],
            "suspended": [{"certificate_id": c.pk, "number": c.number, "trigger": c.suspension_trigger,
                           "respond_by": c.respond_by.isoformat() if c.respond_by else None, "overdue": over}
                          for c, over in o["suspended"]]}


class BadInput(Schema):
    detail: str


@router.get("/regulator-export/{period}", response={200: dict, 400: BadInput})
def regulator_export(request, period: str, format: str = "json"):
    """The month's regulator report (`format=json` or `xlsx`); generating it records it (the sweep stops
    reminding). Fixed sheets, documented versioned mapping (certificates/export.py)."""
    _office(request.user, Role.CERTIFICATE_ADMIN, Role.SYSTEM_ADMIN)
    try:
        xlsx, _record = export.generate(period, by=request.user)
    except export.BadPeriod as exc:
        return Status(400, {"detail": str(exc)})
    if format == "xlsx":
        response = HttpResponse(xlsx,
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="regulator-{period}.xlsx"'
        return response
    return export.as_json(period)
