"""Carbon data verification inside an audit (R6, R7.4.3): inventory versions, sample checks, frozen figures.

Nothing here is ever overwritten: an upload is a version, a frozen result is a version, a sample
check is written once. The actions live in `tancert.audits.carbon.actions`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _inventory_path(instance, filename):
    return f"audits/{instance.audit_id}/inventory/v{instance.version}-{filename}"


class InventoryUpload(models.Model):
    """One version of the client's inventory in the engine's template, as uploaded (kept as a record)."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="inventories")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=_inventory_path)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    # What the engine computed when the file came in (CheckResult.to_json with the findings capped):
    # shown on the page; the frozen figures are computed again from the file at freezing time.
    inputs_sha256 = models.CharField(max_length=64)
    reporting_year = models.PositiveSmallIntegerField()
    total_tco2e = models.FloatField()
    blocking = models.BooleanField(default=False)
    results = models.JSONField(default=dict)
    # The sample the engine proposed (R6.2-sampling): [{"row", "source_id", "period", "kind", "activity",
    # "quantity", "unit", "crosscheck_source"}], and the sample rule and seed.
    sample = models.JSONField(default=list)
    sample_rule = models.TextField(blank=True)
    sample_seed = models.BigIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "version"]
        constraints = [models.UniqueConstraint(fields=["audit", "version"], name="unique_inventory_version")]

    def __str__(self) -> str:
        return f"{self.original_name} v{self.version}"

    def sample_row(self, row: int) -> dict | None:
        return next((r for r in self.sample if r["row"] == row), None)


class SampleCheck(models.Model):
    """What the auditor checked a sampled record against, the value found and the result (R6.2-crosscheck)."""

    INVOICE, LEDGER, METER, LAB, CONTRACT, REPORT, OTHER = ("invoice", "ledger", "meter_reading", "lab_report",
                                                           "contract", "production_report", "other")
    SOURCES = [(INVOICE, _("invoice")), (LEDGER, _("energy ledger")), (METER, _("meter reading")),
               (LAB, _("laboratory report")), (CONTRACT, _("purchase or supply contract")),
               (REPORT, _("production report")), (OTHER, _("other independent source"))]
    AGREES, DISCREPANCY = "agrees", "discrepancy"
    RESULTS = [(AGREES, _("agrees")), (DISCREPANCY, _("discrepancy"))]

    upload = models.ForeignKey(InventoryUpload, on_delete=models.PROTECT, related_name="checks")
    row = models.PositiveIntegerField(help_text="sheet row of the sampled record")
    source_kind = models.CharField(_("independent source"), max_length=30, choices=SOURCES)
    reference = models.CharField(_("document reference"), max_length=200)
    value_found = models.FloatField(_("value found"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=20, choices=RESULTS)
    note = models.TextField(_("note"), blank=True)
    finding = models.ForeignKey("audits.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["upload", "row"]
        constraints = [models.UniqueConstraint(fields=["upload", "row"], name="unique_sample_check")]


class ConfirmedDataFinding(models.Model):
    """A data-quality finding of the engine that the auditor confirmed as an audit finding."""

    upload = models.ForeignKey(InventoryUpload, on_delete=models.PROTECT, related_name="confirmed")
    rule = models.CharField(max_length=40)
    finding = models.ForeignKey("audits.Finding", on_delete=models.PROTECT, related_name="+")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "rule"], name="unique_confirmed_rule")]


class DismissedDataFinding(models.Model):
    """A blocking data-quality finding of the engine that the team leader dismissed, with the reason
    (R6.2-review: every datum reviewed; a blocking finding is either an audit finding or answered here)."""

    upload = models.ForeignKey(InventoryUpload, on_delete=models.PROTECT, related_name="dismissed")
    rule = models.CharField(max_length=40)
    reason = models.TextField()
    dismissed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dismissed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "rule"], name="unique_dismissed_rule")]


class FrozenCarbonFigures(models.Model):
    """The verified figures frozen into the audit: later factor-library changes never rewrite them.

    `record` is the engine's self-contained frozen record (tancert.ghg.freeze: inputs, factor
    versions, resolver answers, results); `figures` is what the report shows, taken from it once.
    """

    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="frozen_figures")
    version = models.PositiveIntegerField()
    upload = models.ForeignKey(InventoryUpload, on_delete=models.PROTECT, related_name="+")
    inputs_sha256 = models.CharField(max_length=64)
    record_sha256 = models.CharField(max_length=64)
    record = models.JSONField()
    figures = models.JSONField()
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    frozen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "version"]
        constraints = [models.UniqueConstraint(fields=["audit", "version"], name="unique_frozen_version")]


class MonteCarloRun(models.Model):
    """A Monte Carlo uncertainty (IPCC Approach 2) run by the auditor on one inventory version, beside
    Approach 1 (R6.2-uncertainty; docs/ghg.md, "Monte Carlo on the carbon page"). The seed is the inventory's
    own sampling seed, so the run is reproduced from the file alone; freezing the figures runs it again."""

    MIN_ITERATIONS, MAX_ITERATIONS = 1_000, 20_000

    upload = models.ForeignKey(InventoryUpload, on_delete=models.PROTECT, related_name="monte_carlo_runs")
    iterations = models.PositiveIntegerField()
    seed = models.BigIntegerField()
    # {"mean", "lower", "upper", "u_pct"} of the total, and the engine's notes; Approach 1 of the same run beside it.
    total = models.JSONField()
    approach1 = models.JSONField()
    notes = models.JSONField(default=list)
    run_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    run_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["upload", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "iterations"], name="unique_monte_carlo_run"),
            models.CheckConstraint(condition=models.Q(iterations__gte=1_000, iterations__lte=20_000),
                                   name="monte_carlo_iterations_bounded"),
        ]


def _meter_path(instance, filename):
    return f"audits/{instance.upload.audit_id}/meters/v{instance.version}-{filename}"


class MeterSeriesUpload(models.Model):
    """A meter or CEMS series (.csv/.parquet) reconciled with one inventory version (R6.2-crosscheck,
    R6.2-calibration; docs/ghg.md "Meter series"). Its blocking findings join the inventory's, under the id
    ``meters/<rule>``, and are confirmed or dismissed like them; a new inventory version needs the series again."""

    upload = models.ForeignKey(InventoryUpload, on_delete=models.PROTECT, related_name="meter_series")
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=_meter_path)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    # meterchecks.check_series: per meter readings, gaps, flat-lines, lapsed readings and the months reconciled
    report = models.JSONField(default=dict)
    findings_summary = models.JSONField(default=list)
    blocking = models.BooleanField(default=False)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["upload", "version"]
        constraints = [models.UniqueConstraint(fields=["upload", "version"], name="unique_meter_series_version")]
