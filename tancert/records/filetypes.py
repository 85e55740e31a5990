"""Recognise uploaded files by their content, never by their name."""

from __future__ import annotations

import zipfile
from io import BytesIO

# (signature, offset, type, media type)
_SIGNATURES = [
    (b"%PDF-", 0, "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, "png", "image/png"),
    (b"\xff\xd8\xff", 0, "jpeg", "image/jpeg"),
]
_OOXML = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
ALLOWED = {"pdf", "png", "jpeg", "docx", "xlsx"}


def sniff(head: bytes, whole: bytes | None = None) -> tuple[str, str] | None:
    """(type, media type) from the first bytes; OOXML needs the whole file to look inside the zip."""
    for sig, off, kind, media in _SIGNATURES:
        if head[off:off + len(sig)] == sig:
            return kind, media
    if head[:4] == b"PK\x03\x04" and whole is not None:
        try:
            names = zipfile.ZipFile(BytesIO(whole)).namelist()
        except zipfile.BadZipFile:
            return None
        for prefix, result in _OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return result
    return None
