"""Planning and running audits; findings and corrective actions (R7.3, R7.4, R8.1)."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits import checkins, checklists, grades, programme_actions, stage1, teamcheck, timing
from tancert.audits.estimate import application_for
from tancert.audits.models import Audit, AuditTeamMember, Finding
from tancert.clients.filetypes import ALLOWED, sniff
from tancert.clients.models import Application, Organisation
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.scheme.violations import require


def _check_team(team: list[tuple], audit_kind: str) -> None:
    """R7.3.2: exactly one team leader; members hold auditor or technical expert roles."""
    require(len(team) > 0, "R7.3.2", _("Name the audit team."), field="team")
    leaders = [u for u, role in team if role == AuditTeamMember.LEADER]
    require(len(leaders) == 1, "R7.3.2", _("The team needs exactly one team leader."), field="team")
    require(leaders[0].has_role(Role.AUDITOR), "R7.3.2",
            _("The team leader must be a registered auditor (%(name)s is not)."), field="team",
            params={"name": leaders[0].get_full_name()})
    users = [u.pk for u, _role in team]
    require(len(users) == len(set(users)), "R7.3.2", _("A person is named twice in the team."), field="team")
    for user, role in team:
        needed = Role.TECHNICAL_EXPERT if role == AuditTeamMember.EXPERT else Role.AUDITOR
        require(user.has_role(needed) and not user.is_client, "R4.A1",
                _("%(name)s does not hold the role needed for this team position."), field="team",
                params={"name": user.get_full_name()})


def plan_audit(org: Organisation, *, by, kind: str, start_date: date, end_date: date, auditor_days,
               team: list[tuple], application: Application | None = None, certificate=None, method: str = "FS01",
               offsite: bool = False, offsite_reason: str = "", scope: str = "", combined_with=()) -> Audit:
    """The programme manager plans an audit with its team (R7.3): enough time for the client (R7.3.3,
    RB; R10-time when ``combined_with`` names other management systems audited together, each with
    its separate time), a team that passes the register check, inside its programme window."""
    require_role(by, Role.PROGRAMME_MANAGER)
    days = Decimal(str(auditor_days))
    require(end_date >= start_date, "R7.3.1", _("The end date cannot be before the start date."), field="end_date")
    require(days > 0, "RB", _("Give the auditor-days."), field="auditor_days")
    require(kind in dict(Audit.KINDS), "R2", _("Unknown audit type."), field="kind")
    require(method in dict(Audit.METHODS), "R7.4.3", _("Use audit method FS01, FS02 or FS03."), field="method")
    systems = timing.combined_systems(combined_with)
    if kind in (Audit.STAGE1, Audit.STAGE2):
        from tancert.clients.contracts import contract_allows_planning

        require(application is not None and application.status == Application.ACCEPTED, "R7.2-contract",
                _("An initial audit can be planned only for an accepted application."), field="application")
        require(contract_allows_planning(application), "R7.2-contract",
                _("The certification contract must be signed and paid before audits are planned."),
                field="application")
    if kind == Audit.STAGE1 and offsite:
        # Off site only when one of O1–O3 holds for the application; its reason is the default text.
        from tancert.audits.estimate import offsite_facts
        from tancert.audits.planning.offsite import require_offsite_allowed

        decision = require_offsite_allowed(offsite_facts(application))
        offsite_reason = offsite_reason.strip() or decision.reason_zh
    if kind == Audit.STAGE2:
        stage1 = application.audits.filter(kind=Audit.STAGE1).exclude(status=Audit.CANCELLED).first()
        require(stage1 is not None, "R7.4.1-S1", _("Plan stage 1 before stage 2."), field="kind")
        require(start_date >= stage1.end_date, "R7.4.1-S2", _("Stage 2 cannot start before stage 1 ends."),
                field="start_date")
        # The combined systems of an initial audit may be named on either stage; stage 2's list wins.
        systems = systems or timing.combined_systems(stage1.combined_with)
        timing.require_enough_time(kind, stage1.auditor_days + days, application, systems)
    elif kind in (Audit.SURVEILLANCE, Audit.RECERTIFICATION):
        require(certificate is not None, "R8.1-programme",
                _("Surveillance and recertification audits belong to a certificate."), field="certificate")
        timing.require_enough_time(kind, days, application_for(application, certificate), systems)
        if kind == Audit.SURVEILLANCE:
            programme_actions.check_surveillance(certificate, start_date, end_date)
    sequence = 0
    if kind == Audit.SURVEILLANCE:
        sequence = certificate.audits.filter(kind=Audit.SURVEILLANCE).exclude(status=Audit.CANCELLED).count() + 1
    entry = programme_actions.entry_for(org, kind, sequence)
    programme_actions.check_in_window(entry, start_date, end_date)
    _check_team(team, kind)
    # The full check against the register on the audit dates (docs/planning.md §3): every problem is shown
    # on the plan form (views_planning); here the first one refuses the plan.
    teamcheck.require_team(teamcheck.need_for(org, start=start_date, end=end_date, auditor_days=days), team)
    with transaction.atomic():
        audit = Audit.objects.create(
            organisation=org, application=application, certificate=certificate, kind=kind, sequence=sequence,
            start_date=start_date, end_date=end_date, auditor_days=days, method=method, offsite=offsite,
            offsite_reason=offsite_reason.strip(), scope=scope or (application.scope if application else ""),
            planned_by=by, combined_with=timing.stored(systems),
        )
        for user, role in team:
            AuditTeamMember.objects.create(audit=audit, user=user, role=role)
        programme_actions.link_audit(audit, entry)
        chain.append("audit.planned", subject=audit, by=by, organisation=org,
                     summary=f"策划{audit.get_kind_display()}：{start_date:%Y-%m-%d} 至 {end_date:%Y-%m-%d}，"
                             f"{days} 人日，审核组 " + "、".join(u.get_full_name() for u, _r in team),
                     data={"kind": kind, "start": start_date.isoformat(), "end": end_date.isoformat(),
                           "auditor_days": str(days), "method": method, "offsite": offsite,
                           "team": [{"user": u.username, "role": r} for u, r in team],
                           "combined_with": timing.stored(systems)})
    return audit


def on_team(audit: Audit, user) -> bool:
    return user.is_authenticated and audit.team.filter(user=user).exists()


def _require_team(audit: Audit, user, *, leader: bool = False) -> None:
    qs = audit.team.filter(user=user) if user.is_authenticated else audit.team.none()
    if leader:
        qs = qs.filter(role=AuditTeamMember.LEADER)
    if not qs.exists():
        raise PermissionDenied(_("Only the team leader can do this.") if leader
                               else _("Only members of this audit team can do this."))


def verification_deadline(audit: Audit) -> date | None:
    """Last day to verify major nonconformities: N months after the last day of stage 2 (or of the
    recertification audit); settings.TANCERT_MAJOR_VERIFY_MONTHS, default 6 (reference/certification.md §1)."""
    target = audit
    if audit.kind == Audit.STAGE1 and audit.application_id:
        target = audit.application.audits.filter(kind=Audit.STAGE2).exclude(status=Audit.CANCELLED).first()
    if target is None or target.kind not in (Audit.STAGE2, Audit.RECERTIFICATION):
        return None
    return target.end_date + relativedelta(months=settings.TANCERT_MAJOR_VERIFY_MONTHS)


def verification_expired(audit: Audit, today: date | None = None) -> bool:
    """True when majors of this audit are still unverified after the deadline: stage 2 must be repeated."""
    deadline = verification_deadline(audit)
    if deadline is None or (today or timezone.localdate()) <= deadline:
        return False
    return audit.findings.filter(grade__in=grades.codes_to(grades.VERIFY)).exclude(status=Finding.VERIFIED).exists()


def raise_finding(audit: Audit, *, by, grade: str, description: str, evidence: str = "", clause: str = "",
                  due_date: date | None = None, item=None, evidence_ids=()) -> Finding:
    """Raise a finding, linked to its checklist item / clause and to its evidence (no finding without it)."""
    _require_team(audit, by)
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "R7.4.2",
            _("Findings can be raised only while the audit is open."), field="status")
    require(grade in grades.codes(), "R7.4.2", _("Unknown finding grade."), field="grade")
    require(bool(description.strip()), "R7.4.2", _("Describe the finding."), field="description")
    from tancert.audits.checklist_models import ChecklistItem, EvidenceEntry

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
        found = sniff(content[:16], content) if content else None
        require(found is not None and found[0] in ALLOWED and len(content) <= settings.TANCERT_MAX_UPLOAD_BYTES,
                "R8.1.3-F5", _("%(name)s is not a PDF, PNG, JPEG, Word (docx) or Excel (xlsx) file of at most "
                               "the upload limit (judged by its content)."), field="files", params={"name": name})
        checked.append((name, content, found))
    with transaction.atomic():
        finding.correction, finding.root_cause = correction.strip(), root_cause.strip()
        finding.corrective_action, finding.response_evidence = corrective_action.strip(), (evidence or "").strip()
        finding.status, finding.responded_at = Finding.RESPONDED, timezone.now()
        finding.save()
        digests = []
        for name, content, found in checked:
            from tancert.audits.checklist_models import FindingResponseFile

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
    _require_team(finding.audit, by)
    require(outcome in ("accept", "verify", "return"), "R8.1.3-F5", _("Choose accept, verify or return."),
            field="outcome")
    require(finding.status in (Finding.RESPONDED, Finding.ACCEPTED), "R8.1.3-F5",
            _("There is no answer from the client to review."), field="status")
    if outcome == "return":
        require(bool(note.strip()), "R8.1.3-F5", _("Say why the answer is returned."), field="note")
    if outcome in ("accept", "verify") and finding.needs_verification:
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


def complete_audit(audit: Audit, *, by, conclusion: str, recommendation: str) -> None:
    """The team leader closes the audit with a conclusion and a recommendation."""
    _require_team(audit, by, leader=True)
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "R7.5.1", _("This audit is already closed."),
            field="status")
    require(bool(conclusion.strip()), "R7.5.1", _("Write the audit conclusion."), field="conclusion")
    require(recommendation in dict(Audit.RECOMMENDATIONS), "R7.5.1", _("Give the team's recommendation."),
            field="recommendation")
    if audit.kind == Audit.STAGE2:
        stage1_done = audit.application.audits.filter(kind=Audit.STAGE1, status=Audit.COMPLETED).exists()
        require(stage1_done, "R7.4.1-S2", _("Close stage 1 before stage 2."), field="kind")
    if audit.kind == Audit.STAGE1:
        stage1.check_complete(audit)
    if checklists.has_checklist(audit.kind):
        from tancert.audits.checklist_actions import start_checklist

        start_checklist(audit, by=by)
        _check_checklist(audit)
    checkins.check_complete(audit)
    with transaction.atomic():
        audit.status, audit.completed_at = Audit.COMPLETED, timezone.now()
        audit.conclusion, audit.recommendation = conclusion.strip(), recommendation
        audit.save(update_fields=["status", "completed_at", "conclusion", "recommendation"])
        chain.append("audit.completed", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"{audit.get_kind_display()}结束：{audit.get_recommendation_display()}",
                     data={"conclusion": audit.conclusion, "recommendation": recommendation,
                           "findings": list(audit.findings.values_list("number", "grade", "status"))})
        if audit.kind == Audit.SURVEILLANCE and audit.certificate_id:
            from tancert.certificates.actions import record_surveillance

            record_surveillance(audit, by=by)


_OPEN_ITEM_MESSAGES = {
    "unanswered": _("Checklist item %(code)s (%(title)s) is mandatory and not answered yet."),
    "no_reason": _("Checklist item %(code)s is marked not audited without a reason."),
    "no_evidence": _("Checklist item %(code)s has no evidence entry."),
    "no_finding": _("Checklist item %(code)s is marked as a finding, but no finding was raised on it."),
}


def _check_checklist(audit: Audit) -> None:
    """The audit cannot be closed while a mandatory item is unanswered (the item's focus key)."""
    problems = checklists.open_items(audit)
    if problems:
        item, why = problems[0]
        # The key is the item's: its focus item, or for clauses and overlays the focus item of conformity
        # with the standard of that audit type (checklist_data/policy.json).
        # enforces: R7.4.2-F1 R7.4.2-F2 R7.4.2-F3 R7.4.2-F4 R7.4.2-F5 R7.4.2-F6 R7.4.2-F7 R7.4.2-F8 R7.4.2-F9
        # enforces: R8.1.3-F1 R8.1.3-F2 R8.1.3-F3 R8.1.3-F4 R8.1.3-F5 R8.2.2-F1 R8.2.2-F2 R8.2.2-F3 R8.2.2-F4
        require(False, item.rule_key, _OPEN_ITEM_MESSAGES[why], field=f"checklist.{item.code}",
                params={"code": item.code, "title": item.title_zh})


def planned_days(application: Application) -> Decimal:
    return application.audits.exclude(status=Audit.CANCELLED).aggregate(s=Sum("auditor_days"))["s"] or Decimal(0)
