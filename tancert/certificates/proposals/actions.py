"""Suspension proposals (R9.2-suspend, R9.2-T1…T4; docs/certificates.md, "Suspension proposals").

The triggers are detected where the event happens, not only typed by a decision maker:

- T1 — a surveillance audit closed with a negative recommendation (``on_audit_completed``, in the closing
  transaction), and a surveillance audit overdue (the sweep, certificates/enforcement.py);
- T4 — a major nonconformity not verified by its deadline (the sweep);
- T1, T2 or T3 — a serious event the holder reports on its certificate (``report_serious_event``).

Each detection puts one proposal in the decision makers' queue (one open proposal per certificate and
trigger: the database holds it). Accepting suspends the certificate under the proposal's trigger through
``suspend_certificate``; dismissing needs a reason. Both are records.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.certificates.models import Certificate, SuspensionEvidence, SuspensionProposal
from tancert.ops.notifications.send import send
from tancert.ops.notify import notify, staff_with_role  # retired: see ops/notify.py
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.scheme import rulebook
from tancert.scheme.violations import require, switched_off

# The kinds of serious event a holder reports and the trigger each one is (R9.2-T1…T3).
EVENT_KINDS = {"major_incident": "T1", "trading_compliance": "T2", "penalty": "T3"}
EVENT_LABELS = [("major_incident", _("a major incident or change affecting the CMS or carbon performance")),
                ("trading_compliance", _("carbon-trading compliance not met on time")),
                ("penalty", _("a penalty by a law-enforcement or regulatory authority"))]


# Notices and records are in Chinese whatever the language of the session that caused them (RR-language).
SOURCE_ZH = {SuspensionProposal.NEGATIVE_SURVEILLANCE: "监督审核结论为不推荐", SuspensionProposal.MAJOR_OVERDUE:
             "严重不符合项逾期未验证关闭", SuspensionProposal.SURVEILLANCE_OVERDUE: "监督审核逾期",
             SuspensionProposal.SERIOUS_EVENT: "获证组织报告重大事件"}


def propose_suspension(cert: Certificate, *, trigger: str, source: str, detail: str, by=None, audit=None,
                       finding=None, reported_by=None, basis: str = "") -> SuspensionProposal | None:
    """Put a proposal in the decision makers' queue; None when the certificate is not valid or a proposal
    with this trigger is already open (the detection is then already waiting)."""
    # enforces: R9.2-T1 R9.2-T2 R9.2-T3 R9.2-T4
    if switched_off(f"R9.2-{trigger}") or cert.status != Certificate.VALID:
        return None
    title = rulebook.rule(f"R9.2-{trigger}").title_zh
    try:
        with transaction.atomic():
            proposal = SuspensionProposal.objects.create(
                certificate=cert, trigger=trigger, source=source, detail=detail[:2000], audit=audit,
                finding=finding, reported_by=reported_by)
            chain.append("certificate.suspension_proposed", subject=cert, by=by, organisation=cert.organisation_id,
                         summary=f"建议暂停证书 {cert.number}（{trigger}：{title}）：{detail[:150]}",
                         data={"proposal": proposal.pk, "trigger": trigger, "source": source, "detail": detail,
                               "rule": f"R9.2-{trigger}", "basis": basis or f"R9.2-{trigger}",
                               "audit": audit.pk if audit else None,
                               "finding": finding.number if finding else None})
            notify(staff_with_role(Role.DECISION_MAKER), f"建议暂停证书 {cert.number}（{trigger}）：{SOURCE_ZH[source]}",
                   detail[:300], "/decisions/#proposals")
    except IntegrityError:
        return None  # an open proposal with this trigger is waiting already
    return proposal


def _open(proposal: SuspensionProposal) -> SuspensionProposal:
    locked = SuspensionProposal.objects.select_for_update().get(pk=proposal.pk)
    require(locked.state == SuspensionProposal.OPEN, "R9.2-suspend", _("This proposal has already been decided."),
            field="state")
    return locked


def accept_proposal(proposal: SuspensionProposal, *, by, reason: str, respond_by: date) -> SuspensionProposal:
    """The decision maker accepts: the certificate is suspended under the proposal's trigger, the trigger
    confirmed on the day it was detected (the 5-day limit counts from then)."""
    from tancert.certificates.actions import suspend_certificate

    require_role(by, Role.DECISION_MAKER)
    with transaction.atomic():
        locked = _open(proposal)
        suspend_certificate(locked.certificate, by=by, trigger=locked.trigger, reason=reason, respond_by=respond_by,
                            confirmed_on=timezone.localdate(locked.created))
        locked.state, locked.decided_by, locked.decided_at = SuspensionProposal.ACCEPTED, by, timezone.now()
        locked.reason = reason.strip()
        locked.save(update_fields=["state", "decided_by", "decided_at", "reason"])
        chain.append("certificate.suspension_proposal_accepted", subject=locked.certificate, by=by,
                     organisation=locked.certificate.organisation_id,
                     summary=f"采纳暂停建议（{locked.trigger}）：证书 {locked.certificate.number} 已暂停",
                     data={"proposal": locked.pk, "trigger": locked.trigger, "reason": locked.reason})
    return locked


def dismiss_proposal(proposal: SuspensionProposal, *, by, reason: str) -> SuspensionProposal:
    """The decision maker dismisses the proposal, saying why the certificate stays valid."""
    require_role(by, Role.DECISION_MAKER)
    reason = (reason or "").strip()
    require(bool(reason), "R9.2-suspend", _("Say why the certificate is not suspended."), field="reason")
    with transaction.atomic():
        locked = _open(proposal)
        locked.state, locked.decided_by, locked.decided_at = SuspensionProposal.DISMISSED, by, timezone.now()
        locked.reason = reason
        locked.save(update_fields=["state", "decided_by", "decided_at", "reason"])
        chain.append("certificate.suspension_proposal_dismissed", subject=locked.certificate, by=by,
                     organisation=locked.certificate.organisation_id,
                     summary=f"不采纳暂停建议（{locked.trigger}），证书 {locked.certificate.number} 保持有效：{reason[:120]}",
                     data={"proposal": locked.pk, "trigger": locked.trigger, "reason": reason})
    return locked


def open_proposals():
    return SuspensionProposal.objects.filter(state=SuspensionProposal.OPEN).select_related(
        "certificate", "certificate__organisation", "audit", "finding")


def report_serious_event(cert: Certificate, *, by, kind: str, description: str, occurred_on: date) -> SuspensionProposal:
    """The holder reports a serious event (重大事件) on its certificate; the decision makers get a proposal
    under the trigger the event is (R9.2-T1…T3). A second report while one is open is added to the record."""
    if not (by.is_authenticated and by.is_client and by.organisation_id == cert.organisation_id):
        raise PermissionDenied(_("Only the certificate holder reports a serious event on its certificate."))
    require(kind in EVENT_KINDS, "R9.2-suspend", _("Choose what kind of event it is."), field="kind")
    trigger = EVENT_KINDS[kind]
    description = (description or "").strip()
    require(bool(description), f"R9.2-{trigger}", _("Describe what happened."), field="description")
    require(occurred_on is not None and occurred_on <= timezone.localdate(), f"R9.2-{trigger}",
            _("Give the day of the event; it cannot be in the future."), field="occurred_on")
    require(cert.status == Certificate.VALID, "R9.2-suspend", _("The certificate is not valid."), field="certificate")
    detail = f"获证组织报告重大事件（{occurred_on.isoformat()}）：{description}"
    with transaction.atomic():
        chain.append("certificate.serious_event_reported", subject=cert, by=by, organisation=cert.organisation_id,
                     summary=f"获证组织报告重大事件：{description[:150]}",
                     data={"kind": kind, "trigger": trigger, "description": description,
                           "occurred_on": occurred_on.isoformat()})
        proposal = propose_suspension(cert, trigger=trigger, source=SuspensionProposal.SERIOUS_EVENT, detail=detail,
                                      by=by, reported_by=by)
    if proposal is None:
        proposal = cert.suspension_proposals.filter(trigger=trigger, state=SuspensionProposal.OPEN).first()
    return proposal


def on_audit_completed(sender, *, audit, by, **kwargs) -> SuspensionProposal | None:
    """A surveillance audit closed with a negative recommendation: the CMS has a major defect (T1). Connected to
    ``audit_completed`` (certificates/apps.py), so it runs in the closing transaction."""
    from tancert.audits.models import Audit

    if audit.kind != Audit.SURVEILLANCE or not audit.certificate_id or audit.recommendation == Audit.RECOMMEND:
        return None
    return propose_suspension(audit.certificate, trigger="T1", source=SuspensionProposal.NEGATIVE_SURVEILLANCE,
                              detail=f"第 {audit.sequence} 次监督审核结论为不推荐保持认证：{audit.conclusion[:200]}",
                              by=by, audit=audit)


def send_suspension_evidence(cert: Certificate, *, by, message: str) -> SuspensionEvidence:
    """The holder of a suspended certificate sends what it corrected (R9.2-suspend: the cause is removed within
    the deadline). The decision makers see it on their home page and restore or withdraw the certificate; the
    message is kept with the record. Only the holder sends, and only while the certificate is suspended."""
    if not (by.is_authenticated and by.is_client and by.organisation_id == cert.organisation_id):
        raise PermissionDenied(_("Only the certificate holder sends evidence on its suspension."))
    message = (message or "").strip()
    if not message:
        raise ValidationError(_("Say what was corrected and where the evidence is."), code="required")
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=cert.pk)
        if locked.status != Certificate.SUSPENDED:
            raise PermissionDenied(_("The certificate is not suspended."))
        evidence = SuspensionEvidence.objects.create(certificate=locked, message=message, sent_by=by)
        chain.append("certificate.suspension_evidence", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"获证组织提交解除暂停的证据：{message[:150]}", data={"message": message})
        send("certificate.suspension_evidence", by=by, organisation=locked.organisation, certificate=locked,
             message=message[:1000])
    return evidence
