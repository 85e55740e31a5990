"""Audits, audit teams and findings (R7.3, R7.4, R8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Audit(models.Model):
    STAGE1, STAGE2 = "stage1", "stage2"
    SURVEILLANCE, RECERTIFICATION, SPECIAL = "surveillance", "recertification", "special"
    KINDS = [
        (STAGE1, _("stage 1 audit")),
        (STAGE2, _("stage 2 audit")),
        (SURVEILLANCE, _("surveillance audit")),
        (RECERTIFICATION, _("recertification audit")),
        (SPECIAL, _("special audit")),
    ]
    PLANNED, IN_PROGRESS, COMPLETED, CANCELLED = "planned", "in_progress", "completed", "cancelled"
    STATUSES = [(PLANNED, _("planned")), (IN_PROGRESS, _("in progress")), (COMPLETED, _("completed")),
                (CANCELLED, pgettext_lazy("audit status", "cancelled"))]
    # CNCA audit method codes (reference/certification.md §2 MD4).
    METHODS = [("FS01", _("on site (FS01)")), ("FS02", _("remote (FS02)")), ("FS03", _("mixed (FS03)"))]
    RECOMMEND, NOT_RECOMMEND = "recommend", "not_recommend"
    RECOMMENDATIONS = [(RECOMMEND, _("recommend certification")), (NOT_RECOMMEND, _("do not recommend"))]

    organisation = models.ForeignKey("clients.Organisation", on_delete=models.PROTECT, related_name="audits")
    application = models.ForeignKey("clients.Application", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="audits")
    certificate = models.ForeignKey("certificates.Certificate", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="audits")
    kind = models.CharField(_("audit type"), max_length=20, choices=KINDS)
    sequence = models.PositiveSmallIntegerField(default=0, help_text="surveillance number in the cycle")
    status = models.CharField(_("status"), max_length=20, choices=STATUSES, default=PLANNED)
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    auditor_days = models.DecimalField(_("auditor-days"), max_digits=5, decimal_places=1)
    method = models.CharField(_("audit method"), max_length=4, choices=METHODS, default="FS01")
    offsite = models.BooleanField(_("off site"), default=False)
    offsite_reason = models.TextField(_("reason for off-site stage 1"), blank=True)
    scope = models.TextField(_("audit scope"), blank=True)
    conclusion = models.TextField(_("conclusion"), blank=True)
    recommendation = models.CharField(_("recommendation"), max_length=20, choices=RECOMMENDATIONS, blank=True)
    planned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # CNCA check-ins (认证到) at the opening and closing meetings: on unless the programme manager waived them
    # (CB-checkin; off by default only for an off-site FS01 stage 1, see save()).
    checkin_required = models.BooleanField(_("check-ins required"), default=True)
    # R10-time: other management systems audited together, each with its separate time [{"name", "days"}].
    combined_with = models.JSONField(_("combined with other management systems"), default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["start_date", "pk"]

    def __str__(self) -> str:
        return f"{self.organisation.name} — {self.get_kind_display()} {self.start_date:%Y-%m-%d}"

    def save(self, *args, **kwargs):
        # CB-checkin (docs/obligations.md, 审核签到): every management-system audit checks in since 2022-12-01,
        # remote ones too — except a stage 1 held as a document review at the body's office (FS01, off site),
        # where the team meets no one. Only on creation: later the programme manager decides, recorded.
        if self._state.adding and self.checkin_required and self.offsite and self.method == "FS01":
            self.checkin_required = False
        super().save(*args, **kwargs)

    def leader(self):
        member = self.team.filter(role=AuditTeamMember.LEADER).select_related("user").first()
        return member.user if member else None


class AuditTeamMember(models.Model):
    LEADER, AUDITOR, EXPERT = "leader", "auditor", "technical_expert"
    ROLES = [(LEADER, _("team leader")), (AUDITOR, _("auditor")), (EXPERT, _("technical expert"))]
    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_assignments")
    role = models.CharField(_("role"), max_length=20, choices=ROLES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["audit", "user"], name="unique_team_member")]


class Finding(models.Model):
    MAJOR, MINOR, OBSERVATION, IMPROVEMENT = "major", "minor", "observation", "improvement"
    GRADES = [(MAJOR, _("major nonconformity")), (MINOR, _("minor nonconformity")),
              (OBSERVATION, _("observation")), (IMPROVEMENT, _("opportunity for improvement"))]
    OPEN, RESPONDED, ACCEPTED, RETURNED, VERIFIED = "open", "responded", "accepted", "returned", "verified"
    STATUSES = [(OPEN, _("open")), (RESPONDED, _("answered by the client")), (ACCEPTED, _("accepted")),
                (RETURNED, _("returned to the client")), (VERIFIED, _("verified"))]

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="findings")
    number = models.PositiveIntegerField()
    grade = models.CharField(_("grade"), max_length=20, choices=GRADES)
    clause = models.CharField(_("clause"), max_length=40, blank=True)
    description = models.TextField(_("description"))
    evidence = models.TextField(_("evidence"))
    due_date = models.DateField(_("answer due by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=STATUSES, default=OPEN)
    correction = models.TextField(_("correction"), blank=True)
    root_cause = models.TextField(_("root cause"), blank=True)
    corrective_action = models.TextField(_("corrective action"), blank=True)
    response_evidence = models.TextField(_("evidence of the correction"), blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    # The checklist item it was raised on and the evidence entries that support it.
    checklist_item = models.ForeignKey("audits.ChecklistItem", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="findings")
    evidence_entries = models.ManyToManyField("audits.EvidenceEntry", blank=True, related_name="findings")

    class Meta:
        ordering = ["audit", "number"]
        constraints = [models.UniqueConstraint(fields=["audit", "number"], name="unique_finding_number")]

    @property
    def is_nonconformity(self) -> bool:
        from tancert.audits import grades

        return grades.resolve(self.grade) in (grades.VERIFY, grades.ACCEPT)

    @property
    def needs_verification(self) -> bool:
        from tancert.audits import grades

        return grades.resolve(self.grade) == grades.VERIFY

    @property
    def grade_label(self) -> str:
        from tancert.audits import grades

        return grades.label(self.grade)

    @property
    def is_resolved(self) -> bool:
        """Majors (grades to verify) must be verified; minors need an accepted plan; others need nothing."""
        from tancert.audits import grades

        need = grades.resolve(self.grade)
        if need == grades.VERIFY:
            return self.status == self.VERIFIED
        if need == grades.ACCEPT:
            return self.status in (self.ACCEPTED, self.VERIFIED)
        return True


class FindingRecheck(models.Model):
    """An earlier audit's nonconformity re-checked at the next surveillance or recertification audit: was its
    corrective action implemented and effective (R8.1.3-F5, CB-findings-forward; audits/findings/forward.py)."""

    audit = models.ForeignKey(Audit, on_delete=models.PROTECT, related_name="rechecks")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="rechecks")
    effective = models.BooleanField(_("corrective action effective"))
    note = models.TextField(_("what was checked"), max_length=2000)
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    checked_at = models.DateTimeField()

    class Meta:
        ordering = ["audit", "finding"]
        constraints = [models.UniqueConstraint(fields=["audit", "finding"], name="one_recheck_per_audit")]
