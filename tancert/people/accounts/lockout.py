"""What a locked-out sign-in sees (django-axes calls this, settings.AXES_LOCKOUT_CALLABLE): a Chinese page,
or JSON on the API, with status 429 — never a server error (docs/security.md, Lockout)."""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_response(request, original_response=None, credentials=None):
    message = _("Too many failed log-ins: this account or address is locked for %(minutes)d minutes. Try again "
                "later, reset your password by e-mail, or ask the system administrator to unlock it.") % {
        "minutes": minutes()}
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "people/accounts/locked.html", {"message": message}, status=429)


def current_lockouts() -> dict[str, list[dict]]:
    """Accounts and addresses locked now: at least AXES_FAILURE_LIMIT failures within the cool-off time."""
    from axes.models import AccessAttempt
    from django.db.models import Max, Sum
    from django.utils import timezone

    recent = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME)
    limit = settings.AXES_FAILURE_LIMIT

    def by(field):
        rows = (recent.exclude(**{f"{field}__isnull": True}).values(field)
                .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
                .filter(failures__gte=limit).order_by("-last"))
        return [{"value": r[field], "failures": r["failures"], "last": r["last"]} for r in rows]

    return {"usernames": by("username"), "addresses": by("ip_address")}
