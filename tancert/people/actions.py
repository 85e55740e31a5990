"""State changes of people: users, roles, API tokens. Each appends a record."""

from __future__ import annotations

import hashlib
import secrets

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.people.accounts import twofactor
from tancert.people.accounts.passwords import check_password
from tancert.people.models import ApiToken, Role, RoleGrant, User
from tancert.records import chain

TOKEN_PREFIX = "tc_"


def require_role(user, *roles: str) -> None:
    """Raise PermissionDenied unless the user holds one of the roles."""
    if user is None or not user.is_authenticated or not user.has_role(*roles):
        raise PermissionDenied(_("Your role does not allow this action."))


def create_staff_user(username: str, password: str, *, roles: list[str], by, display_name: str = "",
                      email: str = "", password_policy: bool = True) -> User:
    """A system administrator (or the set-up, by=None) creates a member of staff.

    The password policy applies (docs/security.md); only the demo's seed turns it off (password_policy=False),
    for its published password, which the policy finds too like the user name `certadmin`."""
    if by is not None:
        require_role(by, Role.SYSTEM_ADMIN)
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    if password_policy:
        check_password(password, User(username=username, email=email, display_name=display_name))
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, email=email, display_name=display_name)
        for role in roles:
            RoleGrant.objects.create(user=user, role=role)
        chain.append("user.staff_created", subject=user, by=by, summary=f"创建机构人员账户 {username}",
                     data={"username": username, "roles": sorted(roles)})
    return user


def _role_zh(role: str) -> str:
    # Records are in Chinese whatever the session's language (RR-language), never the role's code.
    from django.utils import translation

    with translation.override("zh-hans"):
        return str(Role(role).label)


def grant_role(user: User, role: str, *, by) -> None:
    require_role(by, Role.SYSTEM_ADMIN)
    if role not in Role.values:
        raise ValueError(f"unknown role: {role}")
    with transaction.atomic():
        RoleGrant.objects.get_or_create(user=user, role=role)
        chain.append("user.role_granted", subject=user, by=by, summary=f"授予 {user.username} 角色：{_role_zh(role)}",
                     data={"role": role})
    user.__dict__.pop("_role_cache", None)


def revoke_role(user: User, role: str, *, by) -> None:
    """Take a role away; from then on every action of that role is refused for the user."""
    require_role(by, Role.SYSTEM_ADMIN)
    with transaction.atomic():
        deleted, _rows = RoleGrant.objects.filter(user=user, role=role).delete()
        if deleted:
            chain.append("user.role_revoked", subject=user, by=by, summary=f"撤回 {user.username} 的角色：{_role_zh(role)}",
                         data={"role": role})
    user.__dict__.pop("_role_cache", None)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_api_token(user: User, name: str, *, by, otp: str = "", passkey: bool = False) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the secret once — only its hash is stored.

    A token of a member of staff (or of anyone with a second factor) needs a current code from the second
    factor of whoever asks (`otp`), so a stolen password or session cannot mint one (docs/security.md). The
    server's own command line (by=None) needs none. `passkey`: the asker confirmed with a passkey moments ago
    (accounts.passkeys.take_fresh_confirmation), which stands for the code."""
    if by is not None and by.pk != user.pk:
        require_role(by, Role.SYSTEM_ADMIN)
    if by is not None and not passkey and (twofactor.needs_second_factor(user) or twofactor.needs_second_factor(by)):
        # Outside the transaction below: a wrong code must count towards the throttle.
        twofactor.check_code(by, otp)
    name = (name or "").strip() or "API"
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name[:100], prefix=secret[:10], key_hash=_hash(secret))
        chain.append("user.token_created", subject=user, by=by, organisation=user.organisation_id,
                     summary=f"为 {user.username} 创建 API 令牌 {token.prefix}…", data={"token": token.prefix, "name": name})
    return token, secret


def revoke_api_token(token: ApiToken, *, by) -> None:
    if by.pk != token.user_id:
        require_role(by, Role.SYSTEM_ADMIN)
    with transaction.atomic():
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        chain.append("user.token_revoked", subject=token.user, by=by, organisation=token.user.organisation_id,
                     summary=f"吊销 API 令牌 {token.prefix}…", data={"token": token.prefix})


def user_for_token(secret: str) -> User | None:
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(secret), revoked_at__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    # last_used_at is bookkeeping, not a record; throttle writes to once a minute.
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
