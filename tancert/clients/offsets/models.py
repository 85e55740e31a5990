"""Retired offset units registered for an event's carbon neutrality (R5.d, docs/events.md): a serial offsets once
in the whole platform. The unique constraint on the normalised serial stands behind the action's check."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RetiredOffset(models.Model):
    serial = models.CharField(_("serial"), max_length=200, unique=True)  # normalised: no spaces, upper case
    serial_as_given = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)  # CCER, CEA, pilot, puhui, CER (events/data/guide.json)
    vintage = models.PositiveSmallIntegerField()
    tco2e = models.FloatField()
    event_name = models.CharField(max_length=200)
    organisation = models.ForeignKey("clients.Organisation", on_delete=models.PROTECT, related_name="retired_offsets")
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    registered_at = models.DateTimeField(auto_now_add=True)
    workbook_sha256 = models.CharField(max_length=64)

    class Meta:
        app_label = "clients"
        ordering = ["pk"]
