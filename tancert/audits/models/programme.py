"""The audit programme as data (R8.1-programme): one programme per client and
certification cycle, its entries (stage 1, stage 2, surveillance 1/2, recertification, extra
surveillance) with the windows computed by ``planning/programme.py``, the team confirmations and
the audit plan documents.

History is never overwritten: replanning an entry adds a new version and marks the old one as
superseded (``superseded_at`` / ``superseded_by``), and every change is a record event. Kept in
its own module (imported at the end of ``audits/models.py``) so the planning models merge cleanly
with the audit-content models of the same app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

USER = settings.AUTH_USER_MODEL


class AuditProgramme(models.Model):
    """The programme of one certification cycle of one client."""

    organisation = models.ForeignKey("clients.Organisation", on_delete=models.PROTECT, related_name="programmes")
    cycle = models.PositiveSmallIntegerField(_("cycle"), default=1)
    application = models.ForeignKey("clients.Application", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="programmes")
    certificate = models.ForeignKey("certificates.Certificate", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="programmes")
    anchor = models.DateField(_("cycle anchor"), null=True, blank=True,
                              help_text="earlier of decision and issue date")
    expiry = models.DateField(_("expiry date"), null=True, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "-cycle"]
        constraints = [models.UniqueConstraint(fields=["organisation", "cycle"], name="unique_programme_cycle")]

    def __str__(self) -> str:
        return f"{self.organisation.name} — {self.cycle}"

    def current_entries(self):
        return self.entries.filter(superseded_at__isnull=True).order_by("order", "sequence", "pk")


class ProgrammeEntry(models.Model):
    STAGE1, STAGE2, SURVEILLANCE, RECERTIFICATION, EXTRA = (
        "stage1", "stage2", "surveillance", "recertification", "extra_surveillance")
    KINDS = [(STAGE1, _("stage 1 audit")), (STAGE2, _("stage 2 audit")), (SURVEILLANCE, _("surveillance audit")),
             (RECERTIFICATION, _("recertification audit")), (EXTRA, _("extra surveillance audit"))]
    ORDER = {STAGE1: 1, STAGE2: 2, SURVEILLANCE: 3, EXTRA: 3, RECERTIFICATION: 5}
    MAJOR_CHANGE, MAJOR_INCIDENT = "major_change", "major_incident"
    REASONS = [(MAJOR_CHANGE, _("major change of the certified CMS")),
               (MAJOR_INCIDENT, _("major incident affecting carbon performance"))]

    programme = models.ForeignKey(AuditProgramme, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(_("audit type"), max_length=20, choices=KINDS)
    sequence = models.PositiveSmallIntegerField(default=0)
    order = models.PositiveSmallIntegerField(default=0)
    earliest = models.DateField(_("window opens"), null=True, blank=True)
    latest = models.DateField(_("window closes"), null=True, blank=True)
    rule = models.CharField(max_length=30, blank=True)
    reason_kind = models.CharField(_("reason"), max_length=20, choices=REASONS, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    audit = models.ForeignKey("audits.Audit", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="programme_entries")
    version = models.PositiveIntegerField(default=1)
    change_reason = models.TextField(_("reason for the change"), blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "order", "sequence", "version"]

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None

    def label_zh(self) -> str:
        return {self.STAGE1: "第一阶段审核", self.STAGE2: "第二阶段审核",
                self.SURVEILLANCE: f"第{self.sequence}次监督审核", self.RECERTIFICATION: "再认证审核",
                self.EXTRA: f"特别监督审核 {self.sequence}"}[self.kind]

    def status(self, today) -> str:
        """done / planned / overdue / due / open / waiting — for pages and calendars."""
        if self.audit_id and self.audit.status == "completed":
            return "done"
        if self.audit_id and self.audit.status != "cancelled":
            return "planned"
        if self.latest is None:
            return "waiting"
        if self.latest < today:
            return "overdue"
        if (self.latest - today).days <= 30:
            return "due"
        return "open"


class TeamConfirmation(models.Model):
    """The programme manager confirmed the team after the full check passed again (R7.3.2, R4)."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="team_confirmations")
    team = models.JSONField()
    confirmed_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    confirmed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-confirmed_at", "-pk"]


def _plan_path(instance, filename):
    return f"audit-plans/{instance.audit_id}/{filename}"


class AuditPlanDocument(models.Model):
    """An issued audit plan (PDF/A, Chinese), stored with its SHA-256 like certificates are."""

    audit = models.ForeignKey("audits.Audit", on_delete=models.PROTECT, related_name="plan_documents")
    version = models.PositiveIntegerField()
    key_points = models.TextField(_("key audit points from stage 1"), blank=True)
    content = models.JSONField()
    pdf = models.FileField(upload_to=_plan_path)
    sha256 = models.CharField(max_length=64)
    issued_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["audit", "-version"]
        constraints = [models.UniqueConstraint(fields=["audit", "version"], name="unique_audit_plan_version")]


class AuditAgenda(models.Model):
    """The agenda of one audit, edited before the plan is issued (docs/audits.md, "Audit plan"): the time
    slots per day — opening meeting, what is audited at which site by whom, carbon data verification
    sessions, closing meeting — as checked by ``programme/agenda.py`` (CB-audit-plan, R7.3.3, R7.4.3).
    The issued plan freezes a copy in its ``content``; this row is the working draft, one per audit."""

    audit = models.OneToOneField("audits.Audit", on_delete=models.CASCADE, related_name="agenda")
    slots = models.JSONField(default=list)
    version = models.PositiveIntegerField(default=0)
    updated_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


def _answer_path(instance, filename):
    return f"audit-plans/{instance.plan.audit_id}/{filename}"


class AuditPlanAnswer(models.Model):
    """The client's answer to one issued plan version (CB-audit-plan-agreed): it confirms the plan — the
    confirmed copy of the PDF, with who confirmed and when, is stored with its SHA-256 — or asks for a
    change with its reason (the programme manager or team leader then issues a new version)."""

    CONFIRMED, CHANGE = "confirmed", "change_requested"
    ANSWERS = [(CONFIRMED, _("confirmed")), (CHANGE, _("change requested"))]

    plan = models.OneToOneField(AuditPlanDocument, on_delete=models.PROTECT, related_name="answer")
    answer = models.CharField(_("answer"), max_length=20, choices=ANSWERS)
    reason = models.TextField(_("reason"), blank=True)
    pdf = models.FileField(upload_to=_answer_path, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    answered_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(answer__in=["confirmed", "change_requested"]), name="plan_answer_known")]
