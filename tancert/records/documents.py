"""Documents kept as records are non-editable PDF/A (RR-format).

Every PDF the body generates as a record (contract, certificate, audit plan, audit report) passes through
`record_pdf` before it is stored: it must be a readable, unencrypted PDF that identifies itself as PDF/A in
its XMP metadata. Its SHA-256, returned here, goes into the record event, so any later change of the stored
file is visible against the hash chain.
"""

from __future__ import annotations

import hashlib
import io
import re

from django.utils.translation import gettext_lazy as _

from tancert.scheme.violations import require

_PDFA_PART = re.compile(rb"pdfaid:part\s*(?:=\s*[\"']|>)\s*([1-4])")


def pdfa_part(content: bytes) -> int | None:
    """The PDF/A part (1–4) the file declares in its XMP metadata, or None."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            return None
        metadata = reader.trailer["/Root"].get("/Metadata")
        xmp = metadata.get_object().get_data() if metadata is not None else b""
    except (PdfReadError, KeyError, ValueError, TypeError):
        return None
    match = _PDFA_PART.search(xmp)
    return int(match.group(1)) if match else None


def record_pdf(content: bytes, *, field: str = "pdf") -> str:
    """Refuse a record document that is not PDF/A (RR-format); return its SHA-256."""
    require(content[:5] == b"%PDF-", "RR-format", _("A document kept as a record must be a PDF/A file."),
            field=field)
    require(pdfa_part(content) is not None, "RR-format",
            _("A document kept as a record must be PDF/A (non-editable, fonts embedded); this PDF does not "
              "declare PDF/A."), field=field)
    return hashlib.sha256(content).hexdigest()
