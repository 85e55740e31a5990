"""Append to and verify the hash chain (docs/architecture.md, Records).

The hash covers every column that carries meaning, including the sequence number, so a
row that is altered, deleted or moved breaks the chain at the first affected event. The hash
alone has no secret — anyone who can write to the database can compute it — so each event is
also signed with the records key (records/keys.py), and every commit leaves a signed checkpoint
of the chain's length and head outside the database (records/checkpoints.py).
"""

from __future__ import annotations

import json
import re

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tancert.records import checkpoints, keys, transparency
from tancert.records.hashing import GENESIS, compute_hash
from tancert.records.models import Event
from tancert.records.verification import VerifyResult, verify
from tancert.scheme.violations import require

__all__ = ["GENESIS", "VerifyResult", "append", "compute_hash", "subject_ref", "verify"]

# RR-language: a record is written in Chinese. Its summary must hold Chinese text (CJK unified ideographs);
# names, numbers and codes may stand beside it.
_CHINESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


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
        ev.signature, ev.key_id = keys.sign_event(ev.hash)
        ev.save(force_insert=True)
        # A certificate's public change enters the transparency log with its event, or neither does.
        if action in transparency.LOGGED and hasattr(subject, "number"):
            transparency.append(ev, subject)
        # After the outermost commit only: a rolled-back append leaves no checkpoint behind. Robust: a
        # checkpoint that cannot be written (full disk) must not turn a committed action into an error.
        transaction.on_commit(lambda: checkpoints.write(ev.seq, ev.hash), robust=True)
        return ev


