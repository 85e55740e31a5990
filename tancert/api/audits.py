"""Audit planning, findings and corrective actions over the API."""

from __future__ import annotations

from ninja import Router, Schema, Status
from pydantic import Field

from tancert.api.schemas import AuditOut, CombinedSystemIn, Day, FindingOut, Id, Number, audit_out
from tancert.audits import actions
from tancert.audits.access import audits_for, findings_for
from tancert.audits.findings import actions as finding_actions
from tancert.audits.models.checklists import ChecklistItem
from tancert.audits.programme import actions as programme_actions
from tancert.clients.access import organisations_for
from tancert.people.models import Role, User
from tancert.ui.walls import get_or_404

router = Router(tags=["audits"])


class TeamIn(Schema):
    username: str
    role: str  # leader / auditor / technical_expert


class PlanIn(Schema):
    organisation_id: Id
    kind: str
    start_date: Day
    end_date: Day
    auditor_days: Number
    team: list[TeamIn]
    application_id: Id | None = None
    certificate_id: Id | None = None
    method: str = "FS01"
    offsite: bool = False
    offsite_reason: str = ""
    # A combined audit (R10-time): each other management system with its separate audit time; auditor_days
    # is then the combined time, at least 80 % of the sum including the CMS's calculated time.
    combined_with: list[CombinedSystemIn] = Field(default=[], max_length=20)


@router.post("/audits", response={201: AuditOut})
def plan(request, payload: PlanIn):
    from django.core.exceptions import PermissionDenied

    if not request.user.has_role(Role.PROGRAMME_MANAGER):
        raise PermissionDenied
    org = get_or_404(organisations_for(request.user), pk=payload.organisation_id)
    app = get_or_404(org.applications.all(), pk=payload.application_id) if payload.application_id else None
    cert = get_or_404(org.certificates.all(), pk=payload.certificate_id) if payload.certificate_id else None
    team = []
    for member in payload.team:
        user = get_or_404(User.objects.filter(organisation__isnull=True), username=member.username)
        team.append((user, member.role))
    audit = programme_actions.plan_audit(org, by=request.user, kind=payload.kind, start_date=payload.start_date,
                               end_date=payload.end_date, auditor_days=payload.auditor_days, team=team,
                               application=app, certificate=cert, method=payload.method, offsite=payload.offsite,
                               offsite_reason=payload.offsite_reason,
                               combined_with=[c.dict() for c in payload.combined_with])
    return Status(201, audit_out(audit))


@router.get("/audits", response=list[AuditOut])
def audits(request):
    return [audit_out(a) for a in audits_for(request.user)]


def _audit(request, audit_id):
    return get_or_404(audits_for(request.user), pk=audit_id)


@router.get("/audits/{audit_id}", response=AuditOut)
def audit(request, audit_id: Id):
    return audit_out(_audit(request, audit_id))


@router.get("/audits/{audit_id}/findings", response=list[FindingOut])
def findings(request, audit_id: Id):
    return list(_audit(request, audit_id).findings.all())


class FindingIn(Schema):
    grade: str
    description: str
    evidence: str = ""
    clause: str = ""
    due_date: Day | None = None
    item_id: Id | None = None  # the checklist item it is raised on
    evidence_ids: list[Id] = Field(default=[], max_length=1000)  # evidence entries of this audit's checklist


@router.post("/audits/{audit_id}/findings", response={201: FindingOut})
def raise_finding(request, audit_id: Id, payload: FindingIn):
    a = _audit(request, audit_id)
    data = payload.dict()
    item_id = data.pop("item_id")
    item = get_or_404(ChecklistItem.objects.filter(checklist__audit=a), pk=item_id) if item_id else None
    return Status(201, finding_actions.raise_finding(a, by=request.user, item=item, **data))


class CompleteIn(Schema):
    conclusion: str
    recommendation: str


@router.post("/audits/{audit_id}/complete", response=AuditOut)
def complete(request, audit_id: Id, payload: CompleteIn):
    a = _audit(request, audit_id)
    actions.complete_audit(a, by=request.user, **payload.dict())
    a.refresh_from_db()
    return audit_out(a)


def _finding(request, finding_id):
    return get_or_404(findings_for(request.user), pk=finding_id)


class ResponseIn(Schema):
    correction: str
    root_cause: str
    corrective_action: str
    evidence: str = ""


@router.post("/findings/{finding_id}/response", response=FindingOut)
def respond(request, finding_id: Id, payload: ResponseIn):
    f = _finding(request, finding_id)
    finding_actions.respond_to_finding(f, by=request.user, **payload.dict())
    return f


class FindingReviewIn(Schema):
    outcome: str  # accept / verify / return
    note: str = ""


@router.post("/findings/{finding_id}/review", response=FindingOut)
def review(request, finding_id: Id, payload: FindingReviewIn):
    f = _finding(request, finding_id)
    finding_actions.review_finding_response(f, by=request.user, outcome=payload.outcome, note=payload.note)
    return f
