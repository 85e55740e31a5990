"""The hash of one record event: SHA-256 over a canonical JSON of every column that carries meaning
(docs/architecture.md, Records). Shared by chain.append and the verifier."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

GENESIS = "0" * 64


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


def compute_hash(ev) -> str:
    return hashlib.sha256(
        _canonical(ev.seq, ev.at, ev.actor_id, ev.actor_name, ev.action, ev.subject_type, ev.subject_id,
                   ev.organisation_id, ev.summary, ev.data, ev.prev_hash)
    ).hexdigest()
