"""The one bridge from views to actions: call, and turn a RuleViolation into a visible error.

PermissionDenied and Http404 are left to Django (403/404 pages), so walls stay walls.
"""

from __future__ import annotations

from django.contrib import messages
from django.utils.html import format_html

from tancert.scheme.violations import RuleViolation


def violation_text(v: RuleViolation, user=None):
    """The message, with its rule key for staff (a small reference they can look up). A client or visitor
    reads only what to do: a key means nothing to them (docs/i18n.md, Language discipline)."""
    if user is not None and user.is_authenticated and not getattr(user, "is_client", True):
        return format_html('{} <span class="rule">{}</span>', v.message, v.key)
    return format_html('<span data-rule="{}">{}</span>', v.key, v.message)  # the key for programs, not shown


def perform(request, func, *args, form=None, success: str | None = None, **kwargs):
    """Run an action. Returns (True, result) or (False, violation) after reporting it."""
    try:
        result = func(*args, **kwargs)
    except RuleViolation as v:
        request.tancert_violation = v  # an outbox replay answers with it (ui/outbox.py)
        if form is not None and v.field in form.fields:
            form.add_error(v.field, violation_text(v, request.user))
        else:
            messages.error(request, violation_text(v, request.user))
        return False, v
    if success:
        messages.success(request, success)
    return True, result


def perform_form(request, form_class, func, *args, invalid: str, success: str | None = None, **kwargs):
    """Bind `form_class` to the POST; if valid, run the action with the cleaned data as keywords.

    The common shape of a POST-only view: one form whose fields are the action's arguments.
    """
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, invalid)
        return False, None
    return perform(request, func, *args, success=success, **kwargs, **form.cleaned_data)
