"""A scope level's inventory verified inside the audit (R5.b / R6.3-pcf product, R5.c project, R5.d event):

upload_level (the upload gate, then the level's engine in a bounded child) → confirm_level_finding (or, by the
team leader with a reason, dismiss_level_finding) for each blocking finding → freeze_level by the team leader.
A stage 2, surveillance or recertification report that covers a level is signed only with that level's frozen
figures (`require_levels_frozen`, called by sign_report beside its check of the organisation's figures).

The engines (tancert/footprint, tancert/projects, tancert/events) are pure; this module gives them a file, keeps
what they say and the record chain, as tancert/audits/carbon/actions.py does for the organisation's inventory.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext_lazy as _

from tancert.audits.carbon.actions import (
    VERIFIED_KINDS,
    InventoryRejected,
    _require_open,
    _require_team_or_client,
)
from tancert.audits.carbon.levels import child, summary
from tancert.audits.findings.actions import raise_finding
from tancert.audits.models import Audit
from tancert.audits.models.levels import LEVELS, FrozenLevelFigures, LevelFindingAnswer, LevelUpload
from tancert.audits.team import require_team
from tancert.clients.estimate import application_for
from tancert.clients.scopes.rules import level_codes
from tancert.ghg.canonical import canonical_json
from tancert.ghg.errors import InputError
from tancert.records import chain, uploads
from tancert.scheme.violations import require

LEVEL_ZH = {"product": "产品层面", "project": "项目层面", "activity": "活动（大型活动）层面"}
WORKBOOK_ZH = {"product": "产品碳足迹工作簿", "project": "项目减排量工作簿", "activity": "大型活动碳中和工作簿"}


def covered_levels(audit: Audit) -> list[str]:
    """The levels beyond the organisation the audit's application covers, in the catalogue's order."""
    codes = level_codes(application_for(audit.application, audit.certificate))
    return [lv for lv in ("product", "project", "activity") if lv in codes]


def _require_level(audit: Audit, level: str) -> None:
    # enforces: R5.b R5.c R5.d
    require(level in covered_levels(audit), summary.RULE.get(level, "R5.b"),
            _("The certification does not cover this level."), field="level")


def upload_level(audit: Audit, level: str, *, by, filename: str, content: bytes) -> LevelUpload:
    """The client (portal) or a team member uploads the level's workbook; every upload is a new version."""
    _require_team_or_client(audit, by)
    _require_level(audit, level)
    _require_open(audit)
    verdict = uploads.examine(content, allowed=("xlsx",))  # type by content, size cap, zip limits
    require(verdict.ok, summary.RULE[level], verdict.message or "", field="file", params=verdict.params)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{Path(filename or '').stem[:80] or level}.xlsx"
        path.write_bytes(content)
        try:
            results = child.run(level, path, memory=settings.TANCERT_INVENTORY_MEMORY_BYTES,
                                seconds=settings.TANCERT_INVENTORY_SECONDS)
        except InputError as exc:
            raise InventoryRejected([e.as_dict() for e in exc.errors]) from None
    digest = hashlib.sha256(content).hexdigest()
    lines = summary.findings(level, results)
    figures = summary.figures(level, results)
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        version = (locked.level_uploads.filter(level=level).aggregate(m=Max("version"))["m"] or 0) + 1
        up = LevelUpload(audit=audit, level=level, version=version, original_name=Path(filename or "").name[:255] or
                         f"{level}.xlsx", size=len(content), sha256=digest,
                         inputs_sha256=results.get("inputs_sha256") or digest, engine=summary.engine_version(level),
                         blocking=bool(results.get("blocking")), results=results, figures=figures, findings=lines,
                         uploaded_by=by)
        up.file.save(f"{digest[:12]}.xlsx", ContentFile(content), save=False)
        up.save()
        chain.append("audit.level_uploaded", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"上传{LEVEL_ZH[level]}{WORKBOOK_ZH[level]}第 {version} 版：{up.original_name}；"
                             f"{summary.headline_zh(level, figures)}；阻断项 {len(summary.blocking(lines))} 类",
                     data={"level": level, "version": version, "sha256": digest, "size": len(content),
                           "inputs_sha256": up.inputs_sha256, "engine": up.engine, "blocking": up.blocking,
                           "figures": figures})
    return up


def current_level_upload(audit: Audit, level: str) -> LevelUpload | None:
    return audit.level_uploads.filter(level=level).order_by("-version").first()


def current_level_frozen(audit: Audit, level: str) -> FrozenLevelFigures | None:
    return audit.frozen_levels.filter(level=level).order_by("-version").first()


def _current(upload: LevelUpload) -> None:
    cur = current_level_upload(upload.audit, upload.level)
    require(cur is not None and cur.pk == upload.pk, summary.RULE[upload.level],
            _("A newer version of the workbook was uploaded; work on the current version."), field="upload")


def _block(upload: LevelUpload, key: str) -> dict:
    block = next((b for b in summary.blocking(upload.findings) if b["key"] == key), None)
    require(block is not None, "R6.2-review", _("The engine reported no blocking finding under this rule."),
            field="rule")
    return block


def _answer(upload: LevelUpload, key: str, *, by, answer: str, finding=None, reason: str = "") -> LevelFindingAnswer:
    LevelUpload.objects.select_for_update().get(pk=upload.pk)
    require(not upload.answers.filter(key=key).exists(), "R6.2-review",
            _("This finding of the engine is already answered."), field="rule")
    return LevelFindingAnswer.objects.create(upload=upload, key=key, answer=answer, finding=finding,
                                             reason=reason[:2000], by=by)


def confirm_level_finding(upload: LevelUpload, *, by, rule: str, grade: str, evidence: str = "") -> LevelFindingAnswer:
    """A team member confirms one of the engine's blocking findings as an audit finding (its rule as the clause)."""
    audit = upload.audit
    require_team(audit, by)
    _require_open(audit)
    _current(upload)
    block = _block(upload, rule)
    with transaction.atomic():
        finding = raise_finding(
            audit, by=by, grade=grade, clause=block["rule"],
            description=f"{LEVEL_ZH[upload.level]}数据问题（{block['rule']}）：{block.get('message_zh') or block['message']}"
                        f"（{block['count']} 处）",
            evidence=(evidence.strip() + "；" if evidence.strip() else "")
            + f"{WORKBOOK_ZH[upload.level]}第 {upload.version} 版（SHA-256 {upload.sha256[:16]}…）")
        ans = _answer(upload, rule, by=by, answer=LevelFindingAnswer.CONFIRMED, finding=finding)
        chain.append("audit.level_finding_confirmed", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"确认{LEVEL_ZH[upload.level]}数据问题 {block['rule']} 为审核发现 #{finding.number}",
                     data={"level": upload.level, "upload": upload.version, "key": rule, "finding": finding.number})
    return ans


def dismiss_level_finding(upload: LevelUpload, *, by, rule: str, reason: str) -> LevelFindingAnswer:
    """The team leader dismisses one of the engine's blocking findings, giving the reason (R6.2-review)."""
    audit = upload.audit
    require_team(audit, by, leader=True)
    _require_open(audit)
    _current(upload)
    block = _block(upload, rule)
    reason = (reason or "").strip()
    require(bool(reason), "R6.2-review",
            _("Give the reason why this data-quality finding is not a finding (what was checked)."), field="reason")
    with transaction.atomic():
        ans = _answer(upload, rule, by=by, answer=LevelFindingAnswer.DISMISSED, reason=reason)
        chain.append("audit.level_finding_dismissed", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"组长驳回{LEVEL_ZH[upload.level]}数据问题 {block['rule']}：{reason[:120]}",
                     data={"level": upload.level, "upload": upload.version, "key": rule, "reason": ans.reason})
    return ans


def _require_answered(upload: LevelUpload) -> None:
    answered = set(upload.answers.values_list("key", flat=True))
    open_ = [b["rule"] for b in summary.blocking(upload.findings) if b["key"] not in answered]
    # enforces: R5.b R5.c R5.d
    require(not open_, summary.RULE[upload.level],
            _("Every blocking finding of the engine must be confirmed as an audit finding, or dismissed by the team "
              "leader with a reason, before the figures are frozen; still open: %(rules)s."),
            field="rule", params={"rules": "、".join(sorted(set(open_)))})


def freeze_level(audit: Audit, level: str, *, by) -> FrozenLevelFigures:
    """The team leader freezes the level's figures from its current workbook (a new version each time)."""
    require_team(audit, by, leader=True)
    _require_level(audit, level)
    _require_open(audit)
    upload = current_level_upload(audit, level)
    require(upload is not None, summary.RULE[level], _("Upload the workbook before freezing the figures."),
            field="upload")
    _require_answered(upload)
    with upload.file.open("rb") as fh:
        content = fh.read()
    require(hashlib.sha256(content).hexdigest() == upload.sha256, "RR",
            _("The stored inventory file does not match its recorded SHA-256."), field="upload")
    answers = [{"key": a.key, "answer": a.answer, "finding": a.finding.number if a.finding_id else None,
                "reason": a.reason} for a in upload.answers.select_related("finding").order_by("key")]
    record = {"level": level, "engine": upload.engine, "inputs_sha256": upload.inputs_sha256,
              "file_sha256": upload.sha256, "upload": upload.version, "results": upload.results,
              "findings": upload.findings, "answers": answers}
    record_sha = hashlib.sha256(canonical_json(record)).hexdigest()
    figures = upload.figures | {"blocking": [b["rule"] for b in summary.blocking(upload.findings)],
                                "answers": answers, "file": upload.original_name}
    with transaction.atomic():
        locked = Audit.objects.select_for_update().get(pk=audit.pk)
        version = (locked.frozen_levels.filter(level=level).aggregate(m=Max("version"))["m"] or 0) + 1
        frozen = FrozenLevelFigures.objects.create(
            audit=audit, level=level, version=version, upload=upload, inputs_sha256=upload.inputs_sha256,
            record_sha256=record_sha, engine=upload.engine, record=record, figures=figures, frozen_by=by)
        chain.append("audit.level_frozen", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"冻结{LEVEL_ZH[level]}核查后的数据（第 {version} 版，工作簿第 {upload.version} 版）："
                             f"{summary.headline_zh(level, figures)}",
                     data={"level": level, "version": version, "upload": upload.version,
                           "inputs_sha256": upload.inputs_sha256, "record_sha256": record_sha,
                           "engine": upload.engine, "figures": upload.figures})
    return frozen


def require_levels_frozen(audit: Audit) -> None:
    """Signing a stage 2, surveillance or recertification report: each covered level's figures frozen from its
    current workbook (R5.b / R5.c / R5.d beside R7.5.1's organisation figures)."""
    if audit.kind not in VERIFIED_KINDS:
        return
    for level in covered_levels(audit):
        frozen, upload = current_level_frozen(audit, level), current_level_upload(audit, level)
        ok = frozen is not None and upload is not None and frozen.upload_id == upload.pk
        message = _("Verify and freeze the figures of the %(level)s on the carbon page before signing the report.")
        params = {"level": dict(LEVELS)[level]}
        if level == "product":
            require(ok, "R5.b", message, field="levels", params=params)
        elif level == "project":
            require(ok, "R5.c", message, field="levels", params=params)
        else:
            require(ok, "R5.d", message, field="levels", params=params)
