"""The list of certificates (docs/web.md, "Lists"): search, filters, sort, pages and the Excel export, on the rows
behind the user's wall (certificates/access.py: a client its own, an auditor those of the organisations it audits)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tancert.certificates.models import Certificate
from tancert.ui.lists import Choice, Column, Dates, ListSpec

CERTIFICATES = ListSpec(
    name="certificates", title=_("Certificates"), export_url="certificates_export", default_sort="-issued",
    sorts={"number": ("number",), "organisation": ("organisation_name",), "issued": ("issue_date",),
           "expiry": ("expiry_date",), "status": ("status",)},
    search=("number", "organisation_name", "credit_code", "scope"),
    search_hint=_("number, organisation, credit code or scope"),
    filters=(Choice("status", _("Status"), Certificate.STATUSES, "status"),
             Choice("surveillance", _("Surveillance status"), Certificate.SURVEILLANCE, "surveillance_status"),
             Choice("origin", _("Origin"), Certificate.ORIGINS, "origin"),
             Dates("expiry", _("Valid until"), "expiry_date")),
    columns=(
        Column(_("Number"), lambda c: c.number, sort="number", link=lambda c: reverse("certificate", args=[c.pk]),
               width=22),
        Column(_("Organisation"), lambda c: c.organisation_name, sort="organisation", width=30),
        Column(_("Unified social credit code"), lambda c: c.credit_code, width=22),
        Column(_("Status"), lambda c: c.get_status_display(), sort="status", badge=lambda c: c.status, width=10),
        Column(_("Surveillance status"), lambda c: c.get_surveillance_display(), width=24),
        Column(_("Issue date"), lambda c: c.issue_date, sort="issued", width=12),
        Column(_("Valid until"), lambda c: c.expiry_date, sort="expiry", width=12),
        Column(_("Scope"), lambda c: c.scope, width=40),
    ),
)
