"""Suspension proposals and the holder's serious-event report over the API (R9.2-suspend, R9.2-T1…T4)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status

from tancert.api.schemas import Day, Id
from tancert.certificates.access import certificate_for
from tancert.certificates.models import SuspensionProposal
from tancert.certificates.proposals import actions
from tancert.people.models import Role
from tancert.ui.walls import get_or_404

router = Router(tags=["certificates"])


class ProposalOut(Schema):
    id: int
    certificate: str
    trigger: str
    source: str
    detail: str
    state: str
    created: datetime
    reason: str


def proposal_out(p: SuspensionProposal) -> dict:
    return {"id": p.pk, "certificate": p.certificate.number, "trigger": p.trigger, "source": p.source,
            "detail": p.detail, "state": p.state, "created": p.created, "reason": p.reason}


def _decider(request):
    if not request.user.has_role(Role.DECISION_MAKER):
        raise PermissionDenied


@router.get("/suspension-proposals", response=list[ProposalOut])
def proposals(request):
    """The decision makers' queue of open suspension proposals."""
    _decider(request)
    return [proposal_out(p) for p in actions.open_proposals()]


class AcceptIn(Schema):
    reason: str
    respond_by: Day


class ProposalDismissIn(Schema):
    reason: str


def _proposal(request, pk: int) -> SuspensionProposal:
    _decider(request)
    return get_or_404(SuspensionProposal.objects.select_related("certificate"), pk=pk)


@router.post("/suspension-proposals/{proposal_id}/accept", response={200: ProposalOut})
def accept(request, proposal_id: Id, payload: AcceptIn):
    return proposal_out(actions.accept_proposal(_proposal(request, proposal_id), by=request.user, **payload.dict()))


@router.post("/suspension-proposals/{proposal_id}/dismiss", response={200: ProposalOut})
def dismiss(request, proposal_id: Id, payload: ProposalDismissIn):
    return proposal_out(actions.dismiss_proposal(_proposal(request, proposal_id), by=request.user, **payload.dict()))


class SeriousEventIn(Schema):
    kind: str
    description: str
    occurred_on: Day


class SeriousEventOut(Schema):
    received: bool
    trigger: str


@router.post("/certificates/{cert_id}/serious-events", response={201: SeriousEventOut})
def serious_event(request, cert_id: Id, payload: SeriousEventIn):
    """The holder reports a serious event (重大事件) on its certificate."""
    p = actions.report_serious_event(certificate_for(request, cert_id), by=request.user, **payload.dict())
    return Status(201, {"received": True, "trigger": p.trigger})
