"""Product, project and event inventories verified inside the audit (R5.b / R6.3-pcf, R5.c, R5.d): workbook
versions, the answers to the engine's blocking findings, frozen figures — one set per scope level the
application covers. Nothing here is overwritten: an upload is a version, a frozen result is a version.
The actions live in `tancert.audits.carbon.levels.actions`."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LEVELS = [("product", _("product level")), ("project", _("project level")), ("activity", _("activity (event) level"))]
_KNOWN = models.Q(level__in=["product", "project", "activity"])


def _level_path(instance, filename):
    return f"audits/{instance.audit_id}/levels/{instance.level}/v{instance.version}-{filename}"


class LevelUpload(models.Model):
    """One version of a level's workbook (the engine's template), as uploaded, with what the engine said."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="level_uploads")
    level = models.CharField(max_length=20, choices=LEVELS)
    version = models.PositiveIntegerField()
    file = models.FileField(upload_to=_level_path)
    original_name = models.CharField(max_length=255)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    inputs_sha256 = models.CharField(max_length=64)
    engine = models.CharField(max_length=60)
    blocking = models.BooleanField(default=False)
    # The engine's JSON (findings capped) and the short figures the page and the freeze show (levels/summary.py).
    results = models.JSONField(default=dict)
    figures = models.JSONField(default=dict)
    findings = models.JSONField(default=list)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "level", "version"]
        constraints = [models.UniqueConstraint(fields=["audit", "level", "version"], name="unique_level_upload_version"),
                       models.CheckConstraint(condition=_KNOWN, name="level_upload_level_known")]


class LevelFindingAnswer(models.Model):
    """A blocking finding of a level's engine answered: confirmed as an audit finding, or dismissed by the team
    leader with the reason (R6.2-review, as for the organisation's inventory)."""

    CONFIRMED, DISMISSED = "confirmed", "dismissed"
    upload = models.ForeignKey(LevelUpload, on_delete=models.PROTECT, related_name="answers")
    key = models.CharField(max_length=80)
    answer = models.CharField(max_length=12, choices=[(CONFIRMED, _("audit finding")), (DISMISSED, _("dismissed"))])
    finding = models.ForeignKey("audits.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["upload", "key"], name="unique_level_finding_answer")]


class FrozenLevelFigures(models.Model):
    """A level's verified figures frozen into the audit: the engine's record and the short figures the report
    states, with the inputs' SHA-256 and the engine version."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="frozen_levels")
    level = models.CharField(max_length=20, choices=LEVELS)
    version = models.PositiveIntegerField()
    upload = models.ForeignKey(LevelUpload, on_delete=models.PROTECT, related_name="+")
    inputs_sha256 = models.CharField(max_length=64)
    record_sha256 = models.CharField(max_length=64)
    engine = models.CharField(max_length=60)
    record = models.JSONField()
    figures = models.JSONField()
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    frozen_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "level", "version"]
        constraints = [models.UniqueConstraint(fields=["audit", "level", "version"], name="unique_frozen_level_version"),
                       models.CheckConstraint(condition=_KNOWN, name="frozen_level_known")]
