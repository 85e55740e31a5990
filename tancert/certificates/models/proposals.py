"""Suspension proposals (R9.2-suspend, R9.2-T1…T4): an event the system detected — a negative surveillance
recommendation, an unverified major nonconformity past its deadline, overdue surveillance, a serious event the
holder reported — waits in the decision makers' queue with its trigger until one accepts it (the certificate
is suspended under that trigger) or dismisses it with a reason. The actions are in
``tancert.certificates.proposals.actions``."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SuspensionProposal(models.Model):
    NEGATIVE_SURVEILLANCE, MAJOR_OVERDUE, SURVEILLANCE_OVERDUE, SERIOUS_EVENT = (
        "negative_surveillance", "major_overdue", "surveillance_overdue", "serious_event")
    SOURCES = [(NEGATIVE_SURVEILLANCE, _("surveillance audit closed with a negative recommendation")),
               (MAJOR_OVERDUE, _("major nonconformity not verified by its deadline")),
               (SURVEILLANCE_OVERDUE, _("surveillance audit overdue")),
               (SERIOUS_EVENT, _("serious event reported by the holder"))]
    TRIGGERS = [("T1", _("T1: major defect of the CMS")), ("T2", _("T2: carbon-trading compliance not met")),
                ("T3", _("T3: penalised by an authority")), ("T4", _("T4: serious nonconformity not corrected"))]
    OPEN, ACCEPTED, DISMISSED = "open", "accepted", "dismissed"
    STATES = [(OPEN, _("open")), (ACCEPTED, _("accepted")), (DISMISSED, _("dismissed"))]

    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT,
                                    related_name="suspension_proposals")
    trigger = models.CharField(_("trigger"), max_length=2, choices=TRIGGERS)
    source = models.CharField(_("source"), max_length=30, choices=SOURCES)
    detail = models.TextField(_("what was detected"))
    # What it came from: the audit, the finding or the holder's report (for the page and the record).
    audit = models.ForeignKey("audits.Audit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    finding = models.ForeignKey("audits.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    created = models.DateTimeField(auto_now_add=True)
    state = models.CharField(_("state"), max_length=10, choices=STATES, default=OPEN)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [models.UniqueConstraint(fields=["certificate", "trigger"], condition=Q(state="open"),
                                               name="one_open_proposal_per_trigger")]

    def __str__(self) -> str:
        return f"{self.certificate.number} {self.trigger} {self.source}"


class SuspensionEvidence(models.Model):
    """What the holder sends to lift a suspension (R9.2-suspend: the cause is corrected within the deadline):
    a message, shown to the decision makers, who restore or withdraw the certificate."""

    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT,
                                    related_name="suspension_evidence")
    message = models.TextField(_("what was corrected, and the evidence"))
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
