"""The mark (R11.1): who may download it, and misuse the body found."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.certificates.models import Certificate, MarkMisuse
from tancert.ops.notify import notify, organisation_users  # retired: see ops/notify.py
from tancert.people.access import is_office
from tancert.people.actions import require_role
from tancert.people.models import Role
from tancert.records import chain
from tancert.scheme.violations import require


def mark_allowed(cert: Certificate, by) -> None:
    """R11.1: the holder of a valid certificate may use the mark; suspended, withdrawn… may not."""
    if not (by.is_authenticated and (by.organisation_id == cert.organisation_id or is_office(by))):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only the certificate holder downloads the mark."))
    require(cert.status == Certificate.VALID, "R11.1",
            _("The certificate is %(status)s: the certification mark may not be used."), field="status",
            params={"status": cert.get_status_display()})


def record_mark_misuse(cert: Certificate, *, by, observed_on: date, description: str, evidence: str,
                       action: str = ""):
    """Misuse of the mark found by the body (R11.2: deformed marks, use outside the scope or status)."""
    require_role(by, Role.CERTIFICATE_ADMIN, Role.DECISION_MAKER)
    require(bool(description.strip()) and bool(evidence.strip()), "R11.2",
            _("Describe the misuse and its evidence."), field="description")
    require(observed_on <= timezone.localdate(), "R11.2", _("The observation date cannot be in the future."),
            field="observed_on")
    with transaction.atomic():
        m = MarkMisuse.objects.create(certificate=cert, observed_on=observed_on, description=description.strip(),
                                      evidence=evidence.strip(), action=action.strip(), recorded_by=by,
                                      recorded_at=timezone.now())
        chain.append("certificate.mark_misuse", subject=cert, by=by, organisation=cert.organisation_id,
                     summary=f"发现证书 {cert.number} 认证标志使用不当：{m.description}",
                     data={"misuse": m.pk, "observed_on": observed_on.isoformat(), "evidence": m.evidence,
                           "action": m.action})
        notify(organisation_users(cert.organisation), f"认证标志使用不当：{cert.number}",
               f"{m.description}\n{m.action}", f"/certificates/{cert.pk}/")
    return m
