"""What an auditor's device downloads to work offline (docs/audits.md §5): the pages of today's audits.

Only the audits the person is on, open, and planned over today (start ≤ today ≤ end) — an auditor's device never
holds another team's working papers. The service worker (web/offline.py, static/tancert/sw.js) keeps these pages
and the site's own scripts and styles in one cache per person, cleared at log-out.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from tancert.audits.models import Audit

ASSETS = ("tancert/site.css", "tancert/favicon.svg", "tancert/htmx.min.js", "tancert/confirm.js",
          "tancert/uuid.js", "tancert/offline.js", "tancert/outbox.js")


def todays_audits(user, today=None) -> list[Audit]:
    today = today or timezone.localdate()
    return list(Audit.objects.filter(team__user=user, status__in=[Audit.PLANNED, Audit.IN_PROGRESS],
                                     start_date__lte=today, end_date__gte=today)
                .select_related("organisation").distinct().order_by("start_date", "pk"))


def pages_of(audit: Audit) -> list[str]:
    """The working pages of one audit a team member opens on site."""
    pages = [reverse("audit", args=[audit.pk]), reverse("audit_checklist", args=[audit.pk])]
    if audit.kind == Audit.STAGE1:
        pages.append(reverse("audit_stage1", args=[audit.pk]))
    pages.append(reverse("audit_carbon", args=[audit.pk]))
    return pages


@login_required
def today(request):
    """{"user", "audits": [{"id", "title", "pages"}], "pages": [...], "assets": [...]} for the service worker."""
    if request.user.is_client:
        raise PermissionDenied
    audits = todays_audits(request.user)
    rows = [{"id": a.pk, "title": f"{a.organisation.name} · {a.get_kind_display()}", "pages": pages_of(a)}
            for a in audits]
    pages = [reverse("home"), reverse("offline_page")] + [p for r in rows for p in r["pages"]]
    return JsonResponse({"user": request.user.pk, "audits": rows, "pages": pages,
                         "assets": [staticfiles_storage.url(a) for a in ASSETS]})


def offline_page(request):
    """What the device shows for a page that was not downloaded, when there is no network."""
    return render(request, "audits/offline.html")
