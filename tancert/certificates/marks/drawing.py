"""The certification mark (R11.1): drawn here, generated locally, never an official CEC image.

The scheme does not reproduce the CEC mark (R11.1 "image not reproduced") and none is in
`shared/reference`, so the body's mark is ours: a ring with the scheme name and the body code.
`svg()` is the vector file, `png()` the raster (Pillow, the CJK font of the PDF records). The same
SVG is drawn on the certificate PDF. A holder may download them only while the certificate is valid
(R11.2); misuse found by the body is recorded as a finding on the certificate (marks/actions.record_mark_misuse).
"""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.conf import settings

from tancert.pdfkit import find_cjk_font

GREEN = "#2f6b4f"


def _labels(number: str = "") -> tuple[str, str, str]:
    body = settings.TANCERT_BODY["code"]
    return "碳管理体系认证", f"{body} CMS", number


def svg(number: str = "", size: int = 240) -> str:
    top, middle, bottom = (escape(t) for t in _labels(number))
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 240 240">'
        f'<circle cx="120" cy="120" r="112" fill="#fff" stroke="{GREEN}" stroke-width="8"/>'
        f'<circle cx="120" cy="120" r="92" fill="none" stroke="{GREEN}" stroke-width="2"/>'
        # A leaf over a baseline: carbon management, deliberately unlike any official mark.
        f'<path d="M120 58 C 150 70 158 108 120 138 C 82 108 90 70 120 58 Z" fill="{GREEN}"/>'
        f'<path d="M120 70 L120 150" stroke="#fff" stroke-width="3"/>'
        f'<text x="120" y="172" font-size="20" text-anchor="middle" fill="{GREEN}" '
        f'font-family="Noto Sans CJK SC, TancertCJK, sans-serif">{top}</text>'
        f'<text x="120" y="198" font-size="16" text-anchor="middle" fill="{GREEN}" '
        f'font-family="sans-serif" font-weight="bold">{middle}</text>'
        + (f'<text x="120" y="216" font-size="10" text-anchor="middle" fill="{GREEN}" '
           f'font-family="sans-serif">{bottom}</text>' if bottom else "")
        + "</svg>")


def png(number: str = "", size: int = 720) -> bytes:
    from PIL import Image, ImageDraw, ImageFont

    top, middle, bottom = _labels(number)
    k = size / 240
    img = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    d = ImageDraw.Draw(img)
    green = (0x2F, 0x6B, 0x4F, 255)
    d.ellipse([8 * k, 8 * k, 232 * k, 232 * k], fill=(255, 255, 255, 255), outline=green, width=int(8 * k))
    d.ellipse([28 * k, 28 * k, 212 * k, 212 * k], outline=green, width=max(1, int(2 * k)))
    d.polygon([(120 * k, 58 * k), (150 * k, 85 * k), (140 * k, 118 * k), (120 * k, 138 * k), (100 * k, 118 * k),
               (90 * k, 85 * k)], fill=green)
    d.line([(120 * k, 70 * k), (120 * k, 150 * k)], fill=(255, 255, 255, 255), width=max(1, int(3 * k)))
    font_path = str(find_cjk_font())
    for text, y, pt in ((top, 172, 20), (middle, 198, 16), (bottom, 216, 10)):
        if text:
            font = ImageFont.truetype(font_path, int(pt * k))
            d.text((120 * k, y * k), text, font=font, fill=green, anchor="ms")
    out = io.BytesIO()
    img.save(out, format="PNG")
    return out.getvalue()


def data_uri(number: str = "") -> str:
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(svg(number).encode()).decode()
