"""Complaints and appeals (ISO/IEC 17021-1 §9.8, §9.7; rule keys CB-complaint-*, CB-appeal-*; docs/obligations.md).

A complaint comes from anyone — a client, a member of the public through the register, a member of staff on
someone's behalf — and may concern a certificate, an audit or an auditor. An appeal is the client's request
to reconsider a certification decision (refusal, reduced scope, suspension, withdrawal). The actions are in
``tancert.certificates.complaints.actions``; every change is a record.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Complaint(models.Model):
    CLIENT, PUBLIC, STAFF = "client", "public", "staff"
    CHANNELS = [(CLIENT, _("client")), (PUBLIC, _("member of the public")), (STAFF, _("staff on behalf"))]
    RECEIVED, INVESTIGATING, DECIDED = "received", "investigating", "decided"
    STATES = [(RECEIVED, _("received")), (INVESTIGATING, _("under investigation")), (DECIDED, _("decided"))]
    UPHELD, NOT_UPHELD = "upheld", "not_upheld"
    OUTCOMES = [(UPHELD, _("upheld")), (NOT_UPHELD, _("not upheld"))]
    NONE, CORRECTIVE, SUSPENSION = "", "corrective_action", "suspension_proposal"
    FOLLOW_UPS = [(NONE, _("no further action")), (CORRECTIVE, _("corrective action by the body")),
                  (SUSPENSION, _("suspension proposal"))]

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    channel = models.CharField(_("channel"), max_length=10, choices=CHANNELS)
    name = models.CharField(_("complainant"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200)
    text = models.TextField(_("complaint"), max_length=5000)
    organisation = models.ForeignKey("clients.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="complaints", help_text="the organisation concerned")
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    certificate = models.ForeignKey("certificates.Certificate", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="complaints")
    audit = models.ForeignKey("audits.Audit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+", help_text="the auditor the complaint is about")
    received_at = models.DateTimeField()
    respond_by = models.DateField(_("answer due"))
    state = models.CharField(_("state"), max_length=15, choices=STATES, default=RECEIVED)
    investigator = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    findings = models.TextField(_("investigation findings"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=OUTCOMES, blank=True)
    follow_up = models.CharField(_("follow-up"), max_length=20, choices=FOLLOW_UPS, blank=True)
    response = models.TextField(_("response to the complainant"), blank=True)
    suspension_proposal = models.ForeignKey("certificates.SuspensionProposal", null=True, blank=True,
                                            on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            # A decided complaint has its outcome, decider and response (CB-complaint-decide).
            models.CheckConstraint(condition=~Q(state="decided") | (Q(outcome__in=["upheld", "not_upheld"])
                                                                    & Q(decided_by__isnull=False) & ~Q(response="")),
                                   name="decided_complaint_complete"),
        ]

    def __str__(self) -> str:
        return self.reference


class Appeal(models.Model):
    REFUSAL, SCOPE_REDUCTION, SUSPENSION, WITHDRAWAL = "refusal", "scope_reduction", "suspension", "withdrawal"
    KINDS = [(REFUSAL, _("refusal of certification")), (SCOPE_REDUCTION, _("reduced scope")),
             (SUSPENSION, _("suspension")), (WITHDRAWAL, _("withdrawal"))]
    RECEIVED, DECIDED = "received", "decided"
    STATES = [(RECEIVED, _("received")), (DECIDED, _("decided"))]
    UPHELD, NOT_UPHELD = "upheld", "not_upheld"
    OUTCOMES = [(UPHELD, _("upheld")), (NOT_UPHELD, _("not upheld"))]

    reference = models.CharField(_("reference number"), max_length=20, unique=True)
    organisation = models.ForeignKey("clients.Organisation", on_delete=models.PROTECT, related_name="appeals")
    kind = models.CharField(_("decision appealed"), max_length=20, choices=KINDS)
    decision = models.ForeignKey("certificates.Decision", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="appeals")
    certificate = models.ForeignKey("certificates.Certificate", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="appeals")
    decided_on = models.DateField(_("date of the decision appealed"))
    grounds = models.TextField(_("grounds"), max_length=5000)
    lodged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    received_at = models.DateTimeField()
    # Who may not decide the appeal (CB-appeal-independent): the decision's makers and the audit team, fixed at
    # lodging so that a later change of the team cannot widen the circle.
    involved = models.JSONField(default=list)
    state = models.CharField(_("state"), max_length=10, choices=STATES, default=RECEIVED)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=OUTCOMES, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    reconsideration = models.TextField(_("what is reconsidered"), blank=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            # One open appeal per decision appealed: a second lodging of the same one is the same appeal.
            models.UniqueConstraint(fields=["decision", "kind"], condition=Q(state="received", decision__isnull=False),
                                    name="one_open_appeal_per_decision"),
            models.UniqueConstraint(fields=["certificate", "kind"],
                                    condition=Q(state="received", certificate__isnull=False),
                                    name="one_open_appeal_per_certificate_action"),
            models.CheckConstraint(condition=Q(decision__isnull=False) | Q(certificate__isnull=False),
                                   name="appeal_names_what_is_appealed"),
            models.CheckConstraint(condition=~Q(state="decided") | (Q(outcome__in=["upheld", "not_upheld"])
                                                                    & Q(decided_by__isnull=False) & ~Q(reasons="")),
                                   name="decided_appeal_complete"),
        ]

    def __str__(self) -> str:
        return self.reference
