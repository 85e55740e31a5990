"""The records page as a list (docs/web.md, "Lists"): every event, newest first, searchable by its summary, actor,
action code or subject, filtered by what it is about and when; the export holds the same rows."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tancert.records.labels import SUBJECTS
from tancert.ui.lists import Choice, Column, Dates, ListSpec


def _subject(qs, value):
    if value == "record":  # record.original_attached and records.exported read alike: 记录
        return qs.filter(Q(action__startswith="record.") | Q(action__startswith="records."))
    return qs.filter(action__startswith=f"{value}.")


RECORDS = ListSpec(
    name="records", title=_("Records"), export_url="records_export", default_sort="-seq",
    sorts={"seq": ("seq",)},
    search=("summary", "actor_name", "action", "subject_id"),
    search_hint=_("summary, person, action or number"),
    filters=(Choice("subject", _("About"), sorted((k, v) for k, v in SUBJECTS.items() if k != "records"), _subject),
             Dates("at", _("Date"), "at__date")),
    columns=(
        Column("#", lambda e: e.seq, sort="seq", link=lambda e: reverse("event", args=[e.seq]), width=8),
        Column(_("Time"), lambda e: e.at, width=17),
        Column(_("Actor"), lambda e: e.actor_label, width=14),
        Column(_("Action"), lambda e: e.action_label, code=lambda e: e.action, width=20),
        Column(_("Summary"), lambda e: e.summary, width=60),
    ),
)
