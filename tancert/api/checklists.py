"""Stage 1 record, checklists, evidence, offline sync, check-ins (their anomalies and explanations) and report
items over the API (docs/audits.md §7).

Walls: an audit outside the user's wall is 404; clients may not read the team's working papers (403);
only team members change anything (403). Rule violations are 422 {"rule", "message", "field"}.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from tancert.api.schemas import MAX_INT, FindingOut, Id, Moment, Version
from tancert.audits.access import audits_for, findings_for
from tancert.audits.checklists import checkins, explanations
from tancert.audits.checklists import items as checklists
from tancert.audits.checklists.actions import add_evidence, answer_item, start_checklist, sync
from tancert.audits.findings import actions as finding_actions
from tancert.audits.models.checklists import Checklist, ChecklistItem, EvidenceEntry
from tancert.audits.models.stage1 import Stage1Record
from tancert.audits.stage1 import actions as stage1
from tancert.records import uploads
from tancert.ui.walls import get_or_404

router = Router(tags=["audit work"])


def _audit(request, audit_id: int):
    a = get_or_404(audits_for(request.user), pk=audit_id)
    if request.user.is_client:
        raise PermissionDenied("the audit team's working papers are not shown to clients")
    return a


def _item(request, item_id: int) -> ChecklistItem:
    item = get_or_404(ChecklistItem.objects.filter(checklist__audit__in=audits_for(request.user))
                             .select_related("checklist__audit"), pk=item_id)
    _audit(request, item.checklist.audit_id)
    return item


# --- stage 1 ------------------------------------------------------------------------------------------

class Stage1ReviewIn(Schema):
    result: str  # adequate / inadequate / not_applicable
    note: str = ""


class Stage1In(Schema):
    version: Version
    reviews: dict[str, Stage1ReviewIn] = {}
    ready_for_stage2: bool | None = None
    readiness: str | None = None
    carbon_review: str | None = None
    baseline: str | None = None
    significant_sources: str | None = None
    key_parameters: str | None = None
    performance_evaluation: str | None = None
    resources: str | None = None
    stage2_arrangements: str | None = None


class Stage1Out(Schema):
    audit_id: int
    version: int
    ready_for_stage2: bool | None
    texts: dict[str, str]
    reviews: dict[str, dict[str, Any]]
    offsite: bool
    offsite_reason: str


def _stage1_out(a) -> dict:
    record = stage1.record_for(a)
    reviews = {}
    if record:
        for r in record.document_reviews.select_related("document"):
            reviews[r.code] = {"result": r.result, "note": r.note,
                               "document_version": r.document.version if r.document else None}
    return {"audit_id": a.pk, "version": record.version if record else 0,
            "ready_for_stage2": record.ready_for_stage2 if record else None,
            "texts": {n: getattr(record, n) if record else "" for n in Stage1Record.TEXT_FIELDS},
            "reviews": reviews, "offsite": a.offsite, "offsite_reason": a.offsite_reason}


@router.get("/audits/{audit_id}/stage1", response=Stage1Out)
def get_stage1(request, audit_id: Id):
    return _stage1_out(_audit(request, audit_id))


@router.put("/audits/{audit_id}/stage1", response=Stage1Out)
def put_stage1(request, audit_id: Id, payload: Stage1In):
    a = _audit(request, audit_id)
    data = payload.dict()
    texts = {n: data[n] for n in Stage1Record.TEXT_FIELDS if data.get(n) is not None}
    stage1.save_stage1_record(a, by=request.user, version=data["version"], reviews=data["reviews"],
                              ready_for_stage2=data["ready_for_stage2"], **texts)
    return _stage1_out(a)


# --- checklist ----------------------------------------------------------------------------------------

class EvidenceOut(Schema):
    id: int
    uuid: str
    kind: str
    text: str
    person: str
    who: str
    when: datetime
    recorded_by: str
    file_name: str
    content_type: str
    sha256: str


class ItemOut(Schema):
    id: int
    code: str
    kind: str
    title_zh: str
    title_en: str
    status: str
    clauses: list[str]
    rule_key: str
    mandatory: bool
    conformity: str | None
    reason: str
    auditor: str
    version: int
    evidence: list[EvidenceOut]
    findings: list[int]


class ChecklistOut(Schema):
    audit_id: int
    started: bool
    tree_version: str | None
    policy_version: str | None
    overlays: list[dict[str, Any]]
    items: list[ItemOut]


def _evidence_out(e: EvidenceEntry) -> dict:
    return {"id": e.pk, "uuid": str(e.uuid), "kind": e.kind, "text": e.text, "person": e.person, "who": e.who(),
            "when": e.observed_at, "recorded_by": e.recorded_by.get_full_name(), "file_name": e.original_name,
            "content_type": e.content_type, "sha256": e.sha256}


def _item_out(i: ChecklistItem) -> dict:
    return {"id": i.pk, "code": i.code, "kind": i.kind, "title_zh": i.title_zh, "title_en": i.title_en,
            "status": i.status, "clauses": list(i.clauses), "rule_key": i.rule_key, "mandatory": i.mandatory,
            "conformity": i.conformity or None, "reason": i.reason,
            "auditor": i.auditor.get_full_name() if i.auditor else "", "version": i.version,
            "evidence": [_evidence_out(e) for e in i.evidence.all()],
            "findings": sorted(f.number for f in i.findings.all())}


def _checklist_out(a) -> dict:
    cl = Checklist.objects.filter(audit=a).first()
    items = cl.items.select_related("auditor").prefetch_related("evidence__recorded_by", "findings") if cl else []
    return {"audit_id": a.pk, "started": cl is not None, "tree_version": cl.tree_version if cl else None,
            "policy_version": cl.policy_version if cl else None, "overlays": cl.overlays if cl else [],
            "items": [_item_out(i) for i in items]}


@router.get("/audits/{audit_id}/checklist", response=ChecklistOut)
def get_checklist(request, audit_id: Id):
    return _checklist_out(_audit(request, audit_id))


@router.post("/audits/{audit_id}/checklist", response={201: ChecklistOut})
def post_checklist(request, audit_id: Id):
    """Build the checklist from the clause tree, policy and overlays in force now (idempotent)."""
    a = _audit(request, audit_id)
    start_checklist(a, by=request.user)
    return Status(201, _checklist_out(a))


class AnswerIn(Schema):
    conformity: str  # conforming / finding / not_audited
    reason: str = ""
    version: Version  # the item version the auditor saw; a newer one on the server is a 422 conflict
    uuid: str | None = None


@router.post("/checklist-items/{item_id}/answer", response=ItemOut)
def post_answer(request, item_id: Id, payload: AnswerIn):
    item = answer_item(_item(request, item_id), by=request.user, **payload.dict())
    return _item_out(ChecklistItem.objects.get(pk=item.pk))


class EvidenceIn(Schema):
    kind: str  # note / interview (documents and photos: the upload endpoint)
    text: str = ""
    person: str = ""
    observed_at: Moment | None = None
    uuid: str | None = None


@router.post("/checklist-items/{item_id}/evidence", response={201: EvidenceOut})
def post_evidence(request, item_id: Id, payload: EvidenceIn):
    return Status(201, _evidence_out(add_evidence(_item(request, item_id), by=request.user, **payload.dict())))


@router.post("/checklist-items/{item_id}/evidence/upload", response={201: EvidenceOut})
def upload_evidence(request, item_id: Id, kind: Form[str], file: File[UploadedFile], text: Form[str] = "",
                    person: Form[str] = "", uuid: Form[str] = ""):
    entry = add_evidence(_item(request, item_id), by=request.user, kind=kind, text=text, person=person,
                         uuid=uuid or None, filename=file.name, content=uploads.read(file))
    return Status(201, _evidence_out(entry))


class SyncEntry(Schema):
    uuid: str
    type: str  # answer / evidence
    item: str  # the item's code, e.g. "R7.4.2-F3" or "6.5"
    conformity: str = ""
    reason: str = ""
    version: Annotated[int, Field(ge=-1, le=MAX_INT)] = -1  # the version the auditor saw (R7.4.2 conflicts); -1: none
    kind: str = "note"
    text: str = ""
    person: str = ""
    observed_at: str | None = None


class SyncIn(Schema):
    entries: list[SyncEntry] = Field(max_length=5000)  # a day's offline work, bounded


class SyncResult(Schema):
    uuid: str
    item: str | None
    status: str  # saved / conflict / error
    rule: str | None
    message: str
    field: str | None = None
    version: int | None
    conformity: str | None


@router.post("/audits/{audit_id}/checklist/sync", response=list[SyncResult], url_name="checklist_sync")
def post_sync(request, audit_id: Id, payload: SyncIn):
    """The offline queue: entries applied in order, each idempotent by its client-generated UUID."""
    return sync(_audit(request, audit_id), by=request.user, entries=[e.dict() for e in payload.entries])


@router.get("/audits/{audit_id}/report-items", response=list[dict[str, Any]])
def get_report_items(request, audit_id: Id):
    """checklists.report_items(): every item with conformity, evidence, auditor and finding numbers."""
    return checklists.report_items(_audit(request, audit_id))


# --- check-ins and corrective-action files ---------------------------------------------------------------

class CheckInOut(Schema):
    id: int
    meeting: str
    at: datetime
    location: str
    by: str
    photos: list[str]  # SHA-256 of each photo


def _checkin_out(c) -> dict:
    return {"id": c.pk, "meeting": c.meeting, "at": c.at, "location": c.location, "by": c.by.get_full_name(),
            "photos": [ph.sha256 for ph in c.photos.all()]}


@router.get("/audits/{audit_id}/checkins", response=list[CheckInOut])
def get_checkins(request, audit_id: Id):
    return [_checkin_out(c) for c in _audit(request, audit_id).checkins.all()]


@router.post("/audits/{audit_id}/checkins", response={201: CheckInOut})
def post_checkin(request, audit_id: Id, meeting: Form[str], photos: File[list[UploadedFile]],
                 location: Form[str] = ""):
    c = checkins.check_in(_audit(request, audit_id), by=request.user, meeting=meeting, location=location,
                          photos=[(f.name, uploads.read(f)) for f in photos])
    return Status(201, _checkin_out(c))


class CheckinSettingIn(Schema):
    required: bool
    reason: Annotated[str, Field(max_length=500)] = ""  # required to waive (programme manager only)


@router.put("/audits/{audit_id}/checkin-setting", response=dict)
def put_checkin_setting(request, audit_id: Id, payload: CheckinSettingIn):
    a = _audit(request, audit_id)
    checkins.set_checkin_required(a, by=request.user, required=payload.required, reason=payload.reason)
    return {"checkin_required": payload.required}


# --- check-in anomalies and their explanations (CB-checkin; docs/obligations.md) --------------------------

class ExplanationOut(Schema):
    anomaly: str
    party: str  # auditor / body
    text: str
    by: str
    at: datetime


class AnomalyOut(Schema):
    key: str  # kind:meeting — what an explanation names
    kind: str  # missing / window / location
    meeting: str
    label: str  # Chinese, as the CNCA system names it (未签到, 地点偏差 …)
    expected: str
    happened: str
    auditor_explanation: ExplanationOut | None
    body_explanation: ExplanationOut | None


class CheckinAnomaliesOut(Schema):
    checkin_required: bool
    deadline: date  # the body's explanations: 5 working days after the audit's last day
    overdue: bool
    anomalies: list[AnomalyOut]


class ExplanationIn(Schema):
    anomaly: Annotated[str, Field(max_length=40)]
    party: Annotated[str, Field(max_length=10)]
    text: Annotated[str, Field(max_length=4000)]


def _explanation_out(e) -> dict | None:
    if e is None:
        return None
    return {"anomaly": e.anomaly, "party": e.party, "text": e.text, "by": e.by.get_full_name(), "at": e.at}


@router.get("/audits/{audit_id}/checkin-anomalies", response=CheckinAnomaliesOut)
def get_checkin_anomalies(request, audit_id: Id):
    view = explanations.overview(_audit(request, audit_id))
    return {"checkin_required": view.required, "deadline": view.deadline, "overdue": view.overdue,
            "anomalies": [{"key": r.key, "kind": r.anomaly.kind, "meeting": r.anomaly.meeting, "label": r.anomaly.label,
                           "expected": r.anomaly.expected, "happened": r.anomaly.happened,
                           "auditor_explanation": _explanation_out(r.auditor),
                           "body_explanation": _explanation_out(r.body)} for r in view.rows]}


@router.post("/audits/{audit_id}/checkin-explanations", response={201: ExplanationOut})
def post_checkin_explanation(request, audit_id: Id, payload: ExplanationIn):
    e = explanations.explain(_audit(request, audit_id), by=request.user, anomaly=payload.anomaly,
                             party=payload.party, text=payload.text)
    return Status(201, _explanation_out(e))


@router.post("/findings/{finding_id}/response/upload", response=FindingOut)
def respond_with_files(request, finding_id: Id, correction: Form[str], root_cause: Form[str],
                       corrective_action: Form[str], files: File[list[UploadedFile]] = None,
                       evidence: Form[str] = ""):
    """The client's answer with evidence files (multipart); the JSON endpoint takes text only."""
    f = get_or_404(findings_for(request.user), pk=finding_id)
    finding_actions.respond_to_finding(f, by=request.user, correction=correction, root_cause=root_cause,
                               corrective_action=corrective_action, evidence=evidence,
                               files=[(u.name, uploads.read(u)) for u in files or []])
    f.refresh_from_db()
    return f
