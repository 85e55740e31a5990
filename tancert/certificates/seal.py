"""The certificate's integrity seal: an Ed25519 signature over its content (docs/certificates.md).

The signed content is the canonical JSON of the R9.1 fields of one certificate version.
The PDF/A-3 certificate embeds `certificate-seal.json` (content + signature + key id), and
the public key is published on the register, so anyone can verify a certificate offline:
`tancert seal verify certificate.pdf --key seal-public.pem`. Changing one byte of the
content breaks the signature.

No Django import at module level: the verifier runs without the database.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

SEAL_FILE = "certificate-seal.json"
ALGORITHM = "Ed25519"


def canonical(content: dict) -> bytes:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def key_id(public: Ed25519PublicKey) -> str:
    raw = public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_public(pem: bytes) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def _key_path() -> Path:
    from django.conf import settings

    return _path_of(os.environ.get("TANCERT_SEAL_KEY") or "", str(settings.DATA_DIR))


@lru_cache(maxsize=8)
def _path_of(explicit: str, data_dir: str) -> Path:
    # Built once per setting: every register page asks for the key (`current_key_id`).
    return Path(explicit) if explicit else Path(data_dir) / "keys" / "seal-ed25519.pem"


# The public register shows the key id on every page: the key file is looked at (two `stat` calls, network round
# trips on a shared TANCERT_HOME over NFS) at most once a second per process; a key replaced in place is taken
# up within that second (docs/performance.md, Public register).
RESTAT_SECONDS = 1.0
_seen: dict[str, tuple[float, Ed25519PrivateKey]] = {}


def private_key() -> Ed25519PrivateKey:
    """The body's signing key; created on first use (file mode 600). Production sets TANCERT_SEAL_KEY."""
    path = _key_path()
    now = time.monotonic()
    seen = _seen.get(str(path))
    if seen is not None and now - seen[0] < RESTAT_SECONDS:
        return seen[1]
    # Cached per file and modification time: a new key file is read once.
    key = _load_private(str(path), path.stat().st_mtime) if path.exists() else _create_private(path)
    _seen[str(path)] = (now, key)
    return key


def current_key_id() -> str:
    """The id of the key `private_key()` gives, as the register shows it on every page: derived once per key."""
    return _id_of(private_key())


@lru_cache(maxsize=4)
def _id_of(key: Ed25519PrivateKey) -> str:
    return key_id(key.public_key())


def _create_private(path: Path) -> Ed25519PrivateKey:
    """Several processes (workers, servers sharing TANCERT_HOME) may ask for the first key at the same moment:
    each writes a whole key to a file of its own, and the first to link it in place wins; the others take the
    winner's. A reader never sees a half-written key, and nobody's key replaces one already in use."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{secrets.token_hex(4)}.new")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(pem)
                fh.flush()
                os.fsync(fh.fileno())
            try:
                os.link(tmp, path)  # atomic, and fails if another process got there first
            except FileExistsError:
                pass
        finally:
            tmp.unlink(missing_ok=True)
    return _load_private(str(path), path.stat().st_mtime)


@lru_cache(maxsize=4)
def _load_private(path: str, mtime: float) -> Ed25519PrivateKey:
    key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{path} is not an Ed25519 private key")
    return key


def sign(content: dict) -> dict:
    key = private_key()
    signature = key.sign(canonical(content))
    return {"algorithm": ALGORITHM, "key_id": key_id(key.public_key()), "content": content,
            "signature": base64.b64encode(signature).decode()}


@dataclass
class SealCheck:
    ok: bool
    reason: str
    content: dict | None = None


def verify(seal: dict, public: Ed25519PublicKey) -> SealCheck:
    try:
        if seal.get("algorithm") != ALGORITHM:
            return SealCheck(False, f"unknown algorithm {seal.get('algorithm')!r}")
        if seal.get("key_id") != key_id(public):
            return SealCheck(False, "signed with another key (key id differs)")
        public.verify(base64.b64decode(seal["signature"]), canonical(seal["content"]))
    except InvalidSignature:
        return SealCheck(False, "signature does not match the content: the certificate was altered")
    except (KeyError, TypeError, ValueError) as exc:
        return SealCheck(False, f"malformed seal: {exc}")
    return SealCheck(True, "valid seal", seal["content"])


def seal_from_pdf(pdf: bytes) -> dict:
    """The embedded seal of a certificate PDF."""
    from io import BytesIO

    from pypdf import PdfReader

    reader = PdfReader(BytesIO(pdf))
    files = reader.attachments
    if SEAL_FILE not in files:
        raise ValueError(f"no {SEAL_FILE} embedded in this PDF")
    return json.loads(files[SEAL_FILE][0])


def verify_file(path: str, public_pem_bytes: bytes, signing_cert_pem: bytes | None = None) -> SealCheck:
    """A certificate PDF must carry both: the PAdES signature over the whole file (so the visible page is
    as issued, certificates/verifier.py) and the seal over its content. A bare seal JSON checks the seal only."""
    data = Path(path).read_bytes()
    if data.startswith(b"%PDF"):
        from tancert.certificates import verifier

        if signing_cert_pem is None:
            from tancert.certificates import pades

            signing_cert_pem = pades.certificate_pem()
        signed = verifier.check_pdf_signature(data, signing_cert_pem)
        if not signed.ok:
            return SealCheck(False, "; ".join(signed.reasons))
    try:
        seal = seal_from_pdf(data) if data.startswith(b"%PDF") else json.loads(data)
    except (ValueError, json.JSONDecodeError) as exc:
        return SealCheck(False, f"cannot read the seal: {exc}")
    return verify(seal, load_public(public_pem_bytes))
