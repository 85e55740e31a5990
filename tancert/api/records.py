"""Record chain verification and tokens over the API."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from tancert.api.schemas import Id
from tancert.people.access import is_office
from tancert.people.accounts import passkeys
from tancert.people.actions import create_api_token
from tancert.records import chain, uploads
from tancert.records.actions import attach_signed_original
from tancert.records.models import Event
from tancert.ui.walls import get_or_404

router = Router(tags=["records"])


class VerifyOut(Schema):
    ok: bool
    count: int
    broken_seq: int | None
    kind: str
    reason: str
    message_zh: str
    checkpoint_file: bool
    checkpoints: int
    checkpoint_seq: int | None


@router.get("/records/verify", response=VerifyOut)
def verify(request):
    """Recompute the whole hash chain, check every event's signature and the signed checkpoints (office roles)."""
    if not is_office(request.user):
        raise PermissionDenied
    return chain.verify().as_dict()


class TokenIn(Schema):
    name: str
    otp: str = ""


class TokenOut(Schema):
    name: str
    prefix: str
    token: str


@router.post("/me/tokens", response={201: TokenOut, 422: dict})
def token(request, payload: TokenIn):
    """Create an API token for yourself; the secret is returned once.

    Staff (and anyone who set up a second factor) send `otp`: the current 6-digit code of their authenticator
    app or a recovery code; a missing or wrong code is 422 with field `otp`, and wrong codes slow down. In a
    browser session that has just confirmed a passkey, the passkey stands for the code (once)."""
    t, secret = create_api_token(request.user, payload.name, by=request.user, otp=payload.otp,
                                 passkey=not payload.otp and passkeys.take_fresh_confirmation(request))
    return Status(201, {"name": t.name, "prefix": t.prefix, "token": secret})


class OriginalOut(Schema):
    event: int
    original_name: str
    sha256: str
    kept_at: str


@router.post("/records/{seq}/originals", response={201: OriginalOut, 422: dict})
def attach_original(request, seq: Id, file: File[UploadedFile], kept_at: Form[str]):
    """Attach the scan of a signed paper original to record event `seq` (RR-signed; office roles)."""
    if not is_office(request.user):
        raise PermissionDenied
    ev = get_or_404(Event.objects.all(), seq=seq)
    original = attach_signed_original(ev, by=request.user, filename=file.name, content=uploads.read(file), kept_at=kept_at)
    return Status(201, {"event": ev.seq, "original_name": original.original_name, "sha256": original.sha256,
                        "kept_at": original.kept_at})
