"""The lists of organisations and applications (docs/web.md, "Lists"): search, filters, sort, pages and the Excel
export, on the rows behind the user's wall (clients/access.py)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tancert.clients.models import Application
from tancert.ui.lists import Choice, Column, Dates, ListSpec


def _with_application(qs, status):
    # A subquery, not a join: an organisation with two such applications is still one row.
    return qs.filter(pk__in=Application.objects.filter(status=status).values("organisation_id"))


ORGANISATIONS = ListSpec(
    name="organisations", title=_("Organisations"), export_url="organisations_export", default_sort="name",
    sorts={"name": ("name",), "code": ("credit_code",), "created": ("created_at",)},
    search=("name", "credit_code", "address", "registered_address", "contact_name"),
    search_hint=_("name, credit code, address or contact"),
    filters=(Choice("application", _("Has an application"), Application.STATUSES, _with_application),),
    columns=(
        Column(_("Name"), lambda o: o.name, sort="name", link=lambda o: reverse("organisation", args=[o.pk]),
               width=30),
        Column(_("Unified social credit code"), lambda o: o.credit_code, sort="code", width=22),
        Column(_("Technical areas"), lambda o: [str(a) for a in o.technical_areas or ()], width=12),
        Column(_("Contact person"), lambda o: o.contact_name, width=12),
        Column(_("Contact phone"), lambda o: o.contact_phone, width=16),
        Column(_("Registered on"), lambda o: o.created_at, sort="created", width=17),
    ),
)

APPLICATIONS = ListSpec(
    name="applications", title=_("Applications"), export_url="applications_export", default_sort="-created",
    sorts={"created": ("created_at",), "deadline": ("review_deadline",), "organisation": ("organisation__name",),
           "status": ("status",)},
    search=("organisation__name", "organisation__credit_code", "scope"),
    search_hint=_("organisation, credit code or scope"),
    filters=(Choice("status", _("Status"), Application.STATUSES, "status"),
             Choice("kind", _("Kind"), Application.KINDS, "kind"),
             Dates("created", _("Created"), "created_at__date")),
    columns=(
        Column(_("Organisation"), lambda a: a.organisation.name, sort="organisation",
               link=lambda a: reverse("application", args=[a.pk]), width=30),
        Column(_("Kind"), lambda a: a.get_kind_display(), width=14),
        Column(_("Status"), lambda a: a.get_status_display(), sort="status", badge=lambda a: a.status, width=14),
        Column(_("Scope"), lambda a: a.scope, width=40),
        Column(_("Created"), lambda a: a.created_at, sort="created", width=17),
        Column(_("Review deadline"), lambda a: a.review_deadline, sort="deadline", width=12),
    ),
)
