"""Signed checkpoints of the record chain, kept outside the database (docs/architecture.md, Records).

After every committed append one line is added to DATA_DIR/records/checkpoints.jsonl:
{"seq", "head", "at", "key_id", "signature"} — the chain's length and head hash at that moment, signed
with the records key. The database cannot be cut short or rewritten without disagreeing with a line
here; like a transparency log's signed tree head, the latest line is published on the register
(/register/records/head) so that outsiders can keep a copy the server cannot take back.

Lines are written only after the transaction commits (transaction.on_commit): a rolled-back append
leaves no checkpoint, so a checkpoint never names an event the database does not hold.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from tancert.records import keys

CONTEXT = b"tancert-records-checkpoint-v1\n"
# The latest checkpoint is found in the file's tail: lines are appended in commit order, which differs
# from seq order only between appends committing at the same moment.
TAIL_BYTES = 64 * 1024


def path() -> Path:
    from django.conf import settings

    # Read at call time: the tests give every session its own DATA_DIR.
    return Path(settings.DATA_DIR) / "records" / "checkpoints.jsonl"


def _message(cp: dict) -> bytes:
    body = {"seq": cp["seq"], "head": cp["head"], "at": cp["at"], "key_id": cp["key_id"]}
    return CONTEXT + json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def make(seq: int, head: str) -> dict:
    key = keys.private_key()
    cp = {"seq": seq, "head": head, "at": datetime.now(UTC).isoformat(timespec="microseconds"),
          "key_id": keys.key_id(key.public_key())}
    cp["signature"] = base64.b64encode(key.sign(_message(cp))).decode()
    return cp


def write(seq: int, head: str) -> dict:
    """Sign and append one checkpoint (one write() of one line, under an advisory lock)."""
    cp = make(seq, head)
    line = (json.dumps(cp, sort_keys=True, separators=(",", ":")) + "\n").encode()
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
    finally:
        os.close(fd)  # closing releases the lock
    return cp


def signature_valid(cp: dict, signers: dict[str, Ed25519PublicKey]) -> bool:
    signer = signers.get(cp.get("key_id"))
    if signer is None:
        return False
    try:
        signer.verify(base64.b64decode(cp["signature"]), _message(cp))
    except (InvalidSignature, KeyError, TypeError, ValueError):
        return False
    return True


def _well_formed(cp) -> bool:
    return (isinstance(cp, dict) and isinstance(cp.get("seq"), int)
            and all(isinstance(cp.get(k), str) for k in ("head", "at", "key_id", "signature")))


@dataclass
class Reading:
    checkpoints: list[dict]  # each with its line number under "line"
    bad_line: int | None = None  # first line that is not a checkpoint at all
    exists: bool = True


def read() -> Reading:
    """Every checkpoint in the file. Signatures are checked by the verifier, and only where they decide
    something: a checkpoint that agrees with a validly signed event can only corroborate it.

    A last line without its newline is a write cut short by a crash, not a forgery: it is ignored.
    """
    target = path()
    if not target.exists():
        return Reading([], exists=False)
    complete = target.read_bytes().split(b"\n")[:-1]  # after the last newline: empty or an unfinished write
    found = []
    for number, raw in enumerate(complete, start=1):
        if not raw.strip():
            continue
        try:
            cp = json.loads(raw)
        except ValueError:
            cp = None
        if not _well_formed(cp):
            return Reading(found, bad_line=number)
        cp["line"] = number
        found.append(cp)
    return Reading(found)


def latest() -> dict | None:
    """The newest checkpoint (highest seq) from the file's tail; its signature is not checked here."""
    target = path()
    if not target.exists():
        return None
    with open(target, "rb") as fh:
        fh.seek(0, os.SEEK_END)
        size = fh.tell()
        fh.seek(max(0, size - TAIL_BYTES))
        tail = fh.read()
    best = None
    for raw in tail.split(b"\n")[1 if size > TAIL_BYTES else 0:-1]:
        try:
            cp = json.loads(raw)
        except ValueError:
            continue
        if _well_formed(cp) and (best is None or cp["seq"] > best["seq"]):
            best = cp
    return best


def signed_head() -> dict:
    """What the register publishes: the latest checkpoint and every public key that may have signed."""
    try:
        ring = keys.keyring_entries()
    except (ValueError, KeyError, TypeError):  # a damaged keyring: verify names it to the office, not here
        ring = []
    return {"algorithm": keys.ALGORITHM, "checkpoint": latest(), "keys": ring}
