"""The auditor register as a list (docs/web.md, "Lists"): search, filters, sort, pages and the Excel export. The
rows are the office's view of the register (snapshots.register_people); the warnings are computed for the rows of
one page (or the export) only, with the dashboard's own function (snapshots.overview)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tancert.people.auditors.snapshots import EXPIRY_WARNING_DAYS, overview, register_people
from tancert.people.models import Role, RoleGrant, User
from tancert.ui.lists import Choice, Column, ListSpec

ROLES = [(Role.AUDITOR.value, pgettext_lazy("function", "auditor")),
         (Role.TECHNICAL_EXPERT.value, _("technical expert"))]
REGISTRATION = [("missing", _("no CCAA registration")), ("expired", _("registration expired")),
                ("expiring", _("registration expiring soon")), ("valid", _("registration valid"))]


def people():
    """The register's people with the end of their latest CCAA registration and GHG manager qualification (to
    sort and filter on in the database)."""
    return User.objects.filter(pk__in=register_people().values("pk")).annotate(
        reg_to=Max("ccaa_registrations__valid_to"),
        ghg_to=Max("qualifications__valid_to", filter=Q(qualifications__type__is_ghg_manager=True)))


def _registration(qs, value):
    today = timezone.localdate()
    soon = today + timedelta(days=EXPIRY_WARNING_DAYS)
    return {"missing": lambda: qs.filter(reg_to__isnull=True), "expired": lambda: qs.filter(reg_to__lt=today),
            "expiring": lambda: qs.filter(reg_to__gte=today, reg_to__lte=soon),
            "valid": lambda: qs.filter(reg_to__gt=soon)}[value]()


def _role(qs, value):
    return qs.filter(pk__in=RoleGrant.objects.filter(role=value).values("user_id"))


def _warnings(row) -> str:
    return "；".join(str(w) for w in row.warnings)


def _badge(row) -> str:
    if not row.warnings:
        return "valid"
    return "overdue" if any(w.severe for w in row.warnings) else "suspended"


AUDITORS = ListSpec(
    name="auditors", title=_("Auditor register"), export_url="auditors_export", default_sort="name",
    sorts={"name": ("display_name", "username"), "registration": ("reg_to",), "ghg": ("ghg_to",)},
    search=("display_name", "username", "first_name", "last_name"),
    search_hint=_("name"),
    filters=(Choice("role", _("Role"), ROLES, _role),
             Choice("registration", _("CCAA registration"), REGISTRATION, _registration)),
    prepare=overview,
    columns=(
        Column(_("Name"), lambda r: r.user.get_full_name(), sort="name",
               link=lambda r: reverse("auditor", args=[r.user.pk]), width=16),
        Column(_("Roles"), lambda r: str(ROLES[0][1] if r.is_auditor else ROLES[1][1]), width=10),
        Column(_("CCAA registration"), lambda r: r.snapshot.registration_number, width=20),
        Column(_("Registration valid until"), lambda r: r.snapshot.registration_valid_to, sort="registration",
               width=12),
        Column(_("GHG manager until"), lambda r: r.snapshot.ghg_valid_to, sort="ghg", width=12),
        Column(_("Warnings"), lambda r: _warnings(r) or _("complete"), badge=_badge, width=60),
    ),
)
