"""Remote audit deviation over the API (IAF MD4; docs/audits.md, "Remote audit deviation"): the programme
manager requests it for one audit, a decision maker or the system administrator other than the requester
decides. Clients get 404 (the audit wall) or 403."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from django.core.exceptions import PermissionDenied
from ninja import Field, Router, Schema, Status

from tancert.api.schemas import Id
from tancert.audits.access import audits_for
from tancert.audits.models import RemoteDeviation
from tancert.audits.remote import actions
from tancert.ui.walls import get_or_404

router = Router(tags=["audits"])
Text = Annotated[str, Field(max_length=4000)]


class DeviationIn(Schema):
    method: Annotated[str, Field(max_length=4)]  # FS02 remote / FS03 mixed
    reason: Annotated[str, Field(max_length=20)]  # disaster / epidemic / safety / other
    explanation: Text
    ict_means: Text
    ict_tested: bool = False
    security: Text
    not_remote: Text


class DeviationDecisionIn(Schema):
    approve: bool
    reason: Text


class DeviationOut(Schema):
    id: int
    audit_id: int
    method: str
    reason: str
    reason_display: str
    status: str
    status_display: str
    explanation: str
    ict_means: str
    ict_tested: bool
    security: str
    not_remote: str
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    decision_reason: str


def _out(d: RemoteDeviation) -> dict:
    return {"id": d.pk, "audit_id": d.audit_id, "method": d.method, "reason": d.reason,
            "reason_display": str(d.get_reason_display()), "status": d.status,
            "status_display": str(d.get_status_display()), "explanation": d.explanation, "ict_means": d.ict_means,
            "ict_tested": d.ict_tested, "security": d.security, "not_remote": d.not_remote,
            "requested_by": d.requested_by.username, "requested_at": d.requested_at,
            "decided_by": d.decided_by.username if d.decided_by_id else None, "decided_at": d.decided_at,
            "decision_reason": d.decision_reason}


def _staff_audit(request, audit_id: Id):
    if request.user.is_client:
        raise PermissionDenied
    return get_or_404(audits_for(request.user), pk=audit_id)


@router.get("/audits/{audit_id}/remote-deviations", response=list[DeviationOut])
def list_deviations(request, audit_id: Id):
    audit = _staff_audit(request, audit_id)
    return [_out(d) for d in audit.remote_deviations.select_related("requested_by", "decided_by")]


@router.post("/audits/{audit_id}/remote-deviations", response={201: DeviationOut})
def request_deviation(request, audit_id: Id, payload: DeviationIn):
    audit = _staff_audit(request, audit_id)
    dev = actions.request_deviation(audit, by=request.user, **payload.dict())
    return Status(201, _out(dev))


@router.post("/audits/{audit_id}/remote-deviations/{deviation_id}/decision", response=DeviationOut)
def decide_deviation(request, audit_id: Id, deviation_id: Id, payload: DeviationDecisionIn):
    audit = _staff_audit(request, audit_id)
    dev = get_or_404(audit.remote_deviations.all(), pk=deviation_id)
    return _out(actions.decide_deviation(dev, by=request.user, approve=payload.approve, reason=payload.reason))
