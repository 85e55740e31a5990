"""Security headers and the Content-Security-Policy (docs/architecture.md, Security).

The tests run with TANCERT_DEMO=1 (plain http on 127.0.0.1); the production values are read from a fresh
interpreter with the production environment, and the https-only headers are checked with those values.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from prodenv import production_env

TANCERT = Path(__file__).resolve().parents[2] / "tancert"


def directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


@pytest.mark.django_db
def test_register_page_sends_csp_and_the_browser_hardening_headers(client):
    r = client.get("/register/")
    assert r.status_code == 200
    csp = directives(r["Content-Security-Policy"])
    for name in ("script-src", "style-src"):
        assert csp[name] == ["'self'"], (name, csp)
    assert "'unsafe-inline'" not in r["Content-Security-Policy"]
    assert "'unsafe-eval'" not in r["Content-Security-Policy"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert r["X-Frame-Options"] == "DENY"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["X-Content-Type-Options"] == "nosniff"


def test_the_api_docs_page_takes_swagger_from_our_static_files(client):
    """The policy blocks a CDN and inline script: the docs page must use the copy shipped with Ninja."""
    html = client.get("/api/v1/docs").content.decode()
    assert "/static/ninja/swagger-ui-bundle.js" in html and "/static/ninja/swagger-ui-init.js" in html
    assert "cdn." not in html and "https://" not in html


@pytest.mark.django_db
def test_the_demo_and_the_tests_serve_plain_http(client, settings):
    """TANCERT_DEMO=1 opts out of https: no redirect, no HSTS, cookies also over http."""
    assert not settings.SECURE_SSL_REDIRECT and settings.SECURE_HSTS_SECONDS == 0
    assert not settings.SESSION_COOKIE_SECURE and not settings.CSRF_COOKIE_SECURE
    r = client.get("/register/")
    assert r.status_code == 200 and "Strict-Transport-Security" not in r


PRINT_SETTINGS = """
import json
from django.conf import settings
names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
         "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY",
         "CSRF_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE", "CSRF_COOKIE_SAMESITE", "X_FRAME_OPTIONS",
         "SECURE_PROXY_SSL_HEADER", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY"]
print(json.dumps({n: getattr(settings, n) for n in names}))
"""


def production_settings(tmp_path, **extra) -> dict:
    out = subprocess.run([sys.executable, "-c", PRINT_SETTINGS], env=production_env(tmp_path, **extra),
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)


def test_production_is_https_only_by_default(tmp_path):
    s = production_settings(tmp_path)
    assert s["DEBUG"] is False
    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["SESSION_COOKIE_HTTPONLY"] and s["CSRF_COOKIE_HTTPONLY"]
    assert s["SESSION_COOKIE_SAMESITE"] == s["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert s["X_FRAME_OPTIONS"] == "DENY" and s["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert s["SECURE_PROXY_SSL_HEADER"] is None  # trusting a header is a deployment's decision


def test_behind_a_proxy_the_header_that_says_https_is_named_in_the_environment(tmp_path):
    s = production_settings(tmp_path, TANCERT_PROXY_SSL_HEADER="X-Forwarded-Proto")
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.django_db
def test_with_the_production_values_http_is_redirected_and_https_gets_hsts(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client()  # a new client builds the middleware with these settings
    r = client.get("/register/?q=x")
    assert r.status_code == 301 and r["Location"] == "https://testserver/register/?q=x"
    r = client.get("/register/", secure=True)
    assert r.status_code == 200
    assert r["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    # The proxy's header counts as https: no redirect loop behind a TLS-ending proxy.
    r = client.get("/register/", headers={"X-Forwarded-Proto": "https"})
    assert r.status_code == 200 and "Strict-Transport-Security" in r


# Pages a browser shows. WeasyPrint renders the PDF templates, which never reach a browser: their inline
# styles are fine (tancert/pdfkit.py).
PDF_TEMPLATE = re.compile(r"_pdf(_en|_style)?\.html$")
INLINE = [
    ("inline script", re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)),
    ("style element", re.compile(r"<style\b", re.I)),
    ("style attribute", re.compile(r"\sstyle\s*=", re.I)),
    ("event handler attribute", re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)),
    ("javascript: URL", re.compile(r"javascript:", re.I)),
]


def page_templates():
    for path in sorted(TANCERT.rglob("templates/**/*.html")):
        if not PDF_TEMPLATE.search(path.name):
            yield path


def test_no_page_template_has_inline_script_or_style():
    """The policy forbids inline script and style; a template that used them would break in the browser."""
    found = []
    for path in page_templates():
        text = path.read_text(encoding="utf-8")
        for what, pattern in INLINE:
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(TANCERT)}:{line}: {what}")
    assert len(list(page_templates())) > 40
    assert not found, "\n".join(found)
