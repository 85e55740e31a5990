"""Passkeys (django-otp-webauthn) as the second factor after the password (docs/security.md, Passkeys).

The library's four JSON endpoints, narrowed: the relying party and its origins come from the host settings;
registering goes through the enrolment action (recovery codes, record); a failed passkey sign-in is recorded;
a passkey-verified session counts as verified everywhere (django-otp's `is_verified`), and for a short while
it may create one API token without a code. Malformed input is a 4xx, never a server error.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import JsonResponse
from django.http.request import split_domain_port
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp_webauthn import exceptions
from django_otp_webauthn import views as lib
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions
from webauthn.helpers.exceptions import WebAuthnException

from tancert.people.accounts import actions
from tancert.scheme.violations import RuleViolation

# A passkey confirmation this recent may create one API token (people.actions.create_api_token).
FRESH_SECONDS = 120
FRESH_KEY = "passkey_confirmed_at"
CODES_KEY = "passkey_recovery_codes"
UNAVAILABLE = _("Passkeys work only on the site's own address (%(rp_id)s).")
SIGN_IN_FIRST = _("Log in with your password and your second factor first.")
NOT_ACCEPTED = _("The passkey was not accepted. Try again, or use the code of your authenticator app or a "
                 "recovery code.")


def host_name(request) -> str:
    return split_domain_port(request.get_host())[0]


def available(request) -> bool:
    """Passkeys work on this page: its host is the RP ID or below it (browsers refuse other hosts, and IP
    addresses: the demo's passkeys work on http://localhost:PORT, not on 127.0.0.1)."""
    rp_id = settings.OTP_WEBAUTHN_RP_ID
    host = host_name(request)
    return bool(host) and (host == rp_id or host.endswith("." + rp_id))


def has_passkey(user) -> bool:
    return user.is_authenticated and WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


class Helper(WebAuthnHelper):
    def get_allowed_origins(self) -> list[str]:
        origins = list(settings.OTP_WEBAUTHN_ALLOWED_ORIGINS)
        # The page's own origin (its host passed ALLOWED_HOSTS) if under the RP ID: the demo's
        # http://localhost:PORT, a subdomain in production. Browsers use passkeys only on https or localhost.
        if available(self.request) and (self.request.is_secure() or host_name(self.request) == "localhost"):
            origins.append(f"{self.request.scheme}://{self.request.get_host()}")
        return origins


class _Safe:
    """Every refusal is a 4xx with our own translated message (the library's are English and technical);
    hostile or broken JSON included, never a 500."""

    def initial(self, request, *args, **kwargs):
        if not available(request):
            raise exceptions.OTPWebAuthnApiError(code="wrong_host")
        super().initial(request, *args, **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, RuleViolation):
            return JsonResponse({"detail": str(exc.message), "code": "refused"}, status=422)
        if not isinstance(exc, exceptions.OTPWebAuthnApiError):
            if not isinstance(exc, (WebAuthnException, ValueError, KeyError, TypeError, AttributeError)):
                raise exc
            exc = exceptions.UnprocessableEntity(code="malformed")
        code = exc.code
        if code == "wrong_host":
            detail = str(UNAVAILABLE) % {"rp_id": settings.OTP_WEBAUTHN_RP_ID}
        elif code in ("not_authenticated", "user_not_verified"):
            detail = str(SIGN_IN_FIRST)
        else:
            detail = str(NOT_ACCEPTED)
        status = exc.status_code if 400 <= exc.status_code < 500 else 400
        return JsonResponse({"detail": detail, "code": code}, status=status)


class BeginRegistration(_Safe, lib.BeginCredentialRegistrationView):
    pass


class CompleteRegistration(_Safe, lib.CompleteCredentialRegistrationView):
    """Registering goes through the action (one transaction: the passkey, the first recovery codes, the
    record); the codes of a first second factor wait in the session for the page that shows them once."""

    def post(self, *args, **kwargs):
        user = self.get_user()
        state = self.get_state()
        name = str(self.request.data.get("name", "") or "")[:64] if hasattr(self.request.data, "get") else ""
        with rewrite_exceptions(logger=lib._get_pywebauthn_logger()):
            device, codes = actions.enrol_passkey(user, helper=self.get_helper(), state=state,
                                                  data=self.request.data, name=name, by=user)
        if not self.request.user.is_verified():
            self.request.session.cycle_key()
            otp_login(self.request, device)
        if codes:
            self.request.session[CODES_KEY] = codes
        return JsonResponse({"id": device.pk, "recovery_codes": bool(codes)})


class BeginAuthentication(_Safe, lib.BeginCredentialAuthenticationView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.is_authenticated:  # a second step only: the password comes first
            raise exceptions.NotAuthenticated()


class CompleteAuthentication(_Safe, lib.CompleteCredentialAuthenticationView):
    """The second step with a passkey. A failure after the browser answered is recorded (an unknown or
    another user's passkey, a bad signature, a replayed challenge)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not request.user.is_authenticated:
            raise exceptions.NotAuthenticated()

    def complete_auth(self, device):
        if not self.request.user.is_verified():
            self.request.session.cycle_key()
        otp_login(self.request, device)
        self.request.session[FRESH_KEY] = time.time()

    def handle_exception(self, exc):
        user = getattr(self.request, "user", None)
        code = getattr(exc, "code", "")
        if user is not None and user.is_authenticated and code not in ("not_authenticated", "wrong_host"):
            actions.record_passkey_failure(user, reason=code or type(exc).__name__)
        return super().handle_exception(exc)


def take_fresh_confirmation(request) -> bool:
    """True once after a passkey sign-in or confirmation of the last FRESH_SECONDS: it then stands for the
    code that creating an API token asks (docs/security.md, API tokens)."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    # The session must be the asker's own (an API call may carry a token and someone's cookie).
    if session is None or user is None or session.get("_auth_user_id") != str(user.pk):
        return False
    at = session.pop(FRESH_KEY, None)
    return at is not None and 0 <= time.time() - float(at) <= FRESH_SECONDS
