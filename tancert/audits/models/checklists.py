"""Checklists of an audit: items (focus items, clauses, overlays), evidence and the answer history (R7.4.2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _evidence_path(instance, filename):
    return f"audits/{instance.item.checklist.audit_id}/evidence/{filename}"


class Checklist(models.Model):
    """Built once per audit from the clause tree, policy and overlays in force then; it keeps those versions."""

    audit = models.OneToOneField("audits.Audit", on_delete=models.CASCADE, related_name="checklist")
    tree_version = models.CharField(max_length=60)
    policy_version = models.CharField(max_length=60)
    overlays = models.JSONField(default=list, blank=True)  # [{"id", "version", "official"}]
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class ChecklistItem(models.Model):
    FOCUS, CLAUSE, OVERLAY, LEVEL = "focus", "clause", "overlay", "level"
    KINDS = [(FOCUS, _("focus item")), (CLAUSE, _("clause")), (OVERLAY, _("industry overlay")),
             (LEVEL, _("scope level (product, project, event)"))]
    CONFORMING, FINDING, NOT_AUDITED = "conforming", "finding", "not_audited"
    CONFORMITIES = [(CONFORMING, _("conforming")), (FINDING, _("finding")), (NOT_AUDITED, _("not audited"))]

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveIntegerField()
    code = models.CharField(max_length=40)
    kind = models.CharField(max_length=10, choices=KINDS)
    title_zh = models.TextField()
    title_en = models.TextField()
    status = models.CharField(max_length=30, blank=True)  # the clause's inferred / confirmed flag
    clauses = models.JSONField(default=list, blank=True)  # clause numbers a focus / overlay item is audited against
    rule_key = models.CharField(max_length=30)  # the key a violation about this item cites
    mandatory = models.BooleanField(default=True)
    conformity = models.CharField(max_length=20, choices=CONFORMITIES, blank=True)
    reason = models.TextField(blank=True)
    auditor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="+")
    version = models.PositiveIntegerField(default=0)  # optimistic concurrency: each answer adds one
    updated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["checklist", "position"]
        constraints = [models.UniqueConstraint(fields=["checklist", "code"], name="unique_checklist_code")]

    def title(self, lang: str = "zh") -> str:
        return self.title_zh if lang.lower().startswith("zh") else self.title_en

    def __str__(self) -> str:
        return f"{self.code} {self.title_zh}"


class ChecklistAnswer(models.Model):
    """Every answer given to an item, with the client-generated UUID that makes offline sync idempotent."""

    uuid = models.UUIDField(unique=True)
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="answers")
    conformity = models.CharField(max_length=20)
    reason = models.TextField(blank=True)
    version = models.PositiveIntegerField()  # the item's version after this answer
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "version"]


class EvidenceEntry(models.Model):
    NOTE, DOCUMENT, PHOTO, INTERVIEW = "note", "document", "photo", "interview"
    KINDS = [(NOTE, _("note")), (DOCUMENT, _("document")), (PHOTO, _("photo")), (INTERVIEW, _("interview"))]

    uuid = models.UUIDField(unique=True)
    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(max_length=12, choices=KINDS)
    text = models.TextField(blank=True)
    person = models.CharField(max_length=200, blank=True)  # who was interviewed / whose document
    observed_at = models.DateTimeField()  # when seen on site (the device's time for offline entries)
    file = models.FileField(upload_to=_evidence_path, null=True, blank=True)
    original_name = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["item", "observed_at", "pk"]

    def who(self) -> str:
        return self.person or self.recorded_by.get_full_name()


class FindingResponseFile(models.Model):
    """A file the client uploads as evidence of its correction / corrective action."""

    finding = models.ForeignKey("audits.Finding", on_delete=models.CASCADE, related_name="response_files")
    file = models.FileField(upload_to="findings/%Y/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)


class CheckIn(models.Model):
    """CNCA-style opening / closing meeting check-in with 1–3 team photos (reference/certification.md §3)."""

    OPENING, CLOSING = "opening", "closing"
    MEETINGS = [(OPENING, _("opening meeting")), (CLOSING, _("closing meeting"))]
    audit = models.ForeignKey("audits.Audit", on_delete=models.CASCADE, related_name="checkins")
    meeting = models.CharField(max_length=10, choices=MEETINGS)
    at = models.DateTimeField()
    location = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "at"]
        constraints = [models.UniqueConstraint(fields=["audit", "meeting"], name="unique_checkin_meeting")]


class CheckInPhoto(models.Model):
    checkin = models.ForeignKey(CheckIn, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(upload_to="checkins/%Y/")
    content_type = models.CharField(max_length=100)
    sha256 = models.CharField(max_length=64)


class CheckInExplanation(models.Model):
    """The explanation of one check-in anomaly by one side: the audit team (an auditor) or the body (the
    programme manager), as the CNCA system asks both (CB-checkin; audits/checklists/explanations.py). The
    anomaly is named by its key (``kind:meeting``, audits/checklists/checkin_rules.Anomaly.key)."""

    AUDITOR, BODY = "auditor", "body"
    PARTIES = [(AUDITOR, _("auditor")), (BODY, _("certification body"))]
    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="checkin_explanations")
    anomaly = models.CharField(max_length=40)
    party = models.CharField(max_length=10, choices=PARTIES)
    text = models.TextField(max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "anomaly", "party"]
        constraints = [
            models.UniqueConstraint(fields=["audit", "anomaly", "party"], name="unique_checkin_explanation"),
            models.CheckConstraint(condition=models.Q(party__in=["auditor", "body"]), name="checkin_explanation_party"),
        ]
