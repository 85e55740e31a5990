"""Closing an audit (R7.5.1): the checks that span its features — the audit plan issued, the last planned
day reached, stage 1 record, checklist, check-ins, verified carbon data — and the signal the apps above
listen to (docs/audits.md, "Closing an audit")."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.carbon.actions import VERIFIED_KINDS, check_verified
from tancert.audits.checklists import items as checklists
from tancert.audits.findings import forward
from tancert.audits.models import Audit
from tancert.audits.remote import actions as remote
from tancert.audits.signals import audit_completed
from tancert.audits.stage1 import actions as stage1
from tancert.audits.team import require_team
from tancert.records import chain
from tancert.scheme.violations import require


def complete_audit(audit: Audit, *, by, conclusion: str, recommendation: str) -> None:
    """The team leader closes the audit with a conclusion and a recommendation."""
    require_team(audit, by, leader=True)
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "R7.5.1", _("This audit is already closed."),
            field="status")
    require(bool(conclusion.strip()), "R7.5.1", _("Write the audit conclusion."), field="conclusion")
    require(recommendation in dict(Audit.RECOMMENDATIONS), "R7.5.1", _("Give the team's recommendation."),
            field="recommendation")
    # The audit plan tells the client what is audited when (R7.3.1: the planned audit); an audit that was
    # never issued a plan was not carried out as planned.
    require(audit.plan_documents.exists(), "R7.3.1",
            _("Issue the audit plan before closing the audit (the audit's planning page)."), field="plan")
    _require_last_day_reached(audit)
    remote.require_method_allowed(audit)
    if audit.kind == Audit.STAGE2:
        stage1_done = audit.application.audits.filter(kind=Audit.STAGE1, status=Audit.COMPLETED).exists()
        require(stage1_done, "R7.4.1-S2", _("Close stage 1 before stage 2."), field="kind")
    if audit.kind == Audit.STAGE1:
        stage1.check_complete(audit)
    if checklists.has_checklist(audit.kind):
        from tancert.audits.checklists.actions import start_checklist

        start_checklist(audit, by=by)
        _check_checklist(audit)
    # The earlier audits' nonconformities re-checked, none still open (R8.1.3-F5, CB-findings-forward).
    forward.check_forward(audit)
    if audit.kind in VERIFIED_KINDS:
        # The carbon data are verified inside the audit, and only while it is open (the carbon page is
        # read-only afterwards): the sample checked, the blocking findings answered, the figures frozen.
        check_verified(audit)
    with transaction.atomic():
        audit.status, audit.completed_at = Audit.COMPLETED, timezone.now()
        audit.conclusion, audit.recommendation = conclusion.strip(), recommendation
        audit.save(update_fields=["status", "completed_at", "conclusion", "recommendation"])
        chain.append("audit.completed", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"{audit.get_kind_display()}结束：{audit.get_recommendation_display()}",
                     data={"conclusion": audit.conclusion, "recommendation": recommendation,
                           "findings": list(audit.findings.values_list("number", "grade", "status"))})
        audit_completed.send(sender=Audit, audit=audit, by=by)


# The on-site rule of each audit type: its evidence is collected on the planned days, so it is not closed
# before the last of them (the local date, settings.TIME_ZONE).
_ON_SITE_KEY = {Audit.STAGE1: "R7.4.1-S1", Audit.STAGE2: "R7.4.1-S2", Audit.SURVEILLANCE: "R8.1.2",
                Audit.RECERTIFICATION: "R8.2.1", Audit.SPECIAL: "R8.1.1-extra"}


def _require_last_day_reached(audit: Audit) -> None:
    # enforces: R7.4.1-S1 R7.4.1-S2 R8.1.2 R8.2.1 R8.1.1-extra
    require(timezone.localdate() >= audit.end_date, _ON_SITE_KEY[audit.kind],
            _("The audit is planned until %(end)s: it can be closed from that day on."), field="end_date",
            params={"end": audit.end_date.isoformat()})


_OPEN_ITEM_MESSAGES = {
    "unanswered": _("Checklist item %(code)s (%(title)s) is mandatory and not answered yet."),
    "no_reason": _("Checklist item %(code)s is marked not audited without a reason."),
    "not_audited_mandatory": _("Checklist item %(code)s (%(title)s) is mandatory: \"not audited\" is not an answer, "
                               "record whether it conforms."),
    "no_evidence": _("Checklist item %(code)s has no evidence entry."),
    "no_finding": _("Checklist item %(code)s is marked as a finding, but no finding was raised on it."),
}


def _check_checklist(audit: Audit) -> None:
    """The audit cannot be closed while a mandatory item is unanswered (the item's focus key)."""
    problems = checklists.open_items(audit)
    if problems:
        item, why = problems[0]
        # The key is the item's: its focus item, or for clauses and overlays the focus item of conformity
        # with the standard of that audit type (checklists/data/policy.json).
        # enforces: R7.4.2-F1 R7.4.2-F2 R7.4.2-F3 R7.4.2-F4 R7.4.2-F5 R7.4.2-F6 R7.4.2-F7 R7.4.2-F8 R7.4.2-F9
        # enforces: R8.1.3-F1 R8.1.3-F2 R8.1.3-F3 R8.1.3-F4 R8.1.3-F5 R8.2.2-F1 R8.2.2-F2 R8.2.2-F3 R8.2.2-F4
        require(False, item.rule_key, _OPEN_ITEM_MESSAGES[why], field=f"checklist.{item.code}",
                params={"code": item.code, "title": item.title_zh})
