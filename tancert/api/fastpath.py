"""The public lookup API in front of the middleware stack (R9.2-lookup; docs/performance.md, Public register).

A lookup by number or a search of the public register is an anonymous, read-only GET whose answer depends on
the certificate data and the chosen language only. The full stack spent most of a lookup's time on work that
cannot change that answer: sessions, authentication, the second factor, CSRF, messages, Axes, URL
resolution and django-ninja's dispatch. This WSGI application answers exactly these two routes —

    GET /api/v1/public/certificates/<number>      GET /api/v1/public/certificates?q=<text>

— through Django's own request handling (request object, request_started/finished signals, so connections
are managed as for any request; exceptions become Django's responses) with only the middleware that shapes
the answer: the security headers, the NUL refusal, the content security policy, the Chinese-first language,
CommonMiddleware and X-Frame-Options. The answer is computed by the same functions as the API operations
(`api/register.py`), with the same rate limit, lookup log, error bodies (404, 429 with Retry-After) and JSON
renderer; `Vary: Cookie` is kept because the language cookie chooses the labels. Anything else — another
method, path or query parameter, a NUL, an unusual character — goes to the full stack unchanged.
A certificate's page, `GET /register/<number>/` from a visitor without a session, is answered in front of the
stack too (certificates/register/fastpage.py). `TANCERT_REGISTER_FAST_PATH=0` turns both off. Tests:
tests/certificates/register/test_fast_path.py (and test_page_cache.py for the page) compare status, headers
and body with the full stack on both databases.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.utils.module_loading import import_string

from tancert.certificates.register.fastpage import (
    CertificatePageFastPath,
    page_number,
    reconnecting,
    vary_on_cookie,
)

PREFIX = "/api/v1/public/certificates"
SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
_ONE = re.compile(r"/api/v1/public/certificates/([A-Za-z0-9-]{1,64})")
# The middleware that shapes the answer of an anonymous read, in the order of settings.MIDDLEWARE.
SHAPING = frozenset({
    "django.middleware.security.SecurityMiddleware",
    "tancert.web.middleware.NulRefusedMiddleware",
    "tancert.web.policy.PolicyOnceCSPMiddleware",
    "tancert.web.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
})


def route(environ) -> tuple[str, str] | None:
    """("one", number) or ("search", q) when the fast path answers this request; None for the full stack."""
    if environ.get("REQUEST_METHOD") != "GET":
        return None
    path = environ.get("PATH_INFO", "")
    if path == PREFIX:
        query = environ.get("QUERY_STRING", "")
        if "%00" in query:
            return None
        try:
            pairs = parse_qsl(query, keep_blank_values=True, strict_parsing=True, errors="strict")
        except (ValueError, UnicodeDecodeError):
            return None
        if len(pairs) == 1 and pairs[0][0] == "q" and pairs[0][1].strip() and pairs[0][1].isprintable():
            return "search", pairs[0][1]
        return None
    match = _ONE.fullmatch(path)
    if match and not environ.get("QUERY_STRING"):
        return "one", match.group(1)
    return None


class PublicLookupFastPath(WSGIHandler):
    """Wraps the Django application: the public lookups here, every other request to `app`."""

    def __init__(self, app):
        self.app = app
        super().__init__()
        self.pages = CertificatePageFastPath(SHAPING)  # a certificate's page (register/fastpage.py)
        from tancert.api import router  # noqa: F401 (loaded now, not by the first lookup of each worker)

    def load_middleware(self, is_async=False):
        handler = convert_exception_to_response(reconnecting(self._answer))
        for path in reversed(settings.MIDDLEWARE):
            if path in SHAPING:
                handler = convert_exception_to_response(import_string(path)(handler))
            elif path == SESSIONS:  # where the full stack adds Vary: Cookie — the language cookie chooses labels
                handler = vary_on_cookie(handler)
        self._middleware_chain = handler

    def __call__(self, environ, start_response):
        if not settings.TANCERT_REGISTER_FAST_PATH:
            return self.app(environ, start_response)
        which = route(environ)
        if which is None:
            number = page_number(environ, SHAPING)
            if number is None:
                return self.app(environ, start_response)
            environ["tancert.page"] = number
            return self.pages(environ, start_response)
        environ["tancert.fast_path"] = which
        return super().__call__(environ, start_response)

    @staticmethod
    def _answer(request):
        from tancert.api import register
        from tancert.api.router import api

        kind, value = request.environ["tancert.fast_path"]
        try:
            # The dicts are the schema's fields in its order, dates already in ISO form (api/register.py
            # `_publics`); the operations validate them against PublicCertificate on the way out, which for a
            # search of 50 cost more than the search itself. The tests compare the two bodies byte for byte.
            if kind == "one":
                data = register.public_certificate(request, value)
            else:
                data = register.public_search(request, value)
            response = api.create_response(request, data, status=200)
        except Exception as exc:  # the API's own handlers: 404, 429 with Retry-After, …; others re-raise
            response = api.on_exception(request, exc)
        return response
