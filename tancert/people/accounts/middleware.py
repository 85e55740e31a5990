"""Staff work only in a session verified with the second factor (docs/security.md, Second factor).

After the password, a member of staff without a second factor is sent to set one up (a passkey or an
authenticator app), one with a second factor to confirm it (the passkey, or a code); until then only those pages, logging out and the language switch answer.
The API answers 403 to such a session (a token made with a code is the API's way in).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from tancert.people.accounts.twofactor import has_device, needs_second_factor

# The passkey endpoints guard themselves: registering needs no second factor yet or a verified session
# (django-otp-webauthn), verifying is the second step itself.
OPEN_NAMES = ("logout", "otp_verify", "otp_enrol", "passkey_register_begin", "passkey_register_complete",
              "passkey_verify_begin", "passkey_verify_complete")


class StaffSecondFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not user.is_verified() and needs_second_factor(user) and not self._open(request):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("Enter the code of your second factor first (log in on the web "
                                                 "page), or use an API token.")}, status=403)
            target = "otp_verify" if has_device(user) else "otp_enrol"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        path = request.path
        if path.startswith(settings.STATIC_URL) or path.startswith("/i18n/"):
            return True
        return path in {reverse(name) for name in OPEN_NAMES}
