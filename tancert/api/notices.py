"""Client notices of changes and serious events over the API (CB-notice; docs/obligations.md): the holder
notifies on its certificate, the programme manager resolves each notice."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Router, Schema, Status
from pydantic import Field

from tancert.api.schemas import Day, Id
from tancert.certificates.access import certificate_for
from tancert.certificates.models import ClientNotice
from tancert.certificates.notices import actions
from tancert.certificates.notices.access import notices_for
from tancert.ui.walls import get_or_404

router = Router(tags=["client notices"])

Text = Annotated[str, Field(max_length=actions.TEXT_MAX)]


class NoticeIn(Schema):
    certificate_id: Id
    kind: Literal["accident", "penalty", "ownership", "legal_status", "sites", "boundary", "key_personnel"]
    occurred_on: Day
    description: Text


class NoticeOut(Schema):
    id: int
    certificate: str
    kind: str
    occurred_on: date
    description: str
    lodged_at: datetime
    state: str
    resolution: str
    trigger: str
    review_note: str
    programme_entry_id: int | None
    change_request_id: int | None
    suspension_proposal_id: int | None


class ResolutionIn(Schema):
    resolution: Literal["no_action", "extra_surveillance", "change_request", "suspension_proposal"]
    note: Text
    trigger: Literal["", "major_change", "major_incident", "T1", "T2", "T3", "T4"] = ""
    start: Day | None = None


def notice_out(n: ClientNotice) -> dict:
    return {"id": n.pk, "certificate": n.certificate.number, "kind": n.kind, "occurred_on": n.occurred_on,
            "description": n.description, "lodged_at": n.lodged_at, "state": n.state, "resolution": n.resolution,
            "trigger": n.trigger, "review_note": n.review_note, "programme_entry_id": n.programme_entry_id,
            "change_request_id": n.change_request_id, "suspension_proposal_id": n.suspension_proposal_id}


@router.get("/notices", response=list[NoticeOut])
def notices(request):
    """The notices the caller may see: the office all, a client its own organisation's."""
    return [notice_out(n) for n in notices_for(request.user)[:500]]


@router.post("/notices", response={201: NoticeOut})
def lodge(request, payload: NoticeIn):
    """The holder notifies the body of a change or serious event on its certificate (CB-notice-lodge)."""
    cert = certificate_for(request, payload.certificate_id)
    n = actions.lodge_notice(cert, by=request.user, kind=payload.kind, description=payload.description,
                             occurred_on=payload.occurred_on)
    return Status(201, notice_out(n))


@router.get("/notices/{notice_id}", response=NoticeOut)
def notice(request, notice_id: Id):
    return notice_out(get_or_404(notices_for(request.user), pk=notice_id))


@router.post("/notices/{notice_id}/resolution", response=NoticeOut)
def resolve(request, notice_id: Id, payload: ResolutionIn):
    """The programme manager resolves the notice (CB-notice-review)."""
    n = get_or_404(notices_for(request.user), pk=notice_id)
    return notice_out(actions.resolve_notice(n, by=request.user, **payload.dict()))
