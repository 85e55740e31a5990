"""The monthly regulator reports that were generated (docs/certificates.md)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RegulatorExport(models.Model):
    """A monthly report to the regulator (certificates/export.py); the sweep reminds until it exists."""

    period = models.CharField(max_length=7, unique=True)  # YYYY-MM
    generated_at = models.DateTimeField()
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    mapping_version = models.CharField(max_length=10)
    sha256 = models.CharField(max_length=64)
    counts = models.JSONField(default=dict)

    class Meta:
        ordering = ["-period"]
