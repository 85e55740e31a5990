"""Recognise uploaded files by their content, never by their name. What the content must then be is the
upload gate's concern (records/uploads.py)."""

from __future__ import annotations

from io import BytesIO

from tancert.ghg.ziplimits import open_zip

# (signature, offset, type, media type)
_SIGNATURES = [
    (b"%PDF-", 0, "pdf", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", 0, "png", "image/png"),
    (b"\xff\xd8\xff", 0, "jpeg", "image/jpeg"),
    (b"PAR1", 0, "parquet", "application/vnd.apache.parquet"),
]
_OOXML = {
    "word/": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xl/": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}
ALLOWED = {"pdf", "png", "jpeg", "docx", "xlsx"}
# How a kind is named to people (in both languages: these are the formats' own names).
LABELS = {"pdf": "PDF", "png": "PNG", "jpeg": "JPEG", "docx": "Word (docx)", "xlsx": "Excel (xlsx)",
          "csv": "CSV", "parquet": "Parquet"}


def sniff(head: bytes, whole: bytes | None = None) -> tuple[str, str] | None:
    """(type, media type) from the first bytes; OOXML needs the whole file to look inside the zip."""
    for sig, off, kind, media in _SIGNATURES:
        if head[off:off + len(sig)] == sig:
            return kind, media
    if head[:4] == b"PK\x03\x04" and whole is not None:
        zf, _problem = open_zip(BytesIO(whole))  # a zip of a million members is not listed
        if zf is None:
            return None
        with zf:
            names = zf.namelist()
        for prefix, result in _OOXML.items():
            if any(n.startswith(prefix) for n in names):
                return result
    return None
