"""Which notices the audits' recorded steps mean (the table: ops/notifications/table.py; the trigger:
ops/notifications/triggers.py), in Chinese whatever the language of the session that acted (notices are written
like records, RR-language). Registered when the app is ready."""

from __future__ import annotations

from django.utils import translation

from tancert.audits import grades
from tancert.audits.models import Audit, Finding
from tancert.ops.notifications.triggers import on

# The audits a certification decision rests on directly (certificates/actions.decide, R7.5).
DECIDED_KINDS = (Audit.STAGE2, Audit.RECERTIFICATION)


def kind_zh(audit) -> str:
    with translation.override("zh-hans"):
        return str(audit.get_kind_display())


def _audit(ev) -> Audit:
    return Audit.objects.select_related("organisation").get(pk=ev.subject_id)


def _finding(ev) -> Finding:
    return Finding.objects.select_related("audit__organisation").get(pk=ev.subject_id)


@on("audit.planned")
def planned(ev):
    audit = _audit(ev)
    return [("audit.assigned", {"audit": audit, "kind": kind_zh(audit)})]


@on("audit.plan_issued")
def plan_issued(ev):
    audit = _audit(ev)
    return [("audit.plan_issued", {"audit": audit, "kind": kind_zh(audit)})]


@on("audit.plan_answered")
def plan_answered(ev):
    audit = _audit(ev)
    changed = ev.data.get("answer") == "change_requested"
    reason = ev.data.get("reason", "")
    return [("audit.plan_answered", {"audit": audit, "kind": kind_zh(audit), "version": ev.data.get("version", ""),
                                     "answer": "要求修改" if changed else "已确认",
                                     "reason": f"修改原因：{reason}" if changed and reason else ""})]


@on("audit.completed")
def completed(ev):
    # The leader who closed it is told too: signing the report is the next item of their work (R7.5.1).
    audit = _audit(ev)
    return [("audit.report_to_sign", {"audit": audit, "kind": kind_zh(audit), "by": None})]


@on("audit.report_signed")
def report_signed(ev):
    audit = _audit(ev)
    if audit.kind not in DECIDED_KINDS or audit.status != Audit.COMPLETED or audit.decisions.exists():
        return []
    # The decision makers' queue; those on the team may not decide (R7.5) and are not told.
    return [("audit.awaiting_decision", {"audit": audit, "kind": kind_zh(audit),
                                         "exclude": [m.user for m in audit.team.select_related("user")]})]


@on("finding.raised")
def raised(ev):
    finding = _finding(ev)
    if not finding.is_nonconformity:  # only a nonconformity needs the client's answer (R8.1.3-F5)
        return []
    audit = finding.audit
    return [("finding.raised", {"audit": audit, "finding": finding, "kind": kind_zh(audit),
                                "grade": grades.label(finding.grade, "zh"),
                                "due": finding.due_date.isoformat() if finding.due_date else "审核组规定的期限"})]


@on("finding.responded")
def responded(ev):
    finding = _finding(ev)
    return [("finding.responded", {"audit": finding.audit, "finding": finding})]


@on("finding.accepted", "finding.verified", "finding.returned")
def reviewed(ev):
    finding = _finding(ev)
    return [(ev.action, {"audit": finding.audit, "finding": finding, "note": ev.data.get("note", "")})]
