"""Observed misuse of the certification mark (R11.1)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MarkMisuse(models.Model):
    """Misuse of the certification mark found by the body (R11.2): a finding on the certificate."""

    certificate = models.ForeignKey("certificates.Certificate", on_delete=models.PROTECT, related_name="mark_misuses")
    observed_on = models.DateField(_("observed on"))
    description = models.TextField(_("what was found"))
    evidence = models.TextField(_("evidence"))
    action = models.TextField(_("action required"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["-observed_on", "-pk"]
