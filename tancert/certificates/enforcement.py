"""What the sweep enforces on certificates (docs/certificates.md), each step idempotent:

- a surveillance audit overdue beyond its window (R8.1.1-interval, R9.3-surveillance) marks the
  certificate "surveillance overdue" and puts a suspension proposal (T1) in the decision makers' queue;
- a major nonconformity of a surveillance or recertification audit of a valid certificate still unverified
  after its verification deadline puts a suspension proposal (T4) in the queue (certificates/proposals);
- a suspension whose deadline passed unresolved proposes withdrawal (CNCA practice);
- the renewal window opening 90 days before expiry (R9.3-renewal) reminds the holder.

Proposals are records and notices, never automatic status changes: a decision maker decides.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from tancert.audits import grades
from tancert.audits.findings.actions import verification_deadline
from tancert.audits.models import Audit, Finding
from tancert.certificates.models import Certificate, SuspensionProposal
from tancert.certificates.proposals import actions as proposals
from tancert.ops.notifications.send import send
from tancert.ops.reminders import remind_once
from tancert.planning.programme import first_surveillance_due, renewal_window, surveillance_deadline
from tancert.records import chain


def next_surveillance_due(cert: Certificate) -> date | None:
    """The date by which the next surveillance audit must end; None when both are done."""
    done = cert.audits.filter(kind=Audit.SURVEILLANCE, status=Audit.COMPLETED)
    if done.count() >= 2:
        return None
    last = done.aggregate(m=Max("end_date"))["m"]
    if last is None:
        decided = timezone.localdate(cert.decision.decided_at)
        return first_surveillance_due(decided, cert.issue_date)
    return surveillance_deadline(last)


def propose_suspensions_for_overdue_surveillance(today: date) -> list[str]:
    proposed = []
    for cert in Certificate.objects.filter(status=Certificate.VALID).select_related("decision"):
        due = next_surveillance_due(cert)
        if due is None or today <= due:
            continue
        with transaction.atomic():
            if not remind_once("surveillance_overdue", f"certificate:{cert.pk}", due):
                continue
            Certificate.objects.filter(pk=cert.pk).update(surveillance_status=Certificate.SURV_OVERDUE)
            # The register shows the surveillance status: like every change a visitor can see, it is an event
            # (the public page's cache follows the record chain: certificates/register/pagecache.py).
            chain.append("certificate.surveillance_overdue", subject=cert, by=None, organisation=cert.organisation_id,
                         summary=f"证书 {cert.number} 的监督审核应于 {due} 前完成但未完成，监督状态改为逾期",
                         data={"due": due.isoformat(), "surveillance_status": Certificate.SURV_OVERDUE})
            # Without surveillance the CMS's continued operation is not confirmed (R9.3-surveillance): a defect
            # in its operation, T1, for the decision maker to judge.
            proposals.propose_suspension(
                cert, trigger="T1", source=SuspensionProposal.SURVEILLANCE_OVERDUE, basis="R9.3-surveillance",
                detail=f"证书 {cert.number} 的监督审核应于 {due} 前完成但未完成（R8.1.1-interval、R9.3-surveillance）")
        proposed.append(cert.number)
    return proposed


def propose_suspensions_for_unverified_majors(today: date) -> list[str]:
    """Majors of a certificate's surveillance or recertification audit unverified after their deadline (T4)."""
    proposed = []
    majors = Finding.objects.filter(
        grade__in=grades.codes_to(grades.VERIFY), audit__kind__in=(Audit.SURVEILLANCE, Audit.RECERTIFICATION),
        audit__certificate__status=Certificate.VALID).exclude(status=Finding.VERIFIED).select_related(
        "audit", "audit__certificate")
    for finding in majors:
        deadline = verification_deadline(finding.audit)
        if deadline is None or today <= deadline:
            continue
        cert = finding.audit.certificate
        with transaction.atomic():
            if not remind_once("major_unverified", f"finding:{finding.pk}", deadline):
                continue
            proposals.propose_suspension(
                cert, trigger="T4", source=SuspensionProposal.MAJOR_OVERDUE, audit=finding.audit, finding=finding,
                detail=f"{finding.audit.get_kind_display()}的严重不符合项 #{finding.number} 应于 {deadline} 前验证关闭，"
                       f"但未完成：{finding.description[:150]}")
        proposed.append(f"{cert.number}#{finding.number}")
    return proposed


def propose_withdrawals_for_unresolved_suspensions(today: date) -> list[str]:
    proposed = []
    for cert in Certificate.objects.filter(status=Certificate.SUSPENDED, respond_by__lt=today):
        with transaction.atomic():
            if not remind_once("suspension_ended", f"certificate:{cert.pk}", cert.respond_by):
                continue
            chain.append("certificate.withdrawal_proposed", subject=cert, by=None, organisation=cert.organisation_id,
                         summary=f"证书 {cert.number} 暂停期限 {cert.respond_by} 已过且未完成整改，建议撤销",
                         data={"respond_by": cert.respond_by.isoformat()})
            send("certificate.withdrawal_proposed", organisation=cert.organisation, certificate=cert)
        proposed.append(cert.number)
    return proposed


def remind_renewals(today: date) -> list[str]:
    reminded = []
    for cert in Certificate.objects.filter(status=Certificate.VALID, expiry_date__gte=today,
                                           renewal_application__isnull=True).select_related("organisation"):
        window = renewal_window(cert.expiry_date)
        if not window.contains(today):
            continue
        with transaction.atomic():
            if not remind_once("renewal_window", f"certificate:{cert.pk}", window.earliest):
                continue
            send("certificate.renewal_due", organisation=cert.organisation, certificate=cert)
        reminded.append(cert.number)
    return reminded
