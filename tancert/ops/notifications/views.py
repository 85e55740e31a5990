"""The notifications page: newest first, unread marked; open one (marks it read), mark one or all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.ops.notifications import actions
from tancert.ui.walls import get_or_404

PAGE_SIZE = 50


@login_required
def notifications(request):
    notes = request.user.notifications.all()
    if request.GET.get("unread") == "1":
        notes = notes.filter(read_at__isnull=True)
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page", "1")[:6])
    return render(request, "ops/notifications.html", {"page": page, "notes": page.object_list,
                                                      "only_unread": request.GET.get("unread") == "1"})


@login_required
def notification_open(request, pk: int):
    """Follow a notice's link and mark it read on the way (a GET: the link in the list is a plain link)."""
    note = get_or_404(request.user.notifications.all(), pk=pk)
    actions.mark_read(request.user, note.pk)
    target = note.link or ""
    if not target.startswith("/") or not url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return redirect("notifications")
    return redirect(target)


@login_required
@require_POST
def notification_read(request, pk: int):
    note = get_or_404(request.user.notifications.all(), pk=pk)
    actions.mark_read(request.user, note.pk)
    return redirect("notifications")


@login_required
@require_POST
def notifications_read_all(request):
    n = actions.mark_all_read(request.user)
    if n:
        messages.success(request, _("All notices marked read."))
    return redirect("notifications")
