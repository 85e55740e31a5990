"""Users, staff roles and API tokens.

A user is either a client user (tied to one organisation) or a member of the body's
staff holding one or more roles; the walls between them are in tancert.people.access.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    APPLICATION_REVIEWER = "application_reviewer", _("application reviewer")
    PROGRAMME_MANAGER = "programme_manager", _("programme manager")
    AUDITOR = "auditor", _("auditor")
    TECHNICAL_EXPERT = "technical_expert", _("technical expert")
    DECISION_MAKER = "decision_maker", _("decision maker")
    CERTIFICATE_ADMIN = "certificate_admin", _("certificate administrator")
    SYSTEM_ADMIN = "system_admin", _("system administrator")


# The body's office: these roles see every client (docs/architecture.md, "Walls between roles").
OFFICE_ROLES = (
    Role.APPLICATION_REVIEWER,
    Role.PROGRAMME_MANAGER,
    Role.DECISION_MAKER,
    Role.CERTIFICATE_ADMIN,
    Role.SYSTEM_ADMIN,
)


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=100, blank=True)
    organisation = models.ForeignKey(
        "clients.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        verbose_name=_("organisation"),
    )
    # The user's choice on their own page: notices always appear in the app; e-mail only while this is on.
    email_notifications = models.BooleanField(_("notices by e-mail"), default=True)

    def get_full_name(self) -> str:
        return self.display_name or super().get_full_name() or self.username

    @property
    def is_client(self) -> bool:
        return self.organisation_id is not None

    def role_codes(self) -> set[str]:
        if not hasattr(self, "_role_cache"):
            self._role_cache = set(self.role_grants.values_list("role", flat=True)) if self.pk else set()
        return self._role_cache

    def has_role(self, *roles: str) -> bool:
        return bool(self.role_codes() & set(roles))

    @property
    def is_office(self) -> bool:
        """One of the office roles (OFFICE_ROLES); the records app asks this without knowing the roles."""
        return self.has_role(*OFFICE_ROLES)

    @property
    def has_role_system_admin(self) -> bool:
        return self.has_role(Role.SYSTEM_ADMIN)

    @property
    def has_role_programme_manager(self) -> bool:
        return self.has_role(Role.PROGRAMME_MANAGER)

    @property
    def is_staff_member(self) -> bool:
        return bool(self.role_codes())


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="unique_role_grant")]


class ApiToken(models.Model):
    """A per-user API token. Only the SHA-256 of the secret is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
