"""HTML → PDF/A with an embedded Chinese font (RR-format: records are non-editable).

No Django import here: the GHG engine's report uses it from the command line too.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

# Debian's fonts-noto-cjk puts Noto Sans CJK here; TANCERT_CJK_FONT overrides.
_CANDIDATES = [
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
    "/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
]


class FontMissing(RuntimeError):
    pass


@lru_cache(maxsize=1)
def find_cjk_font() -> Path:
    env = os.environ.get("TANCERT_CJK_FONT")
    for cand in ([env] if env else []) + _CANDIDATES:
        if cand and Path(cand).is_file():
            return Path(cand)
    raise FontMissing(
        "No Chinese font found. Install Debian's fonts-noto-cjk or set TANCERT_CJK_FONT "
        "to a Noto Sans CJK SC file. / 未找到中文字体：请安装 fonts-noto-cjk 或设置 TANCERT_CJK_FONT。"
    )


def font_css() -> str:
    """@font-face rule that makes WeasyPrint embed the CJK font (subsetted)."""
    path = find_cjk_font()
    uri = path.as_uri()
    return (
        f"@font-face {{ font-family: 'TancertCJK'; src: url('{uri}'); }}\n"
        "html { font-family: 'TancertCJK', sans-serif; }\n"
    )


def html_to_pdf(html: str, *, base_url: str | None = None, pdfa: bool = True,
                attachments: dict[str, bytes] | None = None) -> bytes:
    """Render HTML to PDF bytes; PDF/A-3b by default so that records are archival.

    `attachments` ({name: bytes}) are embedded files — PDF/A-3 allows them, which is how a
    certificate carries its signed content for offline verification.
    """
    from weasyprint import CSS, HTML, Attachment

    doc = HTML(string=html, base_url=base_url or str(Path.cwd()))
    kwargs = {"stylesheets": [CSS(string=font_css())]}
    if attachments:
        kwargs["attachments"] = [Attachment(string=data, name=name, relationship="Data")
                                 for name, data in attachments.items()]
    if pdfa:
        kwargs["pdf_variant"] = "pdf/a-3b"
    # Fixed identifiers keep the bytes reproducible for identical content (hashes in records).
    kwargs["uncompressed_pdf"] = False
    return doc.write_pdf(**kwargs)
