"""The people app's models: users and roles (user.py), the auditor register (auditors.py).

Django loads ``people.models``; this package names every model so that they register with the app.
"""

from tancert.people.models.auditors import (
    AuditorRecord,
    CcaaRegistration,
    CompetenceEvaluation,
    ConflictDeclaration,
    CpdPlan,
    CpdRecord,
    Experience,
    Grade,
    Qualification,
    QualificationType,
    Unavailability,
)
from tancert.people.models.user import ApiToken, Role, RoleGrant, User

__all__ = [
    "ApiToken", "AuditorRecord", "CcaaRegistration", "CompetenceEvaluation", "ConflictDeclaration", "CpdPlan", "CpdRecord",
    "Experience", "Grade", "Qualification", "QualificationType", "Role", "RoleGrant", "Unavailability", "User",
]
