"""The auditor register (R4, R7.3.2): what the body knows about each auditor and expert.

Every row here is changed only through :mod:`tancert.people.auditors.actions`; the planning engine
reads it through :mod:`tancert.people.auditors.snapshots` (the :class:`~tancert.planning.teams.Auditor`
snapshot). Imported at the bottom of ``people/models.py`` so that Django sees the models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class Grade(models.TextChoices):
    """CCAA management-system auditor grades (reference/certification.md §5)."""

    PROVISIONAL = "provisional", _("provisional auditor")  # 实习审核员
    AUDITOR = "auditor", pgettext_lazy("CCAA grade", "auditor")  # 审核员
    SENIOR = "senior", _("senior auditor")  # 高级审核员


class CurrentManager(models.Manager):
    """The current register: entries not ended. ``history`` on each model reads the ended ones too."""

    def get_queryset(self):
        return super().get_queryset().filter(ended_at__isnull=True)


class Endable(models.Model):
    """A register entry is never deleted (CB-register-history): it is ended on a day, by someone, with a
    reason, and stays readable in the person's history. ``objects`` (and every related manager, which Django
    builds from the default manager) shows the current entries only, so the team check and the snapshots see
    what is in force without a filter of their own."""

    ended_at = models.DateTimeField(_("ended on"), null=True, blank=True)
    ended_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    end_reason = models.CharField(_("reason for ending"), max_length=200, blank=True)

    objects = CurrentManager()
    history = models.Manager()

    class Meta:
        abstract = True


class CcaaRegistration(Endable):
    """R4.A1: registration as a management-system auditor with CCAA. Renewals are new rows."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="ccaa_registrations")
    grade = models.CharField(_("grade"), max_length=20, choices=Grade.choices)
    number = models.CharField(_("registration number"), max_length=60)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_to", "-pk"]
        verbose_name = _("CCAA registration")


class QualificationType(models.Model):
    """A configurable qualification, e.g. the GHG manager (温室气体管理师) of R7.3.2."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    is_ghg_manager = models.BooleanField(_("counts as GHG manager (R7.3.2)"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("qualification type")

    @property
    def name(self) -> str:
        return self.name_zh if (get_language() or "zh").lower().startswith("zh") else self.name_en

    def __str__(self) -> str:
        return self.name


class Qualification(Endable):
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="qualifications")
    type = models.ForeignKey(QualificationType, on_delete=models.PROTECT, related_name="held",
                             verbose_name=_("qualification"))
    issuer = models.CharField(_("issuer"), max_length=200)
    number = models.CharField(_("certificate number"), max_length=60)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-valid_to", "-pk"]
        verbose_name = _("qualification")


class Experience(Endable):
    """R4.A2: work experience in energy management, environmental management or the carbon field."""

    ENERGY, ENVIRONMENT, CARBON = "energy", "environment", "carbon"
    FIELDS = [(ENERGY, _("energy management")), (ENVIRONMENT, _("environmental management")),
              (CARBON, _("carbon field"))]
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="experiences")
    field = models.CharField(_("field"), max_length=20, choices=FIELDS)
    employer = models.CharField(_("employer"), max_length=200)
    started_on = models.DateField(_("from"))
    ended_on = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty while still going on."))
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["-started_on", "-pk"]
        verbose_name = _("work experience")


class CompetenceEvaluation(Endable):
    """R4.A3 (CMS competence, no area) or a competence for an Appendix A area × function (R7.3.2)."""

    CMS, AREA = "cms", "area"
    KINDS = [(CMS, _("CMS competence (R4.A3)")), (AREA, _("technical area and function"))]
    FUNCTIONS = [("auditor", pgettext_lazy("function", "auditor")), ("technical_expert", _("technical expert")),
                 ("team_leader", _("team leader")), ("decision_maker", _("decision maker")),
                 ("application_reviewer", _("application reviewer"))]
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="competences")
    kind = models.CharField(_("kind"), max_length=10, choices=KINDS)
    area = models.PositiveSmallIntegerField(_("technical area"), null=True, blank=True)
    function = models.CharField(_("function"), max_length=30, choices=FUNCTIONS, blank=True)
    evaluated_on = models.DateField(_("evaluated on"))
    evaluator = models.CharField(_("evaluator"), max_length=100)
    evidence = models.TextField(_("evidence"))

    class Meta:
        ordering = ["kind", "area", "function", "-evaluated_on"]
        verbose_name = _("competence evaluation")
        constraints = [models.CheckConstraint(
            condition=(models.Q(kind="cms", area__isnull=True, function="")
                       | models.Q(kind="area", area__isnull=False) & ~models.Q(function="")),
            name="competence_kind_shape")]


class CpdPlan(models.Model):
    """R4.CPD: the continuing-education content the body sets for a calendar year."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    content = models.TextField(_("content"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("CPD plan")


class CpdRecord(Endable):
    """R4.CPD: one person's continuing education in a calendar year; done when completed_on is set."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="cpd_records")
    year = models.PositiveSmallIntegerField(_("year"))
    content = models.TextField(_("planned content"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, default=0)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "-pk"]
        verbose_name = _("continuing education")


class ConflictDeclaration(Endable):
    """A conflict-of-interest declaration (impartiality, ISO/IEC 17021-1; cited as R7.3.2)."""

    CONSULTED, EMPLOYED, OTHER = "consulted", "employed", "other"
    KINDS = [(CONSULTED, _("consulted for")), (EMPLOYED, _("employed by")), (OTHER, _("other relationship"))]
    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="conflict_declarations")
    organisation = models.ForeignKey("clients.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("organisation"))
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    kind = models.CharField(_("relationship"), max_length=20, choices=KINDS)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("to"), null=True, blank=True, help_text=_("Empty while still going on."))
    declared_on = models.DateField(_("declared on"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-declared_on", "-pk"]
        verbose_name = _("conflict-of-interest declaration")

    @property
    def display_name(self) -> str:
        return self.organisation.name if self.organisation_id else self.organisation_name


class Unavailability(Endable):
    """Days off, training, leave: the person cannot be on an audit team (inclusive range)."""

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="unavailability")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("unavailability")


def client_organisations():
    """The client organisations' manager, reached through the declared relation rather than an import:
    the auditor register sits below the clients app (docs/architecture.md, "Layers")."""
    return ConflictDeclaration._meta.get_field("organisation").related_model.objects


class AuditorRecord(Endable):
    """Monitoring and training of an auditor (CB-auditor-evaluation, CB-training): a witness audit (the evaluator
    observes the person auditing), the annual performance evaluation, or a training attended. A not-satisfactory
    witness or evaluation, while it is the latest one, keeps the person from auditing (planning/teams.py)."""

    WITNESS, EVALUATION, TRAINING = "witness", "evaluation", "training"
    KINDS = [(WITNESS, _("witness audit")), (EVALUATION, _("annual performance evaluation")),
             (TRAINING, _("training"))]
    SATISFACTORY, IMPROVE, UNSATISFACTORY = "satisfactory", "improve", "unsatisfactory"
    OUTCOMES = [(SATISFACTORY, _("satisfactory")), (IMPROVE, _("satisfactory, with improvements to make")),
                (UNSATISFACTORY, _("not satisfactory"))]

    user = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="auditor_records")
    kind = models.CharField(_("kind"), max_length=12, choices=KINDS)
    on = models.DateField(_("date"))
    title = models.CharField(_("audit witnessed or training"), max_length=200)
    evaluator = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=15, choices=OUTCOMES, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1, null=True, blank=True)
    basis = models.TextField(_("basis"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-pk"]
        verbose_name = _("auditor monitoring or training record")
        constraints = [models.CheckConstraint(
            condition=(models.Q(kind="training", outcome="", evaluator__isnull=True)
                       | models.Q(kind__in=["witness", "evaluation"], evaluator__isnull=False)
                       & ~models.Q(outcome="") & ~models.Q(evaluator=models.F("user"))),
            name="auditor_record_shape")]
