"""The PAdES signature over the whole certificate PDF (docs/verify.md).

The seal (certificates/seal.py) signs the certificate's content; this signs the file itself, so a PDF
reader (Adobe, Foxit, poppler's `pdfsig`) shows the body's signature, and changing any byte of the page
breaks it. The signature is an incremental update: the PDF/A-3b declaration and the embedded seal JSON
stay, and both are inside the signed byte range.

The body's signing certificate and key are files: `TANCERT_SIGNING_KEY` and `TANCERT_SIGNING_CERT`
(PEM). Without them — the demo and the tests — a self-signed ECDSA P-256 certificate is made on first
use in DATA_DIR/keys (key file mode 600). Production configures a certificate issued to the body.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

FIELD_NAME = "TancertSignature"


def _paths() -> tuple[Path, Path]:
    key, cert = os.environ.get("TANCERT_SIGNING_KEY"), os.environ.get("TANCERT_SIGNING_CERT")
    if key and cert:
        return Path(key), Path(cert)
    from django.conf import settings

    folder = Path(settings.DATA_DIR) / "keys"
    return folder / "signing-key.pem", folder / "signing-cert.pem"


def _create(key_path: Path, cert_path: Path) -> None:
    """A self-signed signing certificate for the demo and the tests (never used when configured)."""
    from django.conf import settings

    key_path.parent.mkdir(parents=True, exist_ok=True)
    with open(key_path.parent / "signing.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if key_path.exists() and cert_path.exists():
            return
        key = ec.generate_private_key(ec.SECP256R1())
        body = settings.TANCERT_BODY
        name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, body["name_zh"][:64]),
                          x509.NameAttribute(NameOID.COMMON_NAME, f"{body['code']} certificate signing"[:64])])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=3650))
                .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                             data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                             crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
                .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
                .sign(key, hashes.SHA256()))
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        # Whole files moved into place, the certificate last: another process checks only that both exist
        # (_ensure, without the lock), so neither may ever be seen half-written.
        _replace(key_path, pem, 0o600)
        _replace(cert_path, cert.public_bytes(serialization.Encoding.PEM), 0o644)


def _replace(path: Path, data: bytes, mode: int) -> None:
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def _ensure() -> tuple[Path, Path]:
    key_path, cert_path = _paths()
    if not (key_path.exists() and cert_path.exists()):
        if os.environ.get("TANCERT_SIGNING_KEY"):
            raise FileNotFoundError(f"signing key or certificate missing: {key_path}, {cert_path}")
        _create(key_path, cert_path)
    return key_path, cert_path


def certificate_pem() -> bytes:
    """The body's signing certificate (PEM), published on the register for verifiers."""
    return _ensure()[1].read_bytes()


def fingerprint() -> str:
    cert = x509.load_pem_x509_certificate(certificate_pem())
    return cert.fingerprint(hashes.SHA256()).hex()


@lru_cache(maxsize=2)
def _signer(key_path: str, cert_path: str, mtime_ns: int):
    from pyhanko.sign import signers

    return signers.SimpleSigner.load(key_path, cert_path)


def sign_pdf(pdf: bytes, *, number: str) -> bytes:
    """The PDF with a PAdES B-B signature covering all of it (an incremental update)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    key_path, cert_path = _ensure()
    signer = _signer(str(key_path), str(cert_path), key_path.stat().st_mtime_ns + cert_path.stat().st_mtime_ns)
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    meta = signers.PdfSignatureMetadata(field_name=FIELD_NAME, md_algorithm="sha256",
                                        subfilter=fields.SigSeedSubFilter.PADES,
                                        reason=f"certificate {number}", location="CN")
    return _outside_any_event_loop(lambda: signers.sign_pdf(writer, meta, signer=signer).getvalue())


def _outside_any_event_loop(work):
    """pyHanko signs through asyncio.run(), which refuses to start inside a running event loop (an async server,
    or a test driving the browser in the same thread): then the signature is made in a short-lived thread."""
    import asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()
