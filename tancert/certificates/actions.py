"""Decisions and the certificate lifecycle (R7.5, R9). Every change is recorded."""

from __future__ import annotations

from datetime import date

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit, Finding
from tancert.certificates import committee
from tancert.certificates import seal as sealing
from tancert.certificates.documents import render_certificate_pdf
from tancert.certificates.models import Certificate, CertificateVersion, Decision, DecisionVote
from tancert.clients import actions as clients
from tancert.clients.estimate import application_for
from tancert.clients.models import Application
from tancert.clients.profile.actions import set_scope_levels
from tancert.clients.scopes.rules import check_levels
from tancert.clients.scopes.rules import entries as scope_entries
from tancert.ops import locks
from tancert.ops.notifications.send import send
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.planning.programme import renewal_window
from tancert.records import chain
from tancert.records.documents import record_pdf
from tancert.scheme import rulebook
from tancert.scheme.violations import require

CONDITION_CODES = ("C1", "C2", "C3", "C4")  # R7.5.2-C1…C4
TRIGGER_CODES = ("T1", "T2", "T3", "T4")  # R9.2-T1…T4


def stated_criterion(app) -> str:
    """R9.1-d: the certificate states the criterion and its version — T/CCAA 39-2022 and, where the application
    named one, the industry requirement (R3), e.g. "T/CCAA 39-2022；GB/T 32151.10-2015 化工"."""
    return f"{app.criterion}；{app.industry_requirement}" if app.industry_requirement else app.criterion


def _locked(model, pk):
    """Re-read the row under a lock so two people acting at once cannot both win."""
    return model.objects.select_for_update().get(pk=pk)


def _check_independent(audit: Audit, by) -> None:
    """R7.5: never on an audit team of the client, no declared conflict within the body's period."""
    require(not committee.audited_client(by, audit.organisation_id), "R7.5",
            _("You were on the audit team of this client and cannot decide on it (impartiality, ISO/IEC 17021-1 "
              "9.5)."), field="decided_by")
    conflict = committee.declared_conflicts(by, audit.organisation).first()
    require(conflict is None, "R7.5",
            _("You declared a conflict of interest with this client (%(kind)s); you cannot decide on it."),
            field="decided_by", params={"kind": conflict.get_kind_display() if conflict else ""})


def decide(audit: Audit, *, by, outcome: str, conditions: dict, scope: str = "", reason: str = "") -> Decision | None:
    """A decision maker who is independent of the client grants, refuses or reduces (R7.5).

    With a committee (`TANCERT_DECISION_COMMITTEE_SIZE` > 1) this records the member's vote and
    returns None until the last member has voted; then the decision is made (certificates/committee.py).
    """
    require_role(by, Role.DECISION_MAKER)
    require(audit.kind in (Audit.STAGE2, Audit.RECERTIFICATION), "R7.5",
            _("Decisions are taken on a stage 2 or recertification audit."), field="audit")
    require(audit.status == Audit.COMPLETED, "R7.5.1", _("The audit report is not finished yet."), field="audit")
    related = Audit.objects.filter(application=audit.application) if audit.application_id else \
        Audit.objects.filter(pk=audit.pk)
    _check_independent(audit, by)
    # The decision rests on the signed reports (R7.5.1): of stage 1 and stage 2, or of the recertification
    # audit — each signed by its team leader, the current version being the one the decider reads.
    for based_on in related.exclude(status=Audit.CANCELLED).order_by("start_date", "pk"):
        require(based_on.reports.filter(superseded_at__isnull=True).exists(), "R7.5.1",
                _("The audit report of %(audit)s is not signed yet; the decision rests on the signed report."),
                field="report", params={"audit": based_on.get_kind_display()})
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
        from tancert.audits.findings.actions import verification_expired

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
    size = committee.committee_size()
    now = timezone.now()
    vote = {"user": by.pk, "name": by.get_full_name() or by.username, "outcome": outcome,
            "outcome_zh": str(dict(Decision.OUTCOMES)[outcome]), "scope": scope.strip() or audit.scope,
            "conditions": answers, "reason": reason.strip(), "at": now.isoformat()}
    with transaction.atomic():
        locked = _locked(Audit, audit.pk)
        require(not locked.decisions.exists(), "R7.5",
                _("Another decision maker has already decided on this audit."), field="audit")
        earlier = list(DecisionVote.objects.filter(audit=locked))
        require(all(v.user_id != by.pk for v in earlier), "R7.5",
                _("You have already voted on this audit; the committee waits for its other members."),
                field="decided_by")
        if len(earlier) + 1 < size:
            DecisionVote.objects.create(audit=locked, user=by, outcome=outcome, scope=vote["scope"],
                                        conditions=answers, reason=vote["reason"], voted_at=now)
            chain.append("decision.vote", subject=locked, by=by, organisation=audit.organisation_id,
                         summary=f"认证决定委员会成员投票（{len(earlier) + 1}/{size}）：{vote['outcome_zh']}",
                         data={"audit": audit.pk, "vote": vote})
            return None
        with translation.override("zh-hans"):
            votes = [{"user": v.user_id, "name": v.user.get_full_name() or v.user.username, "outcome": v.outcome,
                      "outcome_zh": str(dict(Decision.OUTCOMES)[v.outcome]), "scope": v.scope,
                      "conditions": v.conditions, "reason": v.reason, "at": v.voted_at.isoformat()}
                     for v in earlier] + [vote]
        final, final_scope, final_conditions, dissent = committee.combine(votes) if size > 1 else \
            (outcome, vote["scope"], answers, "")
        final_reason = reason.strip() if size == 1 else "；".join(v["reason"] for v in votes if v["reason"])
        decision = Decision.objects.create(
            organisation=audit.organisation, application=audit.application, audit=audit, outcome=final,
            scope=final_scope, conditions=final_conditions, reason=final_reason, decided_by=by,
            decided_at=now, committee=votes, dissent=dissent)
        with translation.override("zh-hans"):
            label = str(decision.get_outcome_display())
        chain.append("decision.made", subject=decision, by=by, organisation=audit.organisation_id,
                     summary=f"认证决定：{label}" + (f"；{final_reason}" if final_reason else "")
                     + (f"；{dissent}" if dissent else ""),
                     data={"audit": audit.pk, "outcome": final, "scope": decision.scope,
                           "conditions": final_conditions, "reason": decision.reason, "committee": votes,
                           "dissent": dissent})
    return decision


def next_number(issue_day: date, cycle: int = 0) -> str:
    """The next free number; called inside the transaction that creates the certificate. The serial is counted
    over all certificates of the year, so two issues at once (two workers, two servers) would count the same
    one: the count is held under a lock until that transaction commits, across processes (docs/deployment.md)."""
    locks.hold_until_commit("certificate-number")
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
        "scope_levels": cert.scope_levels,
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
        "cycle": cert.cycle,
        "other_information": "证书状态可在认证机构网站及国家认证认可监督管理委员会网站查询。"
                             + (f"本证书由 {cert.previous_body} 转入。" if cert.origin == Certificate.TRANSFER else ""),
    }


def check_content(content: dict) -> None:
    """R9.1-a…h: a certificate lacking any required item is not issued (nor a change version)."""
    def has(*names):
        return all(str(content.get(n) or "").strip() for n in names)

    require(has("number"), "R9.1-a", _("The certificate has no number."), field="number")
    require(has("organisation_name", "organisation_address"), "R9.1-b",
            _("The certificate must state the certified organisation's name and address; complete the "
              "organisation's record first."), field="organisation_address")
    require(has("scope"), "R9.1-c", _("The certificate must state the certified scope."), field="scope")
    require(has("criterion"), "R9.1-d", _("The certificate must state the criterion and its version."),
            field="criterion")
    require(has("issue_date", "expiry_date"), "R9.1-e", _("The certificate must state its issue date and validity."),
            field="issue_date")
    require(has("body_name", "body_address"), "R9.1-f",
            _("The certificate must state the certification body's name and address (TANCERT_BODY_NAME_ZH, "
              "TANCERT_BODY_ADDRESS_ZH)."), field="body_name")
    require(content.get("surveillance_status") in dict(Certificate.SURVEILLANCE), "R9.1-g",
            _("The certificate must state its surveillance status."), field="surveillance_status")
    require(has("other_information"), "R9.1-h", _("The certificate must state where its status can be checked."),
            field="other_information")


def _freeze_version(cert: Certificate) -> CertificateVersion:
    content = certificate_content(cert)
    check_content(content)
    seal = sealing.sign(content)
    pdf = render_certificate_pdf(cert, content, seal)
    digest = record_pdf(pdf)
    CertificateVersion.objects.filter(certificate=cert, superseded_at__isnull=True).update(superseded_at=timezone.now())
    version = CertificateVersion(certificate=cert, version=cert.version, content=content, sha256=digest, seal=seal)
    version.pdf.save(f"{cert.number}-v{cert.version}.pdf", ContentFile(pdf), save=False)
    version.save()
    return version


def levels_of(decision: Decision) -> list[dict]:
    """The levels the certified CMS covers (R5.a–d), frozen into the certificate from the application the decision
    was taken on; [] for a transfer without an application here."""
    app = decision.audit.application if decision.audit_id and decision.audit.application_id else decision.application
    if app is None and decision.audit_id and decision.audit.certificate_id:
        app = application_for(certificate=decision.audit.certificate)
    return scope_entries(app)


def renewed_certificate(decision: Decision) -> Certificate | None:
    """The certificate whose chain this decision continues (a renewal application), if any."""
    if decision.application_id is None:
        return None
    return Certificate.objects.filter(renewal_application_id=decision.application_id).first()


def chain_number(old: Certificate, cycle: int) -> str:
    """The next number of a chain: the R<cycle> suffix of the pattern counts recertifications."""
    import re

    base = re.sub(rf"R{old.cycle}$", "", old.number)
    return f"{base}R{cycle}"


def issue_certificate(decision: Decision, *, by, issue_date: date | None = None) -> Certificate:
    """The certificate administrator issues the certificate of a granting decision (R9.1, R9.2-validity).

    `issue_date` may be earlier than today only to enter a certificate already issued on paper
    (migration from an earlier system); it can never be in the future or before the decision.

    A recertification (R9.3-renewal) continues the chain of the certificate it renews: the same
    number with the next cycle (`…R1`, `…R2`), the first issue date kept and the new validity counted
    from the old expiry — also when decided late within `TANCERT_LATE_RENEWAL_MONTHS` after expiry
    (restoration, ISO/IEC 17021-1). A transfer keeps the other body's cycle and expiry (RT).
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
    years = relativedelta(years=settings.TANCERT_CERT_VALIDITY_YEARS)
    # R9.2-validity: three years (a scheme setting); the last valid day is the day before the anniversary.
    expiry = today + years - relativedelta(days=1)
    number, cycle, first_issue, extra = None, 0, today, {}
    old = renewed_certificate(decision)
    transfer = getattr(decision, "transfer_review", None) if decision.audit_id is None else None
    if old is not None:
        decided = timezone.localtime(decision.decided_at).date()
        late_limit = old.expiry_date + relativedelta(months=settings.TANCERT_LATE_RENEWAL_MONTHS)
        require(decided <= late_limit, "R9.3-renewal",
                _("The recertification was decided more than %(months)s months after the expiry (%(expiry)s); "
                  "the organisation needs a new initial certification."), field="decision",
                params={"months": settings.TANCERT_LATE_RENEWAL_MONTHS, "expiry": old.expiry_date.isoformat()})
        cycle = old.cycle + 1
        number, first_issue = chain_number(old, cycle), old.first_issue_date
        expiry = old.expiry_date + years
        extra = {"renewal_of": old, "late": decided > old.expiry_date}
    elif transfer is not None:
        cycle, expiry = transfer.previous_cycle, transfer.previous_expiry_date
        first_issue = transfer.previous_issue_date
    late = extra.pop("late", False)
    criterion = transfer.criterion if transfer is not None else stated_criterion(decision.application)
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _create_certificate(decision, by=by, org=org, number=number, criterion=criterion,
                                           cycle=cycle, first_issue=first_issue, today=today, expiry=expiry,
                                           transfer=transfer, old=old, late=late, extra=extra)
        except IntegrityError:
            # Another request won: either it issued this decision's certificate (one_certificate_per_decision)
            # or it took the next number for another decision at the same moment — then count again.
            require(not Certificate.objects.filter(decision=decision).exists(), "R9.1-a",
                    _("This decision already has its certificate."), field="decision")
            if number is not None or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _create_certificate(decision, *, by, org, number, criterion, cycle, first_issue, today, expiry, transfer, old,
                        late, extra) -> Certificate:
    """Inside issue_certificate's transaction: the decision row is locked first, so of two requests at once
    the second sees the first one's certificate; the constraint stays behind it."""
    locked = Decision.objects.select_for_update().get(pk=decision.pk)
    require(not locked.certificates.exists(), "R9.1-a", _("This decision already has its certificate."),
            field="decision")
    cert = Certificate.objects.create(
        number=number or next_number(today, cycle), organisation=org, decision=decision,
        organisation_name=org.name, organisation_address=org.address, credit_code=org.credit_code,
        scope=decision.scope, scope_levels=levels_of(decision), criterion=criterion,
        sites=[{"name": s.name, "address": s.address} for s in org.sites.all()], cycle=cycle,
        first_issue_date=first_issue, issue_date=today, expiry_date=expiry, status_changed_at=timezone.now(),
        origin=Certificate.TRANSFER if transfer is not None else Certificate.INITIAL,
        previous_body=transfer.previous_body if transfer is not None else "", **extra)
    version = _freeze_version(cert)
    summary = f"颁发证书 {cert.number}，有效期至 {expiry.isoformat()}"
    if old is not None:
        summary += f"（再认证，延续证书 {old.number}" + ("，到期后恢复" if late else "") + "）"
    if transfer is not None:
        summary += f"（自 {transfer.previous_body} 转入，保持原认证周期和有效期）"
    chain.append("certificate.issued", subject=cert, by=by, organisation=org, summary=summary,
                 data={"number": cert.number, "content": version.content, "pdf_sha256": version.sha256,
                       "renewal_of": old.number if old else None, "late_renewal": late,
                       "transfer": transfer.pk if transfer is not None else None})
    return cert


def apply_for_renewal(cert: Certificate, *, by, scope: str = "", today: date | None = None):
    """The holder applies for recertification (R9.3-renewal): within the 90 days before expiry, never after —
    an expired certificate is not renewed, the organisation applies for a new (initial) certification.
    (`TANCERT_LATE_RENEWAL_MONTHS` is about a recertification applied for in time but decided after expiry,
    see issue_certificate.)"""
    today = today or timezone.localdate()
    require(by.is_authenticated and by.organisation_id == cert.organisation_id, "R9.3-renewal",
            _("Only the certificate holder applies for its renewal."), field="certificate")
    # Expiry first: the expiry sweep may not have run yet today, so the date counts as well as the status.
    require(cert.status != Certificate.EXPIRED and today <= cert.expiry_date, "R9.3-renewal",
            _("Certificate %(number)s expired on %(expiry)s. Recertification is applied for within the 90 days "
              "before expiry; after expiry apply for a new certification (initial certification) instead."),
            field="applied_on", params={"number": cert.number, "expiry": cert.expiry_date.isoformat()})
    require(cert.status == Certificate.VALID, "R9.3-renewal",
            _("A %(status)s certificate cannot be renewed."), field="status",
            params={"status": cert.get_status_display()})
    require(cert.renewal_application_id is None, "R9.3-renewal",
            _("A renewal application for this certificate exists already."), field="certificate")
    opens = renewal_window(cert.expiry_date).earliest
    require(today >= opens, "R9.3-renewal",
            _("A renewal application is made within the 90 days before expiry: from %(opens)s."),
            field="applied_on", params={"opens": opens.isoformat()})
    previous = cert.decision.application if cert.decision.application_id else None
    with transaction.atomic():
        app = clients.create_application(cert.organisation, by=by, kind=Application.RECERTIFICATION, renewing=True,
                                         scope=(scope or cert.scope).strip(),
                                         cms_started_on=cert.decision.application.cms_started_on
                                         if cert.decision.application_id else cert.first_issue_date,
                                         criterion=cert.criterion,
                                         # the industry and its requirement carry over (R7.3.2, R3)
                                         industry_code=previous.industry_code if previous else None,
                                         industry_requirement=previous.industry_requirement if previous else "")
        if previous is not None:
            # The levels carry over too (R5.b–d), those still complete; the client reviews them in the draft.
            carried, _incomplete = check_levels({r.level: {"standard": r.standard, "standard_name": r.standard_name,
                                                          "covers": r.covers} for r in previous.scope_levels.all()})
            if carried:
                set_scope_levels(app, by=by, levels={c.level: {"standard": c.standard, "standard_name": c.standard_name,
                                                               "covers": c.covers} for c in carried})
        locked = _locked(Certificate, cert.pk)
        require(locked.renewal_application_id is None, "R9.3-renewal",
                _("A renewal application for this certificate exists already."), field="certificate")
        locked.renewal_application = app
        locked.save(update_fields=["renewal_application"])
        chain.append("certificate.renewal_applied", subject=locked, by=by, organisation=cert.organisation_id,
                     summary=f"申请证书 {cert.number} 再认证",
                     data={"application": app.pk, "applied_on": today.isoformat()})
    return app


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
        # The holder learns of every status change at once.
        send(action, by=by, organisation=locked.organisation, certificate=locked, summary=summary,
             respond_by=locked.respond_by or "")
    cert.refresh_from_db()
    return cert


def suspend_certificate(cert: Certificate, *, by, trigger: str, reason: str, respond_by: date,
                        confirmed_on: date | None = None) -> Certificate:
    """Suspend for one of T1–T4 with a deadline; the holder is notified (R9.2-suspend).

    `confirmed_on` is the day the trigger was confirmed (default today). The body suspends within
    `TANCERT_SUSPEND_WITHIN_DAYS` (5, Measures for certification bodies) of it; a later suspension is
    still made — refusing it would leave the certificate valid — but flagged late in the record.
    """
    require_role(by, Role.DECISION_MAKER)
    require(trigger in TRIGGER_CODES, "R9.2-suspend", _("Name one of the triggers T1–T4."), field="trigger")
    require(bool(reason.strip()), f"R9.2-{trigger}", _("Give the reason for the suspension."), field="reason")
    today = timezone.localdate()
    confirmed_on = confirmed_on or today
    require(confirmed_on <= today, "R9.2-suspend", _("The trigger cannot be confirmed in the future."),
            field="confirmed_on")
    require(respond_by > today, "R9.2-suspend",
            _("The deadline for the organisation must be in the future."), field="respond_by")
    limit = settings.TANCERT_SUSPEND_WITHIN_DAYS
    late = (today - confirmed_on).days > limit
    title = rulebook.rule(f"R9.2-{trigger}").title_zh
    return _status_change(cert, by=by, new=Certificate.SUSPENDED, action="certificate.suspended",
                          summary=f"暂停证书 {cert.number}（{trigger}：{title}）：{reason.strip()}；"
                                  f"整改期限 {respond_by.isoformat()}"
                                  + (f"；注意：触发事项于 {confirmed_on.isoformat()} 确认，超过 {limit} 日时限" if late else ""),
                          reason=reason.strip(), allowed_from=(Certificate.VALID,), key="R9.2-suspend",
                          extra={"suspension_trigger": trigger, "respond_by": respond_by,
                                 "trigger_confirmed_on": confirmed_on, "suspended_late": late})


def restore_certificate(cert: Certificate, *, by, reason: str) -> Certificate:
    require_role(by, Role.DECISION_MAKER)
    require(bool(reason.strip()), "R9.2-suspend", _("Say what was verified before restoring."), field="reason")
    require(cert.expiry_date >= timezone.localdate(), "R9.2-validity",
            _("An expired certificate cannot be restored."), field="status")
    return _status_change(cert, by=by, new=Certificate.VALID, action="certificate.restored",
                          summary=f"恢复证书 {cert.number}：{reason.strip()}", reason=reason.strip(),
                          allowed_from=(Certificate.SUSPENDED,), key="R9.2-suspend",
                          extra={"suspension_trigger": "", "respond_by": None, "trigger_confirmed_on": None,
                                 "suspended_late": False})


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
    live = (Certificate.VALID, Certificate.SUSPENDED)
    for cert in Certificate.objects.filter(status__in=live, expiry_date__lt=today):
        with transaction.atomic():
            # The sweep may run on every server at once (docs/deployment.md): another one may have expired this
            # certificate since the list was read. Re-read under the lock and leave it to that one.
            if _locked(Certificate, cert.pk).status not in live:
                continue
            _status_change(cert, by=by, new=Certificate.EXPIRED, action="certificate.expired",
                           summary=f"证书 {cert.number} 于 {cert.expiry_date.isoformat()} 到期失效",
                           reason="expiry", allowed_from=live, key="R9.2-validity")
        done.append(cert.number)
    return done


def on_audit_completed(sender, *, audit: Audit, by, **kwargs) -> None:
    """A closed surveillance audit of a certificate is recorded on it, in the closing transaction (a negative
    recommendation becomes a suspension proposal: certificates/proposals, its own receiver)."""
    if audit.kind == Audit.SURVEILLANCE and audit.certificate_id:
        record_surveillance(audit, by=by)


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


def english_version(cert: Certificate, *, by) -> CertificateVersion:
    """The English PDF/A of the current version, on the holder's request (docs/certificates.md)."""
    if not (by.is_authenticated and (by.organisation_id == cert.organisation_id
                                     or by.has_role(Role.CERTIFICATE_ADMIN))):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the holder or the certificate administrator can request this."))
    require(cert.status == Certificate.VALID, "R9.1-h", _("An English version is made only of a valid certificate."),
            field="status")
    with transaction.atomic():
        v = CertificateVersion.objects.select_for_update().get(certificate=cert, version=cert.version)
        if v.pdf_en:
            return v
        pdf = render_certificate_pdf(cert, v.content, v.seal, lang="en")
        v.sha256_en = record_pdf(pdf)  # RR-format: PDF/A, or refused
        v.pdf_en.save(f"{cert.number}-v{v.version}-en.pdf", ContentFile(pdf), save=False)
        v.save(update_fields=["pdf_en", "sha256_en"])
        chain.append("certificate.english_version", subject=cert, by=by, organisation=cert.organisation_id,
                     summary=f"应申请出具证书 {cert.number} 第 {v.version} 版英文版本",
                     data={"version": v.version, "pdf_sha256": v.sha256_en})
    return v
