"""Client organisations, their sites, applications and application documents (R7.1, R7.2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# Retired offsets of events (R5.d) live in their own folder; imported here so that Django registers the model.
from tancert.clients.offsets.models import RetiredOffset  # noqa: F401


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
    # RA / R7.3.2: the client's industry (Appendix A code); the audit team must cover it.
    industry_code = models.PositiveSmallIntegerField(_("industry (Appendix A technical area)"), null=True,
                                                     blank=True)
    cms_started_on = models.DateField(_("CMS running since"))
    commitment_signed_by = models.CharField(_("commitment signed by"), max_length=100, blank=True)
    commitment_date = models.DateField(_("commitment date"), null=True, blank=True)
    # R7.1 "对其提供的文件真实性负责" (CB-declaration): at each submission the client's authorised person declares
    # the documents true — named, dated and recorded; the last declaration is kept here, every one in the records.
    declared_by_name = models.CharField(_("declared by"), max_length=100, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    declared_at = models.DateTimeField(_("declared on"), null=True, blank=True)
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
    # R7.1-C3 / C4: licences and compliance information "where applicable".
    licences_applicable = models.BooleanField(_("administrative licences are required by law"), default=False)
    licences = models.TextField(_("licences held (name, number, validity)"), blank=True)
    compliance_applicable = models.BooleanField(
        _("the competent authorities set carbon-management requirements for us"), default=False)
    compliance_info = models.TextField(_("how we comply with them"), blank=True)
    # R7.4.1-O2: technology evident and processes simple (used by planning for off-site stage 1).
    simple_process = models.BooleanField(_("our technology is evident and our processes simple"), default=False)
    simple_process_grounds = models.TextField(_("grounds"), blank=True)
    # … judged by the programme manager (yes/no and why): only a judged "yes" meets O2.
    simple_process_judged = models.BooleanField(_("grounds judged sufficient"), null=True, blank=True)
    simple_process_judgement = models.TextField(_("reason for the judgement"), blank=True)
    simple_process_judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                                 on_delete=models.PROTECT, related_name="+")
    simple_process_judged_at = models.DateTimeField(null=True, blank=True)
    # R7.3.1 factors for the audit time: complexity of emission facilities.
    significant_sources = models.PositiveIntegerField(_("significant emission sources"), default=0)
    process_emissions = models.BooleanField(_("process emissions (carbonates, chemical reactions)"), default=False)
    continuous_measurement_systems = models.PositiveIntegerField(_("continuous emission measurement systems"),
                                                                 default=0)
    # R7.1-D11 as data: the carbon baseline.
    base_year = models.PositiveSmallIntegerField(_("base year"), null=True, blank=True)
    baseline_emissions = models.DecimalField(_("baseline emissions (tCO2e)"), max_digits=14, decimal_places=2,
                                             null=True, blank=True)

    OPEN = (DRAFT, SUBMITTED, SUPPLEMENT)  # R7.1: at most one of these per organisation

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(
            fields=["organisation"], condition=models.Q(status__in=["draft", "submitted", "supplement_requested"]),
            name="one_open_application_per_organisation")]

    def __str__(self) -> str:
        return f"{self.organisation.name} — {self.get_kind_display()}"

    @property
    def industry_label(self) -> str:
        """"7 化工工业" (Appendix A), or "" while not chosen."""
        from tancert.scheme.rulebook import TECHNICAL_AREAS

        area = TECHNICAL_AREAS.get(self.industry_code) if self.industry_code is not None else None
        return f"{self.industry_code} {area.name_zh}" if area else ""

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


class HeldCertification(models.Model):
    """Other management-system certifications the organisation holds (EnMS, EMS … — R7.4.1-O1)."""

    ENMS, EMS, QMS, OHSMS, OTHER = "EnMS", "EMS", "QMS", "OHSMS", "other"
    STANDARDS = [(ENMS, _("energy management system (ISO 50001 / GB/T 23331)")),
                 (EMS, _("environmental management system (ISO 14001 / GB/T 24001)")),
                 (QMS, _("quality management system (ISO 9001)")),
                 (OHSMS, _("occupational health and safety (ISO 45001)")), (OTHER, _("other"))]
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="held_certifications")
    standard = models.CharField(_("management system"), max_length=10, choices=STANDARDS)
    number = models.CharField(_("certificate number"), max_length=60)
    issuer = models.CharField(_("certification body"), max_length=200)
    valid_until = models.DateField(_("valid until"))

    class Meta:
        ordering = ["standard", "valid_until"]


class CarbonMarketYear(models.Model):
    """One year of national or pilot carbon-market reporting (R7.4.1-O3)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="carbon_market_years")
    year = models.PositiveSmallIntegerField(_("year"))
    market = models.CharField(_("market"), max_length=100)
    verified = models.BooleanField(_("passed third-party verification"), default=False)
    verifier = models.CharField(_("verification body"), max_length=200, blank=True)

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["organisation", "year", "market"], name="unique_market_year")]


class CarbonTarget(models.Model):
    """A carbon objective or target with its performance indicator (R7.1-D11 as structured data)."""

    ABSOLUTE, INTENSITY = "absolute", "intensity"
    KINDS = [(ABSOLUTE, _("absolute emissions")), (INTENSITY, _("emission intensity"))]
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="targets")
    indicator = models.CharField(_("indicator"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=KINDS)
    unit = models.CharField(_("unit"), max_length=40)
    baseline_value = models.DecimalField(_("baseline value"), max_digits=16, decimal_places=4)
    target_value = models.DecimalField(_("target value"), max_digits=16, decimal_places=4)
    target_year = models.PositiveSmallIntegerField(_("target year"))

    class Meta:
        ordering = ["target_year", "pk"]

    @property
    def change_percent(self):
        if not self.baseline_value:
            return None
        return (self.target_value - self.baseline_value) / self.baseline_value * 100


class ActionPlan(models.Model):
    """A carbon management action plan (碳管理措施计划)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="action_plans")
    title = models.CharField(_("measure"), max_length=200)
    expected_reduction = models.DecimalField(_("expected reduction (tCO2e/a)"), max_digits=14, decimal_places=2,
                                             null=True, blank=True)
    responsible = models.CharField(_("responsible"), max_length=100)
    due = models.DateField(_("due"))

    class Meta:
        ordering = ["due", "pk"]


def _contract_path(instance, filename):
    return f"contracts/{instance.application_id}/{filename}"


class Contract(models.Model):
    """The certification agreement and fee quote issued on acceptance (R7.2-contract, R12)."""

    ISSUED, SIGNED, PAID = "issued", "signed", "paid"
    STATUSES = [(ISSUED, _("issued, awaiting the client's signature")), (SIGNED, _("signed, awaiting payment")),
                (PAID, _("signed and paid"))]

    application = models.OneToOneField(Application, on_delete=models.PROTECT, related_name="contract")
    number = models.CharField(_("contract number"), max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=20, choices=STATUSES, default=ISSUED)
    auditor_days = models.DecimalField(_("auditor-days"), max_digits=6, decimal_places=1)
    justification = models.JSONField(default=list)  # [{"zh": …, "en": …, "source": …}]
    fee_items = models.JSONField(default=list)  # [{"zh", "en", "quantity", "unit_price", "amount"}]
    total = models.DecimalField(_("total (yuan)"), max_digits=12, decimal_places=2)
    pdf = models.FileField(upload_to=_contract_path)
    sha256 = models.CharField(max_length=64)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField()
    signer_name = models.CharField(_("signed for the client by"), max_length=100, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    signed_at = models.DateTimeField(null=True, blank=True)
    paid_amount = models.DecimalField(_("amount paid"), max_digits=12, decimal_places=2, null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    paid_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                         related_name="+")
    paid_at = models.DateTimeField(null=True, blank=True)


class ScopeLevel(models.Model):
    """A level beyond the organisation that the client's CMS covers, with the quantification standard chosen and
    what it covers (R5.b product, R5.c project, R5.d activity/event; scheme/levels.py). The organisation level
    (R5.a) is always covered and has no row."""

    PRODUCT, PROJECT, ACTIVITY = "product", "project", "activity"
    LEVELS = [(PRODUCT, _("product level")), (PROJECT, _("project level")), (ACTIVITY, _("activity (event) level"))]

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scope_levels")
    level = models.CharField(_("level"), max_length=20, choices=LEVELS)
    standard = models.CharField(_("quantification standard"), max_length=40)
    standard_name = models.CharField(_("standard named by the client"), max_length=200, blank=True)
    covers = models.JSONField(_("covers"), default=list)

    class Meta:
        ordering = ["application", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["application", "level"], name="one_scope_level_per_application"),
            models.CheckConstraint(condition=models.Q(level__in=["product", "project", "activity"]),
                                   name="scope_level_known"),
        ]
