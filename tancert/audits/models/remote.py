"""A recorded, approved deviation from the on-site rule: remote audit techniques for one audit (IAF MD4).

Stage 2 (R7.4.1-S2), surveillance (R8.1.2) and recertification (R8.2.1) are held at the organisation's site.
Where the body's policy allows it, an exceptional circumstance may justify remote techniques for one audit:
the programme manager requests it with the IAF MD4 risk assessment, another person with the approving role
approves or rejects it; only an approved deviation changes that audit's method (docs/audits.md, "Remote
audit deviation")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RemoteDeviation(models.Model):
    DISASTER, EPIDEMIC, SAFETY, OTHER = "disaster", "epidemic", "safety", "other"
    REASONS = [
        (DISASTER, _("natural disaster (earthquake, flood, typhoon)")),
        (EPIDEMIC, _("epidemic or travel restriction by the authorities")),
        (SAFETY, _("safety of the team (unrest, conflict, hazardous site conditions)")),
        (OTHER, _("other extraordinary event beyond the control of the body and the client")),
    ]
    REQUESTED, APPROVED, REJECTED = "requested", "approved", "rejected"
    STATUSES = [(REQUESTED, _("awaiting approval")), (APPROVED, _("approved")), (REJECTED, _("rejected"))]
    OPEN = (REQUESTED, APPROVED)  # at most one per audit: a request being decided, or the deviation in force
    METHODS = [("FS02", _("remote (FS02)")), ("FS03", _("mixed (FS03)"))]

    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="remote_deviations")
    method = models.CharField(_("audit method requested"), max_length=4, choices=METHODS)
    reason = models.CharField(_("exceptional circumstance"), max_length=20, choices=REASONS)
    explanation = models.TextField(_("explanation"))
    ict_means = models.TextField(_("ICT means (tools, connection, how evidence is shown)"))
    ict_tested = models.BooleanField(_("ICT available and tested at both sides"), default=False)
    security = models.TextField(_("confidentiality and information security"))
    not_remote = models.TextField(_("sites and activities that cannot be seen remotely, and how they are covered"))
    status = models.CharField(_("status"), max_length=10, choices=STATUSES, default=REQUESTED)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # The check in request_deviation runs under the audit's row lock; this is the wall behind it.
            models.UniqueConstraint(fields=["audit"], condition=Q(status__in=["requested", "approved"]),
                                    name="one_open_remote_deviation_per_audit"),
            models.CheckConstraint(condition=Q(status="requested") | Q(decided_by__isnull=False),
                                   name="remote_deviation_decided_by_someone"),
        ]

    def __str__(self) -> str:
        return f"{self.audit_id} {self.method} {self.status}"
