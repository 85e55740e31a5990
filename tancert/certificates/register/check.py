"""What the register's upload-to-verify page answers about a PDF (docs/verify.md): is it genuine (signed by the
body, its seal valid), unmodified (the signature covers the whole file and it is byte for byte a version the
body issued) and current (the certificate is valid now and this is its current version, not superseded)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tancert.certificates import pades, seal, verifier
from tancert.certificates.models import Certificate, CertificateVersion
from tancert.certificates.register.status import current_successor


@dataclass
class Answer:
    genuine: bool
    unmodified: bool
    current: bool
    problems: list
    certificate: Certificate | None = None
    version: CertificateVersion | None = None
    successor: Certificate | None = None


def check_pdf(pdf: bytes) -> Answer:
    signed = verifier.check_pdf_signature(pdf, pades.certificate_pem())
    embedded = verifier.embedded_seal(pdf)
    sealed = embedded is not None and seal.verify(embedded, seal.private_key().public_key()).ok
    problems = []
    if not signed.ok:
        problems.append(_("The PDF's signature is missing, not the body's, or the file was changed after signing."))
    if not sealed:
        problems.append(_("The certificate's embedded seal is missing or does not verify."))
    digest = hashlib.sha256(pdf).hexdigest()
    version = CertificateVersion.objects.select_related("certificate").filter(
        Q(sha256=digest) | Q(sha256_en=digest)).first()
    cert = version.certificate if version else None
    if cert is None and signed.ok and sealed:
        cert = Certificate.objects.filter(number=embedded["content"].get("number", "")).first()
    if version is None:
        problems.append(_("This file is not one the body issued."))
    successor = current_successor(cert) if cert else None
    current = bool(cert and version and cert.is_valid and version.superseded_at is None and successor is None)
    if cert is not None and not cert.is_valid:
        problems.append(_("The certificate is not valid now: %(status)s.") % {"status": cert.get_public_status_display()})
    elif version is not None and version.superseded_at is not None:
        problems.append(_("This is an earlier version of the certificate; a later version replaced it."))
    if successor is not None:
        problems.append(_("After recertification this certificate was superseded by %(number)s.")
                        % {"number": successor.number})
    return Answer(genuine=signed.ok and sealed, unmodified=signed.ok and version is not None, current=current,
                  problems=problems, certificate=cert, version=version, successor=successor)
