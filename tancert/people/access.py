"""Who counts as the body's office: the roles that see every client (docs/architecture.md, "Walls
between roles").

- a client user sees only its own organisation;
- an auditor or technical expert (without an office role) sees only audits they are on;
- office roles (reviewer, programme manager, decision maker, certificate administrator,
  system administrator) see every organisation.

The querysets of what a user may see belong to the app that owns the data: ``clients/access.py``
(organisations, applications), ``audits/access.py`` (audits, findings), ``certificates/access.py``.
"""

from __future__ import annotations

from tancert.people.models.user import OFFICE_ROLES

__all__ = ["OFFICE_ROLES", "is_office"]


def is_office(user) -> bool:
    return user.is_authenticated and user.is_office
