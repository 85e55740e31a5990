"""Decisions and the certificate lifecycle (R7.5, R9). Every change is recorded."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit, AuditTeamMember, Finding
from tancert.certificates.models import Certificate, CertificateVersion, Decision
from tancert.ops.notify import notify, organisation_users
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.scheme import rulebook
from tancert.scheme.violations import require

CONDITION_CODES = ("C1", "C2", "C3", "C4")  # R7.5.2-C1…C4
TRIGGER_CODES = ("T1", "T2", "T3", "T4")  # R9.2-T1…T4


def _locked(model, pk):
    """Re-read the row under a lock so two people acting at once cannot both win."""
    return model.objects.select_for_update().get(pk=pk)


def decide(audit: Audit, *, by, outcome: str, conditions: dict, scope: str = "", reason: str = "") -> Decision:
    """A decision maker who was not on the audit team grants, refuses or reduces (R7.5)."""
    require_role(by, Role.DECISION_MAKER)
    require(audit.kind in (Audit.STAGE2, Audit.RECERTIFICATION), "R7.5",
            _("Decisions are taken on a stage 2 or recertification audit."), field="audit")
    require(audit.status == Audit.COMPLETED, "R7.5.1", _("The audit report is not finished yet."), field="audit")
    related = Audit.objects.filter(application=audit.application) if audit.application_id else \
        Audit.objects.filter(pk=audit.pk)
    require(not AuditTeamMember.objects.filter(audit__in=related, user=by).exists(), "R7.5",
            _("You were on the audit team of this client and cannot decide on it (impartiality, ISO/IEC 17021-1 "
              "9.5)."), field="decided_by")
    require(outcome in dict(Decision.OUTCOMES), "R7.5", _("Choose grant, grant with reduced scope or refuse."),
            field="outcome")
    answers = {}
    for code in CONDITION_CODES:
        given = (conditions or {}).get(code) or {}
        met, evidence = given.get("met"), (given.get("evidence") or "").strip()
        require(met is not None and bool(evidence), f"R7.5.2-{code}",
                _("Answer condition %(code)s with its evidence."), field=f"conditions.{code}", params={"code": code})
        answers[code] = {"met": bool(met), "evidence": evidence}
    if outcome != Decision.REFUSE:
        from tancert.audits import grades
        from tancert.audits.actions import verification_expired

        open_majors = Finding.objects.filter(audit__in=related, grade__in=grades.codes_to(grades.VERIFY)).exclude(
            status=Finding.VERIFIED)
        require(not verification_expired(audit), "R7.4.1-S2",
                _("Major nonconformities were not verified within the time limit after stage 2: stage 2 must be "
                  "repeated before a decision."), field="findings")
        require(not open_majors.exists(), "R7.5.2",
                _("Major nonconformity #%(n)s is not verified; certification cannot be granted."),
                field="findings", params={"n": open_majors.first().number if open_majors.exists() else 0})
        open_minors = Finding.objects.filter(audit__in=related, grade__in=grades.codes_to(grades.ACCEPT)).exclude(
            status__in=[Finding.ACCEPTED, Finding.VERIFIED])
        require(not open_minors.exists(), "R7.5.2",
                _("The corrective action plan of minor nonconformity #%(n)s is not accepted yet."),
                field="findings", params={"n": open_minors.first().number if open_minors.exists() else 0})
        for code in CONDITION_CODES:
            require(answers[code]["met"], f"R7.5.2-{code}",
                    _("Condition %(code)s is not met; certification must not be granted."),
                    field=f"conditions.{code}", params={"code": code})
        require(audit.recommendation == Audit.RECOMMEND, "R7.5",
                _("The audit team did not recommend certification; refuse or have the audit repeated."),
                field="outcome")
        if outcome == Decision.GRANT_REDUCED:
            require(bool(scope.strip()), "R9.1-c", _("State the reduced scope."), field="scope")
    with transaction.atomic():
        locked = _locked(Audit, audit.pk)
        require(not locked.decisions.exists(), "R7.5",
                _("Another decision maker has already decided on this audit."), field="audit")
        decision = Decision.objects.create(
            organisation=audit.organisation, application=audit.application, audit=audit, outcome=outcome,
            scope=(scope.strip() or audit.scope), conditions=answers, reason=reason.strip(), decided_by=by,
            decided_at=timezone.now())
        chain.append("decision.made", subject=decision, by=by, organisation=audit.organisation_id,
                     summary=f"认证决定：{decision.get_outcome_display()}" + (f"；{reason.strip()}" if reason else ""),
                     data={"audit": audit.pk, "outcome": outcome, "scope": decision.scope, "conditions": answers,
                           "reason": decision.reason})
    return decision


def next_number(issue_day: date, cycle: int = 0) -> str:
    pattern = settings.TANCERT_CERT_NUMBER_PATTERN
    prefix_year = issue_day.strftime("%y")
    serial = Certificate.objects.filter(issue_date__year=issue_day.year).count() + 1
    while True:
        number = pattern.format(body=settings.TANCERT_BODY["code"], yyyy=issue_day.year, yy=prefix_year,
                                serial=serial, cycle=cycle)
        number = "".join(number.split()).upper()
        if not Certificate.objects.filter(number=number).exists():
            return number
        serial += 1


def certificate_content(cert: Certificate) -> dict:
    """The R9.1-a…h content, frozen into each version."""
    body = settings.TANCERT_BODY
    return {
        "number": cert.number,
        "organisation_name": cert.organisation_name,
        "organisation_address": cert.organisation_address,
        "credit_code": cert.credit_code,
        "scope": cert.scope,
        "criterion": cert.criterion,
        "issue_date": cert.issue_date.isoformat(),
        "expiry_date": cert.expiry_date.isoformat(),
        "first_issue_date": cert.first_issue_date.isoformat(),
        "change_date": cert.change_date.isoformat() if cert.change_date else None,
        "body_name": body["name_zh"],
        "body_address": body["address_zh"],
        "surveillance_status": cert.surveillance_status,
        "sites": cert.sites,
        "version": cert.version,
    }


def _freeze_version(cert: Certificate) -> CertificateVersion:
    import hashlib

    from tancert.certificates import seal as sealing
    from tancert.certificates.documents import render_certificate_pdf

    content = certificate_content(cert)
    seal = sealing.sign(content)
    pdf = render_certificate_pdf(cert, content, seal)
    digest = hashlib.sha256(pdf).hexdigest()
    CertificateVersion.objects.filter(certificate=cert, superseded_at__isnull=True).update(superseded_at=timezone.now())
    version = CertificateVersion(certificate=cert, version=cert.version, content=content, sha256=digest, seal=seal)
    version.pdf.save(f"{cert.number}-v{cert.version}.pdf", ContentFile(pdf), save=False)
    version.save()
    return version


def issue_certificate(decision: Decision, *, by, issue_date: date | None = None) -> Certificate:
    """The certificate administrator issues the certificate of a granting decision (R9.1, R9.2-validity).

    `issue_date` may be earlier than today only to enter a certificate already issued on paper
    (migration from an earlier system); it can never be in the future or before the decision.
    """
    require_role(by, Role.CERTIFICATE_ADMIN)
    require(decision.grants, "R7.5.2", _("Only a granting decision leads to a certificate."), field="decision")
    require(not decision.certificates.exists(), "R9.1-a", _("This decision already has its certificate."),
            field="decision")
    org = decision.organisation
    today = issue_date or timezone.localdate()
    require(today <= timezone.localdate(), "R9.1-e", _("The issue date cannot be in the future."), field="issue_date")
    require(today >= timezone.localtime(decision.decided_at).date(), "R9.1-e",
            _("The certificate cannot be issued before the decision."), field="issue_date")
    # R9.2-validity: three years (a scheme setting); the last valid day is the day before the anniversary.
    expiry = today + relativedelta(years=settings.TANCERT_CERT_VALIDITY_YEARS) - relativedelta(days=1)
    with transaction.atomic():
        cert = Certificate.objects.create(
            number=next_number(today), organisation=org, decision=decision, organisation_name=org.name,
            organisation_address=org.address, credit_code=org.credit_code, scope=decision.scope,
            criterion=decision.application.criterion, sites=[{"name": s.name, "address": s.address}
                                                             for s in org.sites.all()],
            first_issue_date=today, issue_date=today, expiry_date=expiry, status_changed_at=timezone.now())
        version = _freeze_version(cert)
        chain.append("certificate.issued", subject=cert, by=by, organisation=org,
                     summary=f"颁发证书 {cert.number}，有效期至 {expiry.isoformat()}",
                     data={"number": cert.number, "content": version.content, "pdf_sha256": version.sha256})
    return cert


def _status_change(cert: Certificate, *, by, new: str, action: str, summary: str, reason: str,
                   allowed_from: tuple, key: str, extra: dict | None = None) -> Certificate:
    with transaction.atomic():
        locked = _locked(Certificate, cert.pk)
        require(locked.status in allowed_from, key,
                _("The certificate is %(status)s; this change is not possible from that status."), field="status",
                params={"status": locked.get_status_display()})
        old = locked.status
        locked.status, locked.status_changed_at, locked.status_reason = new, timezone.now(), reason
        for name, value in (extra or {}).items():
            setattr(locked, name, value)
        locked.save()
        chain.append(action, subject=locked, by=by, organisation=locked.organisation_id, summary=summary,
                     data={"from": old, "to": new, "reason": reason,
                           **{k: (v.isoformat() if isinstance(v, date) else v) for k, v in (extra or {}).items()}})
        # The holder learns of every status change at once (issue 7: "the client notified").
        notify(organisation_users(locked.organisation), summary, link=f"/certificates/{locked.pk}/")
    cert.refresh_from_db()
    return cert


def suspend_certificate(cert: Certificate, *, by, trigger: str, reason: str, respond_by: date) -> Certificate:
    require_role(by, Role.DECISION_MAKER)
    require(trigger in TRIGGER_CODES, "R9.2-suspend", _("Name one of the triggers T1–T4."), field="trigger")
    require(bool(reason.strip()), f"R9.2-{trigger}", _("Give the reason for the suspension."), field="reason")
    require(respond_by > timezone.localdate(), "R9.2-suspend",
            _("The deadline for the organisation must be in the future."), field="respond_by")
    title = rulebook.rule(f"R9.2-{trigger}").title_zh
    return _status_change(cert, by=by, new=Certificate.SUSPENDED, action="certificate.suspended",
                          summary=f"暂停证书 {cert.number}（{trigger}：{title}）：{reason.strip()}",
                          reason=reason.strip(), allowed_from=(Certificate.VALID,), key="R9.2-suspend",
                          extra={"suspension_trigger": trigger, "respond_by": respond_by})


def restore_certificate(cert: Certificate, *, by, reason: str) -> Certificate:
    require_role(by, Role.DECISION_MAKER)
    require(bool(reason.strip()), "R9.2-suspend", _("Say what was verified before restoring."), field="reason")
    require(cert.expiry_date >= timezone.localdate(), "R9.2-validity",
            _("An expired certificate cannot be restored."), field="status")
    return _status_change(cert, by=by, new=Certificate.VALID, action="certificate.restored",
                          summary=f"恢复证书 {cert.number}：{reason.strip()}", reason=reason.strip(),
                          allowed_from=(Certificate.SUSPENDED,), key="R9.2-suspend",
                          extra={"suspension_trigger": "", "respond_by": None})


def withdraw_certificate(cert: Certificate, *, by, reason: str) -> Certificate:
    require_role(by, Role.DECISION_MAKER)
    require(bool(reason.strip()), "R9.2-suspend", _("Give the reason for the withdrawal."), field="reason")
    return _status_change(cert, by=by, new=Certificate.WITHDRAWN, action="certificate.withdrawn",
                          summary=f"撤销证书 {cert.number}：{reason.strip()}", reason=reason.strip(),
                          allowed_from=(Certificate.VALID, Certificate.SUSPENDED), key="R9.2-suspend")


def cancel_certificate(cert: Certificate, *, by, reason: str) -> Certificate:
    """Cancel (注销) at the holder's request, entered by the certificate administrator."""
    require_role(by, Role.CERTIFICATE_ADMIN)
    require(bool(reason.strip()), "R9.4.1", _("Record the holder's request."), field="reason")
    return _status_change(cert, by=by, new=Certificate.CANCELLED, action="certificate.cancelled",
                          summary=f"注销证书 {cert.number}：{reason.strip()}", reason=reason.strip(),
                          allowed_from=(Certificate.VALID, Certificate.SUSPENDED), key="R9.4.1")


def expire_certificates(*, today: date | None = None, by=None) -> list[str]:
    """Sweep: certificates past their expiry date become expired. Idempotent."""
    today = today or timezone.localdate()
    done = []
    for cert in Certificate.objects.filter(status__in=[Certificate.VALID, Certificate.SUSPENDED],
                                           expiry_date__lt=today):
        _status_change(cert, by=by, new=Certificate.EXPIRED, action="certificate.expired",
                       summary=f"证书 {cert.number} 于 {cert.expiry_date.isoformat()} 到期失效",
                       reason="expiry", allowed_from=(Certificate.VALID, Certificate.SUSPENDED), key="R9.2-validity")
        done.append(cert.number)
    return done


def record_surveillance(audit: Audit, *, by) -> None:
    """A completed surveillance audit moves the certificate's surveillance status (R9.1-g, R9.3-surveillance)."""
    cert = audit.certificate
    if audit.recommendation != Audit.RECOMMEND:
        return
    new = Certificate.SURV_1 if audit.sequence <= 1 else Certificate.SURV_2
    with transaction.atomic():
        Certificate.objects.filter(pk=cert.pk).update(surveillance_status=new)
        chain.append("certificate.surveillance_recorded", subject=cert, by=by, organisation=cert.organisation_id,
                     summary=f"证书 {cert.number} 第 {audit.sequence} 次监督审核通过，保持有效",
                     data={"audit": audit.pk, "surveillance_status": new})


CHANGEABLE = ("organisation_name", "organisation_address", "scope", "sites")  # R9.4.1


def change_certificate(cert: Certificate, *, by, changes: dict, reason: str) -> Certificate:
    """Approve a change of certificate content (R9.4.2): a new version, same number and validity dates."""
    require_role(by, Role.CERTIFICATE_ADMIN)
    require(cert.status == Certificate.VALID, "R9.4.2", _("Only a valid certificate can be changed."),
            field="status")
    unknown = sorted(set(changes) - set(CHANGEABLE))
    require(not unknown, "R9.4.2",
            _("A change keeps the certificate number and validity dates; only the name, address, scope and sites "
              "can change (not: %(fields)s)."), field=unknown[0] if unknown else None,
            params={"fields": ", ".join(unknown)})
    changed = {k: v for k, v in changes.items() if getattr(cert, k) != v}
    require(bool(changed), "R9.4.1", _("Nothing would change."), field="changes")
    require(bool((reason or "").strip()), "R9.4.1", _("Say what the holder applied for and how it was reviewed."),
            field="reason")
    with transaction.atomic():
        locked = _locked(Certificate, cert.pk)
        before = {k: getattr(locked, k) for k in changed}
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.change_date = timezone.localdate()
        locked.save()
        version = _freeze_version(locked)
        chain.append("certificate.changed", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"证书 {locked.number} 变更为第 {locked.version} 版（编号和有效期不变）：{reason.strip()}",
                     data={"before": before, "after": changed, "reason": reason.strip(),
                           "version": locked.version, "pdf_sha256": version.sha256})
    cert.refresh_from_db()
    return cert

