"""Attach a scanned signed paper original to a record event (RR-signed)."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from tancert.records import chain, keys, uploads
from tancert.records.models import Event, SignedOriginal
from tancert.scheme.violations import require


def attach_signed_original(event: Event, *, by, filename: str, content: bytes, kept_at: str) -> SignedOriginal:
    from django.core.exceptions import PermissionDenied

    if not getattr(by, "is_office", False):
        raise PermissionDenied(_("Only the body's office staff can attach signed originals."))
    verdict = uploads.examine(content, allowed=("pdf", "png", "jpeg"))  # a scan: a PDF or an image
    require(verdict.ok, "RR-signed", verdict.message, field="file", params=verdict.params)
    kind = (verdict.kind, verdict.media)
    require(bool((kept_at or "").strip()), "RR-signed", _("Say where the paper original is kept."), field="kept_at")
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        original = SignedOriginal(event=event, original_name=filename[:255], sha256=digest, kept_at=kept_at.strip(),
                                  attached_by=by)
        original.file.save(f"{digest[:12]}.{kind[0]}", ContentFile(content), save=False)
        original.save()
        chain.append("record.original_attached", subject=(event.subject_type, event.subject_id), by=by,
                     organisation=event.organisation_id,
                     summary=f"为记录 #{event.seq} 附上签字原件扫描件 {filename}，原件存放于 {kept_at.strip()}",
                     data={"event": event.seq, "sha256": digest, "kept_at": kept_at.strip()})
    return original


def rotate_records_key(*, by) -> tuple[str, str]:
    """Replace the records signing key (docs/architecture.md, Records: rotation).

    The new key is endorsed by the old one in the keyring and the old private key is destroyed; the
    rotation is itself a record, signed with the new key.
    """
    if by is not None and not getattr(by, "has_role_system_admin", False):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("Only a system administrator can rotate the records key."))
    with transaction.atomic():
        old, new = keys.rotate()
        chain.append("records.key_rotated", subject=None, by=by,
                     summary=f"更换记录签名密钥：{old} → {new}（旧公钥保留在密钥环中）",
                     data={"old_key_id": old, "new_key_id": new})
    return old, new
