"""One error body for the whole API, declared in the OpenAPI document as it is sent.

Every 4xx the API answers — a RuleViolation, invalid input, a wall, a missing object, a conflict, a
refused lookup — is an `ErrorOut`: `detail` always (in the active language), plus the rule key, field and
messages of a RuleViolation, the bad fields of invalid input, or the seconds to wait. `document()` adds the
codes an operation can answer to its declared responses, so no status code goes undocumented
(docs/architecture.md, API; tests/security/test_api_fuzz.py holds the document to it).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Router, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tancert.certificates.register import lookup
from tancert.scheme.violations import RuleViolation


class InputError(Schema):
    field: str  # dotted path inside its source, e.g. "page_size" or "payload.employees"
    source: str  # path, query, body, form or file
    message: str
    type: str


class CellErrorOut(Schema):
    """A rejected inventory upload's error, by sheet, row and column (R7.4.3, ghg/errors.py)."""
    sheet: str
    row: int | None = None
    column: str | None = None
    message: str
    message_zh: str = ""


class ErrorOut(Schema):
    detail: str
    rule: str | None = None  # the scheme's rule key (CEC-7048CMS-A2.en.md) when a rule refused
    message: str | None = None
    message_zh: str | None = None
    message_en: str | None = None
    field: str | None = None  # the field to correct
    errors: list[InputError | CellErrorOut] | None = None  # invalid input's fields; a rejected file's cells
    retry_after: int | None = None  # 429: seconds until the window resets


# The codes each kind of operation can answer besides its own (docs/architecture.md, API):
# 401 no or a bad token, 403 a wall or a missing CSRF token, 404 an object out of sight, 422 a rule
# or invalid input, 400 an unparsable body, 409 a write that lost a race to a unique constraint, 413 a body
# over its size limit (web/middleware.RequestSizeMiddleware).
SIGNED_IN = frozenset({401, 403, 404, 422})
PUBLIC = frozenset({404, 422})
WITH_BODY = frozenset({400, 409, 413})
WRITES = {"POST", "PUT", "PATCH", "DELETE"}


def error_codes(*, public: bool = False, body: bool = False, limited: bool = False) -> frozenset[int]:
    """Every error code an operation of this kind can answer."""
    return (PUBLIC if public else SIGNED_IN) | (WITH_BODY if body else frozenset()) | (
        frozenset({429}) if limited else frozenset())


def responses(ok, code: int = 200, **kind) -> dict:
    """A `response=` dict declared by hand: the success and every error code (see error_codes) as ErrorOut."""
    return {code: ok, error_codes(**kind) - {code}: ErrorOut}


def document(router: Router, *, public: bool = False, limited: bool = False) -> None:
    """Declare ErrorOut for every code each of the router's operations can answer (its success it declares
    itself). Runs before the API is bound: the bound copies take the declared responses along. A 4xx an
    operation declared itself is replaced, so that every error has the one body."""
    for view in router.path_operations.values():
        for op in view.operations:
            body = bool(WRITES & set(op.methods)) or any(
                m.__ninja_param_source__ in {"body", "form", "file"} for m in op.models)
            codes = error_codes(public=public or op.auth_param is None, body=body, limited=limited)
            model = op._create_response_model(ErrorOut)
            for code in codes | {c for c in op.response_models if isinstance(c, int) and c >= 400}:
                op.response_models[code] = model


def _input_errors(errors: list[dict]) -> list[dict]:
    out = []
    for e in errors:
        loc = [str(x) for x in e.get("loc", ())]
        source = loc[0] if loc else ""
        out.append({"field": ".".join(loc[1:]) or source, "source": source, "message": str(e.get("msg", "")),
                    "type": str(e.get("type", ""))})
    return out


def install(api: NinjaAPI) -> None:
    """The exception handlers behind ErrorOut."""

    @api.exception_handler(RuleViolation)
    def rule_violation(request, exc: RuleViolation):
        body = exc.as_dict()
        return api.create_response(request, {"detail": body["message"], **body}, status=422)

    @api.exception_handler(ValidationError)
    def invalid_input(request, exc: ValidationError):
        errors = _input_errors(exc.errors)
        first = errors[0] if errors else {"field": None, "message": ""}
        return api.create_response(request, {
            "detail": _("Invalid input: correct the field %(field)s.") % {"field": first["field"]},
            "message": first["message"], "field": first["field"], "errors": errors}, status=422)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request, exc):
        return api.create_response(request, {"detail": str(exc) or _("You may not do this.")}, status=403)

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return api.create_response(request, {"detail": _("Not found.")}, status=404)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request, exc):
        return api.create_response(request, {"detail": _("Authentication required.")}, status=401)

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        if isinstance(exc.__cause__, ValidationError):  # the parser refused a value (api/parser.py): name it
            return invalid_input(request, exc.__cause__)
        return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)

    @api.exception_handler(lookup.Refused)
    def too_many(request, exc: lookup.Refused):
        response = api.create_response(request, {"detail": exc.message, "rule": "R9.2-lookup",
                                                 "retry_after": exc.retry}, status=429)
        response["Retry-After"] = str(exc.retry)
        return response

    @api.exception_handler(IntegrityError)
    def conflict(request, exc):
        # The constraint behind a check-then-create caught a concurrent write (docs/architecture.md, The action
        # layer): nothing was written; the client retries.
        return api.create_response(request, {"detail": _("This changed meanwhile; reload and try again.")},
                                   status=409)
