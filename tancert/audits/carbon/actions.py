"""Carbon data verification inside an audit (R6, R7.4.3): the actions.

upload_inventory → (engine: recompute, every data-quality check, the seeded stratified sample)
→ record_sample_check for each sampled record (a discrepancy raises an R6.2-crosscheck finding)
→ confirm_data_finding (or, by the team leader with a reason, dismiss_quality_finding) for each blocking
data-quality finding → freeze_figures. Closing the audit checks the same again (``check_verified``).

The engine (`tancert.ghg`) is pure; this module gives it a file, stores what it says and keeps
the record chain. Frozen figures come from `tancert.ghg.freeze`, so they carry the factor
versions used and are never recomputed from the live factor library afterwards.
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

from tancert.audits.carbon import cycle, meters
from tancert.audits.carbon.montecarlo import frozen_monte_carlo, interval, latest_run
from tancert.audits.findings.actions import raise_finding
from tancert.audits.models import Audit, Finding, OfflineReceipt
from tancert.audits.models.carbon import (
    ConfirmedDataFinding,
    DismissedDataFinding,
    FrozenCarbonFigures,
    InventoryUpload,
    MonteCarloRun,
    SampleCheck,
)
from tancert.audits.offline import receipts
from tancert.audits.team import require_team
from tancert.ghg import InputError, check, isolated
from tancert.ghg.canonical import canonical_json
from tancert.records import chain
from tancert.scheme.violations import RuleViolation, require

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# The audits whose report states carbon performance from verified, frozen figures (R7.5.1, R7.4.3).
VERIFIED_KINDS = cycle.VERIFIED_KINDS
FORMATS = (".xlsx", ".xlsm", ".json", ".csv")
FINDINGS_KEPT = 500  # engine findings kept per upload for the page (all are in the frozen record)


class InventoryRejected(RuleViolation):
    """A bad upload: the engine's errors per sheet/row/column; nothing was imported."""
    def __init__(self, errors: list[dict]):
        super().__init__("R7.4.3", _("The inventory has %(n)d errors; nothing was imported. Correct them and upload "
                                     "the file again."), field="file", params={"n": len(errors)})
        self.errors = errors

    def as_dict(self) -> dict:
        return super().as_dict() | {"errors": self.errors}


def _require_open(audit: Audit) -> None:
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "R7.4.3",
            _("Carbon data can be verified only while the audit is open."), field="status")


def _require_team_or_client(audit: Audit, user) -> None:
    if user.is_authenticated and user.is_client:
        if user.organisation_id != audit.organisation_id:
            raise PermissionDenied(_("Only the audited organisation can upload its inventory."))
        return
    require_team(audit, user)


def run_engine(content: bytes, filename: str):
    """The engine on uploaded bytes in this process: a CheckResult, or InputError. For benchmarks and
    notebooks; the actions use `engine_in_child`, which keeps a hostile file away from the server worker."""
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"inventory{suffix}"
        path.write_bytes(content)
        result = check(path)
    return result


def engine_in_child(content: bytes, filename: str, task: str, **options) -> dict:
    """Run an engine task (tancert/ghg/isolated.py: upload, freeze) on uploaded bytes in a child process
    bounded by settings.TANCERT_INVENTORY_MEMORY_BYTES and TANCERT_INVENTORY_SECONDS. Raises InputError,
    also when the file was too large or too complex for those bounds."""
    suffix = Path(filename).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{Path(filename).stem[:80] or 'inventory'}{suffix}"
        path.write_bytes(content)
        return isolated.run(task, path, memory=settings.TANCERT_INVENTORY_MEMORY_BYTES,
                            seconds=settings.TANCERT_INVENTORY_SECONDS, options=options)


def upload_inventory(audit: Audit, *, by, filename: str, content: bytes) -> InventoryUpload:
    """The client (portal) or a team member uploads the inventory; every upload is a new version."""
    _require_team_or_client(audit, by)
    _require_open(audit)
    suffix = Path(filename or "").suffix.lower()
    require(suffix in FORMATS, "R7.4.3", _("Upload the inventory in the engine's template (.xlsx), or as .json or "
                                          ".csv."), field="file")
    require(0 < len(content) <= MAX_UPLOAD_BYTES, "R7.4.3", _("The file is empty or larger than 20 MB."),
            field="file")
    try:
        answer = engine_in_child(content, filename, "upload", findings_limit=FINDINGS_KEPT)
    except InputError as exc:
        raise InventoryRejected([e.as_dict() for e in exc.errors]) from None
    digest = hashlib.sha256(content).hexdigest()
    data, rows = answer["results"], answer["sample"]
    # A boundary or method change since the client's last verified audit without a base-year recalculation
    # trigger joins the blocking findings (cycle.py; R8.1.3-F2 / R8.2.2-F3, ISO 14064-1 §6.4.1).
    over_cycle = cycle.blocking(audit, cycle.series(audit, current=data)) if audit.kind in VERIFIED_KINDS else []
    if over_cycle:
        data["findings_summary"] = list(data.get("findings_summary") or []) + over_cycle
        data["blocking"] = True
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        version = (locked.inventories.aggregate(m=Max("version"))["m"] or 0) + 1
        up = InventoryUpload(audit=audit, version=version, original_name=Path(filename).name[:255], size=len(content),
                             sha256=digest, inputs_sha256=answer["inputs_sha256"], reporting_year=data["year"],
                             total_tco2e=data["total_tco2e"], blocking=bool(data["blocking"]),
                             results=data, sample=rows, sample_rule=answer["sample_method"],
                             sample_seed=answer["sample_seed"], uploaded_by=by)
        up.file.save(f"{digest[:12]}{suffix}", ContentFile(content), save=False)
        up.save()
        chain.append("audit.inventory_uploaded", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"上传碳排放清单第 {version} 版：{up.original_name}，{data['year']} 年排放总量 "
                             f"{data['total_tco2e']:,.1f} tCO2e，数据质量阻断项 "
                             f"{sum(1 for b in data['findings_summary'] if b['severity'] == 'blocking')} 类，"
                             f"抽样 {len(rows)} 条",
                     data={"version": version, "sha256": digest, "size": len(content), "file": up.original_name,
                           "inputs_sha256": answer["inputs_sha256"], "total_tco2e": data["total_tco2e"],
                           "blocking": bool(data["blocking"]), "sample_rows": [r["row"] for r in rows],
                           "sample_seed": answer["sample_seed"]})
    return up


def current_upload(audit: Audit) -> InventoryUpload | None:
    return audit.inventories.order_by("-version").first()


def _require_current(upload: InventoryUpload) -> None:
    cur = current_upload(upload.audit)
    require(cur is not None and cur.pk == upload.pk, "R6.2-sampling",
            _("A newer version of the inventory was uploaded; work on the current version."), field="upload")


def record_sample_check(upload: InventoryUpload, *, by, row: int, source_kind: str, reference: str,
                        value_found=None, result: str, note: str = "", grade: str = Finding.MINOR,
                        uuid=None) -> SampleCheck:
    """The auditor records what a sampled record was checked against, the value found and the result.

    A discrepancy becomes an audit finding citing R6.2-crosscheck (raised through raise_finding). ``uuid``: the
    device's key of a check made offline — sent again, it returns the check made the first time
    (offline/receipts.py)."""
    audit = upload.audit
    require_team(audit, by)
    key = receipts.key_of(uuid, "R6.2-sampling")
    done = receipts.replayed(key, kind=OfflineReceipt.SAMPLE_CHECK, audit=audit, by=by, model=SampleCheck,
                             rule="R6.2-sampling")
    if done is not None:
        return done
    _require_open(audit)
    _require_current(upload)
    rec = upload.sample_row(int(row))
    require(rec is not None, "R6.2-sampling", _("Row %(row)s is not in the sample of this inventory."), field="row",
            params={"row": row})
    require(source_kind in dict(SampleCheck.SOURCES), "R6.2-crosscheck", _("Name the independent source checked."),
            field="source_kind")
    require(bool((reference or "").strip()), "R6.2-crosscheck",
            _("Give the reference of the document checked (invoice number, ledger page, meter, report)."),
            field="reference")
    require(result in dict(SampleCheck.RESULTS), "R6.2-crosscheck", _("Choose agrees or discrepancy."),
            field="result")
    if result == SampleCheck.DISCREPANCY:
        require(value_found is not None or bool(note.strip()), "R6.2-crosscheck",
                _("A discrepancy needs the value found or a note saying what differs."), field="value_found")
        require(grade in dict(Finding.GRADES), "R7.4.2", _("Unknown finding grade."), field="grade")
    kind_label = dict(SampleCheck.SOURCES)[source_kind]
    with transaction.atomic():
        # Two auditors checking the same record: the second waits here, then sees the first one's check.
        InventoryUpload.objects.select_for_update().get(pk=upload.pk)
        require(not upload.checks.filter(row=rec["row"]).exists(), "R6.2-sampling",
                _("This sampled record has already been checked."), field="row")
        finding = None
        if result == SampleCheck.DISCREPANCY:
            found = "—" if value_found is None else f"{float(value_found):g}"
            finding = raise_finding(
                audit, by=by, grade=grade, clause="R6.2-crosscheck",
                description=f"活动数据与独立来源不一致：排放源 {rec['source_id']}，期间 {rec['period']}，"
                            f"清单值 {rec['quantity']:g} {rec['unit']}，核对值 {found} {rec['unit']}。"
                            + (f"{note.strip()}" if note.strip() else ""),
                evidence=f"碳排放清单第 {upload.version} 版（SHA-256 {upload.sha256[:16]}…）第 {rec['row']} 行；"
                         f"{kind_label} {reference.strip()}")
        check = SampleCheck.objects.create(
            upload=upload, row=rec["row"], source_kind=source_kind, reference=reference.strip()[:200],
            value_found=None if value_found is None else float(value_found), result=result, note=note.strip(),
            finding=finding, checked_by=by)
        receipts.keep(key, kind=OfflineReceipt.SAMPLE_CHECK, audit=audit, by=by, obj=check)
        chain.append("audit.sample_checked", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"核对抽样记录第 {rec['row']} 行（{rec['source_id']} {rec['period']}）："
                             f"{'一致' if result == SampleCheck.AGREES else '不一致'}，来源 {reference.strip()[:60]}",
                     data={"upload": upload.version, "row": rec["row"], "source_kind": source_kind,
                           "reference": check.reference, "value_found": check.value_found, "result": result,
                           "note": check.note, "finding": finding.number if finding else None})
    return check


def blocking_rules(upload: InventoryUpload) -> list[dict]:
    """The engine's blocking findings (with the cycle's, cycle.py) and the current meter series' (meters.py:
    `rule` is the id answered, `key` — when present — the rule key the audit finding cites)."""
    return [b for b in upload.results.get("findings_summary", []) if b["severity"] == "blocking"] \
        + meters.blocking(upload)


def confirm_data_finding(upload: InventoryUpload, *, by, rule: str, grade: str, evidence: str = "") -> Finding:
    """The auditor confirms one of the engine's blocking data-quality findings as an audit finding."""
    audit = upload.audit
    require_team(audit, by)
    _require_open(audit)
    _require_current(upload)
    block = next((b for b in blocking_rules(upload) if b["rule"] == rule), None)
    require(block is not None, "R6.2-review", _("The engine reported no blocking finding under this rule."),
            field="rule")
    rows = ", ".join(map(str, block.get("rows", [])[:10]))
    with transaction.atomic():
        InventoryUpload.objects.select_for_update().get(pk=upload.pk)
        require(not upload.confirmed.filter(rule=rule).exists(), "R6.2-review",
                _("This data-quality finding is already an audit finding."), field="rule")
        require(not upload.dismissed.filter(rule=rule).exists(), "R6.2-review",
                _("The team leader dismissed this data-quality finding."), field="rule")
        key = block.get("key", rule)
        finding = raise_finding(
            audit, by=by, grade=grade, clause=key,
            description=f"{'计量数据序列' if block.get('meters') else '碳数据'}质量问题（{key}）：{block.get('message_zh') or block['message']}（{block['count']} 条记录）",
            evidence=(evidence.strip() + "；" if evidence.strip() else "")
            + f"碳排放清单第 {upload.version} 版（SHA-256 {upload.sha256[:16]}…）{block['sheet']}"
            + (f" 第 {rows} 行" if rows else ""))
        ConfirmedDataFinding.objects.create(upload=upload, rule=rule, finding=finding, confirmed_by=by)
        chain.append("audit.data_finding_confirmed", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"确认碳数据质量问题 {rule} 为审核发现 #{finding.number}",
                     data={"upload": upload.version, "rule": rule, "finding": finding.number})
    return finding


def dismiss_quality_finding(upload: InventoryUpload, *, by, rule: str, reason: str) -> DismissedDataFinding:
    """The team leader dismisses one of the engine's blocking data-quality findings, giving the reason
    (R6.2-review): the datum was reviewed and the engine's doubt does not hold. Recorded like a confirmation."""
    audit = upload.audit
    require_team(audit, by, leader=True)
    _require_open(audit)
    _require_current(upload)
    block = next((b for b in blocking_rules(upload) if b["rule"] == rule), None)
    require(block is not None, "R6.2-review", _("The engine reported no blocking finding under this rule."),
            field="rule")
    reason = (reason or "").strip()
    require(bool(reason), "R6.2-review",
            _("Give the reason why this data-quality finding is not a finding (what was checked)."), field="reason")
    with transaction.atomic():
        InventoryUpload.objects.select_for_update().get(pk=upload.pk)
        require(not upload.confirmed.filter(rule=rule).exists(), "R6.2-review",
                _("This data-quality finding is already an audit finding."), field="rule")
        require(not upload.dismissed.filter(rule=rule).exists(), "R6.2-review",
                _("This data-quality finding is already dismissed."), field="rule")
        dismissed = DismissedDataFinding.objects.create(upload=upload, rule=rule, reason=reason[:2000],
                                                        dismissed_by=by)
        chain.append("audit.data_finding_dismissed", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"组长驳回碳数据质量问题 {rule}：{reason[:120]}",
                     data={"upload": upload.version, "rule": rule, "reason": dismissed.reason})
    return dismissed


def resolved_rules(upload: InventoryUpload) -> set[str]:
    """The blocking rules answered: confirmed as an audit finding or dismissed with a reason."""
    return (set(upload.confirmed.values_list("rule", flat=True))
            | set(upload.dismissed.values_list("rule", flat=True)))


def _require_sample_checked(upload: InventoryUpload) -> None:
    checked = set(upload.checks.values_list("row", flat=True))
    missing = [r["row"] for r in upload.sample if r["row"] not in checked]
    require(not missing, "R6.2-sampling", _("Check every sampled record first; still open: rows %(rows)s."),
            field="sample", params={"rows": ", ".join(map(str, missing[:20]))})


def _require_blocking_resolved(upload: InventoryUpload) -> None:
    resolved = resolved_rules(upload)
    for block in blocking_rules(upload):
        # enforces: R6.2-calibration R6.2-crosscheck R6.3-default R6.1-b R8.1.3-F2 R8.2.2-F3
        require(block["rule"] in resolved, block.get("key", block["rule"]),
                _("The blocking data-quality finding %(rule)s must be confirmed as an audit finding, or dismissed by "
                  "the team leader with a reason, before the figures are frozen and the audit is closed."),
                field="rule", params={"rule": block["rule"]})


def check_verified(audit: Audit) -> None:
    """Closing an audit whose carbon data are verified (R7.4.3): the current inventory's sample checked
    (R6.2-sampling), every blocking data-quality finding answered, and the figures frozen from that inventory."""
    upload = current_upload(audit)
    if upload is not None:
        _require_sample_checked(upload)
        _require_blocking_resolved(upload)
    frozen = current_frozen(audit)
    require(frozen is not None and upload is not None and frozen.upload_id == upload.pk, "R7.4.3",
            _("Verify the carbon data before closing the audit: check the sample, confirm the blocking "
              "data-quality findings and freeze the figures on the carbon page."), field="carbon")


def _figures(record: dict, upload: InventoryUpload) -> dict:
    """What the report states, taken once from the frozen record (plain JSON)."""
    r = record["results"]
    perf = r.get("performance") or {}
    a1 = (r.get("uncertainty") or {}).get("approach1") or {}
    checks = list(upload.checks.order_by("row"))
    sources = {}
    for c in checks:
        sources[c.source_kind] = sources.get(c.source_kind, 0) + 1
    # market-based Scope 2 (ghg/market.py) only when the inventory has instruments: older figures keep their shape
    market = {"market_based": r["market_based"]} if r.get("market_based") else {}
    return market | {
        "organisation": r.get("organisation"), "year": r["year"], "method": r["method"], "gwp_basis": r["gwp_basis"],
        "total_tco2e": r["total_tco2e"], "by_category": r["by_category"], "by_gas": r["by_gas"],
        "by_source": r["by_source"], "by_facility": r["by_facility"], "biogenic_co2_t": r["biogenic_co2_t"],
        "uncertainty": {"total": a1.get("total"), "approach": a1.get("approach"), "notes": a1.get("notes", [])},
        "performance": {k: perf.get(k) for k in ("base_year", "reporting_year", "totals", "baseline", "baseline_used",
                                                 "change_vs_base_pct", "indicators", "targets", "statements",
                                                 "recalculation", "notes")},
        "factors_used": [{k: f.get(k) for k in ("id", "value", "unit", "document", "clause", "tier", "confidence",
                                                "unverified")} for f in r.get("factors_used", [])],
        "inputs_sha256": record["inputs_sha256"],
        "findings_summary": r.get("findings_summary", []),
        "sample": {"rule": upload.sample_rule, "seed": upload.sample_seed, "population": r["sample"]["population"],
                   "size": r["sample"]["size"]},
        "verification": {
            "checked": len(checks), "agrees": sum(c.result == SampleCheck.AGREES for c in checks),
            "discrepancies": sum(c.result == SampleCheck.DISCREPANCY for c in checks), "sources": sources,
            "checks": [{"row": c.row, "source_kind": c.source_kind, "reference": c.reference,
                        "value_found": c.value_found, "result": c.result,
                        "finding": c.finding.number if c.finding_id else None} for c in checks],
        },
        "confirmed": [{"rule": c.rule, "finding": c.finding.number} for c in upload.confirmed.select_related("finding")],
        "dismissed": [{"rule": d.rule, "reason": d.reason} for d in upload.dismissed.order_by("rule")],
        "upload": {"version": upload.version, "file": upload.original_name, "sha256": upload.sha256},
    }


def freeze_figures(audit: Audit, *, by) -> FrozenCarbonFigures:
    """Freeze the verified figures of the current inventory into the audit (a new version each time)."""
    require_team(audit, by)
    _require_open(audit)
    require(audit.kind != Audit.STAGE1, "R7.4.1-S1",
            _("Stage 1 reviews the inventory without verifying it; the figures are frozen in stage 2."), field="kind")
    upload = current_upload(audit)
    require(upload is not None, "R7.4.3", _("Upload the inventory before freezing the figures."), field="upload")
    _require_sample_checked(upload)
    _require_blocking_resolved(upload)
    with upload.file.open("rb") as fh:
        content = fh.read()
    require(hashlib.sha256(content).hexdigest() == upload.sha256, "RR",
            _("The stored inventory file does not match its recorded SHA-256."), field="upload")
    try:
        # The auditor's latest Monte Carlo on this version is run again into the frozen record (same seed).
        run = latest_run(upload)
        record = engine_in_child(content, upload.original_name, "freeze",
                                 monte_carlo_iterations=run.iterations if run else None)
    except InputError as exc:  # the file was read at upload; only a tighter bound since then refuses it now
        raise InventoryRejected([e.as_dict() for e in exc.errors]) from None
    record_sha = hashlib.sha256(canonical_json(record)).hexdigest()
    figures = _figures(record, upload) | {"monte_carlo": frozen_monte_carlo(record, run)}
    # The cycle finding is the audit's, not the engine's: it stays beside the engine's in the frozen figures,
    # and the series as it stands at freezing goes into the report (R8.1.3-F2/F4, R8.2.2-F3/F4).
    figures["findings_summary"] = figures["findings_summary"] + [b for b in upload.results.get("findings_summary", [])
                                                                 if b.get("cycle")]
    points = cycle.series(audit, current=record["results"])
    points[-1]["frozen"] = True
    figures["cycle"] = {"points": points, "changes": cycle.changes(points)}
    figures["meters"] = meters.frozen(upload)  # the reconciliation with the meter series, when one was uploaded
    mc = figures["monte_carlo"]
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        version = (locked.frozen_figures.aggregate(m=Max("version"))["m"] or 0) + 1
        frozen = FrozenCarbonFigures.objects.create(
            audit=audit, version=version, upload=upload, inputs_sha256=record["inputs_sha256"],
            record_sha256=record_sha, record=record, figures=figures, frozen_by=by)
        chain.append("audit.figures_frozen", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"冻结核查后的碳数据（第 {version} 版，清单第 {upload.version} 版）：{figures['year']} 年排放总量 "
                             f"{figures['total_tco2e']:,.1f} tCO2e"
                             + (f"；蒙特卡洛 {mc['iterations']:,} 次迭代（种子 {mc['seed']}）±{mc['total']['u_pct']:.1f}%"
                                f"{'，与核查时的运行结果一致' if mc['reproduced'] else '，与核查时的运行结果不一致'}"
                                if mc else ""),
                     data={"version": version, "upload": upload.version, "inputs_sha256": record["inputs_sha256"],
                           "record_sha256": record_sha, "total_tco2e": figures["total_tco2e"],
                           "by_category": figures["by_category"], "monte_carlo": mc})
    return frozen


def current_frozen(audit: Audit) -> FrozenCarbonFigures | None:
    return audit.frozen_figures.order_by("-version").first()


# ----- Monte Carlo beside Approach 1 (montecarlo.py: the seed, the bounds, docs/audits.md §8)

def _require_verifying(audit: Audit, by) -> None:
    require_team(audit, by)
    _require_open(audit)
    require(audit.kind != Audit.STAGE1, "R7.4.1-S1",
            _("Stage 1 reviews the inventory without verifying it; the Monte Carlo belongs to the stage 2 "
              "verification."), field="kind")


def run_monte_carlo(upload: InventoryUpload, *, by, iterations: int) -> MonteCarloRun:
    """The auditor runs Approach 2 on the current inventory version with `iterations` draws."""
    audit = upload.audit
    _require_verifying(audit, by)
    _require_current(upload)
    require(isinstance(iterations, int) and MonteCarloRun.MIN_ITERATIONS <= iterations <= MonteCarloRun.MAX_ITERATIONS,
            "R6.2-review", _("Choose between 1,000 and 20,000 iterations."), field="iterations")
    require(not upload.monte_carlo_runs.filter(iterations=iterations).exists(), "R6.2-review",
            _("This Monte Carlo has already been run on this version with the same seed and iterations; it would "
              "give the same figures."), field="iterations")
    with upload.file.open("rb") as fh:
        content = fh.read()
    require(hashlib.sha256(content).hexdigest() == upload.sha256, "RR",
            _("The stored inventory file does not match its recorded SHA-256."), field="upload")
    try:
        answer = engine_in_child(content, upload.original_name, "monte_carlo", iterations=iterations)
    except InputError:  # the file was read at upload: only the time or memory bound refuses it now
        require(False, "R6.2-review", _("The Monte Carlo went beyond the server's time or memory limit; choose fewer "
                                        "iterations."), field="iterations")
    mc, a1 = interval(answer["monte_carlo"]["total"]), interval(answer["approach1"]["total"])
    seed = int(answer["monte_carlo"]["seed"])
    with transaction.atomic():
        InventoryUpload.objects.select_for_update().get(pk=upload.pk)
        require(not upload.monte_carlo_runs.filter(iterations=iterations).exists(), "R6.2-review",
                _("This Monte Carlo has already been run on this version with the same seed and iterations; it "
                  "would give the same figures."), field="iterations")
        run = MonteCarloRun.objects.create(upload=upload, iterations=iterations, seed=seed, total=mc, approach1=a1,
                                           notes=list(answer["monte_carlo"].get("notes") or [])[:20], run_by=by)
        chain.append("audit.monte_carlo_run", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"对碳排放清单第 {upload.version} 版运行蒙特卡洛不确定性分析：{iterations:,} 次迭代，"
                             f"随机种子 {seed}，95% 区间 {mc['lower']:,.1f} – {mc['upper']:,.1f} tCO2e"
                             f"（±{mc['u_pct']:.1f}%）；方法一 ±{a1['u_pct']:.1f}%",
                     data={"upload": upload.version, "inputs_sha256": answer["inputs_sha256"],
                           "iterations": iterations, "seed": seed, "monte_carlo": mc, "approach1": a1})
    return run
