from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp_webauthn.models import WebAuthnCredential

from tancert.people.accounts import passkeys, twofactor
from tancert.people.actions import create_api_token, revoke_api_token
from tancert.ui.actionview import perform
from tancert.ui.walls import get_or_404


@login_required
def me(request):
    user = request.user
    recovery_left = sum(d.token_set.count() for d in user.staticdevice_set.filter(confirmed=True))
    return render(request, "people/me.html", {
        "tokens": user.api_tokens.filter(revoked_at__isnull=True), "has_device": twofactor.has_device(user),
        "needs_otp": twofactor.needs_second_factor(user), "recovery_left": recovery_left,
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at"),
        "has_app": user.totpdevice_set.filter(confirmed=True).exists(),
        "passkeys_available": passkeys.available(request), "rp_id": settings.OTP_WEBAUTHN_RP_ID,
    })


@login_required
@require_POST
def token_create(request):
    otp = request.POST.get("otp", "")
    ok, result = perform(request, create_api_token, request.user, request.POST.get("name", ""), by=request.user,
                         otp=otp, passkey=not otp and passkeys.take_fresh_confirmation(request))
    if ok:
        messages.success(request, _("New API token (shown only once): %(secret)s") % {"secret": result[1]})
    return redirect("me")


@login_required
@require_POST
def token_revoke(request, pk: int):
    token = get_or_404(request.user.api_tokens.filter(revoked_at__isnull=True), pk=pk)
    revoke_api_token(token, by=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("me")
