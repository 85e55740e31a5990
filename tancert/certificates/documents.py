"""Certificate PDF/A (Chinese, embedded font, QR code to the public verification page)."""

from __future__ import annotations

import base64
import json

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from tancert.certificates.seal import SEAL_FILE
from tancert.pdfkit import html_to_pdf


def verification_url(number: str) -> str:
    return f"{settings.TANCERT_BODY['public_url'].rstrip('/')}/register/{number}/"


def qr_data_uri(url: str) -> str:
    svg = segno.make(url, error="m").svg_inline(scale=4, border=1)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def render_certificate_pdf(cert, content: dict, seal: dict | None = None) -> bytes:
    # Records are in Chinese (RR-language), whatever language the acting user browses in.
    with translation.override("zh-hans"):
        url = verification_url(cert.number)
        html = render_to_string("certificates/certificate_pdf.html", {
            "c": content, "cert": cert, "qr": qr_data_uri(url), "url": url, "seal": seal,
            "surveillance": cert.get_surveillance_status_display(),
        })
    attachments = {SEAL_FILE: json.dumps(seal, ensure_ascii=False, indent=1).encode()} if seal else None
    return html_to_pdf(html, attachments=attachments)
