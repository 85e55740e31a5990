"""Product, project and event inventories inside an audit over the API (R5.b, R5.c, R5.d; docs/footprint.md,
docs/projects.md, docs/events.md "In the audit") — the same actions as the level sections of the carbon page.

Walls as the carbon page's: the audit team and the audited organisation, anyone else 404; the actions say who
may do what (a client uploads, the team confirms, the leader dismisses and freezes). A workbook the engine
cannot read is 422 with its errors by sheet, row and column and nothing stored.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import FileResponse
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from tancert.api.carbon import _carbon_audit
from tancert.api.schemas import Id
from tancert.audits.carbon.levels import actions
from tancert.audits.models import Finding
from tancert.records import uploads
from tancert.ui.walls import get_or_404

router = Router(tags=["carbon verification and audit report"])

Level = Literal["product", "project", "activity"]
GradeIn = Literal[tuple(code for code, _label in Finding.GRADES)]  # type: ignore[valid-type]


class LevelUploadOut(Schema):
    level: str
    version: int
    original_name: str
    sha256: str
    inputs_sha256: str
    engine: str
    blocking: bool
    figures: dict
    findings: list[dict]
    uploaded_at: datetime


class LevelConfirmIn(Schema):
    rule: str = Field(max_length=80, description="the blocking finding's key as the upload lists it")
    grade: GradeIn
    evidence: str = Field("", max_length=500)


class LevelDismissIn(Schema):
    rule: str = Field(max_length=80)
    reason: str = Field(max_length=2000)


class LevelAnswerOut(Schema):
    key: str
    answer: str
    finding: int | None = None
    reason: str


class FrozenLevelOut(Schema):
    level: str
    version: int
    upload_version: int
    inputs_sha256: str
    record_sha256: str
    engine: str
    figures: dict
    frozen_at: datetime


def _upload_out(up) -> dict:
    return {"level": up.level, "version": up.version, "original_name": up.original_name, "sha256": up.sha256,
            "inputs_sha256": up.inputs_sha256, "engine": up.engine, "blocking": up.blocking, "figures": up.figures,
            "findings": up.findings, "uploaded_at": up.uploaded_at}


def _answer_out(a) -> dict:
    return {"key": a.key, "answer": a.answer, "finding": a.finding.number if a.finding_id else None,
            "reason": a.reason}


def _frozen_out(f) -> dict:
    return {"level": f.level, "version": f.version, "upload_version": f.upload.version,
            "inputs_sha256": f.inputs_sha256, "record_sha256": f.record_sha256, "engine": f.engine,
            "figures": f.figures, "frozen_at": f.frozen_at}


def _upload(request, audit_id: int, level: str, version: int):
    return get_or_404(_carbon_audit(request, audit_id).level_uploads.filter(level=level), version=version)


@router.post("/audits/{audit_id}/levels/{level}/uploads", response={201: LevelUploadOut})
def upload(request, audit_id: Id, level: Level, file: File[UploadedFile]):
    """Upload the level's workbook (multipart `file`, the engine's .xlsx template) as a new version."""
    up = actions.upload_level(_carbon_audit(request, audit_id), level, by=request.user, filename=file.name,
                              content=uploads.read(file))
    return Status(201, _upload_out(up))


@router.get("/audits/{audit_id}/levels/{level}/uploads", response=list[LevelUploadOut])
def upload_list(request, audit_id: Id, level: Level):
    return [_upload_out(u) for u in _carbon_audit(request, audit_id).level_uploads.filter(level=level)
            .order_by("version")]


@router.get("/audits/{audit_id}/levels/{level}/uploads/{version}/file")
def upload_file(request, audit_id: Id, level: Level, version: Id):
    up = _upload(request, audit_id, level, version)
    return FileResponse(up.file.open("rb"), as_attachment=True, filename=up.original_name)


@router.post("/audits/{audit_id}/levels/{level}/uploads/{version}/confirm", response={201: LevelAnswerOut})
def confirm(request, audit_id: Id, level: Level, version: Id, payload: LevelConfirmIn):
    """A team member confirms a blocking finding of the level's engine as an audit finding."""
    a = actions.confirm_level_finding(_upload(request, audit_id, level, version), by=request.user, **payload.dict())
    return Status(201, _answer_out(a))


@router.post("/audits/{audit_id}/levels/{level}/uploads/{version}/dismiss", response={201: LevelAnswerOut})
def dismiss(request, audit_id: Id, level: Level, version: Id, payload: LevelDismissIn):
    """The team leader dismisses a blocking finding of the level's engine, with the reason."""
    a = actions.dismiss_level_finding(_upload(request, audit_id, level, version), by=request.user, **payload.dict())
    return Status(201, _answer_out(a))


@router.post("/audits/{audit_id}/levels/{level}/frozen-figures", response={201: FrozenLevelOut})
def freeze(request, audit_id: Id, level: Level):
    """The team leader freezes the level's verified figures from its current workbook."""
    return Status(201, _frozen_out(actions.freeze_level(_carbon_audit(request, audit_id), level, by=request.user)))


@router.get("/audits/{audit_id}/levels/{level}/frozen-figures", response=list[FrozenLevelOut])
def frozen(request, audit_id: Id, level: Level):
    return [_frozen_out(f) for f in _carbon_audit(request, audit_id).frozen_levels.filter(level=level)
            .select_related("upload").order_by("version")]
