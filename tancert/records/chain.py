"""Append to and verify the hash chain (docs/architecture.md, Records).

The hash covers every column that carries meaning, including the sequence number, so a
row that is altered, deleted or moved breaks the chain at the first affected event.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.scheme.violations import require

from .models import Event

GENESIS = "0" * 64
# RR-language: a record is written in Chinese. Its summary must hold Chinese text (CJK unified ideographs);
# names, numbers and codes may stand beside it.
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


def _canonical(seq: int, at: datetime, actor_id, actor_name: str, action: str, subject_type: str,
               subject_id: str, organisation_id, summary: str, data: dict, prev_hash: str) -> bytes:
    body = {
        "seq": seq,
        "at": at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor_id,
        "actor_name": actor_name,
        "action": action,
        "subject": f"{subject_type}:{subject_id}",
        "org": organisation_id,
        "summary": summary,
        "data": data,
        "prev": prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str).encode()


def compute_hash(ev: Event) -> str:
    return hashlib.sha256(
        _canonical(ev.seq, ev.at, ev.actor_id, ev.actor_name, ev.action, ev.subject_type, ev.subject_id,
                   ev.organisation_id, ev.summary, ev.data, ev.prev_hash)
    ).hexdigest()


def _normalise(data: dict) -> dict:
    # Round-trip through JSON so the hash is computed over exactly what the database stores.
    return json.loads(json.dumps(data, ensure_ascii=False, default=str))


def subject_ref(subject) -> tuple[str, str]:
    if subject is None:
        return ("system", "-")
    if isinstance(subject, tuple):
        return (str(subject[0]), str(subject[1]))
    return (subject._meta.model_name, str(subject.pk))


def append(action: str, *, subject, by, summary: str, data: dict | None = None, organisation=None) -> Event:
    """Append one event. Must run inside the caller's transaction (atomic is re-entrant)."""
    require(bool(_CHINESE.search(summary or "")), "RR-language",
            _("A record is written in Chinese: give the event's summary in Chinese."), field="summary")
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Serialise appends: a concurrent appender waits here until we commit.
            with connection.cursor() as cur:
                cur.execute("LOCK TABLE records_event IN SHARE ROW EXCLUSIVE MODE")
        last = Event.objects.order_by("-seq").values("seq", "hash").first()
        seq = (last["seq"] + 1) if last else 1
        prev = last["hash"] if last else GENESIS
        stype, sid = subject_ref(subject)
        org_id = organisation.pk if hasattr(organisation, "pk") else organisation
        ev = Event(
            seq=seq,
            at=timezone.now(),
            actor=by if (by is not None and getattr(by, "pk", None)) else None,
            actor_name=(by.get_full_name() or by.username) if by is not None and getattr(by, "pk", None) else "system",
            action=action,
            subject_type=stype,
            subject_id=sid,
            organisation_id=org_id,
            summary=summary[:300],
            data=_normalise(data or {}),
            prev_hash=prev,
        )
        ev.hash = compute_hash(ev)
        ev.save(force_insert=True)
        return ev


@dataclass
class VerifyResult:
    ok: bool
    count: int
    broken_seq: int | None = None
    reason: str = ""
    rule: str = "RR-system"  # the record is the whole process, true and accurate: verify proves it

    def as_dict(self) -> dict:
        return {"ok": self.ok, "count": self.count, "broken_seq": self.broken_seq, "reason": self.reason,
                "rule": self.rule}


def verify(queryset=None) -> VerifyResult:
    """Recompute the whole chain; name the first broken event.

    Detects: an altered row (its hash no longer matches), a deleted row (a gap in seq or
    a prev_hash that does not match its predecessor), reordering (seq swapped or
    hashes moved — either breaks the recomputation or the link).
    """
    qs = queryset if queryset is not None else Event.objects.all()
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    for ev in qs.order_by("seq").iterator(chunk_size=2000):
        count += 1
        if ev.seq != expected_seq:
            return VerifyResult(False, count, expected_seq, f"event #{expected_seq} is missing (next found: #{ev.seq})")
        if ev.prev_hash != prev_hash:
            return VerifyResult(False, count, ev.seq, f"event #{ev.seq} does not link to its predecessor")
        if compute_hash(ev) != ev.hash:
            return VerifyResult(False, count, ev.seq, f"event #{ev.seq} was altered (hash mismatch)")
        prev_hash = ev.hash
        expected_seq += 1
    return VerifyResult(True, count)
