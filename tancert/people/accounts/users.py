"""The system administrator's user and role management: create a member of staff with roles, change roles,
deactivate and reactivate an account — and each user's own choice of notices by e-mail. Every change appends a
record (docs/security.md, "Users and roles").

These checks are the body's own security policy, not rules of the scheme: key ``SEC-accounts``.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from tancert.people.accounts.actions import _require_admin_or_self, require_admin
from tancert.people.accounts.passwords import check_password
from tancert.people.models import ApiToken, Role, RoleGrant, User
from tancert.records import chain
from tancert.scheme.violations import require

ACCOUNTS_KEY = "SEC-accounts"
USERNAME = re.compile(r"^[\w.@+-]{2,150}$")


def role_zh(role: str) -> str:
    """A role's Chinese name, for records (RR-language) whatever the language of the session."""
    with translation.override("zh-hans"):
        return str(Role(role).label)


def _roles_zh(roles) -> str:
    return "、".join(role_zh(r) for r in sorted(roles)) or "无"


def _check_roles(roles) -> set[str]:
    roles = set(roles or ())
    require(bool(roles), ACCOUNTS_KEY, _("Choose at least one role; to end an account's access, deactivate it."),
            field="roles")
    require(roles <= set(Role.values), ACCOUNTS_KEY, _("Unknown role."), field="roles")
    return roles


def _other_active_admins(user: User) -> bool:
    return User.objects.filter(role_grants__role=Role.SYSTEM_ADMIN, is_active=True).exclude(pk=user.pk).exists()


def create_staff(*, by, username: str, display_name: str, email: str, password: str, roles) -> User:
    """A new member of staff with their roles; the password policy applies (docs/security.md). They set up
    their second factor at the first log-in."""
    require_admin(by)
    username = (username or "").strip()
    require(bool(USERNAME.match(username)), ACCOUNTS_KEY,
            _("A user name has 2 to 150 letters, digits or the characters . @ + - _."), field="username")
    require(not User.objects.filter(username__iexact=username).exists(), ACCOUNTS_KEY,
            _("This user name is taken."), field="username")
    require(bool((display_name or "").strip()), ACCOUNTS_KEY, _("Give the person's name."), field="display_name")
    roles = _check_roles(roles)
    display_name, email = display_name.strip(), (email or "").strip()
    check_password(password, User(username=username, email=email, display_name=display_name))
    with transaction.atomic():
        user = User.objects.create_user(username=username, password=password, email=email, display_name=display_name)
        RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in sorted(roles)])
        chain.append("user.staff_created", subject=user, by=by,
                     summary=f"创建机构人员账户 {username}（{_roles_zh(roles)}）",
                     data={"username": username, "roles": sorted(roles)})
    return user


def set_roles(user: User, roles, *, by) -> tuple[set[str], set[str]]:
    """Give a member of staff exactly these roles; returns (granted, revoked). A client's account holds no
    role (roles are walls: a client sees only its organisation), and the last system administrator keeps the
    role (else nobody could manage accounts)."""
    require_admin(by)
    require(not user.is_client, ACCOUNTS_KEY, _("A client organisation's account holds no staff role."),
            field="roles")
    roles = _check_roles(roles)
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        current = set(locked.role_grants.values_list("role", flat=True))
        granted, revoked = roles - current, current - roles
        if Role.SYSTEM_ADMIN in revoked:
            require(_other_active_admins(locked), ACCOUNTS_KEY,
                    _("This is the last active system administrator: give the role to someone else first."),
                    field="roles")
        if not granted and not revoked:
            return set(), set()
        RoleGrant.objects.filter(user=locked, role__in=revoked).delete()
        RoleGrant.objects.bulk_create([RoleGrant(user=locked, role=r) for r in sorted(granted)])
        parts = ([f"授予{_roles_zh(granted)}"] if granted else []) + ([f"撤销{_roles_zh(revoked)}"] if revoked else [])
        chain.append("user.roles_changed", subject=locked, by=by,
                     summary=f"更改 {locked.username} 的角色：{'；'.join(parts)}（现为{_roles_zh(roles)}）",
                     data={"granted": sorted(granted), "revoked": sorted(revoked), "roles": sorted(roles)})
    user.__dict__.pop("_role_cache", None)
    return granted, revoked


def deactivate(user: User, *, by, reason: str) -> int:
    """End an account's access: no log-in, its sessions no longer authenticate (Django refuses an inactive
    user), its API tokens are revoked, it receives no notices. Its records stay. Returns the tokens revoked."""
    require_admin(by)
    reason = (reason or "").strip()
    require(bool(reason), ACCOUNTS_KEY, _("Say why the account is deactivated."), field="reason")
    require(user.pk != by.pk, ACCOUNTS_KEY, _("You cannot deactivate your own account."), field="user")
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        require(locked.is_active, ACCOUNTS_KEY, _("This account is already deactivated."), field="user")
        if locked.has_role(Role.SYSTEM_ADMIN):
            require(_other_active_admins(locked), ACCOUNTS_KEY,
                    _("This is the last active system administrator: give the role to someone else first."),
                    field="user")
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        revoked = ApiToken.objects.filter(user=locked, revoked_at__isnull=True).update(revoked_at=timezone.now())
        chain.append("user.deactivated", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"停用账户 {locked.username}：{reason}；吊销 {revoked} 个 API 令牌",
                     data={"reason": reason, "tokens_revoked": revoked})
    user.is_active = False
    return revoked


def reactivate(user: User, *, by, reason: str = "") -> None:
    require_admin(by)
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        require(not locked.is_active, ACCOUNTS_KEY, _("This account is active."), field="user")
        locked.is_active = True
        locked.save(update_fields=["is_active"])
        chain.append("user.reactivated", subject=locked, by=by, organisation=locked.organisation_id,
                     summary=f"重新启用账户 {locked.username}" + (f"：{reason}" if reason else ""),
                     data={"reason": reason})
    user.is_active = True


def set_email_notifications(user: User, on: bool, *, by) -> None:
    """The user's own choice: notices by e-mail on or off (the notices in the app stay)."""
    _require_admin_or_self(user, by)
    on = bool(on)
    with transaction.atomic():
        changed = User.objects.filter(pk=user.pk).exclude(email_notifications=on).update(email_notifications=on)
        if changed:
            chain.append("user.notice_email_set", subject=user, by=by, organisation=user.organisation_id,
                         summary=f"{user.username} {'开启' if on else '关闭'}邮件通知", data={"on": on})
    user.email_notifications = on
