"""Complaints (ISO/IEC 17021-1 §9.8) and appeals (§9.7): docs/obligations.md.

Who was involved is computed from the data, not typed: the audit team of the audit concerned (and of the
audit behind the certificate's decision), the decision's maker and committee, the auditor complained about.
Those people neither investigate nor decide (CB-complaint-independent, CB-complaint-decide,
CB-appeal-independent). An upheld appeal records what is to be reconsidered; the original decision stays as
it was and is reconsidered through the ordinary actions (CB-appeal-reconsider).
"""

from __future__ import annotations

import secrets
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.certificates.models import (
    Appeal,
    Certificate,
    Complaint,
    Decision,
    DecisionVote,
    SuspensionProposal,
)
from tancert.ops.calendar import add_working_days
from tancert.ops.notifications.send import send
from tancert.ops.notify import notify, staff_with_role  # retired: see ops/notify.py
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.records.models import Event
from tancert.scheme.violations import RuleViolation, require

NAME_MAX, CONTACT_MAX, TEXT_MAX = 100, 200, 5000
OUTCOME_ZH = {"upheld": "成立", "not_upheld": "不成立"}
KIND_ZH = {Appeal.REFUSAL: "不予认证", Appeal.SCOPE_REDUCTION: "缩小认证范围", Appeal.SUSPENSION: "暂停证书",
           Appeal.WITHDRAWAL: "撤销证书"}


def answer_days() -> int:
    """Working days to answer a complaint (docs/obligations.md: a common CB practice, not a 17021-1 number)."""
    return int(getattr(settings, "TANCERT_COMPLAINT_WORKING_DAYS", 30))


def appeal_days() -> int:
    return int(getattr(settings, "TANCERT_APPEAL_WORKING_DAYS", 30))


def _reference(prefix: str) -> str:
    # Random, not a sequence: the public complainant's reference reveals nothing about other complaints.
    return f"{prefix}{timezone.localdate():%Y%m%d}-{secrets.token_hex(3).upper()}"


def _mail_outsider(contact: str, subject: str, body: str) -> None:
    """A member of the public has no account: the answer goes to the e-mail address they gave, if any."""
    if "@" in contact and " " not in contact.strip():
        transaction.on_commit(lambda: send_mail(subject, body, None, [contact.strip()], fail_silently=True))


def _team(audit) -> set[int]:
    return set(audit.team.values_list("user_id", flat=True)) if audit is not None else set()


def _decision_makers(decision: Decision | None) -> set[int]:
    if decision is None:
        return set()
    people = {decision.decided_by_id}
    if decision.audit_id:
        people |= set(DecisionVote.objects.filter(audit_id=decision.audit_id).values_list("user_id", flat=True))
    return people


def _status_changers(cert: Certificate, actions: tuple[str, ...]) -> set[int]:
    ids = Event.objects.filter(subject_type="certificate", subject_id=str(cert.pk), action__in=actions,
                               actor__isnull=False).values_list("actor_id", flat=True)
    return set(ids)


def involved_in_complaint(c: Complaint) -> set[int]:
    people = _team(c.audit)
    if c.auditor_id:
        people.add(c.auditor_id)
    if c.certificate_id:
        decision = c.certificate.decision
        people |= _decision_makers(decision) | _team(decision.audit)
        people |= _status_changers(c.certificate, ("certificate.suspended", "certificate.withdrawn"))
    if c.audit is not None:
        people |= set(c.audit.decisions.values_list("decided_by_id", flat=True))
    return people


# --- complaints ------------------------------------------------------------------------------------------


def lodge_complaint(*, by, name: str, contact: str, text: str, certificate: Certificate | None = None,
                    audit=None, auditor=None, organisation=None) -> Complaint:
    """Anyone lodges a complaint: a client (about its own matters), a member of the public (by=None, from a
    certificate's register page), a member of staff on someone's behalf. Acknowledged at once with a
    reference number (CB-complaint-lodge)."""
    name, contact, text = (name or "").strip(), (contact or "").strip(), (text or "").strip()
    require(0 < len(name) <= NAME_MAX, "CB-complaint-lodge", _("Give your name (at most 100 characters)."),
            field="name")
    require(0 < len(contact) <= CONTACT_MAX, "CB-complaint-lodge",
            _("Give a telephone number or e-mail address for the answer (at most 200 characters)."), field="contact")
    require(0 < len(text) <= TEXT_MAX, "CB-complaint-lodge",
            _("Describe what the complaint is about (at most 5000 characters)."), field="text")
    signed_in = by is not None and by.is_authenticated
    if not signed_in:
        channel = Complaint.PUBLIC
        require(certificate is not None and audit is None and auditor is None, "CB-complaint-lodge",
                _("A complaint from the public is lodged from a certificate's register page."), field="certificate")
    elif by.is_client:
        channel = Complaint.CLIENT
        # A client complains about its own matters; anything else would show it another client's data.
        for thing in (certificate, audit):
            if thing is not None and thing.organisation_id != by.organisation_id:
                raise PermissionDenied(_("You can only refer to your own organisation's certificates and audits."))
        organisation = by.organisation
    elif by.is_staff_member:
        channel = Complaint.STAFF
    else:
        raise PermissionDenied(_("Your role does not allow this action."))
    if certificate is not None:
        organisation = certificate.organisation
    elif audit is not None:
        organisation = audit.organisation
    today = timezone.localdate()
    due = add_working_days(today, answer_days()).date
    with transaction.atomic():
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    c = Complaint.objects.create(
                        reference=_reference("TS"), channel=channel, name=name, contact=contact, text=text,
                        organisation=organisation, lodged_by=by if signed_in else None, certificate=certificate,
                        audit=audit, auditor=auditor, received_at=timezone.now(), respond_by=due)
                break
            except IntegrityError:  # the random reference was taken: draw again
                continue
        else:
            raise RuleViolation("CB-complaint-lodge", _("Please try again."), field="text")
        chain.append("complaint.lodged", subject=c, by=by if signed_in else None,
                     organisation=organisation.pk if organisation else None,
                     summary=f"受理投诉 {c.reference}（{c.get_channel_display()}），答复期限 {due.isoformat()}",
                     data={"reference": c.reference, "channel": channel, "name": name, "text": text,
                           "certificate": certificate.number if certificate else None,
                           "audit": audit.pk if audit else None, "auditor": auditor.pk if auditor else None,
                           "respond_by": due.isoformat()})
        notify(staff_with_role(Role.PROGRAMME_MANAGER), f"收到投诉 {c.reference}，请指定调查人",
               text[:300], f"/complaints/{c.pk}/")
        ack = f"您的投诉已受理，编号 {c.reference}。我们将在 {due.isoformat()} 前答复。"
        if signed_in:
            notify([by], f"投诉 {c.reference} 已受理", ack, f"/complaints/{c.pk}/")
        else:
            _mail_outsider(contact, f"投诉 {c.reference} 已受理", ack)
    return c


def _locked(c: Complaint) -> Complaint:
    # Only the complaint's row: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    return Complaint.objects.select_for_update().get(pk=c.pk)


def assign_investigator(c: Complaint, *, by, investigator) -> Complaint:
    """The programme manager names the investigator, who was not involved in the matter
    (CB-complaint-independent)."""
    require_role(by, Role.PROGRAMME_MANAGER, Role.SYSTEM_ADMIN)
    with transaction.atomic():
        locked = _locked(c)
        require(locked.state != Complaint.DECIDED, "CB-complaint-independent",
                _("This complaint has already been decided."), field="investigator")
        require(investigator is not None and investigator.is_staff_member, "CB-complaint-independent",
                _("Choose a member of staff as investigator."), field="investigator")
        require(investigator.pk not in involved_in_complaint(locked), "CB-complaint-independent",
                _("The investigator was on the audit team or made the decision concerned: choose someone "
                  "not involved in the matter."), field="investigator")
        locked.investigator, locked.state = investigator, Complaint.INVESTIGATING
        locked.save(update_fields=["investigator", "state"])
        chain.append("complaint.investigator_assigned", subject=locked, by=by,
                     organisation=locked.organisation_id,
                     summary=f"投诉 {locked.reference} 指定调查人 {investigator}",
                     data={"investigator": investigator.pk})
        notify([investigator], f"请调查投诉 {locked.reference}", locked.text[:300], f"/complaints/{locked.pk}/")
    return locked


def record_findings(c: Complaint, *, by, findings: str) -> Complaint:
    """The investigator records what was found."""
    findings = (findings or "").strip()
    with transaction.atomic():
        locked = _locked(c)
        if locked.investigator_id != getattr(by, "pk", None):
            raise PermissionDenied(_("Only the investigator of this complaint records its findings."))
        require(locked.state == Complaint.INVESTIGATING, "CB-complaint-decide",
                _("This complaint has already been decided."), field="findings")
        require(0 < len(findings) <= TEXT_MAX, "CB-complaint-decide",
                _("Write what the investigation found (at most 5000 characters)."), field="findings")
        locked.findings = findings
        locked.save(update_fields=["findings"])
        chain.append("complaint.investigated", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"投诉 {locked.reference} 调查结果已记录", data={"findings": findings})
        notify(staff_with_role(Role.DECISION_MAKER), f"投诉 {locked.reference} 调查完成，待决定", findings[:300],
               f"/complaints/{locked.pk}/")
    return locked


def decide_complaint(c: Complaint, *, by, outcome: str, response: str, follow_up: str = "",
                     trigger: str = "") -> Complaint:
    """A decision maker not involved in the matter, and not the investigator, decides after the investigation
    and answers the complainant (CB-complaint-decide). An upheld complaint may lead to a corrective action of
    the body or a suspension proposal for the certificate concerned (certificates/proposals)."""
    from tancert.certificates.proposals.actions import propose_suspension

    require_role(by, Role.DECISION_MAKER)
    response = (response or "").strip()
    with transaction.atomic():
        locked = _locked(c)
        require(locked.state == Complaint.INVESTIGATING and bool(locked.findings), "CB-complaint-decide",
                _("The complaint is decided after its investigation: the investigator records the findings first."),
                field="outcome")
        require(by.pk not in involved_in_complaint(locked) and by.pk != locked.investigator_id,
                "CB-complaint-decide", _("You were involved in the matter or investigated it: another decision "
                                         "maker decides this complaint."), field="outcome")
        require(outcome in OUTCOME_ZH, "CB-complaint-decide", _("Choose upheld or not upheld."), field="outcome")
        require(0 < len(response) <= TEXT_MAX, "CB-complaint-decide",
                _("Write the response to the complainant (at most 5000 characters)."), field="response")
        valid_follow = {Complaint.NONE, Complaint.CORRECTIVE, Complaint.SUSPENSION}
        require(follow_up in valid_follow and (outcome == Complaint.UPHELD or follow_up == Complaint.NONE),
                "CB-complaint-decide", _("Only an upheld complaint leads to a corrective action or suspension."),
                field="follow_up")
        proposal = None
        if follow_up == Complaint.SUSPENSION:
            require(locked.certificate is not None and trigger in ("T1", "T2", "T3", "T4"), "CB-complaint-decide",
                    _("A suspension proposal needs the certificate concerned and its trigger."), field="trigger")
            proposal = propose_suspension(
                locked.certificate, trigger=trigger, source=SuspensionProposal.SERIOUS_EVENT, by=by,
                detail=f"投诉 {locked.reference} 经调查成立：{locked.findings[:500]}", basis="CB-complaint-decide")
        locked.state, locked.outcome, locked.response = Complaint.DECIDED, outcome, response
        locked.follow_up, locked.decided_by, locked.decided_at = follow_up, by, timezone.now()
        locked.suspension_proposal = proposal
        locked.save()
        chain.append("complaint.decided", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"投诉 {locked.reference} 处理决定：{OUTCOME_ZH[outcome]}，已答复投诉人",
                     data={"outcome": outcome, "response": response, "follow_up": follow_up,
                           "proposal": proposal.pk if proposal else None})
        subject = f"投诉 {locked.reference} 处理结果：{OUTCOME_ZH[outcome]}"
        if locked.lodged_by_id and locked.channel != Complaint.STAFF:
            notify([locked.lodged_by], subject, response, f"/complaints/{locked.pk}/")
        else:
            _mail_outsider(locked.contact, subject, response)
    return locked


def remind_complaints(today: date) -> list[str]:
    """Sweep step: the programme managers are reminded once of a complaint not answered by its due day."""
    from tancert.ops.reminders import remind_once

    sent = []
    for c in Complaint.objects.exclude(state=Complaint.DECIDED).filter(respond_by__lte=today):
        if remind_once("complaint_due", c.reference, c.respond_by):
            send("complaint.due", complaint=c)
            sent.append(c.reference)
    return sent


# --- appeals ---------------------------------------------------------------------------------------------

_STATUS_ACTIONS = {Appeal.SUSPENSION: ("certificate.suspended",), Appeal.WITHDRAWAL: ("certificate.withdrawn",)}


def lodge_appeal(*, by, grounds: str, decision: Decision | None = None, certificate: Certificate | None = None,
                 kind: str = "") -> Appeal:
    """The client appeals a refusal or reduced scope (a decision) or the suspension or withdrawal of its
    certificate, in writing, within the appeal period (CB-appeal-window)."""
    if not (by is not None and by.is_authenticated and by.is_client):
        raise PermissionDenied(_("Only the client concerned appeals a certification decision."))
    grounds = (grounds or "").strip()
    org_id = decision.organisation_id if decision is not None else getattr(certificate, "organisation_id", None)
    if org_id is None or org_id != by.organisation_id:
        raise PermissionDenied(_("Only the client concerned appeals a certification decision."))
    if decision is not None:
        kind = {Decision.REFUSE: Appeal.REFUSAL, Decision.GRANT_REDUCED: Appeal.SCOPE_REDUCTION}.get(decision.outcome, "")
        require(bool(kind), "CB-appeal-window", _("Only a refusal or a reduced scope can be appealed."),
                field="decision")
        decided_on = timezone.localdate(decision.decided_at)
        involved = _decision_makers(decision) | _team(decision.audit)
    else:
        require(kind in _STATUS_ACTIONS, "CB-appeal-window", _("Choose the decision you appeal."), field="kind")
        status = {Appeal.SUSPENSION: Certificate.SUSPENDED, Appeal.WITHDRAWAL: Certificate.WITHDRAWN}[kind]
        require(certificate.status == status and certificate.status_changed_at is not None, "CB-appeal-window",
                _("The certificate is not in the state you appeal."), field="kind")
        decided_on = timezone.localdate(certificate.status_changed_at)
        involved = (_status_changers(certificate, _STATUS_ACTIONS[kind]) | _decision_makers(certificate.decision)
                    | _team(certificate.decision.audit))
    last_day = add_working_days(decided_on, appeal_days()).date
    require(timezone.localdate() <= last_day, "CB-appeal-window",
            _("The appeal period ended on %(day)s (%(n)s working days after the decision)."), field="grounds",
            params={"day": last_day.isoformat(), "n": appeal_days()})
    require(0 < len(grounds) <= TEXT_MAX, "CB-appeal-window",
            _("Give the grounds of the appeal (at most 5000 characters)."), field="grounds")
    try:
        with transaction.atomic():
            a = Appeal.objects.create(
                reference=_reference("SS"), organisation_id=org_id, kind=kind, decision=decision,
                certificate=certificate if decision is None else None, decided_on=decided_on, grounds=grounds,
                lodged_by=by, received_at=timezone.now(), involved=sorted(involved))
            chain.append("appeal.lodged", subject=a, by=by, organisation=org_id,
                         summary=f"受理申诉 {a.reference}：对{KIND_ZH[kind]}决定提出申诉",
                         data={"reference": a.reference, "kind": kind, "grounds": grounds,
                               "decision": decision.pk if decision else None,
                               "certificate": certificate.number if certificate else None,
                               "decided_on": decided_on.isoformat(), "involved": sorted(involved)})
            notify(staff_with_role(Role.DECISION_MAKER), f"收到申诉 {a.reference}（{KIND_ZH[kind]}）", grounds[:300],
                   f"/complaints/appeals/{a.pk}/")
            notify([by], f"申诉 {a.reference} 已受理", f"您的申诉已受理，编号 {a.reference}。",
                   f"/complaints/appeals/{a.pk}/")
    except IntegrityError:
        raise RuleViolation("CB-appeal-window", _("This decision is already under appeal."), field="grounds") from None
    return a


def decide_appeal(a: Appeal, *, by, outcome: str, reasons: str, reconsideration: str = "") -> Appeal:
    """A decision maker independent of the decision appealed and of the audit decides (CB-appeal-independent).
    Upheld: what is reconsidered is recorded; the original decision is not changed here (CB-appeal-reconsider)."""
    require_role(by, Role.DECISION_MAKER)
    reasons, reconsideration = (reasons or "").strip(), (reconsideration or "").strip()
    with transaction.atomic():
        locked = Appeal.objects.select_for_update().get(pk=a.pk)
        require(locked.state == Appeal.RECEIVED, "CB-appeal-independent", _("This appeal has already been decided."),
                field="outcome")
        require(by.pk not in set(locked.involved), "CB-appeal-independent",
                _("You took part in the decision appealed or in its audit: a decision maker independent of both "
                  "decides this appeal."), field="outcome")
        require(outcome in OUTCOME_ZH, "CB-appeal-independent", _("Choose upheld or not upheld."), field="outcome")
        require(0 < len(reasons) <= TEXT_MAX, "CB-appeal-independent",
                _("Give the reasons for the outcome (at most 5000 characters)."), field="reasons")
        require(outcome != Appeal.UPHELD or 0 < len(reconsideration) <= TEXT_MAX, "CB-appeal-reconsider",
                _("Say how the decision appealed is reconsidered (a new decision, a restoration, a further audit)."),
                field="reconsideration")
        locked.state, locked.outcome, locked.reasons = Appeal.DECIDED, outcome, reasons
        locked.reconsideration = reconsideration if outcome == Appeal.UPHELD else ""
        locked.decided_by, locked.decided_at = by, timezone.now()
        locked.save()
        chain.append("appeal.decided", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"申诉 {locked.reference} 处理决定：{OUTCOME_ZH[outcome]}"
                             + ("，原决定待重新考虑" if outcome == Appeal.UPHELD else ""),
                     data={"outcome": outcome, "reasons": reasons, "reconsideration": locked.reconsideration,
                           "decision": locked.decision_id,
                           "certificate": locked.certificate.number if locked.certificate_id else None})
        notify([locked.lodged_by], f"申诉 {locked.reference} 处理结果：{OUTCOME_ZH[outcome]}", reasons,
               f"/complaints/appeals/{locked.pk}/")
        if outcome == Appeal.UPHELD:
            notify(staff_with_role(Role.DECISION_MAKER), f"申诉 {locked.reference} 成立：请重新考虑原决定",
                   locked.reconsideration[:300], f"/complaints/appeals/{locked.pk}/")
    return locked
