"""The stage 1 record (R7.4.1-S1): document review per submitted document and the planning of stage 2."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage1Record(models.Model):
    audit = models.OneToOneField("audits.Audit", on_delete=models.CASCADE, related_name="stage1_record")
    ready_for_stage2 = models.BooleanField(_("ready for stage 2"), null=True)
    readiness = models.TextField(_("readiness for stage 2"), blank=True)
    carbon_review = models.TextField(_("how the carbon review was carried out"), blank=True)
    baseline = models.TextField(_("how the carbon baseline was established"), blank=True)
    significant_sources = models.TextField(_("significant emission sources"), blank=True)
    key_parameters = models.TextField(_("key operating parameters and relevant variables"), blank=True)
    performance_evaluation = models.TextField(_("how carbon performance is evaluated"), blank=True)
    resources = models.TextField(_("professional resources needed for stage 2"), blank=True)
    stage2_arrangements = models.TextField(_("agreed stage 2 arrangements"), blank=True)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(null=True)

    TEXT_FIELDS = ("readiness", "carbon_review", "baseline", "significant_sources", "key_parameters",
                   "performance_evaluation", "resources", "stage2_arrangements")
    KEY_POINT_FIELDS = ("significant_sources", "key_parameters", "performance_evaluation")


class Stage1DocumentReview(models.Model):
    ADEQUATE, INADEQUATE, NOT_APPLICABLE = "adequate", "inadequate", "not_applicable"
    RESULTS = [(ADEQUATE, _("adequate")), (INADEQUATE, _("needs improvement before stage 2")),
               (NOT_APPLICABLE, _("not applicable"))]
    record = models.ForeignKey(Stage1Record, on_delete=models.CASCADE, related_name="document_reviews")
    code = models.CharField(max_length=4)  # D1…D11
    document = models.ForeignKey("clients.ApplicationDocument", null=True, on_delete=models.PROTECT,
                                 related_name="+")  # the version reviewed
    result = models.CharField(max_length=20, choices=RESULTS)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["record", "pk"]
        constraints = [models.UniqueConstraint(fields=["record", "code"], name="unique_stage1_doc_review")]
