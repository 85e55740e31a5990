"""The audit plan's agenda and the client's answer to the plan (docs/audits.md, "Audit plan and agenda").

- ``set_agenda``: the programme manager or the team leader saves the agenda before issuing the plan
  (CB-audit-plan, R7.3.3, R7.4.3 — checked by ``programme/agenda.py``).
- ``answer_plan``: after the plan is issued, the client confirms it — a confirmed copy of the PDF with who
  and when is stored with its SHA-256 — or asks for a change with its reason (CB-audit-plan-agreed).

An unconfirmed plan does not block the start of the audit: the dates were agreed when the audit was
planned under the contract, and a client that stays silent must not stall an audit the programme
(R8.1.1-interval) needs on time. The audit page shows the team leader that the answer is missing, and a
change request is answered by issuing a new version (docs/audits.md).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit, AuditAgenda, AuditPlanAnswer, AuditPlanDocument
from tancert.audits.programme import agenda
from tancert.audits.programme.actions import may_issue_plan
from tancert.audits.programme.plandoc import render_plan_pdf
from tancert.records import chain
from tancert.records.documents import record_pdf
from tancert.scheme.violations import RuleViolation, require

REASON_MAX = 2000


def set_agenda(audit: Audit, *, by, slots) -> AuditAgenda:
    """Save the agenda (a new version of the working draft; the issued plan freezes its own copy)."""
    if not may_issue_plan(audit, by):
        raise PermissionDenied(_("Only the programme manager or the team leader issues the audit plan."))
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "CB-audit-plan",
            _("The agenda of a closed audit can no longer change."), field="status")
    clean = agenda.check_agenda(audit, slots)
    with transaction.atomic():
        row, _created = AuditAgenda.objects.select_for_update().get_or_create(
            audit=audit, defaults={"updated_by": by})
        row.slots, row.version, row.updated_by = clean, row.version + 1, by
        row.save()
        opening = next(s for s in clean if s["kind"] == agenda.OPENING)
        closing = next(s for s in clean if s["kind"] == agenda.CLOSING)
        chain.append("audit.agenda_saved", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"保存审核日程（第 {row.version} 版）：{len(clean)} 个时段，首次会议 {opening['day']} "
                             f"{opening['start']}，末次会议 {closing['day']} {closing['start']}",
                     data={"version": row.version, "slots": clean})
    return row


def latest_plan(audit: Audit) -> AuditPlanDocument | None:
    return audit.plan_documents.order_by("-version").first()


def may_answer(doc: AuditPlanDocument, user) -> bool:
    """A user of the client organisation the plan is for — nobody else answers for the client."""
    return bool(user.is_authenticated and user.is_client and user.organisation_id == doc.audit.organisation_id)


def answer_plan(doc: AuditPlanDocument, *, by, answer: str, reason: str = "") -> AuditPlanAnswer:
    """The client confirms the latest plan version, or asks for a change with its reason."""
    if not may_answer(doc, by):
        raise PermissionDenied(_("Only the client the plan is for answers it."))
    audit = doc.audit
    require(answer in dict(AuditPlanAnswer.ANSWERS), "CB-audit-plan-agreed",
            _("Confirm the plan or ask for a change."), field="answer")
    reason = (reason or "").strip()
    require(len(reason) <= REASON_MAX, "CB-audit-plan-agreed",
            _("The reason is too long (at most %(max)s characters)."), field="reason", params={"max": REASON_MAX})
    if answer == AuditPlanAnswer.CHANGE:
        require(bool(reason), "CB-audit-plan-agreed", _("Say what should change in the plan, and why."),
                field="reason")
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "CB-audit-plan-agreed",
            _("This audit is closed; its plan can no longer be answered."), field="status")
    latest = latest_plan(audit)
    require(latest is not None and latest.pk == doc.pk, "CB-audit-plan-agreed",
            _("A newer version of the plan was issued: answer that one."), field="answer")
    require(not AuditPlanAnswer.objects.filter(plan=doc).exists(), "CB-audit-plan-agreed",
            _("This version of the plan was already answered."), field="answer")
    name = by.get_full_name() or by.username
    now = timezone.now()
    pdf = b""
    if answer == AuditPlanAnswer.CONFIRMED:
        pdf = render_plan_pdf(audit, doc.content, version=doc.version,
                              answer={"name": name, "at": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")})
    digest = record_pdf(pdf) if pdf else ""
    try:
        with transaction.atomic():
            row = AuditPlanAnswer(plan=doc, answer=answer, reason=reason, answered_by=by, sha256=digest)
            if pdf:
                row.pdf.save(f"audit-plan-{audit.pk}-v{doc.version}-confirmed.pdf", ContentFile(pdf), save=False)
            row.save()
            if answer == AuditPlanAnswer.CONFIRMED:
                summary = f"受审核方 {name} 确认{audit.get_kind_display()}计划第 {doc.version} 版"
            else:
                summary = f"受审核方 {name} 要求修改{audit.get_kind_display()}计划第 {doc.version} 版，原因：{reason}"
            chain.append("audit.plan_answered", subject=audit, by=by, organisation=audit.organisation_id,
                         summary=summary, data={"version": doc.version, "answer": answer, "reason": reason,
                                                "plan_sha256": doc.sha256, "confirmed_pdf_sha256": digest})
    except IntegrityError:  # two answers at once: the one-to-one row keeps only the first
        raise RuleViolation("CB-audit-plan-agreed", _("This version of the plan was already answered."),
                            field="answer") from None
    return row


def plan_state(audit: Audit) -> dict:
    """What the audit page says about the plan: the latest version and the client's answer, if any."""
    doc = latest_plan(audit)
    ans = AuditPlanAnswer.objects.filter(plan=doc).select_related("answered_by").first() if doc else None
    return {"latest_plan": doc, "plan_answer": ans,
            "plan_unconfirmed": doc is not None and (ans is None or ans.answer != AuditPlanAnswer.CONFIRMED)}
