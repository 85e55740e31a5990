"""CNCA check-ins (认证到) at the opening and closing meetings: time and 1–3 team photos (CB-checkin; the
anomalies and their explanations: explanations.py)."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from tancert.audits.models import Audit, AuditTeamMember, OfflineReceipt
from tancert.audits.models.checklists import CheckIn, CheckInPhoto
from tancert.audits.offline import receipts
from tancert.people.models import Role
from tancert.records import chain, uploads
from tancert.scheme.violations import require

KEY = "R7.4"  # the conduct of the audit; check-ins are a CNCA practice, not a keyed scheme rule
MAX_PHOTOS = 3
OFFLINE_DAYS = 2  # how old a check-in made offline may be when it reaches the server


def set_checkin_required(audit: Audit, *, by, required: bool, reason: str = "") -> None:
    """Check-ins are on by default (CB-checkin: every management-system audit checks in since 2022-12-01); the
    team leader or the programme manager may switch them on, only the programme manager off, with the reason,
    recorded. Missing check-ins never block closing: they are anomalies to explain (explanations.py)."""
    leader = audit.team.filter(user=by, role=AuditTeamMember.LEADER).exists() if by.is_authenticated else False
    manager = by.is_authenticated and by.has_role(Role.PROGRAMME_MANAGER) and not by.is_client
    if not (leader or manager):
        raise PermissionDenied(_("Only the programme manager or the team leader can do this."))
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), "CB-checkin", _("This audit is already closed."),
            field="status")
    reason = (reason or "").strip()
    if not required:
        require(manager, "CB-checkin", _("Only the programme manager can waive the check-ins of an audit."),
                field="required")
        require(bool(reason), "CB-checkin", _("Give the reason for waiving the check-ins."), field="reason")
        require(len(reason) <= 500, "CB-checkin", _("Keep the reason within %(n)s characters."), field="reason",
                params={"n": 500})
    with transaction.atomic():
        audit.checkin_required = bool(required)
        audit.save(update_fields=["checkin_required"])
        chain.append("audit.checkin_setting", subject=audit, by=by, organisation=audit.organisation_id,
                     summary="本次审核要求首末次会议签到" if required else f"本次审核不要求签到：{reason[:200]}",
                     data={"required": bool(required), "reason": reason})


def check_in(audit: Audit, *, by, meeting: str, photos: list[tuple[str, bytes]], at: datetime | None = None,
             location: str = "", uuid=None, made_offline_at: datetime | None = None) -> CheckIn:
    """``uuid``: the device's key of a check-in made offline — sent again, it returns the check-in made the first
    time instead of "already checked in" (offline/receipts.py). ``made_offline_at``: the device's time of a
    check-in made offline, kept as its time when it lies within the last two days (the upload time is recorded
    beside it, so the record shows both)."""
    if not (by.is_authenticated and audit.team.filter(user=by).exists()):
        raise PermissionDenied(_("Only members of this audit team can do this."))
    key = receipts.key_of(uuid, KEY)
    done = receipts.replayed(key, kind=OfflineReceipt.CHECKIN, audit=audit, by=by, model=CheckIn, rule=KEY)
    if done is not None:
        return done
    require(audit.status in (Audit.PLANNED, Audit.IN_PROGRESS), KEY, _("This audit is already closed."),
            field="status")
    require(meeting in dict(CheckIn.MEETINGS), KEY, _("Check in at the opening or the closing meeting."),
            field="meeting")
    require(not audit.checkins.filter(meeting=meeting).exists(), KEY,
            _("This meeting has already been checked in."), field="meeting")
    if meeting == CheckIn.CLOSING:
        require(audit.checkins.filter(meeting=CheckIn.OPENING).exists(), KEY,
                _("Check in at the opening meeting first."), field="meeting")
    require(1 <= len(photos) <= MAX_PHOTOS, KEY, _("Attach one to three team photos."), field="photos")
    kinds = []
    for name, content in photos:
        verdict = uploads.examine(content, allowed=("jpeg", "png"))
        require(verdict.ok, KEY, format_lazy("{}: {}", name.replace("%", "%%"), verdict.message), field="photos", params=verdict.params)
        kinds.append((verdict.kind, verdict.media))
    uploaded = timezone.now()
    if made_offline_at is not None:
        if timezone.is_naive(made_offline_at):
            made_offline_at = timezone.make_aware(made_offline_at)
        require(uploaded - timedelta(days=OFFLINE_DAYS) <= made_offline_at <= uploaded + timedelta(minutes=5), KEY,
                _("The device's time of this check-in is not plausible; check in again with the network."),
                field="made_at")
        at = made_offline_at
    at = at or uploaded
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    with transaction.atomic():
        checkin = CheckIn.objects.create(audit=audit, meeting=meeting, at=at, location=location.strip()[:200],
                                         by=by)
        receipts.keep(key, kind=OfflineReceipt.CHECKIN, audit=audit, by=by, obj=checkin)
        digests = []
        for (_name, content), kind in zip(photos, kinds, strict=True):
            digest = hashlib.sha256(content).hexdigest()
            photo = CheckInPhoto(checkin=checkin, content_type=kind[1], sha256=digest)
            photo.file.save(f"{digest[:16]}.{kind[0]}", ContentFile(content), save=False)
            photo.save()
            digests.append(digest)
        label = "首次会议" if meeting == CheckIn.OPENING else "末次会议"
        chain.append("audit.checked_in", subject=audit, by=by, organisation=audit.organisation_id,
                     summary=f"{label}签到：{timezone.localtime(at):%Y-%m-%d %H:%M}，照片 {len(photos)} 张"
                             + (f"，地点 {location.strip()}" if location.strip() else "")
                             + (f"（离线签到，{timezone.localtime(uploaded):%Y-%m-%d %H:%M} 上传）"
                                if made_offline_at is not None else ""),
                     data={"meeting": meeting, "at": at.isoformat(), "location": location.strip(),
                           "photos": digests, "offline": made_offline_at is not None,
                           "uploaded_at": uploaded.isoformat()})
    return checkin
