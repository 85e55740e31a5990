"""Transfer in (RT, IAF MD2): the pre-transfer review of another body's certificate, its decision,
and a certificate that keeps the existing cycle and expiry (actions.issue_certificate).

- RT-valid: only a currently valid certificate, verified as authentic; suspended, under suspension or
  withdrawal, withdrawn or expired ones are refused.
- RT-reason: the organisation's reasons are found out and recorded (on-site audit where needed).
- RT-withdrawn: an organisation whose certificate this body withdrew is refused unless the
  rectification is recorded.
- RT-profit: no transfer of an organisation that does not conform: open nonconformities must be
  closed and verified before the decision accepts it.
"""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit
from tancert.certificates import committee
from tancert.certificates.models import Certificate, Decision, TransferReview
from tancert.ops.notify import notify, staff_with_role  # retired: see ops/notify.py
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.scheme.violations import require

FIELDS = ("previous_body", "previous_number", "previous_status", "previous_issue_date", "previous_expiry_date",
          "previous_cycle", "stage", "scope", "criterion", "authenticity", "reason", "reports", "open_ncs",
          "nc_note", "complaints", "onsite_needed", "rectification")


def review_transfer(organisation, *, by, previous_body: str, previous_number: str, previous_status: str,
                    previous_issue_date: date, previous_expiry_date: date, stage: str, scope: str,
                    authenticity: str, reason: str, reports: str, previous_cycle: int = 0,
                    criterion: str = "T/CCAA 39-2022", open_ncs: int = 0, nc_note: str = "", complaints: str = "",
                    onsite_needed: bool = False, rectification: str = "", today: date | None = None) -> TransferReview:
    """The certificate administrator records the pre-transfer review; it is refused with the key when
    the certificate cannot be transferred."""
    require_role(by, Role.CERTIFICATE_ADMIN)
    today = today or timezone.localdate()
    text = {k: str(v or "").strip() for k, v in (("previous_body", previous_body), ("previous_number", previous_number),
                                                 ("scope", scope), ("authenticity", authenticity), ("reason", reason),
                                                 ("reports", reports))}
    require(bool(text["previous_body"]) and bool(text["previous_number"]), "RT-valid",
            _("Name the issuing body and the certificate number."), field="previous_number")
    require(previous_status in dict(TransferReview.PREVIOUS_STATUSES), "RT-valid",
            _("Record the verified status of the certificate."), field="previous_status")
    require(previous_status == TransferReview.VALID, "RT-valid",
            _("Only a currently valid certificate can be transferred; this one is %(status)s."),
            field="previous_status", params={"status": dict(TransferReview.PREVIOUS_STATUSES)[previous_status]})
    require(previous_issue_date <= today, "RT-valid", _("The issue date cannot be in the future."),
            field="previous_issue_date")
    require(previous_expiry_date >= today, "RT-valid",
            _("The certificate expired on %(date)s; an expired certificate cannot be transferred."),
            field="previous_expiry_date", params={"date": previous_expiry_date.isoformat()})
    require(previous_expiry_date > previous_issue_date, "RT-valid", _("The expiry must be after the issue date."),
            field="previous_expiry_date")
    require(bool(text["authenticity"]), "RT-valid",
            _("Record how validity and authenticity were verified (e.g. the CNCA register)."), field="authenticity")
    require(bool(text["reason"]), "RT-reason", _("Record why the organisation wants to transfer."), field="reason")
    require(bool(text["reports"]), "RT-reason", _("Record the audit reports reviewed (back to the last initial or "
                                                  "recertification audit)."), field="reports")
    require(stage in dict(TransferReview.STAGES), "RT-reason", _("Record the stage in the certification cycle."),
            field="stage")
    require(bool(text["scope"]), "RT-valid", _("Record the certified scope."), field="scope")
    require(int(open_ncs) == 0 or bool(nc_note.strip()), "RT-profit",
            _("Describe the open nonconformities and their corrective actions."), field="nc_note")
    withdrawn = Certificate.objects.filter(organisation=organisation, status=Certificate.WITHDRAWN).first()
    require(withdrawn is None or bool(rectification.strip()), "RT-withdrawn",
            _("We withdrew certificate %(number)s of this organisation; record its thorough rectification and that "
              "the cause is gone before accepting a transfer."), field="rectification",
            params={"number": withdrawn.number if withdrawn else ""})
    with transaction.atomic():
        review = TransferReview.objects.create(
            organisation=organisation, previous_status=previous_status, previous_issue_date=previous_issue_date,
            previous_expiry_date=previous_expiry_date, previous_cycle=int(previous_cycle), stage=stage,
            criterion=criterion.strip(), open_ncs=int(open_ncs), nc_note=nc_note.strip(),
            complaints=complaints.strip(), onsite_needed=bool(onsite_needed), rectification=rectification.strip(),
            reviewed_by=by, reviewed_at=timezone.now(), **text)
        chain.append("transfer.reviewed", subject=review, by=by, organisation=organisation,
                     summary=f"转换前评审：{text['previous_body']} 颁发的证书 {text['previous_number']}，"
                             f"有效期至 {previous_expiry_date.isoformat()}；转换原因：{text['reason']}",
                     data={k: (getattr(review, k).isoformat() if isinstance(getattr(review, k), date)
                               else getattr(review, k)) for k in FIELDS})
        notify(staff_with_role(Role.DECISION_MAKER), f"转换申请待决定：{organisation.name}",
               link=f"/transfers/{review.pk}/")
    return review


def decide_transfer(review: TransferReview, *, by, accept: bool, reason: str, audit: Audit | None = None,
                    today: date | None = None) -> Decision:
    """A decision maker accepts or refuses the transfer; accepting re-checks validity on the day (RT-valid)."""
    require_role(by, Role.DECISION_MAKER)
    today = today or timezone.localdate()
    org = review.organisation
    require(not committee.audited_client(by, org.pk) and not committee.declared_conflicts(by, org).exists(),
            "R7.5", _("You are not independent of this organisation and cannot decide on it."), field="decided_by")
    require(by.pk != review.reviewed_by_id, "R7.5", _("The decision is taken by someone other than the reviewer."),
            field="decided_by")
    require(bool((reason or "").strip()), "RT-reason", _("Give the reasons for the decision."), field="reason")
    if accept:
        require(review.previous_expiry_date >= today, "RT-valid",
                _("The certificate expired on %(date)s; it can no longer be transferred."),
                field="previous_expiry_date", params={"date": review.previous_expiry_date.isoformat()})
        require(review.open_ncs == 0, "RT-profit",
                _("%(n)s nonconformities are still open: they must be closed and verified before the transfer."),
                field="open_ncs", params={"n": review.open_ncs})
        if review.onsite_needed:
            require(audit is not None and audit.organisation_id == org.pk and audit.status == Audit.COMPLETED
                    and audit.recommendation == Audit.RECOMMEND, "RT-reason",
                    _("The review asked for an on-site audit: it must be completed with a positive recommendation."),
                    field="audit")
    with transaction.atomic():
        locked = TransferReview.objects.select_for_update().get(pk=review.pk)
        require(locked.outcome == TransferReview.PENDING, "RT-valid", _("This transfer was already decided."),
                field="outcome")
        decision = Decision.objects.create(
            organisation=org, application=None, audit=None,
            outcome=Decision.GRANT if accept else Decision.REFUSE, scope=locked.scope, conditions={},
            reason=reason.strip(), decided_by=by, decided_at=timezone.now())
        locked.outcome = TransferReview.ACCEPTED if accept else TransferReview.REFUSED
        locked.decision = decision
        locked.save(update_fields=["outcome", "decision"])
        chain.append("transfer.decided", subject=locked, by=by, organisation=org,
                     summary=("接受" if accept else "不接受") + f"证书转换（{locked.previous_body} {locked.previous_number}）："
                             + reason.strip(),
                     data={"decision": decision.pk, "accept": accept, "audit": audit.pk if audit else None})
        if accept:
            notify(staff_with_role(Role.CERTIFICATE_ADMIN), f"转换已接受，待颁发证书：{org.name}", link="/decisions/")
    return decision
