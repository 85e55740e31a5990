"""Organisations, applications, documents and acceptance over the API."""

from __future__ import annotations

from typing import Annotated

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from tancert.api.schemas import (
    ApplicationOut,
    Count,
    Day,
    DocumentOut,
    EventOut,
    Id,
    OrganisationOut,
    Problem,
)
from tancert.clients import actions
from tancert.clients.access import applications_for, organisations_for
from tancert.people.access import is_office
from tancert.records import uploads
from tancert.records.models import Event
from tancert.ui.walls import get_or_404

router = Router(tags=["clients"])


class RegisterIn(Schema):
    name: str
    credit_code: str
    registered_address: str
    address: str
    username: str
    password: str
    email: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    legal_representative: str = ""
    employees: Count = 0
    technical_areas: list[str] = []


@router.post("/organisations/register", auth=None, response={201: OrganisationOut})
def register(request, payload: RegisterIn):
    """Public sign-up: an organisation registers itself and its first user (R7.1-C1 credit-code check)."""
    org, _user = actions.sign_up_organisation(**payload.dict())
    return Status(201, org)


@router.get("/organisations", response=list[OrganisationOut])
def organisations(request):
    return list(organisations_for(request.user))


@router.get("/organisations/{org_id}", response=OrganisationOut)
def organisation(request, org_id: Id):
    return get_or_404(organisations_for(request.user), pk=org_id)


@router.get("/organisations/{org_id}/records", response=list[EventOut])
def organisation_records(request, org_id: Id):
    """The organisation's record history (office roles and the organisation itself)."""
    org = get_or_404(organisations_for(request.user), pk=org_id)
    if not (is_office(request.user) or request.user.organisation_id == org.pk):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return list(Event.objects.filter(organisation_id=org.pk).order_by("seq"))


class ApplicationIn(Schema):
    scope: str
    cms_started_on: Day
    kind: str = "initial"
    criterion: str = "T/CCAA 39-2022"
    industry_requirement: str = ""
    industry_code: Count | None = None  # Appendix A code; required before submitting (RA, R7.3.2)


@router.post("/applications", response={201: ApplicationOut})
def create_application(request, payload: ApplicationIn):
    from django.core.exceptions import PermissionDenied

    if not request.user.is_client:
        raise PermissionDenied
    app = actions.create_application(request.user.organisation, by=request.user, **payload.dict())
    return Status(201, app)


@router.get("/applications", response=list[ApplicationOut])
def applications(request, status: str | None = None):
    qs = applications_for(request.user)
    if status:
        qs = qs.filter(status=status)
    return list(qs)


def _app(request, app_id: int):
    return get_or_404(applications_for(request.user), pk=app_id)


@router.get("/applications/{app_id}", response=ApplicationOut)
def application(request, app_id: Id):
    return _app(request, app_id)


@router.get("/applications/{app_id}/documents", response=list[DocumentOut])
def documents(request, app_id: Id):
    return list(_app(request, app_id).documents.all())


@router.post("/applications/{app_id}/documents/{code}", response={201: DocumentOut})
def upload_document(request, app_id: Id, code: str, file: File[UploadedFile],
                    document_date: Form[Day | None] = None):
    """Upload a new version of document D1…D11 (multipart form: file, optional document_date)."""
    doc = actions.upload_document(_app(request, app_id), code, by=request.user, filename=file.name,
                                  content=uploads.read(file), document_date=document_date)
    return Status(201, doc)


class NotApplicableIn(Schema):
    reason: str


@router.post("/applications/{app_id}/documents/{code}/not-applicable", response={201: DocumentOut})
def not_applicable(request, app_id: Id, code: str, payload: NotApplicableIn):
    doc = actions.mark_document_not_applicable(_app(request, app_id), code, by=request.user, reason=payload.reason)
    return Status(201, doc)


class CommitmentIn(Schema):
    signed_by: str
    signed_on: Day


@router.post("/applications/{app_id}/commitment", response=ApplicationOut)
def commitment(request, app_id: Id, payload: CommitmentIn):
    app = _app(request, app_id)
    actions.give_commitment(app, by=request.user, signed_by=payload.signed_by, signed_on=payload.signed_on)
    return app


@router.get("/applications/{app_id}/eligibility", response=list[Problem])
def eligibility(request, app_id: Id):
    """Every unmet R7.1 condition and missing document, as the client types."""
    return [v.as_dict() for v in actions.eligibility_problems(_app(request, app_id))]


class SubmitIn(Schema):
    """The authorised person's declaration that the documents are true (CB-declaration)."""
    declarant: Annotated[str, Field(max_length=actions.DECLARANT_MAX)] = ""
    declared: bool = False


@router.post("/applications/{app_id}/submit", response=ApplicationOut)
def submit(request, app_id: Id, payload: SubmitIn | None = None):
    payload = payload or SubmitIn()
    return actions.submit_application(_app(request, app_id), by=request.user, declarant=payload.declarant,
                                      declared=payload.declared)


class SupplementIn(Schema):
    missing: str


@router.post("/applications/{app_id}/supplement", response=ApplicationOut)
def supplement(request, app_id: Id, payload: SupplementIn):
    app = _app(request, app_id)
    actions.request_supplement(app, by=request.user, missing=payload.missing)
    return app


class ApplicationReviewIn(Schema):
    described: bool = False
    understands: bool = False
    competent: bool = False
    reason: str = ""


@router.post("/applications/{app_id}/accept", response=ApplicationOut)
def accept(request, app_id: Id, payload: ApplicationReviewIn):
    app = _app(request, app_id)
    d = payload.dict()
    reason = d.pop("reason")
    actions.accept_application(app, by=request.user, review=d, reason=reason)
    return app


@router.post("/applications/{app_id}/reject", response=ApplicationOut)
def reject(request, app_id: Id, payload: ApplicationReviewIn):
    app = _app(request, app_id)
    d = payload.dict()
    reason = d.pop("reason")
    actions.reject_application(app, by=request.user, review=d, reason=reason)
    return app
