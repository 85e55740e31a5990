"""Measuring a zip before anything unpacks it: an Office file (.xlsx, .docx) is a zip of XML, and a few
hundred packed bytes can claim gigabytes. Shared by the workbook guard (guard.py, before calamine reads an
inventory) and the upload gate of every other file (tancert/records/uploads.py), so both refuse the same
bombs with the same limits (docs/architecture.md, "Uploads"; docs/ghg.md, "Input limits").

Stdlib only: the engine stays pure, and the records layer may import it.
"""

from __future__ import annotations

import struct
import zipfile
from dataclasses import dataclass
from typing import IO

MAX_UNCOMPRESSED = 200 * 1024 * 1024  # bytes of all members together, after unzipping
MAX_RATIO = 200  # a member that unzips to more than 200× its packed size is a zip bomb …
RATIO_FLOOR = 1 << 20  # … unless it is small: a tiny member may pack very well and still be harmless
MAX_MEMBERS = 5_000  # Office files have dozens of parts; a million would cost memory just to list
_CHUNK = 1 << 20
_EOCD = b"PK\x05\x06"


@dataclass(frozen=True)
class ZipProblem:
    """What is wrong with a zip: code is one of notzip, members, size, ratio, damaged."""
    code: str
    member: str = ""
    value: int = 0
    limit: int = 0


def declared_members(fh: IO[bytes]) -> int | None:
    """The member count the end-of-archive record claims, read before zipfile lists every member (None: no
    plain record found — a zip64 or a damaged file, left to zipfile)."""
    fh.seek(0, 2)
    size = fh.tell()
    fh.seek(max(0, size - 65_557))  # the record (22 bytes) plus the longest comment (65,535)
    tail = fh.read()
    at = tail.rfind(_EOCD)
    if at < 0 or len(tail) < at + 22:
        return None
    entries = struct.unpack("<H", tail[at + 10:at + 12])[0]
    return None if entries == 0xFFFF else entries


def open_zip(fh: IO[bytes], *, max_members: int = MAX_MEMBERS) -> tuple[zipfile.ZipFile | None, ZipProblem | None]:
    """Open a zip whose member count is within the limit: (zip, None) or (None, problem)."""
    try:
        claimed = declared_members(fh)
        if claimed is not None and claimed > max_members:
            return None, ZipProblem("members", value=claimed, limit=max_members)
        fh.seek(0)
        zf = zipfile.ZipFile(fh)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None, ZipProblem("notzip")
    if len(zf.infolist()) > max_members:  # a zip64 record that claimed no count
        zf.close()
        return None, ZipProblem("members", value=len(zf.infolist()), limit=max_members)
    return zf, None


def measure(zf: zipfile.ZipFile, *, max_uncompressed: int = MAX_UNCOMPRESSED,
            max_ratio: int = MAX_RATIO) -> ZipProblem | None:
    """The sizes the zip declares: all members together, and each member's packing ratio."""
    members = zf.infolist()
    total = sum(m.file_size for m in members)
    if total > max_uncompressed:
        return ZipProblem("size", value=total, limit=max_uncompressed)
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > max_ratio * max(m.compress_size, 1):
            return ZipProblem("ratio", member=m.filename, value=m.file_size // max(m.compress_size, 1),
                              limit=max_ratio)
    return None


def read_through(zf: zipfile.ZipFile, *, max_uncompressed: int = MAX_UNCOMPRESSED) -> ZipProblem | None:
    """Unpack every member without keeping it: the checksums must match and the sizes the headers declare
    must be the real ones. zipfile stops a member at its declared size, so this reads at most the limit."""
    read = 0
    for m in zf.infolist():
        try:
            with zf.open(m) as fh:
                while chunk := fh.read(_CHUNK):
                    read += len(chunk)
                    if read > max_uncompressed:
                        return ZipProblem("size", value=read, limit=max_uncompressed)
        except Exception:  # bad CRC, unknown compression, encrypted, truncated, zlib.error: all damaged
            return ZipProblem("damaged", member=m.filename)
    return None
