"""Certification decisions and certificates (R7.5, R9, RT)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _


class Decision(models.Model):
    GRANT, GRANT_REDUCED, REFUSE = "grant", "grant_reduced", "refuse"
    OUTCOMES = [(GRANT, _("grant")), (GRANT_REDUCED, _("grant with reduced scope")), (REFUSE, _("refuse"))]

    organisation = models.ForeignKey("clients.Organisation", on_delete=models.PROTECT, related_name="decisions")
    # Both empty only for a transfer-in decision, taken on the pre-transfer review (certificates/transfer.py).
    application = models.ForeignKey("clients.Application", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="decisions")
    audit = models.ForeignKey("audits.Audit", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="decisions",
                              help_text="the audit whose report is decided on (stage 2 or recertification)")
    outcome = models.CharField(_("outcome"), max_length=20, choices=OUTCOMES)
    scope = models.TextField(_("certified scope"), blank=True)
    # R7.5.2-C1…C4: {"C1": {"met": true, "evidence": "…"}, …}
    conditions = models.JSONField(default=dict)
    reason = models.TextField(_("reasons"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    # The committee (R7.5, certificates/committee.py): every member's vote, and the dissent when not unanimous.
    committee = models.JSONField(default=list, blank=True)
    dissent = models.TextField(_("dissent"), blank=True)

    class Meta:
        ordering = ["-decided_at"]
        constraints = [models.UniqueConstraint(fields=["audit"], name="one_decision_per_audit")]

    @property
    def grants(self) -> bool:
        return self.outcome in (self.GRANT, self.GRANT_REDUCED)


class DecisionVote(models.Model):
    """One committee member's vote on an audit, before the committee is complete (R7.5)."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="decision_votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=20, choices=Decision.OUTCOMES)
    scope = models.TextField(blank=True)
    conditions = models.JSONField(default=dict)
    reason = models.TextField(blank=True)
    voted_at = models.DateTimeField()

    class Meta:
        ordering = ["voted_at"]
        constraints = [models.UniqueConstraint(fields=["audit", "user"], name="one_vote_per_member")]


class Certificate(models.Model):
    VALID, SUSPENDED, WITHDRAWN, CANCELLED, EXPIRED = "valid", "suspended", "withdrawn", "cancelled", "expired"
    STATUSES = [
        (VALID, _("valid")),
        (SUSPENDED, _("suspended")),
        (WITHDRAWN, _("withdrawn")),
        (CANCELLED, _("cancelled")),
        (EXPIRED, _("expired")),
    ]
    # Surveillance status (R9.1-g): where the certificate stands in its cycle.
    SURV_NONE, SURV_1, SURV_2, SURV_OVERDUE = "none", "s1", "s2", "overdue"
    SURVEILLANCE = [
        (SURV_NONE, _("initial certification, first surveillance pending")),
        (SURV_1, _("first surveillance passed")),
        (SURV_2, _("second surveillance passed")),
        (SURV_OVERDUE, _("surveillance overdue")),
    ]

    INITIAL, TRANSFER = "initial", "transfer"
    ORIGINS = [(INITIAL, _("issued after our own initial audit")), (TRANSFER, _("transferred from another body"))]

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    origin = models.CharField(_("origin"), max_length=20, choices=ORIGINS, default=INITIAL)
    previous_body = models.CharField(_("previous certification body"), max_length=200, blank=True)
    organisation = models.ForeignKey("clients.Organisation", on_delete=models.PROTECT, related_name="certificates")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="certificates")
    status = models.CharField(_("status"), max_length=20, choices=STATUSES, default=VALID)
    surveillance_status = models.CharField(_("surveillance status"), max_length=20, choices=SURVEILLANCE,
                                           default=SURV_NONE)
    cycle = models.PositiveSmallIntegerField(default=0, help_text="recertification count (R in the number)")
    version = models.PositiveIntegerField(default=1)
    # R9.1-b…h as issued (the current version; earlier versions live in CertificateVersion).
    organisation_name = models.CharField(_("organisation name"), max_length=200)
    organisation_address = models.CharField(_("organisation address"), max_length=300)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, db_index=True)
    scope = models.TextField(_("scope"))
    # R5.a–d as issued: the levels the certified CMS covers, each with its standard and what it covers
    # (scheme/levels.describe); [] for a certificate transferred in without an application here.
    scope_levels = models.JSONField(_("scope levels"), default=list, blank=True)
    criterion = models.CharField(_("criterion and version"), max_length=100)
    sites = models.JSONField(_("sites"), default=list, blank=True)
    first_issue_date = models.DateField(_("first issue date"))
    issue_date = models.DateField(_("issue date"))
    expiry_date = models.DateField(_("expiry date"))
    change_date = models.DateField(_("date of change"), null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    suspension_trigger = models.CharField(max_length=20, blank=True)
    respond_by = models.DateField(null=True, blank=True)
    # R9.2-suspend: the day the trigger was confirmed, and whether the suspension came later than the body's limit.
    trigger_confirmed_on = models.DateField(null=True, blank=True)
    suspended_late = models.BooleanField(default=False)
    # R9.3-renewal: the certificate this one continues (same chain, cycle + 1), and the renewal application.
    renewal_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewals")
    renewal_application = models.ForeignKey("clients.Application", null=True, blank=True, on_delete=models.PROTECT,
                                            related_name="renewed_certificates")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-issue_date", "number"]
        # R9.1-a: one decision, one certificate — also when two administrators press "issue" at once.
        constraints = [models.UniqueConstraint(fields=["decision"], name="one_certificate_per_decision")]
        # The register page asks for a certificate's renewals on every render. Nearly every certificate continues
        # none, so once SQLite's ANALYZE has seen the foreign key's index (all NULL) it prefers a scan of the whole
        # table; an index of the renewals alone stays the obvious plan (docs/performance.md, Public register).
        indexes = [models.Index(fields=["renewal_of"], condition=models.Q(renewal_of__isnull=False),
                                name="certificate_renewals")]

    def __str__(self) -> str:
        return self.number

    @property
    def is_valid(self) -> bool:
        return self.public_status == self.VALID

    @property
    def public_status(self) -> str:
        from django.utils import timezone

        return self.public_status_on(timezone.localdate())

    def public_status_on(self, today) -> str:  # enforces: R9.2-lookup
        """The status the public sees on `today`: past its expiry a certificate is expired even before the
        sweep has run, so the register never shows an expired certificate as valid (R9.2-lookup)."""
        if self.status in (self.VALID, self.SUSPENDED) and self.expiry_date < today:
            return self.EXPIRED
        return self.status

    def get_public_status_display(self) -> str:
        return str(dict(self.STATUSES)[self.public_status])

    def get_surveillance_display(self) -> str:
        """Surveillance ends with the certificate (R9.1-g): an expired, withdrawn or cancelled one says so, not
        the stage of a cycle it will never finish."""
        if self.public_status in (self.EXPIRED, self.WITHDRAWN, self.CANCELLED):
            return str(_("no surveillance: the certificate is no longer in force"))
        return str(self.get_surveillance_status_display())

    def get_status_reason_display(self) -> str:
        """The reason of the last status change as people read it: the sweep records expiry by its code."""
        return str(STATUS_REASONS.get(self.status_reason, self.status_reason))


# Reasons written by the system rather than typed by a person (certificates/actions.expire_certificates).
STATUS_REASONS = {"expiry": _("the validity period ended")}


def _pdf_path(instance, filename):
    return f"certificates/{instance.certificate_id}/{filename}"


class CertificateVersion(models.Model):
    """A frozen version of a certificate's content and its PDF (R9.4.2 keeps number and validity)."""

    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    content = models.JSONField()
    pdf = models.FileField(upload_to=_pdf_path, null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    # The integrity seal: {"algorithm", "key_id", "content", "signature"} (certificates/seal.py).
    seal = models.JSONField(default=dict, blank=True)
    # The English version of the same content, made on the holder's request (docs/certificates.md).
    pdf_en = models.FileField(upload_to=_pdf_path, null=True, blank=True)
    sha256_en = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["certificate", "version"]
        constraints = [models.UniqueConstraint(fields=["certificate", "version"], name="unique_cert_version")]


class ChangeRequest(models.Model):
    """A change of certificate content (R9.4): the holder's request (R9.4.1) or one the body initiates, reviewed
    and decided (R9.4.2) before ``certificates/changes.change_certificate`` applies it."""

    PENDING, REVIEWED, APPROVED, REJECTED = "pending", "reviewed", "approved", "rejected"
    STATUSES = [(PENDING, _("under review")), (REVIEWED, _("reviewed, awaiting the decision")),
                (APPROVED, _("approved")), (REJECTED, _("not approved"))]
    OPEN = (PENDING, REVIEWED)
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="change_requests")
    changes = models.JSONField(default=dict)
    reason = models.TextField(_("reason for the change"))
    status = models.CharField(max_length=20, choices=STATUSES, default=PENDING)
    initiated_by_body = models.BooleanField(_("initiated by the certification body"), default=False)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    document = models.FileField(_("supporting document"), upload_to="change-requests/%Y/", blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    audit = models.ForeignKey("audits.Audit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
                              help_text="the audit the review needed, if any")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    def items(self) -> list[tuple[str, str]]:
        """(label, new value) of each change, as people read it: the certificate field's translated name, and
        sites as "name: address" (the certificate page shows them so; never the field's code name)."""
        out = []
        for field, value in self.changes.items():
            try:
                label = str(Certificate._meta.get_field(field).verbose_name)
            except FieldDoesNotExist:  # a field no longer on the certificate: show its name rather than fail the page
                label = field
            if isinstance(value, list):
                value = "；".join(f"{s.get('name', '')}: {s.get('address', '')}" if isinstance(s, dict) else str(s)
                                 for s in value)
            out.append((label, str(value)))
        return out

    class Meta:
        ordering = ["-requested_at"]
        constraints = [models.UniqueConstraint(
            fields=["certificate"], condition=models.Q(status__in=["pending", "reviewed"]),
            name="one_open_change_per_certificate")]
