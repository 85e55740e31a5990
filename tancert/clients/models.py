"""Client organisations, their sites, applications and application documents (R7.1, R7.2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Organisation(models.Model):
    name = models.CharField(_("legal name"), max_length=200)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    registered_address = models.CharField(_("registered address"), max_length=300)
    address = models.CharField(_("operating address"), max_length=300)
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    employees = models.PositiveIntegerField(_("employees"), default=0)
    # Appendix A codes ("1".."21"), RA.
    technical_areas = models.JSONField(_("technical areas"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Site(models.Model):
    PERMANENT, TEMPORARY = "permanent", "temporary"
    KINDS = [(PERMANENT, _("permanent")), (TEMPORARY, _("temporary"))]
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    name = models.CharField(_("site name"), max_length=200)
    address = models.CharField(_("address"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS, default=PERMANENT)


class Application(models.Model):
    # Kinds
    INITIAL, RECERTIFICATION, TRANSFER, CHANGE = "initial", "recertification", "transfer", "change"
    KINDS = [(INITIAL, _("initial certification")), (RECERTIFICATION, _("recertification")),
             (TRANSFER, _("transfer in")), (CHANGE, _("certificate change"))]
    # Statuses
    DRAFT = "draft"
    SUBMITTED = "submitted"
    SUPPLEMENT = "supplement_requested"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    STATUSES = [
        (DRAFT, _("draft")),
        (SUBMITTED, _("submitted, under review")),
        (SUPPLEMENT, _("supplement requested")),
        (ACCEPTED, pgettext_lazy("application status", "accepted")),
        (REJECTED, _("not accepted")),
        (WITHDRAWN, pgettext_lazy("application status", "withdrawn")),
    ]

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS, default=INITIAL)
    status = models.CharField(_("status"), max_length=30, choices=STATUSES, default=DRAFT)
    scope = models.TextField(_("scope of the CMS"))
    criterion = models.CharField(_("criterion"), max_length=100, default="T/CCAA 39-2022")
    industry_requirement = models.CharField(_("industry requirement"), max_length=200, blank=True)
    cms_started_on = models.DateField(_("CMS running since"))
    commitment_signed_by = models.CharField(_("commitment signed by"), max_length=100, blank=True)
    commitment_date = models.DateField(_("commitment date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    # When the documents became complete: the R7.2-deadline clock starts here.
    complete_at = models.DateTimeField(null=True, blank=True)
    review_deadline = models.DateField(null=True, blank=True)
    supplement_request = models.TextField(blank=True)
    review = models.JSONField(default=dict, blank=True)  # R7.2-review answers
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation.name} — {self.get_kind_display()}"

    def current_documents(self) -> dict[str, ApplicationDocument]:
        """Latest version per document code."""
        latest: dict[str, ApplicationDocument] = {}
        for doc in self.documents.order_by("code", "version"):
            latest[doc.code] = doc
        return latest


def _document_path(instance, filename):
    return f"applications/{instance.application_id}/{instance.code}/v{instance.version}-{filename}"


class ApplicationDocument(models.Model):
    """One version of one of the 11 documents R7.1-D1…D11. Re-uploads add versions."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="documents")
    code = models.CharField(max_length=4)  # D1..D11
    version = models.PositiveIntegerField(default=1)
    file = models.FileField(upload_to=_document_path, null=True, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    not_applicable_reason = models.TextField(blank=True)
    document_date = models.DateField(null=True, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "version"]
        constraints = [models.UniqueConstraint(fields=["application", "code", "version"], name="unique_doc_version")]

    @property
    def is_not_applicable(self) -> bool:
        return bool(self.not_applicable_reason) and not self.file
