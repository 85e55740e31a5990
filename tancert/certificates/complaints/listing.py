"""The list of complaints (docs/web.md, "Lists"; docs/obligations.md): search, filters, sort, pages and the Excel
export on the rows behind the wall (complaints/access.py: the office all, a client those its own people lodged,
an investigator those they investigate)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tancert.certificates.models import Complaint
from tancert.ui.lists import Choice, Column, Dates, ListSpec

COMPLAINTS = ListSpec(
    name="complaints", title=_("Complaints"), export_url="complaints_export", default_sort="-received",
    sorts={"received": ("received_at",), "due": ("respond_by",), "state": ("state",)},
    search=("reference", "name", "text", "certificate__number", "organisation__name"),
    search_hint=_("reference, complainant, text or certificate"),
    filters=(Choice("state", _("State"), Complaint.STATES, "state"),
             Choice("channel", _("Channel"), Complaint.CHANNELS, "channel"),
             Choice("outcome", _("Outcome"), Complaint.OUTCOMES, "outcome"),
             Dates("received", _("Received"), "received_at__date")),
    columns=(
        Column(_("Reference"), lambda c: c.reference, link=lambda c: reverse("complaint", args=[c.pk]), width=16),
        Column(_("Channel"), lambda c: c.get_channel_display(), width=12),
        Column(_("State"), lambda c: c.get_state_display(), sort="state", width=12),
        Column(_("Received"), lambda c: c.received_at, sort="received", width=17),
        Column(_("Answer due"), lambda c: c.respond_by, sort="due", width=12),
        Column(_("Certificate"), lambda c: c.certificate.number if c.certificate_id else "", width=20),
        Column(_("Investigator"), lambda c: c.investigator.get_full_name() if c.investigator_id else "", width=12),
        Column(_("Outcome"), lambda c: c.get_outcome_display(), width=10),
        Column(_("Response to the complainant"), lambda c: c.response, width=40),
    ),
)
