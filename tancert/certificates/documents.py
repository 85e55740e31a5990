"""Certificate PDF/A (Chinese, embedded font, QR code to the public verification page, our mark).

The Chinese certificate is the record (RR-language). The English version renders the same frozen
content and the same seal on request; it is a translation, so the seal's content is the Chinese one.
"""

from __future__ import annotations

import base64
import json

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from tancert.certificates import pades
from tancert.certificates.marks import drawing as marks
from tancert.certificates.seal import SEAL_FILE
from tancert.pdfkit import html_to_pdf

SURVEILLANCE_EN = {"none": "initial certification, first surveillance pending", "s1": "first surveillance passed",
                   "s2": "second surveillance passed", "overdue": "surveillance overdue"}


def verification_url(number: str) -> str:
    return f"{settings.TANCERT_BODY['public_url'].rstrip('/')}/register/{number}/"


def qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=4, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def render_certificate_pdf(cert, content: dict, seal: dict | None = None, lang: str = "zh") -> bytes:
    # Records are in Chinese (RR-language), whatever language the acting user browses in.
    with translation.override("zh-hans" if lang == "zh" else "en"):
        url = verification_url(content["number"])
        html = render_to_string(
            "certificates/certificate_pdf.html" if lang == "zh" else "certificates/certificate_pdf_en.html", {
                "c": content, "cert": cert, "qr": qr_data_uri(url), "url": url, "seal": seal,
                "mark": marks.data_uri(content["number"]), "body": settings.TANCERT_BODY,
                "surveillance": cert.get_surveillance_status_display() if lang == "zh"
                else SURVEILLANCE_EN.get(content.get("surveillance_status"), ""),
            })
    attachments = {SEAL_FILE: json.dumps(seal, ensure_ascii=False, indent=1).encode()} if seal else None
    # The PAdES signature covers the whole file, the seal JSON included (docs/verify.md).
    return pades.sign_pdf(html_to_pdf(html, attachments=attachments), number=content["number"])
