"""Record chain verification and tokens over the API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import Router, Schema, Status

from tancert.people import access
from tancert.people.actions import create_api_token
from tancert.records import chain

router = Router(tags=["records"])


class VerifyOut(Schema):
    ok: bool
    count: int
    broken_seq: int | None
    reason: str


@router.get("/records/verify", response=VerifyOut)
def verify(request):
    """Recompute the whole hash chain (office roles)."""
    if not access.is_office(request.user):
        raise PermissionDenied
    return chain.verify().as_dict()


class TokenIn(Schema):
    name: str


class TokenOut(Schema):
    name: str
    prefix: str
    token: str


@router.post("/me/tokens", response={201: TokenOut})
def token(request, payload: TokenIn):
    """Create an API token for yourself; the secret is returned once."""
    t, secret = create_api_token(request.user, payload.name, by=request.user)
    return Status(201, {"name": t.name, "prefix": t.prefix, "token": secret})
