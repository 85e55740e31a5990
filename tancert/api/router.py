"""The versioned REST API (/api/v1/), OpenAPI at /api/v1/openapi.json.

Authentication: `Authorization: Bearer <token>` (per-user tokens) or the browser session.
Errors: a RuleViolation becomes 422 {"rule", "message", "field"}; walls give 403/404.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, django_auth

from tancert.api import (
    application_data,
    auditors,
    audits,
    carbon,
    certificates,
    checklists,
    clients,
    contracts,
    exports,
    marks,
    ops,
    planning,
    proposals,
    records,
    register,
    transfers,
)
from tancert.people.actions import user_for_token
from tancert.scheme.violations import RuleViolation


class TokenAuth(HttpBearer):
    def authenticate(self, request, token):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="tancert API",
    version="1",
    description="Carbon management system certification under CEC-7048CMS-A/2. Rule violations return 422 with "
                "the scheme's rule key.",
    auth=[TokenAuth(), django_auth],
    urls_namespace="api-v1",
)


@api.exception_handler(RuleViolation)
def rule_violation(request, exc: RuleViolation):
    return api.create_response(request, exc.as_dict(), status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "not found"}, status=404)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    return api.create_response(request, {"detail": "authentication required"}, status=401)


# One router per area; the public register needs no login (its own auth=None inside register.py).
api.add_router("/public", register.router)
for area in (clients, application_data, contracts, ops, auditors, audits, checklists, planning, carbon,
             certificates, proposals, transfers, marks, exports, records):
    api.add_router("", area.router)
