"""Auditor register over the API (R4, R7.3.2): the same actions and walls as the pages.

Walls: the office sees everyone's register, an auditor or technical expert only their own (others
are 404), a client nothing (the list is 403, a person 404). Changes go through
tancert.people.auditors.actions, which answer 403 for a role that may not act and 422 with the rule
key for bad input.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import Router, Schema, Status
from pydantic import Field

from tancert.api.schemas import Count, Day, Days, Id, Year
from tancert.clients.access import organisations_for
from tancert.people.access import is_office
from tancert.people.actions import require_role
from tancert.people.auditors import actions
from tancert.people.auditors.snapshots import (
    REGISTER_ROLES,
    overview,
    people_for,
    register_warnings,
    snapshots,
)
from tancert.people.models import Role
from tancert.people.models.auditors import CpdPlan, CpdRecord, QualificationType
from tancert.ui.walls import get_or_404

router = Router(tags=["auditor register"])


# ---------------------------------------------------------------------------------------------
# Schemas
# ---------------------------------------------------------------------------------------------


class WarningOut(Schema):
    rule: str
    code: str
    message: str


class AuditorOut(Schema):
    id: int
    username: str
    name: str
    roles: list[str]
    registration_grade: str
    registration_number: str
    registration_valid_from: date | None
    registration_valid_to: date | None
    ghg_valid_from: date | None
    ghg_valid_to: date | None
    experience: bool
    cms_competence: bool
    cpd_years: list[int]
    warnings: list[WarningOut]


class RegistrationOut(Schema):
    id: int
    grade: str
    number: str
    valid_from: date
    valid_to: date


class QualificationOut(Schema):
    id: int
    type: str
    issuer: str
    number: str
    valid_from: date
    valid_to: date


class ExperienceOut(Schema):
    id: int
    field: str
    employer: str
    started_on: date
    ended_on: date | None
    description: str


class CompetenceOut(Schema):
    id: int
    kind: str
    area: int | None
    function: str
    evaluated_on: date
    evaluator: str
    evidence: str


class CpdOut(Schema):
    id: int
    year: int
    content: str
    hours: Decimal
    completed_on: date | None


class ConflictOut(Schema):
    id: int
    kind: str
    organisation_id: int | None
    organisation_name: str
    credit_code: str
    started_on: date | None
    ended_on: date | None
    declared_on: date


class UnavailabilityOut(Schema):
    id: int
    starts_on: date
    ends_on: date
    reason: str


class RegisterOut(Schema):
    auditor: AuditorOut
    registrations: list[RegistrationOut]
    qualifications: list[QualificationOut]
    experience: list[ExperienceOut]
    competences: list[CompetenceOut]
    cpd: list[CpdOut]
    conflicts: list[ConflictOut]
    unavailability: list[UnavailabilityOut]


class RegistrationIn(Schema):
    grade: str
    number: str
    valid_from: Day
    valid_to: Day


class QualificationIn(Schema):
    type: str = "ghg-manager"  # a QualificationType code
    issuer: str
    number: str
    valid_from: Day
    valid_to: Day


class ExperienceIn(Schema):
    field: str
    employer: str
    started_on: Day
    ended_on: Day | None = None
    description: str = ""


class CompetenceIn(Schema):
    kind: str  # cms / area
    area: Count | None = None
    function: str = ""
    evaluated_on: Day
    evaluator: str = ""
    evidence: str


class CpdIn(Schema):
    year: Year
    content: str = ""
    hours: Days = Decimal(0)
    completed_on: Day | None = None


class CpdCompleteIn(Schema):
    completed_on: Day
    hours: Days


class ConflictIn(Schema):
    kind: str
    organisation_id: Id | None = None
    organisation_name: str = ""
    credit_code: str = ""
    started_on: Day | None = None
    ended_on: Day | None = None
    declared_on: Day | None = None
    note: str = ""


class UnavailabilityIn(Schema):
    starts_on: Day
    ends_on: Day
    reason: str = ""


class CpdPlanIn(Schema):
    year: Year
    content: str


class CpdPlanOut(Schema):
    year: int
    content: str


class QualificationTypeIn(Schema):
    code: str
    name_zh: str
    name_en: str
    is_ghg_manager: bool = False


class QualificationTypeOut(Schema):
    code: str
    name_zh: str
    name_en: str
    is_ghg_manager: bool


class AuditorEntryCreated(Schema):
    kind: str
    id: int


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def _auditor_out(user, snap, roles, warnings) -> dict:
    return {
        "id": user.pk, "username": user.username, "name": snap.name, "roles": sorted(roles),
        "registration_grade": snap.registration_grade, "registration_number": snap.registration_number,
        "registration_valid_from": snap.registration_valid_from, "registration_valid_to": snap.registration_valid_to,
        "ghg_valid_from": snap.ghg_valid_from, "ghg_valid_to": snap.ghg_valid_to, "experience": snap.experience,
        "cms_competence": snap.cms_competence, "cpd_years": sorted(snap.cpd_years),
        "warnings": [{"rule": w.key, "code": w.code, "message": str(w)} for w in warnings],
    }


def _person(request, user_id):
    return get_or_404(people_for(request.user), pk=user_id)


@router.get("/auditors", response=list[AuditorOut])
def auditors(request):
    """Auditors and technical experts with the register's warnings (an auditor gets only themselves)."""
    user = request.user
    if is_office(user):
        rows = overview()
    elif not user.is_client and user.has_role(*REGISTER_ROLES):
        rows = overview([user])
    else:
        raise PermissionDenied
    return [_auditor_out(r.user, r.snapshot, r.roles, r.warnings) for r in rows]


@router.get("/auditors/{user_id}", response=RegisterOut)
def register(request, user_id: Id):
    person = _person(request, user_id)
    snap = snapshots([person])[0]
    roles = person.role_codes()
    return {
        "auditor": _auditor_out(person, snap, roles, register_warnings(snap, is_auditor=Role.AUDITOR in roles)),
        "registrations": list(person.ccaa_registrations.all()),
        "qualifications": [{"id": q.pk, "type": q.type.code, "issuer": q.issuer, "number": q.number,
                            "valid_from": q.valid_from, "valid_to": q.valid_to}
                           for q in person.qualifications.select_related("type")],
        "experience": list(person.experiences.all()),
        "competences": list(person.competences.all()),
        "cpd": list(person.cpd_records.all()),
        "conflicts": [{"id": c.pk, "kind": c.kind, "organisation_id": c.organisation_id,
                       "organisation_name": c.display_name, "credit_code": c.credit_code,
                       "started_on": c.started_on, "ended_on": c.ended_on, "declared_on": c.declared_on}
                      for c in person.conflict_declarations.select_related("organisation")],
        "unavailability": list(person.unavailability.all()),
    }


# ---------------------------------------------------------------------------------------------
# Changing
# ---------------------------------------------------------------------------------------------


def _created(kind: str, obj):
    return Status(201, {"kind": kind, "id": obj.pk})


@router.post("/auditors/{user_id}/registrations", response={201: AuditorEntryCreated})
def add_registration(request, user_id: Id, payload: RegistrationIn):
    return _created("registration", actions.add_registration(_person(request, user_id), by=request.user,
                                                             **payload.dict()))


@router.post("/auditors/{user_id}/qualifications", response={201: AuditorEntryCreated})
def add_qualification(request, user_id: Id, payload: QualificationIn):
    return _created("qualification", actions.add_qualification(_person(request, user_id), by=request.user,
                                                               **payload.dict()))


@router.post("/auditors/{user_id}/experience", response={201: AuditorEntryCreated})
def add_experience(request, user_id: Id, payload: ExperienceIn):
    return _created("experience", actions.add_experience(_person(request, user_id), by=request.user,
                                                         **payload.dict()))


@router.post("/auditors/{user_id}/competences", response={201: AuditorEntryCreated})
def add_competence(request, user_id: Id, payload: CompetenceIn):
    return _created("competence", actions.add_competence(_person(request, user_id), by=request.user,
                                                         **payload.dict()))


@router.post("/auditors/{user_id}/cpd", response={201: AuditorEntryCreated})
def add_cpd(request, user_id: Id, payload: CpdIn):
    return _created("cpd", actions.add_cpd(_person(request, user_id), by=request.user, **payload.dict()))


@router.post("/auditors/{user_id}/cpd/{entry_id}/complete", response=CpdOut)
def complete_cpd(request, user_id: Id, entry_id: Id, payload: CpdCompleteIn):
    person = _person(request, user_id)
    record = get_or_404(CpdRecord.objects.filter(user=person), pk=entry_id)
    return actions.complete_cpd(record, by=request.user, **payload.dict())


@router.post("/auditors/{user_id}/conflicts", response={201: AuditorEntryCreated})
def declare_conflict(request, user_id: Id, payload: ConflictIn):
    person = _person(request, user_id)
    data = payload.dict()
    org_id = data.pop("organisation_id")
    # The organisation is looked up through the declarer's wall: nobody learns of a client by guessing ids.
    org = get_or_404(organisations_for(request.user), pk=org_id) if org_id is not None else None
    return _created("conflict", actions.declare_conflict(person, by=request.user, organisation=org, **data))


@router.post("/auditors/{user_id}/unavailability", response={201: AuditorEntryCreated})
def add_unavailability(request, user_id: Id, payload: UnavailabilityIn):
    return _created("unavailability", actions.add_unavailability(_person(request, user_id), by=request.user,
                                                                 **payload.dict()))


@router.delete("/auditors/{user_id}/{kind}/{entry_id}", response={204: None})
def remove_entry(request, user_id: Id, kind: str, entry_id: Id,
                 reason: Annotated[str, Field(max_length=actions.REASON_MAX)] = ""):
    """End an entry, with the reason (query parameter); it is never deleted and stays in the person's history
    (CB-register-history). kind is registration, qualification, experience, competence, cpd, conflict,
    unavailability, monitoring or training."""
    if kind not in actions.REMOVABLE:
        raise Http404
    actions.remove_entry(kind, entry_id, by=request.user, user=_person(request, user_id), reason=reason)
    return Status(204, None)


@router.get("/cpd-plans", response=list[CpdPlanOut])
def cpd_plans(request):
    if not is_office(request.user) and not request.user.has_role(*REGISTER_ROLES):
        raise PermissionDenied
    return list(CpdPlan.objects.all())


@router.post("/cpd-plans", response=CpdPlanOut)
def set_cpd_plan(request, payload: CpdPlanIn):
    return actions.set_cpd_plan(by=request.user, **payload.dict())


@router.get("/qualification-types", response=list[QualificationTypeOut])
def qualification_types(request):
    if request.user.is_client:
        raise PermissionDenied
    return list(QualificationType.objects.all())


@router.post("/qualification-types", response={201: QualificationTypeOut})
def add_qualification_type(request, payload: QualificationTypeIn):
    require_role(request.user, Role.SYSTEM_ADMIN)
    return Status(201, actions.add_qualification_type(by=request.user, **payload.dict()))
