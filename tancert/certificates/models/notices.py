"""Client notices of changes and serious events (CB-notice; R7.1-C5, R8.1.1-extra, R9.2; docs/obligations.md).

The holder of a certificate tells the body of an accident, a penalty, a change of ownership, legal status,
sites, boundary or key personnel. The programme manager reviews each notice and resolves it as no action, an
extra surveillance audit, a change request or a suspension proposal; the resolution keeps its trigger and the
link to what it started. The actions are in ``tancert.certificates.notices.actions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClientNotice(models.Model):
    ACCIDENT, PENALTY, OWNERSHIP, LEGAL_STATUS = "accident", "penalty", "ownership", "legal_status"
    SITES, BOUNDARY, KEY_PERSONNEL = "sites", "boundary", "key_personnel"
    KINDS = [(ACCIDENT, _("major accident")), (PENALTY, _("administrative penalty")),
             (OWNERSHIP, _("change of ownership")), (LEGAL_STATUS, _("change of legal status")),
             (SITES, _("change of sites")), (BOUNDARY, _("change of the accounting boundary")),
             (KEY_PERSONNEL, _("change of key personnel"))]
    RECEIVED, RESOLVED = "received", "resolved"
    STATES = [(RECEIVED, _("awaiting review")), (RESOLVED, _("resolved"))]
    NO_ACTION, EXTRA, CHANGE, SUSPENSION = "no_action", "extra_surveillance", "change_request", "suspension_proposal"
    RESOLUTIONS = [(NO_ACTION, _("no action")), (EXTRA, _("extra surveillance audit")),
                   (CHANGE, _("certificate change")), (SUSPENSION, _("suspension proposal"))]

    organisation = models.ForeignKey("clients.Organisation", on_delete=models.PROTECT, related_name="notices")
    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="notices")
    kind = models.CharField(_("kind of change or event"), max_length=20, choices=KINDS)
    occurred_on = models.DateField(_("day it happened"))
    description = models.TextField(_("what happened"), max_length=5000)
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    lodged_at = models.DateTimeField()
    state = models.CharField(_("state"), max_length=10, choices=STATES, default=RECEIVED)
    resolution = models.CharField(_("resolution"), max_length=20, choices=RESOLUTIONS, blank=True)
    # The reason kind of an extra surveillance (R8.1.1-extra) or the suspension trigger (R9.2-T1…T4).
    trigger = models.CharField(_("trigger"), max_length=20, blank=True)
    review_note = models.TextField(_("review"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    programme_entry = models.ForeignKey("audits.ProgrammeEntry", null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="+")
    change_request = models.ForeignKey("certificates.ChangeRequest", null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="+")
    suspension_proposal = models.ForeignKey("certificates.SuspensionProposal", null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-lodged_at", "-pk"]
        constraints = [
            # A resolved notice has its reviewer, note and resolution, and each resolution its link (CB-notice-review).
            models.CheckConstraint(
                condition=Q(state="received") | (Q(reviewed_by__isnull=False) & ~Q(review_note="") & (
                    Q(resolution="no_action")
                    | Q(resolution="extra_surveillance", programme_entry__isnull=False, trigger__in=[
                        "major_change", "major_incident"])
                    | Q(resolution="change_request", change_request__isnull=False)
                    | Q(resolution="suspension_proposal", suspension_proposal__isnull=False,
                        trigger__in=["T1", "T2", "T3", "T4"]))),
                name="resolved_notice_complete"),
        ]

    TRIGGER_LABELS = {"major_change": _("major change"), "major_incident": _("major incident"),
                      "T1": "T1", "T2": "T2", "T3": "T3", "T4": "T4"}

    @property
    def trigger_label(self) -> str:
        return self.TRIGGER_LABELS.get(self.trigger, "")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.certificate}"
