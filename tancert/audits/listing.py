"""The lists of audits and findings (docs/web.md, "Lists"): search, filters, sort, pages and the Excel export, on
the rows behind the user's wall (audits/access.py: a client its own, an auditor the audits they are on)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tancert.audits import grades
from tancert.audits.models import Audit, Finding
from tancert.scheme import rulebook
from tancert.ui.lists import Choice, Column, Dates, ListSpec

AUDITS = ListSpec(
    name="audits", title=_("Audits"), export_url="audits_export", default_sort="-start",
    sorts={"start": ("start_date",), "organisation": ("organisation__name",), "kind": ("kind",),
           "status": ("status",)},
    search=("organisation__name", "organisation__credit_code", "scope"),
    search_hint=_("organisation, credit code or scope"),
    filters=(Choice("kind", _("Audit type"), Audit.KINDS, "kind"),
             Choice("status", _("Status"), Audit.STATUSES, "status"),
             Dates("start", _("First day"), "start_date")),
    columns=(
        Column(_("Organisation"), lambda a: a.organisation.name, sort="organisation",
               link=lambda a: reverse("audit", args=[a.pk]), width=30),
        Column(_("Audit type"), lambda a: a.get_kind_display(), sort="kind", width=14),
        Column(_("First day"), lambda a: a.start_date, sort="start", width=12),
        Column(_("Last day"), lambda a: a.end_date, width=12),
        Column(_("Auditor-days"), lambda a: a.auditor_days, width=10),
        Column(_("Audit method"), lambda a: a.get_method_display(), width=14),
        Column(_("Status"), lambda a: a.get_status_display(), sort="status", badge=lambda a: a.status, width=12),
    ),
)

OPEN_STATES = (Finding.OPEN, Finding.RETURNED)
DUE = [("overdue", _("overdue")), ("open", pgettext_lazy("finding answer", "waiting for the client's answer")),
       ("review", _("answered, to be reviewed")), ("closed", _("resolved"))]


def _due(qs, value):
    """What stands: answers overdue (the due date passed, no answer), waiting, to review, resolved."""
    if value == "overdue":
        return qs.filter(status__in=OPEN_STATES, due_date__lt=timezone.localdate())
    if value == "open":
        return qs.filter(status__in=OPEN_STATES)
    if value == "review":
        return qs.filter(status=Finding.RESPONDED)
    return qs.filter(status__in=(Finding.ACCEPTED, Finding.VERIFIED))


def _late(f) -> bool:
    return f.status in OPEN_STATES and f.due_date is not None and f.due_date < timezone.localdate()


FINDINGS = ListSpec(
    name="findings", title=_("Findings"), export_url="findings_export", default_sort="-raised",
    sorts={"raised": ("raised_at",), "due": ("due_date",), "organisation": ("audit__organisation__name",),
           "grade": ("grade",), "status": ("status",)},
    search=("audit__organisation__name", "description", "clause", "evidence"),
    search_hint=_("organisation, description, clause or evidence"),
    filters=(Choice("grade", _("Grade"), grades.choices, "grade"),
             Choice("status", _("Status"), Finding.STATUSES, "status"),
             Choice("due", _("Answer"), DUE, _due),
             Dates("due_date", _("Answer due by"), "due_date")),
    columns=(
        Column(_("Organisation"), lambda f: f.audit.organisation.name, sort="organisation",
               link=lambda f: reverse("audit", args=[f.audit_id]) + f"#finding-{f.pk}", width=28),
        Column(_("Audit type"), lambda f: f.audit.get_kind_display(), width=14),
        Column(_("No."), lambda f: f.number, width=6),
        Column(_("Grade"), lambda f: grades.label(f.grade), sort="grade", badge=lambda f: f.grade, width=14),
        Column(_("Clause"), lambda f: rulebook.citation(f.clause), width=14),
        Column(_("Description"), lambda f: f.description, width=50),
        Column(_("Status"), lambda f: f.get_status_display(), sort="status",
               badge=lambda f: "overdue" if _late(f) else f.status, width=14),
        Column(_("Answer due by"), lambda f: f.due_date, sort="due", width=12),
        Column(_("Raised"), lambda f: f.raised_at, sort="raised", width=17),
    ),
)
