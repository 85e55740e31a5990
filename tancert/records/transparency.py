"""The certificate transparency log: a Merkle tree in the style of RFC 9162 (docs/verify.md).

Every change of a certificate that the public sees — issue, change, surveillance, suspension, restoration,
withdrawal, cancellation, expiry — adds one leaf, appended by `chain.append` in the same transaction as
the record event (so a leaf never exists without its action, nor an action without its leaf). A leaf is
canonical JSON; leaf hash = SHA-256(0x00 ‖ leaf), node hash = SHA-256(0x01 ‖ left ‖ right).

Signed tree heads (size, root, time) are signed with the records key (records/keys.py) under their own
domain-separation context; inclusion and consistency proofs follow RFC 9162 2.1.3 and 2.1.4. A monitor who
keeps one tree head can later prove that the body never rewrote or dropped a certificate's history.
Computing a root or a proof reads every leaf hash once (bench/transparency.py, docs/performance.md); that
is the price of keeping no derived state that could disagree with the leaves.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import UTC, datetime

from tancert.records import keys
from tancert.records.models import LogLeaf

STH_CONTEXT = b"tancert-transparency-sth-v1\n"
# What enters the log: the public changes of a certificate (the register's history).
LOGGED = {
    "certificate.issued": "issued",
    "certificate.changed": "changed",
    "certificate.surveillance_recorded": "surveillance",
    "certificate.suspended": "suspended",
    "certificate.restored": "restored",
    "certificate.withdrawn": "withdrawn",
    "certificate.cancelled": "cancelled",
    "certificate.expired": "expired",
}
MAX_ENTRIES = 1000  # one page of /transparency/entries


def canonical(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def leaf_hash(leaf: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + leaf).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two smaller than n (RFC 9162 2.1.1)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(hashes: list[bytes]) -> bytes:
    """MTH over leaf hashes, bottom-up; the odd node at a level is carried up unchanged (equals the RFC's
    recursive definition)."""
    if not hashes:
        return hashlib.sha256(b"").digest()
    level = list(hashes)
    while len(level) > 1:
        nxt = [node_hash(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        if len(level) % 2:
            nxt.append(level[-1])
        level = nxt
    return level[0]


def inclusion_path(m: int, hashes: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 2.1.3.1."""
    n = len(hashes)
    if n <= 1:
        return []
    k = _split(n)
    if m < k:
        return [*inclusion_path(m, hashes[:k]), root(hashes[k:])]
    return [*inclusion_path(m - k, hashes[k:]), root(hashes[:k])]


def consistency_path(m: int, hashes: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 2.1.4.1."""
    def subproof(m: int, d: list[bytes], complete: bool) -> list[bytes]:
        n = len(d)
        if m == n:
            return [] if complete else [root(d)]
        k = _split(n)
        if m <= k:
            return [*subproof(m, d[:k], complete), root(d[k:])]
        return [*subproof(m - k, d[k:], False), root(d[:k])]

    if m == 0 or m == len(hashes):
        return []
    return subproof(m, hashes, True)


def append(event, subject) -> LogLeaf | None:
    """Inside chain.append's transaction (and its PostgreSQL table lock, so indexes never collide)."""
    change = LOGGED.get(event.action)
    if change is None:
        return None
    expiry = getattr(subject, "expiry_date", None)
    body = {
        "v": 1, "number": subject.number, "change": change, "status": subject.status,
        "version": getattr(subject, "version", None), "valid_until": expiry.isoformat() if expiry else None,
        "at": event.at.isoformat(), "event": event.seq, "event_hash": event.hash,
        "pdf_sha256": (event.data or {}).get("pdf_sha256"),
    }
    last = LogLeaf.objects.order_by("-index").values_list("index", flat=True).first()
    index = 0 if last is None else last + 1
    body["index"] = index
    text = canonical(body).decode()
    return LogLeaf.objects.create(index=index, event_seq=event.seq, number=subject.number, leaf=text,
                                  leaf_hash=leaf_hash(text.encode()).hex())


def size() -> int:
    return LogLeaf.objects.count()


def hashes(n: int) -> list[bytes]:
    return [bytes.fromhex(h) for h in LogLeaf.objects.filter(index__lt=n).order_by("index")
            .values_list("leaf_hash", flat=True)]


def sign(context: bytes, body: dict) -> dict:
    """The body with key_id and an Ed25519 signature over context ‖ canonical JSON (records key)."""
    key = keys.private_key()
    body = {**body, "key_id": keys.key_id(key.public_key()), "algorithm": keys.ALGORITHM}
    return {**body, "signature": base64.b64encode(key.sign(context + canonical(body))).decode()}


def tree_head() -> dict:
    """A signed tree head of the log as it is now."""
    n = size()
    return sign(STH_CONTEXT, {"tree_size": n, "root_hash": root(hashes(n)).hex(),
                              "timestamp": datetime.now(UTC).isoformat(timespec="seconds")})
