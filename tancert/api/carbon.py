"""Carbon data verification and the audit report over the API (docs/audits.md §7–9).

Walls as on the pages: the carbon endpoints are for the audit team and the audited organisation
(anyone else: 404); the report for the team, office roles and — after the decision — the client.
A rejected inventory is 422 with the engine's errors per sheet/row/column and nothing imported.
"""

from __future__ import annotations

from datetime import datetime

from django.http import FileResponse, Http404
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile

from tancert.api.schemas import Count, Id, Number, Version
from tancert.audits.access import audits_for
from tancert.audits.carbon import actions as carbon
from tancert.audits.carbon import cycle, meters
from tancert.audits.report import actions as report
from tancert.audits.team import on_team
from tancert.records import uploads
from tancert.ui.walls import get_or_404

router = Router(tags=["carbon verification and audit report"])


class SampleRecordOut(Schema):
    row: int
    source_id: str
    facility: str
    period: str
    kind: str
    activity: str
    quantity: float | None = None
    unit: str
    crosscheck_source: str
    tco2e: float | None = None
    checked: bool = False
    result: str | None = None


class InventoryOut(Schema):
    id: int
    version: int
    original_name: str
    sha256: str
    inputs_sha256: str
    reporting_year: int
    total_tco2e: float
    blocking: bool
    sample_rule: str
    sample_seed: int
    findings_summary: list[dict]
    by_category: dict
    uploaded_at: datetime


def inventory_out(up) -> dict:
    return {"id": up.pk, "version": up.version, "original_name": up.original_name, "sha256": up.sha256,
            "inputs_sha256": up.inputs_sha256, "reporting_year": up.reporting_year, "total_tco2e": up.total_tco2e,
            "blocking": up.blocking, "sample_rule": up.sample_rule, "sample_seed": up.sample_seed,
            "findings_summary": up.results.get("findings_summary", []),
            "by_category": up.results.get("by_category", {}), "uploaded_at": up.uploaded_at}


class CheckIn(Schema):
    row: Count
    source_kind: str  # invoice / ledger / meter_reading / lab_report / contract / production_report / other
    reference: str
    result: str  # agrees / discrepancy
    value_found: Number | None = None
    note: str = ""
    grade: str = "minor"  # of the finding a discrepancy raises


class CheckOut(Schema):
    id: int
    row: int
    source_kind: str
    reference: str
    value_found: float | None
    result: str
    note: str
    finding_number: int | None = None


def check_out(c) -> dict:
    return {"id": c.pk, "row": c.row, "source_kind": c.source_kind, "reference": c.reference,
            "value_found": c.value_found, "result": c.result, "note": c.note,
            "finding_number": c.finding.number if c.finding_id else None}


class ConfirmIn(Schema):
    rule: str
    grade: str
    evidence: str = ""


class FindingRef(Schema):
    id: int
    number: int
    grade: str
    clause: str


class FrozenOut(Schema):
    id: int
    version: int
    inventory_version: int
    inputs_sha256: str
    record_sha256: str
    frozen_at: datetime
    figures: dict


def frozen_out(f) -> dict:
    return {"id": f.pk, "version": f.version, "inventory_version": f.upload.version,
            "inputs_sha256": f.inputs_sha256, "record_sha256": f.record_sha256, "frozen_at": f.frozen_at,
            "figures": f.figures}


def _carbon_audit(request, audit_id: int):
    a = get_or_404(audits_for(request.user), pk=audit_id)
    user = request.user
    if not (on_team(a, user) or (user.is_client and user.organisation_id == a.organisation_id)):
        raise Http404
    return a


def _upload(request, audit_id: int, version: int):
    return get_or_404(_carbon_audit(request, audit_id).inventories.all(), version=version)


@router.post("/audits/{audit_id}/inventories", response={201: InventoryOut})
def upload_inventory(request, audit_id: Id, file: File[UploadedFile]):
    """Upload the inventory (multipart `file`: the engine's .xlsx template, .json or .csv) as a new version."""
    up = carbon.upload_inventory(_carbon_audit(request, audit_id), by=request.user, filename=file.name,
                                 content=file.read(carbon.MAX_UPLOAD_BYTES + 1))
    return Status(201, inventory_out(up))


@router.get("/audits/{audit_id}/inventories", response=list[InventoryOut])
def inventories(request, audit_id: Id):
    return [inventory_out(u) for u in _carbon_audit(request, audit_id).inventories.order_by("version")]


@router.get("/audits/{audit_id}/inventories/{version}/sample", response=list[SampleRecordOut])
def sample(request, audit_id: Id, version: Version):
    up = _upload(request, audit_id, version)
    checks = {c.row: c for c in up.checks.all()}
    return [r | {"checked": r["row"] in checks, "result": checks[r["row"]].result if r["row"] in checks else None}
            for r in up.sample]


@router.get("/audits/{audit_id}/inventories/{version}/file")
def inventory_file(request, audit_id: Id, version: Version):
    up = _upload(request, audit_id, version)
    return FileResponse(up.file.open("rb"), as_attachment=True, filename=up.original_name)


@router.post("/audits/{audit_id}/inventories/{version}/checks", response={201: CheckOut})
def record_check(request, audit_id: Id, version: Version, payload: CheckIn):
    c = carbon.record_sample_check(_upload(request, audit_id, version), by=request.user, **payload.dict())
    return Status(201, check_out(c))


@router.get("/audits/{audit_id}/inventories/{version}/checks", response=list[CheckOut])
def checks(request, audit_id: Id, version: Version):
    return [check_out(c) for c in _upload(request, audit_id, version).checks.select_related("finding")]


@router.post("/audits/{audit_id}/inventories/{version}/confirm", response={201: FindingRef})
def confirm(request, audit_id: Id, version: Version, payload: ConfirmIn):
    """Confirm a blocking data-quality finding of the engine as an audit finding."""
    return Status(201, carbon.confirm_data_finding(_upload(request, audit_id, version), by=request.user,
                                                   **payload.dict()))


class QualityDismissIn(Schema):
    rule: str
    reason: str


class DismissedOut(Schema):
    rule: str
    reason: str


@router.post("/audits/{audit_id}/inventories/{version}/dismiss", response={201: DismissedOut})
def dismiss(request, audit_id: Id, version: Version, payload: QualityDismissIn):
    """The team leader dismisses a blocking data-quality finding of the engine, with the reason."""
    d = carbon.dismiss_quality_finding(_upload(request, audit_id, version), by=request.user, **payload.dict())
    return Status(201, {"rule": d.rule, "reason": d.reason})


@router.post("/audits/{audit_id}/frozen-figures", response={201: FrozenOut})
def freeze(request, audit_id: Id):
    return Status(201, frozen_out(carbon.freeze_figures(_carbon_audit(request, audit_id), by=request.user)))


@router.get("/audits/{audit_id}/frozen-figures", response=list[FrozenOut])
def frozen_figures(request, audit_id: Id):
    return [frozen_out(f) for f in _carbon_audit(request, audit_id).frozen_figures.select_related("upload")]


class MeterSeriesOut(Schema):
    id: int
    version: int
    inventory_version: int
    original_name: str
    sha256: str
    size: int
    blocking: bool
    report: dict
    findings_summary: list[dict]
    uploaded_at: datetime


def series_out(s) -> dict:
    return {"id": s.pk, "version": s.version, "inventory_version": s.upload.version, "original_name": s.original_name,
            "sha256": s.sha256, "size": s.size, "blocking": s.blocking, "report": s.report,
            "findings_summary": s.findings_summary, "uploaded_at": s.uploaded_at}


@router.post("/audits/{audit_id}/inventories/{version}/meter-series", response={201: MeterSeriesOut})
def upload_meter_series(request, audit_id: Id, version: Version, file: File[UploadedFile]):
    """A meter or CEMS series (multipart `file`: .csv or .parquet with meter_id, timestamp, value, unit) reconciled
    with the inventory version; its blocking findings are confirmed or dismissed as `meters/<rule>`."""
    s = meters.upload_meters(_upload(request, audit_id, version), by=request.user, filename=file.name,
                             content=uploads.read(file))
    return Status(201, series_out(s))


@router.get("/audits/{audit_id}/inventories/{version}/meter-series", response=list[MeterSeriesOut])
def meter_series(request, audit_id: Id, version: Version):
    return [series_out(s) for s in _upload(request, audit_id, version).meter_series.order_by("version")]


class CyclePointOut(Schema):
    audit: int
    kind: str
    kind_zh: str
    start: str
    year: int
    frozen: bool
    total_tco2e: float
    by_category: dict
    facilities: list[str]
    method: str | None = None
    gwp_basis: str | None = None
    base_year: int | None = None
    baseline_used: float | None = None
    change_vs_base_pct: float | None = None
    intensity: list[dict]
    targets: list[dict]
    recalculation: dict


class CycleOut(Schema):
    rule: str
    points: list[CyclePointOut]
    changes: list[dict]


@router.get("/audits/{audit_id}/carbon/cycle", response=CycleOut)
def performance_cycle(request, audit_id: Id):
    """Carbon performance over the certification cycle (R8.1.3-F2/F4, R8.2.2-F3/F4): the frozen figures of the
    organisation's verified audits up to this one (this one provisional until frozen), and each boundary or
    method change between them with whether the base-year recalculation trigger was recorded."""
    a = _carbon_audit(request, audit_id)
    points = cycle.series(a)
    return {"rule": cycle.cycle_key(a), "points": points, "changes": cycle.changes(points)}


def _report_audit(request, audit_id: int):
    a = get_or_404(audits_for(request.user), pk=audit_id)
    if not report.can_open(a, request.user):
        raise Http404
    return a


class VerificationSignIn(Schema):
    objectives: str
    evaluation: str
    recommendation: str
    deviations: str = ""
    combined_with: str = ""
    cms_specific: str = ""  # required in a combined audit (R10-common)
    focus_notes: dict[str, str] = {}


class ReportOut(Schema):
    id: int
    version: int
    sha256: str
    signed_by: str
    signed_at: datetime
    superseded_at: datetime | None
    frozen_version: int | None
    focus_items: list[str]


def report_out(r) -> dict:
    return {"id": r.pk, "version": r.version, "sha256": r.sha256, "signed_by": r.signed_by.username,
            "signed_at": r.signed_at, "superseded_at": r.superseded_at,
            "frozen_version": r.frozen.version if r.frozen_id else None,
            "focus_items": [f["key"] for f in r.content.get("focus", [])]}


@router.post("/audits/{audit_id}/reports", response={201: ReportOut})
def sign(request, audit_id: Id, payload: VerificationSignIn):
    """The team leader signs the report: a new PDF/A version (R7.5.1)."""
    r = report.sign_report(_report_audit(request, audit_id), by=request.user, **payload.dict())
    return Status(201, report_out(r))


@router.get("/audits/{audit_id}/reports", response=list[ReportOut])
def reports(request, audit_id: Id):
    return [report_out(r) for r in _report_audit(request, audit_id).reports.select_related("signed_by", "frozen")]


@router.get("/audits/{audit_id}/reports/{version}/pdf")
def report_pdf(request, audit_id: Id, version: Version):
    r = get_or_404(_report_audit(request, audit_id).reports.all(), version=version)
    return FileResponse(r.pdf.open("rb"), content_type="application/pdf", filename=r.filename)
