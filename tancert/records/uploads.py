"""The upload gate: every file a person uploads passes here before anything is stored (docs/architecture.md,
"Uploads"). Application documents (R7.1-D1…D11), checklist evidence, check-in photos, evidence of corrective
actions and scans of signed originals all call `examine`; inventories go through the GHG engine's own guard
(tancert/ghg/guard.py) and its child process (tancert/ghg/isolated.py).

The type comes from the content (filetypes.sniff), never from the name, and the content must then be what
it claims: a PDF must parse and may not hide a web page behind its header, an image must decode within a
pixel cap (a decompression bomb is a small file with enormous dimensions), an Office file must be a real
OOXML package within the zip limits the engine's guard uses (tancert/ghg/ziplimits.py). Each kind has its
own size cap (settings.TANCERT_UPLOAD_LIMITS). The caller turns a refusal into its rule's RuleViolation, so
the person sees what is wrong in Chinese and nothing is written.
"""

from __future__ import annotations

import logging
import re
import time
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from io import BytesIO

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tancert.ghg import ziplimits
from tancert.records.filetypes import LABELS, sniff

# An HTML document behind a PDF header: a browser or a careless viewer may render it as a page.
_MARKUP = re.compile(rb"<\s*(?:!doctype|html|head|body|script|iframe|svg|meta|object|embed|form|a\s)", re.I)
_FIRST_OBJECT = re.compile(rb"\d+\s+\d+\s+obj\b")
_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
PDF_SECONDS = 10.0  # the page walk stops here: a PDF that takes longer to walk is refused


@dataclass(frozen=True)
class Verdict:
    """The gate's answer: the type (kind, media type) or a message with its parameters."""
    kind: str = ""
    media: str = ""
    message: object = None
    params: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.message is None


def _no(message, **params) -> Verdict:
    return Verdict(message=message, params=params)


def limit(kind: str) -> int:
    """The size cap of a kind in bytes: its own (settings.TANCERT_UPLOAD_LIMITS) under the general one."""
    return min(settings.TANCERT_UPLOAD_LIMITS.get(kind, settings.TANCERT_MAX_UPLOAD_BYTES),
               settings.TANCERT_MAX_UPLOAD_BYTES)


def largest_limit() -> int:
    return settings.TANCERT_MAX_UPLOAD_BYTES


def read(upload) -> bytes:
    """An uploaded file's bytes, but never more than the largest cap and one byte: a bigger file is refused
    by `examine` without having been read into memory whole."""
    return upload.read(largest_limit() + 1)


def examine(content: bytes | None, *, allowed: Iterable[str]) -> Verdict:
    """Judge an uploaded file: Verdict(kind, media) if it may be stored, else the reason."""
    allowed = tuple(allowed)
    accepted = ", ".join(LABELS[k] for k in allowed)
    if not content:
        return _no(_("The file is empty."))
    if len(content) > largest_limit():
        return _no(_("The file is larger than %(limit)d MB."), limit=largest_limit() // 2**20)
    if content[:4] == b"PK\x03\x04":  # a zip: too many members to even list is refused as such
        zf, problem = ziplimits.open_zip(BytesIO(content))
        if zf is not None:
            zf.close()
        elif problem.code == "members":
            return _zip_refusal(problem, "")
    found = sniff(content[:16], content)
    if found is None and "csv" in allowed:  # text has no signature: the csv check below judges it
        found = ("csv", "text/csv")
    if found is None or found[0] not in allowed:
        return _no(_("The file is not a %(accepted)s file; its content does not match any of these types "
                     "(the type is judged by the content, not by the name)."), accepted=accepted)
    kind = found[0]
    if len(content) > limit(kind):
        return _no(_("The %(kind)s file is %(size).1f MB; the limit for this type is %(limit)d MB."),
                   kind=LABELS[kind], size=len(content) / 2**20, limit=limit(kind) // 2**20)
    problem = _CHECKS[kind](content, kind)
    return problem or Verdict(kind, found[1])


def _pdf(content: bytes, kind: str) -> Verdict | None:
    from pypdf import PdfReader

    first = _FIRST_OBJECT.search(content, 0, 1 << 20)
    end = content.rfind(b"%%EOF")  # nor after its end: what follows the last %%EOF is no part of the PDF
    if (_MARKUP.search(content, 0, first.start() if first else min(len(content), 1 << 20))
            or (end >= 0 and _MARKUP.search(content, end))):
        return _no(_("The file starts like a PDF but contains a web page (HTML); upload the real PDF."))
    unreadable = _("The file starts like a PDF but cannot be read as one (damaged, cut off or not a real PDF); "
                   "export or scan it again.")
    pages, cap = 0, settings.TANCERT_UPLOAD_MAX_PDF_PAGES
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # a lenient parse of a sloppy PDF is not an error
    try:
        reader = PdfReader(BytesIO(content), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return _no(_("The PDF is protected by a password; upload it without the password."))
        pages = len(reader.pages)
        if pages > cap:
            return _no(_("The PDF has %(pages)d pages; the limit is %(limit)d."), pages=pages, limit=cap)
        deadline = time.monotonic() + PDF_SECONDS
        for page in reader.pages:  # every page object must resolve and carry a page size
            if page.mediabox.width <= 0 or time.monotonic() > deadline:
                return _no(unreadable)
    except Exception:  # pypdf raises many types for broken files; each means the same to the person
        return _no(unreadable)
    return None if pages else _no(unreadable)


def _image(content: bytes, kind: str) -> Verdict | None:
    from PIL import Image

    broken = _("The image cannot be decoded (damaged or cut off); save or take it again.")
    cap = settings.TANCERT_UPLOAD_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(content)) as img:  # reads the header only
                if img.format.lower() != kind:
                    return _no(broken)
                width, height = img.size
                if width * height > cap:
                    return _no(_("The image is %(width)d × %(height)d pixels; the limit is %(limit)d million "
                                 "pixels. Reduce its size."), width=width, height=height, limit=cap // 10**6)
                if kind == "jpeg":
                    img.draft("RGB", (max(1, width // 8), max(1, height // 8)))  # decode at 1/8 scale
                    img.load()
                else:
                    img.verify()  # every chunk and its checksum, without holding the pixels
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        return _no(_("The image has more than %(limit)d million pixels; reduce its size."), limit=cap // 10**6)
    except Exception:  # Pillow raises OSError, SyntaxError, ValueError … for broken files
        return _no(broken)
    return None


def _office(content: bytes, kind: str) -> Verdict | None:
    zf, problem = ziplimits.open_zip(BytesIO(content))
    if problem is None:
        with zf:
            names = set(zf.namelist())
            if "[Content_Types].xml" not in names or _MAIN_PART[kind] not in names:
                return _zip_refusal(ziplimits.ZipProblem("damaged"), kind)
            problem = ziplimits.measure(zf) or ziplimits.read_through(zf)
    return None if problem is None else _zip_refusal(problem, kind)


def _zip_refusal(problem: ziplimits.ZipProblem, kind: str) -> Verdict:
    if problem.code == "members":
        return _no(_("The Office file has %(count)s parts; the limit is %(limit)s. Save it again from Word or "
                     "Excel."), count=f"{problem.value:,}", limit=f"{problem.limit:,}")
    if problem.code == "size":
        return _no(_("The Office file unpacks to more than %(limit)d MB (a zip bomb); save it again from Word or "
                     "Excel."), limit=problem.limit // 2**20)
    if problem.code == "ratio":
        return _no(_("A part of the Office file unpacks to %(ratio)d times its size (a zip bomb); save it again "
                     "from Word or Excel."), ratio=problem.value)
    return _no(_("The Office file is damaged or not a real %(kind)s document; save it again from Word or Excel."),
               kind=LABELS.get(kind, "Office"))


def _csv(content: bytes, kind: str) -> Verdict | None:
    """Meter series as CSV: UTF-8 text, no NUL byte, no markup a viewer could render; the engine reads it."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return _no(_("The CSV file is not UTF-8 text; save it as CSV UTF-8."))
    if "\x00" in text or _MARKUP.search(content[:1 << 20]):
        return _no(_("The CSV file contains binary data or markup; upload plain comma-separated text."))
    return None


def _parquet(content: bytes, kind: str) -> Verdict | None:
    """A Parquet file starts and ends with its magic number; the engine's reader (in its child) reads the rest."""
    if len(content) < 12 or content[-4:] != b"PAR1":
        return _no(_("The Parquet file is damaged or incomplete."))
    return None


_CHECKS = {"csv": _csv, "parquet": _parquet, "pdf": _pdf, "png": _image, "jpeg": _image, "docx": _office, "xlsx": _office}
