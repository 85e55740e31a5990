"""The system administrator's users and roles (docs/security.md, "Users and roles"), and each user's choice of
notices by e-mail on their own page. Thin: the actions in users.py check and record."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tancert.people.accounts import users as actions
from tancert.people.accounts.actions import require_admin
from tancert.people.accounts.forms import NoticeEmailForm, ReasonForm, RolesForm, StaffUserForm
from tancert.people.accounts.lockout import current_lockouts
from tancert.people.models import Role, User
from tancert.ui.actionview import perform
from tancert.ui.walls import get_or_404

PAGE_SIZE = 50
KINDS = {"staff": Q(role_grants__isnull=False), "clients": Q(organisation__isnull=False),
         "inactive": Q(is_active=False)}


def _users(request):
    q = (request.GET.get("q") or "").strip()[:50]
    kind = request.GET.get("kind") or ""
    role = request.GET.get("role") or ""
    users = User.objects.all()
    if kind in KINDS:
        users = users.filter(KINDS[kind])
    if role in Role.values:
        users = users.filter(role_grants__role=role)
    if q:
        users = users.filter(Q(username__icontains=q) | Q(display_name__icontains=q) | Q(email__icontains=q)
                             | Q(organisation__name__icontains=q))
    users = (users.distinct().order_by("-is_active", "organisation_id", "username").select_related("organisation")
             .annotate(devices=Count("totpdevice", filter=Q(totpdevice__confirmed=True), distinct=True),
                       passkeys=Count("webauthncredential", filter=Q(webauthncredential__confirmed=True),
                                      distinct=True))
             .prefetch_related("role_grants"))
    return users, {"q": q, "kind": kind if kind in KINDS else "", "role": role if role in Role.values else ""}


@login_required
def accounts(request):
    """Users with search and filters, and the current lockouts."""
    require_admin(request.user)
    users, filters = _users(request)
    page = Paginator(users, PAGE_SIZE).get_page(request.GET.get("page", "1")[:6])
    query = "&".join(f"{k}={v}" for k, v in filters.items() if v)
    return render(request, "people/accounts/accounts.html", {
        "page": page, "users": page.object_list, "filters": filters, "query": query, "roles": Role.choices,
        "lockouts": current_lockouts(), "limit": settings.AXES_FAILURE_LIMIT})


@login_required
def user_new(request):
    require_admin(request.user)
    form = StaffUserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, user = perform(request, actions.create_staff, by=request.user, form=form, **form.cleaned_data)
        if ok:
            messages.success(request, _("Account %(user)s created. They set up their second factor at the first "
                                        "log-in.") % {"user": user.username})
            return redirect("accounts_user", pk=user.pk)
    return render(request, "people/accounts/user_new.html", {"form": form})


@login_required
def user_page(request, pk: int):
    require_admin(request.user)
    subject = get_or_404(User.objects.select_related("organisation"), pk=pk)
    return render(request, "people/accounts/user.html", {
        "subject": subject, "roles_form": RolesForm(initial={"roles": sorted(subject.role_codes())}),
        "has_factor": subject.totpdevice_set.filter(confirmed=True).exists()
        or subject.webauthncredential_set.filter(confirmed=True).exists(),
        "tokens": subject.api_tokens.filter(revoked_at__isnull=True).count()})


@login_required
@require_POST
def user_roles(request, pk: int):
    require_admin(request.user)
    subject = get_or_404(User.objects.all(), pk=pk)
    form = RolesForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the roles from the list."))
    else:
        ok, changed = perform(request, actions.set_roles, subject, form.cleaned_data["roles"], by=request.user)
        if ok:
            messages.success(request, _("Roles saved.") if any(changed) else _("Nothing changed."))
    return redirect("accounts_user", pk=subject.pk)


@login_required
@require_POST
def user_deactivate(request, pk: int):
    require_admin(request.user)
    subject = get_or_404(User.objects.all(), pk=pk)
    form = ReasonForm(request.POST)
    if form.is_valid():
        perform(request, actions.deactivate, subject, by=request.user, reason=form.cleaned_data["reason"],
                success=_("Account deactivated: it can no longer log in and its API tokens are revoked."))
    else:
        messages.error(request, _("Say why the account is deactivated."))
    return redirect("accounts_user", pk=subject.pk)


@login_required
@require_POST
def user_reactivate(request, pk: int):
    require_admin(request.user)
    subject = get_or_404(User.objects.all(), pk=pk)
    form = ReasonForm(request.POST)
    perform(request, actions.reactivate, subject, by=request.user,
            reason=form.cleaned_data["reason"] if form.is_valid() else "", success=_("Account reactivated."))
    return redirect("accounts_user", pk=subject.pk)


@login_required
@require_POST
def notice_email(request):
    """The user's own choice on /me/: notices by e-mail on or off."""
    form = NoticeEmailForm(request.POST)
    on = form.is_valid() and form.cleaned_data["email_notifications"]
    perform(request, actions.set_email_notifications, request.user, on, by=request.user,
            success=_("Notices will also come by e-mail.") if on else _("Notices will come only in the app."))
    return redirect("me")
