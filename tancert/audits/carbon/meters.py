"""Meter and CEMS series in the audit (R6.2-crosscheck, R6.2-calibration; docs/ghg.md "Meter series").

upload_meters → the upload gate (records/uploads.py: CSV text or Parquet by content, size caps) → the engine in
its bounded child (ghg/isolated.py ``meters``: the series read, linked to the inventory's meters and their
calibration, gaps and flat-lines found, months reconciled with the activity data) → stored with its report.
Its blocking findings (a month off beyond the tolerance, readings taken while calibration had lapsed) join the
inventory version's blocking findings under the id ``meters/<rule>`` and are confirmed as audit findings or
dismissed by the team leader like the engine's (actions.py); freezing keeps the reconciliation with the figures.
A hostile or unreadable file is refused (4xx, in Chinese) and nothing is stored.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit
from tancert.audits.models.carbon import InventoryUpload, MeterSeriesUpload
from tancert.audits.team import require_team
from tancert.ghg import InputError, isolated
from tancert.records import chain, uploads
from tancert.scheme.violations import RuleViolation, require

PREFIX = "meters/"
KINDS = ("csv", "parquet")
SUFFIX = {"csv": ".csv", "parquet": ".parquet"}


class SeriesRejected(RuleViolation):
    """The engine could not read the series: its errors per file/row/column; nothing was stored."""
    def __init__(self, errors: list[dict]):
        super().__init__("R6.2-crosscheck", _("The meter series has %(n)d errors; nothing was stored. Correct them "
                                              "and upload the file again."), field="file", params={"n": len(errors)})
        self.errors = errors

    def as_dict(self) -> dict:
        return super().as_dict() | {"errors": self.errors}


def current_series(upload: InventoryUpload | None) -> MeterSeriesUpload | None:
    return None if upload is None else upload.meter_series.order_by("-version").first()


def blocking(upload: InventoryUpload) -> list[dict]:
    """The current series' blocking findings, one per rule, in the inventory's findings_summary shape; `rule` is
    the id answered (``meters/R6.2-calibration``), `key` the rule key the audit finding cites."""
    series = current_series(upload)
    if series is None:
        return []
    out: dict[str, dict] = {}
    for b in series.findings_summary:
        if b["severity"] != "blocking":
            continue
        block = out.setdefault(b["rule"], {"rule": PREFIX + b["rule"], "key": b["rule"], "severity": "blocking",
                                           "sheet": series.original_name, "rows": [], "count": 0, "meters": True,
                                           "message": [], "message_zh": []})
        block["count"] += int(b["count"])
        block["rows"] += b.get("rows", [])[:10]
        block["message"].append(b["message"])
        block["message_zh"].append(b.get("message_zh") or b["message"])
    for block in out.values():
        block["message"] = "; ".join(block["message"][:5]) + (" …" if len(block["message"]) > 5 else "")
        block["message_zh"] = "；".join(block["message_zh"][:5]) + (" …" if len(block["message_zh"]) > 5 else "")
        block["rows"] = block["rows"][:10]
    return list(out.values())


def upload_meters(upload: InventoryUpload, *, by, filename: str, content: bytes) -> MeterSeriesUpload:
    """The client or a team member uploads a meter series for the current inventory version."""
    audit = upload.audit
    if by.is_authenticated and by.is_client:
        if by.organisation_id != audit.organisation_id:
            raise PermissionDenied(_("Only the audited organisation can upload its inventory."))
    else:
        require_team(audit, by)
    # the same walls as the inventory's upload (actions.py; that module imports this one)
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "R7.4.3",
            _("Carbon data can be verified only while the audit is open."), field="status")
    latest = audit.inventories.order_by("-version").first()
    require(latest is not None and latest.pk == upload.pk, "R6.2-sampling",
            _("A newer version of the inventory was uploaded; work on the current version."), field="upload")
    verdict = uploads.examine(content, allowed=KINDS)
    require(verdict.ok, "R6.2-crosscheck", verdict.message, field="file", params=verdict.params)
    suffix = SUFFIX[verdict.kind]
    try:
        with upload.file.open("rb") as fh:
            inventory = fh.read()
        with tempfile.TemporaryDirectory() as tmp:
            inv_path = Path(tmp) / f"inventory{Path(upload.original_name).suffix.lower()}"
            inv_path.write_bytes(inventory)
            series_path = Path(tmp) / f"{Path(filename or 'series').stem[:80] or 'series'}{suffix}"
            series_path.write_bytes(content)
            answer = isolated.run("meters", inv_path, memory=settings.TANCERT_INVENTORY_MEMORY_BYTES,
                                  seconds=settings.TANCERT_INVENTORY_SECONDS, options={"series": str(series_path)})
    except InputError as exc:
        raise SeriesRejected([e.as_dict() for e in exc.errors]) from None
    digest = hashlib.sha256(content).hexdigest()
    report, summary = answer["report"], answer["findings_summary"]
    is_blocking = any(b["severity"] == "blocking" for b in summary)
    with transaction.atomic():
        locked = InventoryUpload.objects.select_for_update().get(pk=upload.pk)
        version = (locked.meter_series.aggregate(m=Max("version"))["m"] or 0) + 1
        series = MeterSeriesUpload(upload=upload, version=version, original_name=Path(filename or "series").name[:255],
                                   size=len(content), sha256=digest, report=report, findings_summary=summary,
                                   blocking=is_blocking, uploaded_by=by)
        series.file.save(f"{digest[:12]}{suffix}", ContentFile(content), save=False)
        series.save()
        meters = report.get("meters") or []
        chain.append("audit.meter_series_uploaded", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"上传计量数据序列第 {version} 版：{series.original_name}，{len(meters)} 台计量器具，"
                             f"{sum(m['readings'] for m in meters):,} 条读数，与碳排放清单第 {upload.version} 版核对；"
                             f"阻断性问题 {sum(1 for b in summary if b['severity'] == 'blocking')} 项",
                     data={"version": version, "inventory": upload.version, "sha256": digest, "size": len(content),
                           "file": series.original_name, "blocking": is_blocking,
                           "rules": sorted({b["rule"] for b in summary})})
    return series


def frozen(upload: InventoryUpload) -> dict | None:
    """What the frozen figures keep of the current series: file, hash, per-meter summary and its findings."""
    series = current_series(upload)
    if series is None:
        return None
    return {"version": series.version, "file": series.original_name, "sha256": series.sha256,
            "tolerance_pct": series.report.get("tolerance_pct"),
            "meters": [{k: m.get(k) for k in ("meter_id", "unit", "interval_minutes", "readings", "first", "last",
                                              "lapsed_readings", "gaps", "missing_intervals", "flat_lines")}
                       | {"months": m.get("months", [])[:24]} for m in series.report.get("meters") or []],
            "findings_summary": series.findings_summary}
