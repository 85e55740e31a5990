"""The administrator's working-day calendar (notifications: ops/notifications/)."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.ops import actions
from tancert.ops.forms import CalendarDayForm
from tancert.ops.models import CalendarDay
from tancert.people.models import Role
from tancert.ui.actionview import perform, perform_form


def _require_admin(user):
    if not user.has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied


@login_required
def calendar(request):
    _require_admin(request.user)
    today = timezone.localdate()
    return render(request, "ops/calendar.html", {
        "days": CalendarDay.objects.filter(day__year__gte=today.year - 1), "form": CalendarDayForm(),
    })


@login_required
@require_POST
def calendar_set(request):
    _require_admin(request.user)
    perform_form(request, CalendarDayForm, actions.set_calendar_day_form, by=request.user, success=_("Saved."),
                 invalid=_("Give the date and what the day is."))
    return redirect("calendar")


@login_required
@require_POST
def calendar_remove(request, day: str):
    _require_admin(request.user)
    try:
        parsed = date.fromisoformat(day)
    except ValueError:
        messages.error(request, _("Not a date."))
        return redirect("calendar")
    perform(request, actions.remove_calendar_day, parsed, by=request.user, success=_("Removed."))
    return redirect("calendar")
