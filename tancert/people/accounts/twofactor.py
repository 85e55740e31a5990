"""The second factor (django-otp): who needs it, checking a code, the enrolment QR code (docs/security.md,
Second factor).

Staff (every role) must verify a TOTP code from an authenticator app, a passkey (accounts/passkeys.py), or
one of their ten recovery codes, after the password; clients may. Wrong codes slow down exponentially (django-otp's throttling), so guessing
a code is as hopeless over the API as on the page.
"""

from __future__ import annotations

import re
from base64 import b32encode
from binascii import unhexlify

import segno
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from tancert.records import chain
from tancert.scheme.violations import RuleViolation

# Not a rule of the scheme: the body's own security policy (docs/security.md).
OTP_KEY = "SEC-otp"
RECOVERY_CODES = 10
WRONG_CODE = _("The code is not valid. Enter the 6-digit code your authenticator app shows now, or one of "
               "your recovery codes.")
THROTTLED = _("Too many wrong codes. Wait a minute and try again.")
NO_DEVICE = _("Set up the second factor first (your account page asks for it after you log in).")


def needs_second_factor(user) -> bool:
    """Every member of staff (any role) and any superuser; clients only if they enrolled themselves."""
    if not user.is_authenticated:
        return False
    return bool(user.is_staff_member or user.is_superuser or user_has_device(user))


def has_device(user) -> bool:
    return user.is_authenticated and user_has_device(user, confirmed=True)


def new_secret() -> str:
    """A fresh TOTP secret, hex-encoded as django-otp stores it."""
    return random_hex(20)


def readable_secret(key_hex: str) -> str:
    """The secret as an authenticator app expects it typed in: base32 in groups of four."""
    b32 = b32encode(unhexlify(key_hex)).decode().rstrip("=")
    return " ".join(b32[i:i + 4] for i in range(0, len(b32), 4))


def config_url(user, key_hex: str) -> str:
    return TOTPDevice(user=user, key=key_hex).config_url


def qr_svg(url: str) -> str:
    """The otpauth:// URL as an inline SVG QR code: made here, never by an outside service."""
    return segno.make(url, error="m").svg_inline(scale=4, dark="#111", light="#fff")


def code_matches(key_hex: str, code: str) -> int | None:
    """The time step at which `code` is valid for the secret (one step of clock difference allowed)."""
    code = normalise(code)
    if not code.isdigit():
        return None
    totp = TOTP(unhexlify(key_hex))
    return totp.t() if totp.verify(int(code), tolerance=1) else None


def normalise(code: str) -> str:
    return re.sub(r"[\s-]+", "", code or "").lower()


def _candidates(user, code: str):
    # A 6-digit number is an authenticator code; anything else can only be a recovery code.
    model = TOTPDevice if code.isdigit() and len(code) == 6 else StaticDevice
    return model.objects.devices_for_user(user, confirmed=True).select_for_update()


def check_code(user, code: str):
    """Return the device that accepts `code`, or raise RuleViolation(field="otp").

    Call it outside any transaction that a RuleViolation would roll back: a wrong code must count towards
    the throttle. A used recovery code is gone and its use is recorded."""
    code = normalise(code)
    if not has_device(user):
        raise RuleViolation(OTP_KEY, NO_DEVICE, field="otp")
    device = None
    throttled = False
    with transaction.atomic():
        for candidate in _candidates(user, code):
            allowed, _info = candidate.verify_is_allowed()
            if not allowed:
                throttled = True
                continue
            if candidate.verify_token(code):
                device = candidate
                break
        if device is not None and isinstance(device, StaticDevice):
            left = device.token_set.count()
            chain.append("user.recovery_code_used", subject=user, by=user, organisation=user.organisation_id,
                         summary=f"{user.username} 使用了一个恢复码登录（剩余 {left} 个）", data={"left": left})
    if device is None:
        raise RuleViolation(OTP_KEY, THROTTLED if throttled else WRONG_CODE, field="otp")
    return device


def current_code(device: TOTPDevice) -> str:
    """The next code `device` will accept (tests, the demo's `tancert otp-code`): the current step, or the
    next one if the current step's code was already used (a code is good only once)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    now = totp.t()
    t = max(now - device.tolerance, device.last_t + 1)
    if t > now + device.tolerance:
        raise ValueError("no unused code in the current window: wait for the next step")
    totp.drift = device.drift + (t - now)
    return f"{totp.token():0{device.digits}d}"
