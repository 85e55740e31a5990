"""Sign-in pages beyond the password: the second factor (enrol, verify, recovery codes), password change and
reset, and the system administrator's accounts page (unlock, remove a second factor). Thin: the actions
check and record (docs/security.md)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp_webauthn.models import WebAuthnCredential

from tancert.people.accounts import actions, passkeys, twofactor
from tancert.people.accounts.forms import ChangePasswordForm, CodeForm, ResetPasswordForm, UnlockForm
from tancert.people.models import User
from tancert.ui.actionview import perform
from tancert.ui.walls import get_or_404

PENDING_KEY = "otp_pending_key"


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _codes_page(request, codes: list[str], next_url: str):
    response = render(request, "people/accounts/recovery_codes.html", {"codes": codes, "next": next_url})
    response["Cache-Control"] = "no-store"  # shown once: no browser cache keeps them
    return response


@login_required
def verify(request):
    """The second step of logging in: a code from the authenticator app or a recovery code."""
    user = request.user
    if user.is_verified() or not twofactor.needs_second_factor(user):
        return redirect(_next(request))
    if not twofactor.has_device(user):
        return redirect(f"{reverse('otp_enrol')}?{urlencode({'next': _next(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, device = perform(request, actions.verify_second_factor, user, form.cleaned_data["otp"], form=form)
        if ok:
            request.session.cycle_key()
            otp_login(request, device)
            return redirect(_next(request))
    return render(request, "people/accounts/verify.html", {
        "form": form, "next": _next(request), "has_passkey": passkeys.has_passkey(user),
        "passkeys_available": passkeys.available(request), "rp_id": settings.OTP_WEBAUTHN_RP_ID})


@login_required
def enrol(request):
    """Set up the authenticator app: scan the QR code (or type the secret), confirm with a code, receive ten
    recovery codes once. Staff are sent here after their first password login."""
    user = request.user
    if twofactor.has_device(user):
        return redirect(_next(request))
    key = request.session.get(PENDING_KEY) or twofactor.new_secret()
    request.session[PENDING_KEY] = key
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, result = perform(request, actions.enrol_second_factor, user, key=key, code=form.cleaned_data["otp"],
                             by=user, form=form)
        if ok:
            device, codes = result
            del request.session[PENDING_KEY]
            request.session.cycle_key()
            otp_login(request, device)
            return _codes_page(request, codes, _next(request))
    url = twofactor.config_url(user, key)
    return render(request, "people/accounts/enrol.html", {
        "form": form, "next": _next(request), "qr": twofactor.qr_svg(url), "secret": twofactor.readable_secret(key),
        "required": user.is_staff_member, "passkeys_available": passkeys.available(request),
        "rp_id": settings.OTP_WEBAUTHN_RP_ID,
        "codes_after": f"{reverse('passkey_recovery_codes')}?{urlencode({'next': _next(request)})}",
    })


@login_required
def passkey_recovery_codes(request):
    """After a first passkey: its recovery codes, once (the registration left them in the session)."""
    codes = request.session.pop(passkeys.CODES_KEY, None)
    if not codes:
        return redirect(_next(request))
    return _codes_page(request, codes, _next(request))


@login_required
@require_POST
def remove_passkey(request, pk: int):
    # Only one's own passkeys are reachable here: another's (or none) is a plain 404, as every wall (ui/walls.py).
    get_or_404(WebAuthnCredential.objects.all(), user=request.user, pk=pk)
    perform(request, actions.remove_passkey, request.user, pk, by=request.user, success=_("Passkey removed."))
    return redirect("me")


@login_required
@require_POST
def recovery_codes(request):
    ok, codes = perform(request, actions.new_recovery_codes, request.user, by=request.user)
    if not ok:
        return redirect("me")
    return _codes_page(request, codes, reverse("me"))


class PasswordChangeView(auth_views.PasswordChangeView):
    """Other sessions end (the session hash follows the password); this one stays (update_session_auth_hash in
    Django's view); the user's API tokens are revoked by the action."""

    form_class = ChangePasswordForm
    template_name = "people/accounts/form_page.html"
    success_url = reverse_lazy("me")
    extra_context = {"title": gettext_lazy("Change password"), "button": gettext_lazy("Change password"),
                     "intro": gettext_lazy("Your other sessions end and your API tokens are revoked.")}

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Password changed. Your other sessions ended and your API tokens were "
                                         "revoked."))
        return response


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "people/accounts/form_page.html"
    email_template_name = "people/accounts/password_reset_email.txt"
    subject_template_name = "people/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("password_reset_done")
    extra_context = {"title": gettext_lazy("Reset password"), "button": gettext_lazy("Send the link"),
                     "intro": gettext_lazy("Enter the e-mail address of your account; we send a link to set a new "
                                           "password.")}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetPasswordForm
    template_name = "people/accounts/form_page.html"
    success_url = reverse_lazy("password_reset_complete")
    extra_context = {"title": gettext_lazy("Set a new password"), "button": gettext_lazy("Set password"),
                     "intro": gettext_lazy("Your sessions end and your API tokens are revoked.")}


def message_page(title, text):
    return {"template_name": "people/accounts/message.html", "extra_context": {"title": title, "text": text}}


password_reset_done = auth_views.PasswordResetDoneView.as_view(**message_page(
    gettext_lazy("Reset password"),
    gettext_lazy("If an account has this e-mail address, a link to set a new password is on its way.")))
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(**message_page(
    gettext_lazy("Password set"), gettext_lazy("Your new password is set. Log in with it.")))


@login_required
@require_POST
def unlock(request):
    form = UnlockForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the account or the address to unlock."))
        return redirect("accounts")
    perform(request, actions.unlock, by=request.user, success=_("Unlocked."), **form.cleaned_data)
    return redirect("accounts")


@login_required
@require_POST
def remove_second_factor(request, pk: int):
    actions.require_admin(request.user)
    user = get_or_404(User.objects.all(), pk=pk)
    perform(request, actions.remove_second_factor, user, by=request.user,
            success=_("Second factor removed: %(user)s sets up a new one at the next log-in.") % {
                "user": user.username})
    return redirect("accounts_user", pk=user.pk)
