"""Findings and corrective actions (R7.4.2, R7.4.4): raising a finding, the client's answer, the team's
review, and the deadline for verifying major nonconformities."""

from __future__ import annotations

import hashlib
from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tancert.audits import grades
from tancert.audits.models import Audit, Finding, OfflineReceipt
from tancert.audits.models.checklists import ChecklistItem, EvidenceEntry
from tancert.audits.offline import receipts
from tancert.audits.team import require_team
from tancert.records import chain, uploads
from tancert.records.filetypes import ALLOWED
from tancert.scheme.violations import require

# Audits whose late verification means the audit is repeated (the decision cannot rest on it); a
# surveillance audit's majors unverified after their deadline become a suspension proposal instead (R9.2-T4).
REPEAT_WHEN_LATE = (Audit.STAGE1, Audit.STAGE2, Audit.RECERTIFICATION)


def verification_deadline(audit: Audit) -> date | None:
    """Last day to verify major nonconformities: N months after the last day of stage 2 (or of the
    recertification or surveillance audit); settings.TANCERT_MAJOR_VERIFY_MONTHS, default 6
    (reference/certification.md §1)."""
    target = audit
    if audit.kind == Audit.STAGE1 and audit.application_id:
        target = audit.application.audits.filter(kind=Audit.STAGE2).exclude(status=Audit.CANCELLED).first()
    if target is None or target.kind not in (Audit.STAGE2, Audit.RECERTIFICATION, Audit.SURVEILLANCE):
        return None
    return target.end_date + relativedelta(months=settings.TANCERT_MAJOR_VERIFY_MONTHS)


def verification_expired(audit: Audit, today: date | None = None) -> bool:
    """True when majors of this audit are still unverified after the deadline: stage 2 must be repeated."""
    deadline = verification_deadline(audit)
    if deadline is None or (today or timezone.localdate()) <= deadline:
        return False
    return audit.findings.filter(grade__in=grades.codes_to(grades.VERIFY)).exclude(status=Finding.VERIFIED).exists()


def raise_finding(audit: Audit, *, by, grade: str, description: str, evidence: str = "", clause: str = "",
                  due_date: date | None = None, item=None, evidence_ids=(), uuid=None) -> Finding:
    """Raise a finding, linked to its checklist item / clause and to its evidence (no finding without it).

    ``uuid``: the key the auditor's device gave the finding made offline; sent again, it returns the finding
    raised the first time (offline/receipts.py). A finding with a new photo: checklists/actions.py."""
    require_team(audit, by)
    key = receipts.key_of(uuid, "R7.4.2")
    done = receipts.replayed(key, kind=OfflineReceipt.FINDING, audit=audit, by=by, model=Finding, rule="R7.4.2")
    if done is not None:
        return done
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "R7.4.2",
            _("Findings can be raised only while the audit is open."), field="status")
    require(grade in grades.codes(), "R7.4.2", _("Unknown finding grade."), field="grade")
    require(bool(description.strip()), "R7.4.2", _("Describe the finding."), field="description")

    if item is not None:
        require(isinstance(item, ChecklistItem) and item.checklist.audit_id == audit.pk, "R7.4.2",
                _("The checklist item belongs to another audit."), field="item")
    entries = list(EvidenceEntry.objects.filter(pk__in=list(evidence_ids or ()), item__checklist__audit=audit))
    require(len(entries) == len(set(evidence_ids or ())), "R7.5.1",
            _("An evidence entry named does not belong to this audit."), field="evidence_ids")
    require(bool((evidence or "").strip()) or bool(entries), "R7.5.1",
            _("A finding needs its objective evidence."), field="evidence")
    if not clause.strip() and item is not None:
        clause = item.code if item.kind == ChecklistItem.CLAUSE else ",".join(item.clauses) or item.code
    if due_date is None and grades.resolve(grade) in (grades.VERIFY, grades.ACCEPT):
        due_date = verification_deadline(audit)
    with transaction.atomic():
        number = (audit.findings.aggregate(m=Max("number"))["m"] or 0) + 1
        if audit.status == Audit.PLANNED:
            audit.status = Audit.IN_PROGRESS
            audit.save(update_fields=["status"])
        finding = Finding.objects.create(audit=audit, number=number, grade=grade, clause=clause.strip()[:40],
                                         description=description.strip(), evidence=(evidence or "").strip(),
                                         due_date=due_date, raised_by=by, checklist_item=item)
        receipts.keep(key, kind=OfflineReceipt.FINDING, audit=audit, by=by, obj=finding)
        if entries:
            finding.evidence_entries.set(entries)
        if item is not None and not item.conformity:
            # The item's answer follows from the finding; a later answer still goes through the version check.
            item.conformity, item.auditor, item.version = ChecklistItem.FINDING, by, item.version + 1
            item.updated_at = timezone.now()
            item.save(update_fields=["conformity", "auditor", "version", "updated_at"])
        chain.append("finding.raised", subject=finding, by=by, organisation=audit.organisation_id,
                     summary=f"开具{grades.label(grade, 'zh')} #{number}（条款 {clause or '-'}）：{description.strip()[:120]}",
                     data={"audit": audit.pk, "number": number, "grade": grade, "clause": clause,
                           "description": description.strip(), "evidence": (evidence or "").strip(),
                           "item": item.code if item is not None else None,
                           "evidence_entries": [str(e.uuid) for e in entries],
                           "due_date": due_date.isoformat() if due_date else None})
    return finding


def respond_to_finding(finding: Finding, *, by, correction: str, root_cause: str, corrective_action: str,
                       evidence: str = "", files=()) -> None:
    """The client answers a nonconformity in the portal; files: [(name, bytes)] evidence uploads."""
    if not by.is_authenticated or by.organisation_id != finding.audit.organisation_id:
        raise PermissionDenied(_("Only the audited organisation can answer its findings."))
    require(finding.is_nonconformity, "R8.1.3-F5", _("Only nonconformities need a corrective action."),
            field="grade")
    require(finding.status in (Finding.OPEN, Finding.RETURNED), "R8.1.3-F5",
            _("This finding has already been answered."), field="status")
    for name, value in (("correction", correction), ("root_cause", root_cause),
                        ("corrective_action", corrective_action)):
        require(bool((value or "").strip()), "R8.1.3-F5", _("Fill in the correction, the root cause and the "
                                                             "corrective action."), field=name)
    checked = []
    for name, content in files or ():
        verdict = uploads.examine(content, allowed=sorted(ALLOWED))
        require(verdict.ok, "R8.1.3-F5", format_lazy("{}: {}", name.replace("%", "%%"), verdict.message), field="files",
                params=verdict.params)
        checked.append((name, content, (verdict.kind, verdict.media)))
    with transaction.atomic():
        finding.correction, finding.root_cause = correction.strip(), root_cause.strip()
        finding.corrective_action, finding.response_evidence = corrective_action.strip(), (evidence or "").strip()
        finding.status, finding.responded_at = Finding.RESPONDED, timezone.now()
        finding.save()
        digests = []
        for name, content, found in checked:
            from tancert.audits.models.checklists import FindingResponseFile

            digest = hashlib.sha256(content).hexdigest()
            upload = FindingResponseFile(finding=finding, original_name=name[:255], content_type=found[1],
                                         size=len(content), sha256=digest, uploaded_by=by)
            upload.file.save(f"{digest[:16]}.{found[0]}", ContentFile(content), save=False)
            upload.save()
            digests.append({"name": name, "sha256": digest})
        chain.append("finding.responded", subject=finding, by=by, organisation=finding.audit.organisation_id,
                     summary=f"组织回复不符合项 #{finding.number} 的纠正和纠正措施"
                             + (f"，附证据文件 {len(digests)} 份" if digests else ""),
                     data={"correction": finding.correction, "root_cause": finding.root_cause,
                           "corrective_action": finding.corrective_action, "evidence": finding.response_evidence,
                           "files": digests})


def review_finding_response(finding: Finding, *, by, outcome: str, note: str = "") -> None:
    """The auditor accepts, verifies or returns the client's answer. Majors must be verified."""
    require_team(finding.audit, by)
    require(outcome in ("accept", "verify", "return"), "R8.1.3-F5", _("Choose accept, verify or return."),
            field="outcome")
    require(finding.status in (Finding.RESPONDED, Finding.ACCEPTED), "R8.1.3-F5",
            _("There is no answer from the client to review."), field="status")
    if outcome == "return":
        require(bool(note.strip()), "R8.1.3-F5", _("Say why the answer is returned."), field="note")
    if outcome in ("accept", "verify") and finding.needs_verification and finding.audit.kind in REPEAT_WHEN_LATE:
        deadline = verification_deadline(finding.audit)
        require(deadline is None or timezone.localdate() <= deadline, "R7.4.1-S2",
                _("The time limit for verifying major nonconformities ended on %(deadline)s: stage 2 must be "
                  "repeated."), field="outcome", params={"deadline": deadline.isoformat() if deadline else ""})
    new = {"accept": Finding.ACCEPTED, "verify": Finding.VERIFIED, "return": Finding.RETURNED}[outcome]
    with transaction.atomic():
        finding.status = new
        if new in (Finding.VERIFIED, Finding.ACCEPTED):
            finding.closed_by, finding.closed_at = by, timezone.now()
        finding.save(update_fields=["status", "closed_by", "closed_at"])
        label = {"accept": "接受", "verify": "验证关闭", "return": "退回"}[outcome]
        chain.append(f"finding.{new}", subject=finding, by=by, organisation=finding.audit.organisation_id,
                     summary=f"{label}不符合项 #{finding.number} 的纠正措施" + (f"：{note.strip()}" if note.strip() else ""),
                     data={"outcome": outcome, "note": note.strip()})
