"""State changes of accounts: passwords, the second factor, unlocking. Each appends a record (docs/security.md)."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from tancert.people.accounts import twofactor
from tancert.people.accounts.passwords import check_password
from tancert.people.models import ApiToken, Role, User
from tancert.records import chain
from tancert.scheme.violations import RuleViolation, require

ALREADY_ENROLLED = _("An authenticator app is already set up for this account.")
ALREADY_REGISTERED = _("This passkey is already registered.")
LAST_FACTOR = _("This is your only passkey and you have no authenticator app: add another passkey or the app "
                "first, then remove this one.")


def _require_admin_or_self(user: User, by) -> None:
    if by is None or by.pk == user.pk:
        return
    if not by.is_authenticated or not by.has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied(_("Your role does not allow this action."))


def require_admin(by) -> None:
    if by is None or not by.is_authenticated or not by.has_role(Role.SYSTEM_ADMIN):
        raise PermissionDenied(_("Your role does not allow this action."))


def set_password(user: User, password: str, *, by, via: str) -> int:
    """Change (via="change") or reset (via="reset") a password: the policy applies, every API token of the user
    is revoked and other sessions end (Django's session hash changes with the password; the view keeps only
    the current one). Returns the number of tokens revoked."""
    _require_admin_or_self(user, by)
    check_password(password, user)
    now = timezone.now()
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
        what = "重置" if via == "reset" else "修改"
        chain.append(f"user.password_{'reset' if via == 'reset' else 'changed'}", subject=user, by=by,
                     organisation=user.organisation_id,
                     summary=f"{user.username} 的密码已{what}，吊销 {revoked} 个 API 令牌",
                     data={"via": via, "tokens_revoked": revoked})
    return revoked


def enrol_second_factor(user: User, *, key: str, code: str, by) -> tuple[TOTPDevice, list[str]]:
    """Confirm an authenticator app: `code` must be valid for `key` (the secret shown on the enrolment page).
    Creates the TOTP device and ten recovery codes, shown once. Returns (device, recovery codes)."""
    _require_admin_or_self(user, by)
    step = twofactor.code_matches(key, code)
    require(step is not None, twofactor.OTP_KEY, twofactor.WRONG_CODE, field="otp")
    with transaction.atomic():
        # The row lock serialises two enrolments of one account (two tabs): the second finds the first's device.
        User.objects.select_for_update().filter(pk=user.pk).first()
        require(not TOTPDevice.objects.filter(user=user, confirmed=True).exists(), twofactor.OTP_KEY,
                ALREADY_ENROLLED, field="otp")
        device = TOTPDevice.objects.create(user=user, name="authenticator", key=key, confirmed=True, last_t=step)
        codes = _new_recovery_codes(user)
        chain.append("user.otp_enrolled", subject=user, by=by, organisation=user.organisation_id,
                     summary=f"{user.username} 启用了双因素登录（身份验证器及 {len(codes)} 个恢复码）",
                     data={"device": device.persistent_id, "recovery_codes": len(codes)})
    return device, codes


def enrol_passkey(user: User, *, helper, state: dict, data, name: str = "", by) -> tuple[WebAuthnCredential, list]:
    """Register a passkey from the browser's answer (`data`) to the challenge in `state` (django-otp-webauthn
    checks origin, RP ID, challenge and signature). A first second factor brings ten recovery codes, shown
    once; a further passkey keeps the codes. Returns (passkey, new recovery codes or [])."""
    _require_admin_or_self(user, by)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        first = not twofactor.has_device(user)
        try:
            with transaction.atomic():  # the unique credential ID stands behind the browser's exclude list
                device = helper.register_complete(user=user, state=state, data=data)
        except IntegrityError:
            raise RuleViolation(twofactor.OTP_KEY, ALREADY_REGISTERED, field="passkey") from None
        count = WebAuthnCredential.objects.filter(user=user).count()
        device.name = (name.strip() or f"通行密钥 {count}")[:64]
        device.save(update_fields=["name"])
        codes = _new_recovery_codes(user) if first else []
        extra = f"及 {len(codes)} 个恢复码" if codes else ""
        chain.append("user.passkey_enrolled", subject=user, by=by, organisation=user.organisation_id,
                     summary=f"{user.username} 添加了通行密钥「{device.name}」{extra}",
                     data={"device": device.persistent_id, "recovery_codes": len(codes)})
    return device, codes


def remove_passkey(user: User, device_id: int, *, by) -> None:
    """The user (or the system administrator) removes one passkey. The last second factor of a member of
    staff stays: remove it only after adding another (or ask the system administrator, Lost device)."""
    _require_admin_or_self(user, by)
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()
        device = WebAuthnCredential.objects.filter(user=user, pk=device_id).first()
        require(device is not None, twofactor.OTP_KEY, _("This passkey does not exist (any more)."), field="passkey")
        others = (WebAuthnCredential.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).exists()
                  or TOTPDevice.objects.filter(user=user, confirmed=True).exists())
        require(others or not twofactor.needs_second_factor(user), twofactor.OTP_KEY, LAST_FACTOR, field="passkey")
        name = device.name
        device.delete()
        chain.append("user.passkey_removed", subject=user, by=by, organisation=user.organisation_id,
                     summary=f"移除 {user.username} 的通行密钥「{name}」", data={"device": device_id})


def record_passkey_failure(user: User, *, reason: str) -> None:
    """A passkey sign-in the server refused after the browser answered (unknown or someone else's passkey, bad
    signature, replayed challenge): worth a look in the records."""
    with transaction.atomic():
        chain.append("user.passkey_failed", subject=user, by=user, organisation=user.organisation_id,
                     summary=f"{user.username} 的通行密钥验证未通过", data={"reason": reason[:64]})


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _i in range(twofactor.RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def new_recovery_codes(user: User, *, by) -> list[str]:
    """Replace the recovery codes (the old ones stop working); shown once."""
    _require_admin_or_self(user, by)
    require(twofactor.has_device(user), twofactor.OTP_KEY, twofactor.NO_DEVICE, field="otp")
    with transaction.atomic():
        codes = _new_recovery_codes(user)
        chain.append("user.recovery_codes_renewed", subject=user, by=by, organisation=user.organisation_id,
                     summary=f"{user.username} 的恢复码已重新生成", data={"recovery_codes": len(codes)})
    return codes


def remove_second_factor(user: User, *, by) -> int:
    """A system administrator removes a user's authenticator, passkeys and recovery codes (a lost device); a member of
    staff must set up a new one at the next page. Returns the number of devices removed."""
    require_admin(by)
    with transaction.atomic():
        removed = TOTPDevice.objects.filter(user=user).delete()[1].get("otp_totp.TOTPDevice", 0)
        removed += WebAuthnCredential.objects.filter(user=user).delete()[1].get(
            "django_otp_webauthn.WebAuthnCredential", 0)
        removed += StaticDevice.objects.filter(user=user).delete()[1].get("otp_static.StaticDevice", 0)
        if not removed:
            raise RuleViolation(twofactor.OTP_KEY, _("This account has no second factor to remove."), field="otp")
        chain.append("user.otp_removed", subject=user, by=by, organisation=user.organisation_id,
                     summary=f"移除 {user.username} 的双因素登录设备，下次登录须重新设置", data={"devices": removed})
    return removed


def unlock(*, by, username: str = "", ip_address: str = "") -> int:
    """A system administrator lifts a lockout (django-axes) of an account or an address before its cool-off
    ends. Returns the number of attempt rows cleared."""
    require_admin(by)
    require(bool(username or ip_address), "SEC-lockout", _("Name the account or the address to unlock."),
            field="username")
    with transaction.atomic():
        cleared = axes_reset(username=username or None, ip=ip_address or None)
        user = User.objects.filter(username=username).first() if username else None
        subject = user if user is not None else ("address", ip_address or username)
        target = f"账户 {username}" if username else f"地址 {ip_address}"
        chain.append("user.unlocked", subject=subject, by=by,
                     organisation=user.organisation_id if user is not None else None,
                     summary=f"解除{target}的登录锁定", data={"username": username, "ip_address": ip_address,
                                                          "attempts_cleared": cleared})
    return cleared


def verify_second_factor(user: User, code: str):
    """The second step of logging in: returns the device that accepted the code (a used recovery code is
    recorded); raises RuleViolation(field="otp") otherwise."""
    return twofactor.check_code(user, code)
