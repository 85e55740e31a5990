"""The pre-transfer review of a certificate from another body (RT; imported by certificates/models.py)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TransferReview(models.Model):
    PENDING, ACCEPTED, REFUSED = "pending", "accepted", "refused"
    OUTCOMES = [(PENDING, _("under review")), (ACCEPTED, _("transfer accepted")), (REFUSED, _("transfer refused"))]
    # Status of the certificate at the other body, as verified (RT-valid accepts only "valid").
    VALID, SUSPENDED, UNDER_ACTION, WITHDRAWN, EXPIRED = "valid", "suspended", "under_action", "withdrawn", "expired"
    PREVIOUS_STATUSES = [(VALID, _("valid")), (SUSPENDED, _("suspended")),
                         (UNDER_ACTION, _("suspension or withdrawal under way")), (WITHDRAWN, _("withdrawn")),
                         (EXPIRED, _("expired"))]
    STAGES = [("initial", _("after initial certification, first surveillance pending")),
              ("s1", _("after the first surveillance")), ("s2", _("after the second surveillance"))]

    organisation = models.ForeignKey("clients.Organisation", on_delete=models.PROTECT,
                                     related_name="transfer_reviews")
    previous_body = models.CharField(_("previous certification body"), max_length=200)
    previous_number = models.CharField(_("certificate number at the previous body"), max_length=60)
    previous_status = models.CharField(_("verified status"), max_length=20, choices=PREVIOUS_STATUSES)
    previous_issue_date = models.DateField(_("issue date"))
    previous_expiry_date = models.DateField(_("expiry date"))
    previous_cycle = models.PositiveSmallIntegerField(_("recertification count"), default=0)
    stage = models.CharField(_("stage in the cycle"), max_length=10, choices=STAGES)
    scope = models.TextField(_("scope"))
    criterion = models.CharField(_("criterion and version"), max_length=100, default="T/CCAA 39-2022")
    authenticity = models.TextField(_("how validity and authenticity were verified"))
    reason = models.TextField(_("the organisation's reasons for the transfer"))
    reports = models.TextField(_("last audit reports reviewed"))
    open_ncs = models.PositiveIntegerField(_("open nonconformities"), default=0)
    nc_note = models.TextField(_("nonconformities and their corrective actions"), blank=True)
    complaints = models.TextField(_("complaints and how they were handled"), blank=True)
    onsite_needed = models.BooleanField(_("an on-site audit is needed"), default=False)
    rectification = models.TextField(_("rectification after our withdrawal (RT-withdrawn)"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField()
    outcome = models.CharField(max_length=20, choices=OUTCOMES, default=PENDING)
    decision = models.OneToOneField("certificates.Decision", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="transfer_review")

    class Meta:
        ordering = ["-reviewed_at"]
        app_label = "certificates"
