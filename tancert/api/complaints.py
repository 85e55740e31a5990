"""Complaints and appeals over the API (ISO/IEC 17021-1 §9.8, §9.7; docs/obligations.md).

Signed-in routes under /complaints and /appeals; a member of the public lodges through the register's public
router (``/public/certificates/{number}/complaints``, rate-limited like the lookup)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from tancert.api.schemas import Id
from tancert.audits.access import audits_for
from tancert.certificates.access import certificate_for
from tancert.certificates.complaints import actions
from tancert.certificates.complaints.access import appeals_for, complaints_for
from tancert.certificates.models import Appeal, Certificate, Complaint, Decision
from tancert.certificates.register import lookup
from tancert.people.models import User
from tancert.ui.walls import get_or_404

router = Router(tags=["complaints and appeals"])

Name = Annotated[str, Field(max_length=actions.NAME_MAX)]
Contact = Annotated[str, Field(max_length=actions.CONTACT_MAX)]
Text = Annotated[str, Field(max_length=actions.TEXT_MAX)]
Outcome = Literal["upheld", "not_upheld"]


class ComplaintIn(Schema):
    name: Name
    contact: Contact
    text: Text
    certificate_id: Id | None = None
    audit_id: Id | None = None
    auditor_id: Id | None = None


class ComplaintOut(Schema):
    id: int
    reference: str
    channel: str
    state: str
    text: str
    certificate: str | None
    received_at: datetime
    respond_by: date
    outcome: str
    response: str


class ComplaintAckOut(Schema):
    reference: str
    respond_by: date


def complaint_out(c: Complaint) -> dict:
    return {"id": c.pk, "reference": c.reference, "channel": c.channel, "state": c.state, "text": c.text,
            "certificate": c.certificate.number if c.certificate_id else None, "received_at": c.received_at,
            "respond_by": c.respond_by, "outcome": c.outcome, "response": c.response}


@router.get("/complaints", response=list[ComplaintOut])
def complaints(request):
    """The complaints the caller may see: the office all, a client those its people lodged."""
    return [complaint_out(c) for c in complaints_for(request.user)[:500]]


@router.post("/complaints", response={201: ComplaintOut})
def lodge(request, payload: ComplaintIn):
    """A client (about its own organisation) or a member of staff on someone's behalf lodges a complaint."""
    user = request.user
    cert = certificate_for(request, payload.certificate_id) if payload.certificate_id else None
    audit = get_or_404(audits_for(user), pk=payload.audit_id) if payload.audit_id else None
    auditor = get_or_404(User.objects.filter(organisation__isnull=True), pk=payload.auditor_id) \
        if payload.auditor_id else None
    c = actions.lodge_complaint(by=user, name=payload.name, contact=payload.contact, text=payload.text,
                                certificate=cert, audit=audit, auditor=auditor)
    return Status(201, complaint_out(c))


@router.get("/complaints/{complaint_id}", response=ComplaintOut)
def complaint(request, complaint_id: Id):
    return complaint_out(get_or_404(complaints_for(request.user), pk=complaint_id))


class ComplaintInvestigatorIn(Schema):
    investigator_id: Id


class ComplaintFindingsIn(Schema):
    findings: Text


class ComplaintDecisionIn(Schema):
    outcome: Outcome
    response: Text
    follow_up: Literal["", "corrective_action", "suspension_proposal"] = ""
    trigger: Literal["", "T1", "T2", "T3", "T4"] = ""


@router.post("/complaints/{complaint_id}/investigator", response=ComplaintOut)
def investigator(request, complaint_id: Id, payload: ComplaintInvestigatorIn):
    c = get_or_404(complaints_for(request.user), pk=complaint_id)
    person = get_or_404(User.objects.filter(organisation__isnull=True), pk=payload.investigator_id)
    return complaint_out(actions.assign_investigator(c, by=request.user, investigator=person))


@router.post("/complaints/{complaint_id}/findings", response=ComplaintOut)
def findings(request, complaint_id: Id, payload: ComplaintFindingsIn):
    c = get_or_404(complaints_for(request.user), pk=complaint_id)
    return complaint_out(actions.record_findings(c, by=request.user, findings=payload.findings))


@router.post("/complaints/{complaint_id}/decision", response=ComplaintOut)
def decide(request, complaint_id: Id, payload: ComplaintDecisionIn):
    c = get_or_404(complaints_for(request.user), pk=complaint_id)
    return complaint_out(actions.decide_complaint(c, by=request.user, **payload.dict()))


class AppealIn(Schema):
    grounds: Text
    decision_id: Id | None = None
    certificate_id: Id | None = None
    kind: Literal["", "suspension", "withdrawal"] = ""


class AppealOut(Schema):
    id: int
    reference: str
    kind: str
    state: str
    decided_on: date
    grounds: str
    outcome: str
    reasons: str
    reconsideration: str


class AppealDecisionIn(Schema):
    outcome: Outcome
    reasons: Text
    reconsideration: Text = ""


def appeal_out(a: Appeal) -> dict:
    return {"id": a.pk, "reference": a.reference, "kind": a.kind, "state": a.state, "decided_on": a.decided_on,
            "grounds": a.grounds, "outcome": a.outcome, "reasons": a.reasons, "reconsideration": a.reconsideration}


@router.get("/appeals", response=list[AppealOut])
def appeals(request):
    return [appeal_out(a) for a in appeals_for(request.user)[:500]]


@router.post("/appeals", response={201: AppealOut})
def lodge_appeal(request, payload: AppealIn):
    """The client appeals a refusal or reduced scope (decision_id) or its certificate's suspension or
    withdrawal (certificate_id and kind), within the appeal period."""
    user = request.user
    decision = None
    if payload.decision_id:
        org = user.organisation_id if user.is_authenticated and user.is_client else None
        decision = get_or_404(Decision.objects.filter(organisation_id=org), pk=payload.decision_id)
    cert = certificate_for(request, payload.certificate_id) if payload.certificate_id and not decision else None
    a = actions.lodge_appeal(by=user, grounds=payload.grounds, decision=decision, certificate=cert, kind=payload.kind)
    return Status(201, appeal_out(a))


@router.get("/appeals/{appeal_id}", response=AppealOut)
def appeal(request, appeal_id: Id):
    return appeal_out(get_or_404(appeals_for(request.user), pk=appeal_id))


@router.post("/appeals/{appeal_id}/decision", response=AppealOut)
def decide_appeal(request, appeal_id: Id, payload: AppealDecisionIn):
    a = get_or_404(appeals_for(request.user), pk=appeal_id)
    return appeal_out(actions.decide_appeal(a, by=request.user, **payload.dict()))


# --- the public: lodging from a certificate (no login; rate-limited and logged like the register) ---------

public_router = Router(tags=["public"], auth=None)


class PublicComplaintIn(Schema):
    name: Name
    contact: Contact
    text: Text


@public_router.post("/certificates/{number}/complaints", response={201: ComplaintAckOut})
def public_complaint(request, number: Annotated[str, Field(max_length=40)], payload: PublicComplaintIn):
    """A member of the public complains about a certificate (by its number). The answer is the acknowledgment
    only: the reference number and the day the answer is due."""
    address = lookup.admit(request, "complaint", number)
    cert = Certificate.objects.filter(number="".join(number.split()).upper()).first()
    lookup.log(address, "complaint", number, int(cert is not None))
    if cert is None:
        raise Http404
    c = actions.lodge_complaint(by=None, certificate=cert, **payload.dict())
    return Status(201, {"reference": c.reference, "respond_by": c.respond_by})
