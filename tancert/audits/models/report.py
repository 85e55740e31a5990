"""The audit report (R7.5.1): signed versions, each a PDF/A record with its SHA-256 in the event."""

from __future__ import annotations

from django.conf import settings
from django.db import models


def _report_path(instance, filename):
    return f"audits/{instance.audit_id}/report/{filename}"


class AuditReport(models.Model):
    """One signed version of an audit's report. A later change is a new version; none is overwritten."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="reports")
    version = models.PositiveIntegerField()
    # Everything the PDF shows, as it was at signing (so the PDF can be explained without the live data).
    content = models.JSONField()
    frozen = models.ForeignKey("audits.FrozenCarbonFigures", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    pdf = models.FileField(upload_to=_report_path)
    sha256 = models.CharField(max_length=64)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    signed_at = models.DateTimeField()
    superseded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["audit", "version"]
        constraints = [models.UniqueConstraint(fields=["audit", "version"], name="unique_report_version")]

    @property
    def filename(self) -> str:
        return f"audit-report-{self.audit_id}-v{self.version}.pdf"
