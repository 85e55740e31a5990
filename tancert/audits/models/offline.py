"""Receipts of entries made offline (docs/audits.md §5): the key the auditor's device gave an entry, and what it
created. The unique key is the database's guarantee that an entry replayed after a lost reply is applied once."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OfflineReceipt(models.Model):
    FINDING, CHECKIN, SAMPLE_CHECK, STAGE1 = "finding", "checkin", "sample_check", "stage1"
    KINDS = [(FINDING, FINDING), (CHECKIN, CHECKIN), (SAMPLE_CHECK, SAMPLE_CHECK), (STAGE1, STAGE1)]

    uuid = models.UUIDField(unique=True)
    kind = models.CharField(max_length=20, choices=KINDS)
    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="offline_receipts")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
