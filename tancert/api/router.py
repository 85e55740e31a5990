"""The versioned REST API (/api/v1/), OpenAPI at /api/v1/openapi.json.

Authentication: `Authorization: Bearer <token>` (per-user tokens) or the browser session.
Errors: one body for all (errors.ErrorOut): a RuleViolation becomes 422 {"detail", "rule", "message", "field"},
invalid input 422 with the field, walls 403/404; every code an operation can answer is declared on it.
"""

from ninja import NinjaAPI
from ninja.security import HttpBearer, django_auth

from tancert.api import (
    application_data,
    audit_levels,
    auditors,
    audits,
    carbon,
    certificates,
    checklists,
    clients,
    complaints,
    contracts,
    errors,
    exports,
    footprints,
    levels,
    marks,
    notices,
    ops,
    planning,
    proposals,
    records,
    register,
    remote,
    scope_levels,
    transfers,
    verify,
)
from tancert.api.parser import NulFreeParser
from tancert.people.actions import user_for_token


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
    parser=NulFreeParser(),
)


errors.install(api)


# One router per area; the public register needs no login (its own auth=None inside register.py).
errors.document(register.router, public=True, limited=True)
api.add_router("/public", register.router)
errors.document(complaints.public_router, public=True, limited=True)
api.add_router("/public", complaints.public_router)
errors.document(verify.router, public=True, limited=True)
api.add_router("/public", verify.router)
for area in (clients, application_data, scope_levels, contracts, ops, auditors, audits, remote, checklists, planning, carbon,
             certificates, proposals, complaints, notices, transfers, marks, exports, records, levels,
             footprints, audit_levels):
    errors.document(area.router)
    api.add_router("", area.router)
