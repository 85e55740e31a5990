"""Findings carried forward (R8.1.3-F5, CB-findings-forward; docs/obligations.md).

A surveillance or recertification audit lists the client's nonconformities from earlier audits — every one
of the last closed audit, and any older one still not verified — with the client's corrective action and
its verification. The team re-checks each (implemented and effective?) in this audit; the audit is not
closed while one is not re-checked or is still open (no accepted answer from the client). An effective
re-check of an accepted minor closes it as verified: its effectiveness is what the next audit confirms.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits import grades
from tancert.audits.models import Audit, Finding, FindingRecheck
from tancert.audits.team import require_team
from tancert.records import chain
from tancert.scheme.violations import RuleViolation, require

FORWARD_KINDS = (Audit.SURVEILLANCE, Audit.RECERTIFICATION)
NOTE_MAX = 2000
# Still open: the client has not answered, or its answer was returned or not yet reviewed.
OPEN_STATUSES = (Finding.OPEN, Finding.RESPONDED, Finding.RETURNED)


def carried_findings(audit: Audit) -> list[Finding]:
    """The earlier audits' nonconformities this audit re-checks (empty for other audit types)."""
    if audit.kind not in FORWARD_KINDS:
        return []
    earlier = Audit.objects.filter(organisation_id=audit.organisation_id, status=Audit.COMPLETED,
                                   start_date__lte=audit.start_date).exclude(pk=audit.pk)
    last = earlier.order_by("-completed_at", "-pk").first()
    if last is None:
        return []
    nonconformities = grades.codes_to(grades.VERIFY) + grades.codes_to(grades.ACCEPT)
    qs = (Finding.objects.filter(audit__in=earlier, grade__in=nonconformities)
          .select_related("audit").order_by("audit__start_date", "audit_id", "number"))
    return [f for f in qs if f.audit_id == last.pk or f.status != Finding.VERIFIED]


def rechecks_of(audit: Audit) -> dict[int, FindingRecheck]:
    return {r.finding_id: r for r in audit.rechecks.select_related("checked_by")}


def forward_rows(audit: Audit) -> list[dict]:
    """For the checklist page and the report: each carried finding with this audit's re-check, if any."""
    done = rechecks_of(audit)
    return [{"finding": f, "recheck": done.get(f.pk), "open": f.status in OPEN_STATUSES} for f in carried_findings(audit)]


def recheck_finding(audit: Audit, finding: Finding, *, by, effective: bool, note: str) -> FindingRecheck:
    """A member of this audit's team records whether the earlier corrective action was implemented and
    effective (CB-findings-forward)."""
    require_team(audit, by)
    note = (note or "").strip()
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "CB-findings-forward",
            _("This audit is already closed."), field="note")
    require(finding.pk in {f.pk for f in carried_findings(audit)}, "CB-findings-forward",
            _("This finding is not one this audit carries forward."), field="finding")
    require(0 < len(note) <= NOTE_MAX, "CB-findings-forward",
            _("Say what was checked of the corrective action and what it showed (at most 2000 characters)."),
            field="note")
    require(not (effective and finding.status in OPEN_STATUSES), "CB-findings-forward",
            _("Nonconformity #%(n)s has no accepted corrective action yet: it cannot be effective. Record it as "
              "not effective, or have its answer reviewed first."), field="effective", params={"n": finding.number})
    try:
        with transaction.atomic():
            r = FindingRecheck.objects.create(audit=audit, finding=finding, effective=bool(effective), note=note,
                                              checked_by=by, checked_at=timezone.now())
            closes = effective and finding.status == Finding.ACCEPTED
            if closes:
                finding.status, finding.closed_by, finding.closed_at = Finding.VERIFIED, by, timezone.now()
                finding.save(update_fields=["status", "closed_by", "closed_at"])
            verdict = "有效" if effective else "无效"
            chain.append("finding.rechecked", subject=finding, by=by, organisation=audit.organisation_id,
                         summary=f"{audit.get_kind_display()}复查以往不符合项 #{finding.number} 的纠正措施：{verdict}"
                                 + ("，验证关闭" if closes else ""),
                         data={"audit": audit.pk, "finding_audit": finding.audit_id, "effective": bool(effective),
                               "note": note, "verified": closes})
    except IntegrityError:
        raise RuleViolation("CB-findings-forward", _("This finding was already re-checked in this audit."),
                            field="finding") from None
    return r


def check_forward(audit: Audit) -> None:
    """Closing gate: every carried finding re-checked in this audit, and none still open (CB-findings-forward)."""
    done = rechecks_of(audit)
    for f in carried_findings(audit):
        require(f.status not in OPEN_STATUSES, "CB-findings-forward",
                _("Nonconformity #%(n)s of the %(kind)s of %(day)s is still open: the client's corrective action "
                  "must be answered and accepted before this audit closes."), field="forward",
                params={"n": f.number, "kind": f.audit.get_kind_display(), "day": f.audit.start_date.isoformat()})
        require(f.pk in done, "CB-findings-forward",
                _("Re-check nonconformity #%(n)s of the %(kind)s of %(day)s (its corrective action and "
                  "verification) on the checklist page before closing."), field="forward",
                params={"n": f.number, "kind": f.audit.get_kind_display(), "day": f.audit.start_date.isoformat()})
