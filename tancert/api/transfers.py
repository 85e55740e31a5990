"""Transfer in over the API (RT, IAF MD2): the pre-transfer review and its decision."""

from __future__ import annotations

from datetime import date

from ninja import Router, Schema, Status

from tancert.api.schemas import Count, Day, DecisionOut, Id, decision_out
from tancert.audits.models import Audit
from tancert.certificates.access import require_office
from tancert.certificates.models import TransferReview
from tancert.certificates.transfer import actions as transfer
from tancert.clients.access import organisations_for
from tancert.ui.walls import get_or_404

router = Router(tags=["transfers"])


class TransferIn(Schema):
    organisation_id: Id
    previous_body: str
    previous_number: str
    previous_status: str
    previous_issue_date: Day
    previous_expiry_date: Day
    stage: str
    scope: str
    authenticity: str
    reason: str
    reports: str
    previous_cycle: Count = 0
    criterion: str = "T/CCAA 39-2022"
    open_ncs: Count = 0
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
    require_office(request.user)
    return list(TransferReview.objects.all())


@router.post("/transfers", response={201: TransferOut})
def transfer_review(request, payload: TransferIn):
    """The pre-transfer review (RT-valid, RT-reason, RT-withdrawn, RT-profit)."""
    require_office(request.user)
    data = payload.dict()
    org = get_or_404(organisations_for(request.user), pk=data.pop("organisation_id"))
    return Status(201, transfer.review_transfer(org, by=request.user, **data))


class TransferDecisionIn(Schema):
    accept: bool
    reason: str
    audit_id: Id | None = None


@router.post("/transfers/{review_id}/decision", response={201: DecisionOut})
def transfer_decision(request, review_id: Id, payload: TransferDecisionIn):
    require_office(request.user)
    review = get_or_404(TransferReview.objects.all(), pk=review_id)
    audit = get_or_404(Audit.objects.filter(organisation=review.organisation), pk=payload.audit_id) \
        if payload.audit_id else None
    d = transfer.decide_transfer(review, by=request.user, accept=payload.accept, reason=payload.reason, audit=audit)
    return Status(201, decision_out(d))
