"""The certification mark over the API (R11.1): download, and misuse the body found."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from ninja import Router, Schema, Status

from tancert.api.schemas import Day, Id
from tancert.certificates.access import certificate_for
from tancert.certificates.marks import actions as mark_actions
from tancert.certificates.marks import drawing as marks
from tancert.certificates.models import MarkMisuse

router = Router(tags=["certification mark"])


@router.get("/certificates/{cert_id}/mark.{kind}")
def mark(request, cert_id: Id, kind: str):
    """The certification mark for a valid certificate's holder (R11.1): `svg` or `png`."""
    cert = certificate_for(request, cert_id)
    mark_actions.mark_allowed(cert, request.user)
    if kind == "svg":
        return HttpResponse(marks.svg(cert.number), content_type="image/svg+xml")
    if kind == "png":
        return HttpResponse(marks.png(cert.number), content_type="image/png")
    raise PermissionDenied


class MisuseIn(Schema):
    observed_on: Day
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
def misuses(request, cert_id: Id):
    return list(MarkMisuse.objects.filter(certificate=certificate_for(request, cert_id)))


@router.post("/certificates/{cert_id}/mark-misuse", response={201: MisuseOut})
def misuse(request, cert_id: Id, payload: MisuseIn):
    """Misuse of the mark found by the body (R11.2)."""
    return Status(201, mark_actions.record_mark_misuse(certificate_for(request, cert_id), by=request.user, **payload.dict()))
