"""Changes of certificate content (R9.4): never without a holder's request or a recorded body-initiated change,
and never without a decision.

1. The holder applies (``request_change``, R9.4.1): what changes, why, optionally a supporting document. Or the
   body records a change it initiates (``propose_change``), e.g. a scope reduction after a finding, with its reason.
2. The certificate administrator reviews the change and its evidence (``review_change``, R9.4.2); where an audit
   was needed, only after it ended with a positive recommendation.
3. A decision maker independent of the client (the conflict rules of decisions, R7.5) decides (``decide_change``);
   approving applies the change through ``change_certificate``: a new version with the same number and validity
   dates and the date of the change (R9.4.2).

At most one change per certificate is open at a time (a database constraint). Every step is recorded.
See docs/certificates.md.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit
from tancert.certificates import committee
from tancert.certificates.actions import _freeze_version, _locked
from tancert.certificates.models import Certificate, ChangeRequest
from tancert.ops.notify import notify, organisation_users, staff_with_role  # retired: see ops/notify.py
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain, uploads
from tancert.records.filetypes import ALLOWED
from tancert.scheme.violations import RuleViolation, require

CHANGEABLE = ("organisation_name", "organisation_address", "scope", "sites")  # R9.4.1


def _check_changes(cert: Certificate, changes: dict, reason: str, *, reason_message) -> dict:
    require(cert.status == Certificate.VALID, "R9.4.2", _("Only a valid certificate can be changed."),
            field="status")
    unknown = sorted(set(changes) - set(CHANGEABLE))
    require(not unknown, "R9.4.2",
            _("A change keeps the certificate number and validity dates; only the name, address, scope and sites "
              "can change (not: %(fields)s)."), field=unknown[0] if unknown else None,
            params={"fields": ", ".join(unknown)})
    changed = {k: v for k, v in changes.items() if getattr(cert, k) != v}
    require(bool(changed), "R9.4.1", _("Nothing would change."), field="changes")
    require(bool((reason or "").strip()), "R9.4.1", reason_message, field="reason")
    return changed


def _create(cert: Certificate, **fields) -> ChangeRequest:
    open_exists = _("A change of this certificate is already open; it must be decided first.")
    require(not cert.change_requests.filter(status__in=ChangeRequest.OPEN).exists(), "R9.4.1", open_exists,
            field="changes")
    try:
        with transaction.atomic():  # one_open_change_per_certificate stands behind the check
            return ChangeRequest.objects.create(certificate=cert, requested_at=timezone.now(), **fields)
    except IntegrityError:
        raise RuleViolation("R9.4.1", open_exists, field="changes") from None


def request_change(cert: Certificate, *, by, changes: dict, reason: str, document: tuple[str, bytes] | None = None
                   ) -> ChangeRequest:
    """The holder applies for a change of content (R9.4.1): name, address, scope, sites — never validity."""
    if not (by.is_authenticated and by.organisation_id == cert.organisation_id):
        raise PermissionDenied(_("Only the certificate holder applies for a change."))
    changed = _check_changes(cert, changes, reason, reason_message=_("Say what changed and why."))
    if document is not None:
        name, content = document
        verdict = uploads.examine(content, allowed=ALLOWED)  # size, type by content, and the content is real
        require(verdict.ok, "R9.4.2", verdict.message, field="document", params=verdict.params)
    with transaction.atomic():
        req = _create(cert, changes=changed, reason=reason.strip(), requested_by=by)
        if document is not None:
            req.document_sha256 = hashlib.sha256(document[1]).hexdigest()
            req.document.save(document[0][-100:], ContentFile(document[1]), save=False)
            req.save(update_fields=["document", "document_sha256"])
        chain.append("certificate.change_requested", subject=cert, by=by, organisation=cert.organisation_id,
                     summary=f"申请变更证书 {cert.number}：{reason.strip()}",
                     data={"request": req.pk, "changes": changed, "document_sha256": req.document_sha256})
        notify(staff_with_role(Role.CERTIFICATE_ADMIN), f"证书变更申请待审核：{cert.number}",
               link=f"/certificates/{cert.pk}/")
    return req


def propose_change(cert: Certificate, *, by, changes: dict, reason: str) -> ChangeRequest:
    """A change the body initiates (e.g. reducing the scope after a finding, R9.4.2), recorded with its reason;
    like a holder's request it takes effect only by a decision."""
    require_role(by, Role.CERTIFICATE_ADMIN)
    changed = _check_changes(cert, changes, reason,
                             reason_message=_("State why the body changes the certificate (e.g. the finding)."))
    with transaction.atomic():
        req = _create(cert, changes=changed, reason=reason.strip(), requested_by=by, initiated_by_body=True,
                      status=ChangeRequest.REVIEWED, reviewed_by=by, reviewed_at=timezone.now(),
                      review_note=reason.strip())
        chain.append("certificate.change_proposed", subject=cert, by=by, organisation=cert.organisation_id,
                     summary=f"认证机构提出变更证书 {cert.number}：{reason.strip()}（待认证决定）",
                     data={"request": req.pk, "changes": changed})
        notify(staff_with_role(Role.DECISION_MAKER), f"证书变更待决定：{cert.number}", link=f"/certificates/{cert.pk}/")
    return req


def review_change(req: ChangeRequest, *, by, approve: bool, note: str, audit: Audit | None = None) -> ChangeRequest:
    """The body reviews the change and its evidence (R9.4.2); a positive review goes to a decision maker."""
    require_role(by, Role.CERTIFICATE_ADMIN)
    require(bool((note or "").strip()), "R9.4.2", _("Record how the change and its evidence were reviewed."),
            field="note")
    if approve and audit is not None:
        require(audit.organisation_id == req.certificate.organisation_id and audit.status == Audit.COMPLETED
                and audit.recommendation == Audit.RECOMMEND, "R9.4.2",
                _("The change audit must be completed with a positive recommendation before the change."),
                field="audit")
    with transaction.atomic():
        locked = _locked(ChangeRequest, req.pk)
        require(locked.status == ChangeRequest.PENDING, "R9.4.2", _("This change request was already reviewed."),
                field="status")
        locked.status = ChangeRequest.REVIEWED if approve else ChangeRequest.REJECTED
        locked.reviewed_by, locked.reviewed_at, locked.review_note, locked.audit = by, timezone.now(), note.strip(), audit
        locked.save()
        cert = locked.certificate
        chain.append("certificate.change_reviewed", subject=cert, by=by, organisation=cert.organisation_id,
                     summary=f"审核证书 {cert.number} 的变更申请：" + ("建议批准，待认证决定" if approve else "不予批准")
                     + f"（{note.strip()}）", data={"request": locked.pk, "approve": approve,
                                                   "audit": audit.pk if audit else None})
        if approve:
            notify(staff_with_role(Role.DECISION_MAKER), f"证书变更待决定：{cert.number}",
                   link=f"/certificates/{cert.pk}/")
        else:
            notify(organisation_users(cert.organisation), f"证书 {cert.number} 的变更申请未获批准", note.strip(),
                   f"/certificates/{cert.pk}/")
    return locked


def _check_independent(by, organisation) -> None:
    """The conflict rules of decisions (R7.5, certificates/committee.py)."""
    require(not committee.audited_client(by, organisation.pk), "R7.5",
            _("You were on the audit team of this client and cannot decide on it (impartiality, ISO/IEC 17021-1 "
              "9.5)."), field="decided_by")
    conflict = committee.declared_conflicts(by, organisation).first()
    require(conflict is None, "R7.5",
            _("You declared a conflict of interest with this client (%(kind)s); you cannot decide on it."),
            field="decided_by", params={"kind": conflict.get_kind_display() if conflict else ""})


def decide_change(req: ChangeRequest, *, by, approve: bool, note: str) -> ChangeRequest:
    """A decision maker independent of the client approves or refuses the reviewed change (R9.4.2, R7.5)."""
    require_role(by, Role.DECISION_MAKER)
    _check_independent(by, req.certificate.organisation)
    require(bool((note or "").strip()), "R9.4.2", _("Give the reasons for the decision on the change."),
            field="note")
    with transaction.atomic():
        locked = _locked(ChangeRequest, req.pk)
        require(locked.status == ChangeRequest.REVIEWED, "R9.4.2",
                _("Only a reviewed change can be decided (it is %(status)s)."), field="status",
                params={"status": locked.get_status_display()})
        locked.status = ChangeRequest.APPROVED if approve else ChangeRequest.REJECTED
        locked.decided_by, locked.decided_at, locked.decision_note = by, timezone.now(), note.strip()
        locked.save()
        cert = locked.certificate
        chain.append("certificate.change_decided", subject=cert, by=by, organisation=cert.organisation_id,
                     summary=f"证书 {cert.number} 的变更" + ("批准" if approve else "不予批准") + f"：{note.strip()}",
                     data={"request": locked.pk, "approve": approve})
        if approve:
            change_certificate(cert, by=by, request=locked)
        notify(organisation_users(cert.organisation), f"证书 {cert.number} 的变更" + ("已批准" if approve else "未获批准"),
               note.strip(), f"/certificates/{cert.pk}/")
    return locked


def change_certificate(cert: Certificate, *, by, request: ChangeRequest | None) -> Certificate:
    """Apply a decided change (R9.4.2): a new version, same number and validity dates, the date of the change.
    Only an approved request (the holder's or the body's) carries a change; nothing else does."""
    require(request is not None and request.certificate_id == cert.pk and request.status == ChangeRequest.APPROVED
            and request.decided_by_id is not None and request.applied_at is None, "R9.4.2",
            _("A certificate changes only through a change request decided by a decision maker."), field="request")
    changed = _check_changes(cert, request.changes, request.reason, reason_message=_("Say what changed and why."))
    with transaction.atomic():
        locked = _locked(Certificate, cert.pk)
        before = {k: getattr(locked, k) for k in changed}
        for name, value in changed.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.change_date = timezone.localdate()
        locked.save()
        version = _freeze_version(locked)
        request.applied_at = timezone.now()
        request.save(update_fields=["applied_at"])
        origin = "认证机构提出" if request.initiated_by_body else "持证方申请"
        chain.append("certificate.changed", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"证书 {locked.number} 变更为第 {locked.version} 版（编号和有效期不变；{origin}，"
                             f"经决定批准）：{request.reason}",
                     data={"before": before, "after": changed, "reason": request.reason, "request": request.pk,
                           "version": locked.version, "pdf_sha256": version.sha256})
    cert.refresh_from_db()
    return cert
