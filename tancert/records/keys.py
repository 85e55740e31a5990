"""The records signing key and its keyring (docs/architecture.md, Records).

Every event's hash is signed with an Ed25519 key that lives in a file, outside the database
(DATA_DIR/keys/records-ed25519.pem, mode 600, created on first use like the certificate seal key;
production may point TANCERT_RECORDS_KEY elsewhere). Someone who can write to the database but cannot
read that file cannot forge an event: a correctly computed hash is not enough.

The keyring (records-keyring.json beside the key) lists every public key that ever signed, so that
events signed before a rotation stay verifiable. Each key after the first carries an endorsement: the
previous key's signature over the new public key, so a verifier who trusts the first published key can
follow the rotations. The keyring holds public keys only; it is published on the register.
"""

from __future__ import annotations

import base64
import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "Ed25519"
# Domain separation: an event signature can never be replayed as a checkpoint or an endorsement.
EVENT_CONTEXT = b"tancert-records-event-v1\n"
ENDORSEMENT_CONTEXT = b"tancert-records-key-endorsement-v1\n"


def key_path() -> Path:
    explicit = os.environ.get("TANCERT_RECORDS_KEY")
    if explicit:
        return Path(explicit)
    from django.conf import settings

    # Read at call time: the tests give every session its own DATA_DIR.
    return Path(settings.DATA_DIR) / "keys" / "records-ed25519.pem"


def keyring_path() -> Path:
    return key_path().parent / "records-keyring.json"


def key_id(public: Ed25519PublicKey) -> str:
    return hashlib.sha256(_raw(public)).hexdigest()[:16]


def _raw(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(public: Ed25519PublicKey) -> str:
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def load_public(pem: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


@contextmanager
def _locked():
    """One writer of the key files at a time, across processes (several server workers start at once)."""
    lock = key_path().parent / "records-keys.lock"
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _write_private(path: Path, key: Ed25519PrivateKey) -> None:
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)  # atomic: a reader sees the old key or the new one, never half a file


@lru_cache(maxsize=4)
def _load_private(path: str, mtime_ns: int) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def private_key() -> Ed25519PrivateKey:
    """The current signing key; created on first use, and entered in the keyring."""
    path = key_path()
    try:
        return _load_private(str(path), path.stat().st_mtime_ns)
    except FileNotFoundError:
        pass
    with _locked():
        if not path.exists():
            key = Ed25519PrivateKey.generate()
            _add_to_keyring(key.public_key(), endorsed_by=None)
            _write_private(path, key)
    return _load_private(str(path), path.stat().st_mtime_ns)


def current_key_id() -> str:
    return key_id(private_key().public_key())


def keyring_entries() -> list[dict]:
    """The published keyring (public keys only), oldest first."""
    path = keyring_path()
    if not path.exists():
        return []
    return json.loads(path.read_text())["keys"]


def _write_keyring(entries: list[dict]) -> None:
    path = keyring_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".new")
    tmp.write_text(json.dumps({"algorithm": ALGORITHM, "keys": entries}, indent=1))
    os.replace(tmp, path)


def _add_to_keyring(public: Ed25519PublicKey, *, endorsed_by: Ed25519PrivateKey | None) -> None:
    entries = [e for e in keyring_entries() if e["key_id"] != key_id(public)]
    now = datetime.now(UTC).isoformat(timespec="seconds")
    entry = {"key_id": key_id(public), "public_key": public_pem(public), "created": now, "retired": None,
             "endorsed_by": None, "endorsement": None}
    if endorsed_by is not None:
        old_id = key_id(endorsed_by.public_key())
        entry["endorsed_by"] = old_id
        entry["endorsement"] = base64.b64encode(endorsed_by.sign(ENDORSEMENT_CONTEXT + _raw(public))).decode()
        for e in entries:
            if e["key_id"] == old_id and not e["retired"]:
                e["retired"] = now
    _write_keyring([*entries, entry])


def public_keys() -> dict[str, Ed25519PublicKey]:
    """Every key that may have signed an event: the keyring plus the current key (never created here)."""
    keys = {e["key_id"]: load_public(e["public_key"]) for e in keyring_entries()}
    path = key_path()
    if path.exists():
        public = _load_private(str(path), path.stat().st_mtime_ns).public_key()
        keys.setdefault(key_id(public), public)
    return keys


def endorsement_problems(entries: list[dict]) -> list[str]:
    """Each key after the first must be endorsed by a key listed before it."""
    seen: dict[str, Ed25519PublicKey] = {}
    problems = []
    for i, e in enumerate(entries):
        public = load_public(e["public_key"])
        if key_id(public) != e["key_id"]:
            problems.append(f"key {e['key_id']}: key id does not match its public key")
        elif i > 0:
            endorser = seen.get(e.get("endorsed_by") or "")
            try:
                if endorser is None:
                    raise InvalidSignature
                endorser.verify(base64.b64decode(e["endorsement"] or ""), ENDORSEMENT_CONTEXT + _raw(public))
            except (InvalidSignature, ValueError):
                problems.append(f"key {e['key_id']}: not endorsed by an earlier key")
        seen[e["key_id"]] = public
    return problems


def sign_event(event_hash: str) -> tuple[str, str]:
    """(signature, key id) for an event's hash."""
    key = private_key()
    return base64.b64encode(key.sign(EVENT_CONTEXT + event_hash.encode())).decode(), key_id(key.public_key())


def event_signature_valid(event_hash: str, signature: str, signer: Ed25519PublicKey) -> bool:
    try:
        signer.verify(base64.b64decode(signature), EVENT_CONTEXT + event_hash.encode())
    except (InvalidSignature, ValueError):
        return False
    return True


def rotate() -> tuple[str, str]:
    """Make a new signing key, endorsed by the current one; the old private key is destroyed.

    Returns (old key id, new key id). Events signed by the old key stay verifiable through the
    keyring; nobody can sign with it any more, not even someone who steals the key file later.
    """
    old = private_key()
    with _locked():
        new = Ed25519PrivateKey.generate()
        _add_to_keyring(new.public_key(), endorsed_by=old)  # the keyring first: a crash leaves a spare entry
        _write_private(key_path(), new)
    return key_id(old.public_key()), key_id(new.public_key())
