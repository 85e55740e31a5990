"""A certificate's public page in front of the middleware stack (docs/performance.md, Public register).

`GET /register/<number>/` without a query string, from a visitor with neither a session cookie nor a messages
cookie, is an anonymous read whose page depends on the certificate data and the chosen language only (the CSRF
token of the language switch aside). It is answered here by the same view (register/views.py, with its page
cache, rate limit, lookup log, 404 and 429 pages) through Django's own request handling, with only the
middleware that shapes the answer — that of the API fast path (api/fastpath.py) and CsrfViewMiddleware, which
sets the CSRF cookie for the token the page carries. Without a session there is nobody signed in: the
templates see AnonymousUser, as the full stack would show them. Anything else goes to the full stack;
`TANCERT_REGISTER_FAST_PATH=0` turns it off with the API's. Tests: tests/certificates/register/test_page_cache.py
compare status, headers and body with the full stack on both databases.
"""

from __future__ import annotations

import re
from functools import cache

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.handlers.exception import convert_exception_to_response
from django.core.handlers.wsgi import WSGIHandler
from django.db import InterfaceError, OperationalError, connection
from django.http.cookie import parse_cookie
from django.urls import URLResolver, get_resolver, resolve
from django.utils.cache import patch_vary_headers
from django.utils.module_loading import import_string

SESSIONS = "django.contrib.sessions.middleware.SessionMiddleware"
CSRF = "django.middleware.csrf.CsrfViewMiddleware"
_PAGE = re.compile(r"/register/([A-Za-z0-9-]{1,64})/")


def page_number(environ, shaping: frozenset) -> str | None:
    """The certificate number when the fast path answers this page request; None for the full stack."""
    if environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING"):
        return None
    match = _PAGE.fullmatch(environ.get("PATH_INFO", ""))
    if match is None:
        return None
    cookies = parse_cookie(environ.get("HTTP_COOKIE", ""))
    if settings.SESSION_COOKIE_NAME in cookies or CookieStorage.cookie_name in cookies:
        return None  # perhaps signed in, or a message waits: the full stack knows
    if match.group(1) in named_pages():  # /register/verify/ and the other pages of their own
        return None
    return match.group(1)


@cache
def named_pages() -> frozenset[str]:
    """The addresses /register/<x>/ that are pages of their own, not certificates: the URLconf's routes of that
    shape spelled without a converter (register/urls.py: verify, transparency). Before, every page request was
    resolved against the whole URLconf (0.1 ms, a twentieth of the page); a test compares the two for every
    route (tests/certificates/register/test_page_cache.py)."""
    from tancert.certificates.register import views

    found = set()

    def walk(patterns, prefix: str) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif (match := _PAGE.fullmatch("/" + route)) and "<" not in route:
                found.add(match.group(1))

    walk(get_resolver().url_patterns, "")
    # Everything else of that shape is a certificate's page: so the URLconf says for an address no route spells.
    if resolve("/register/0/").func is not views.register_certificate:
        raise RuntimeError("/register/<number>/ is not the certificate's page (register/urls.py)")
    return frozenset(found)


class CertificatePageFastPath(WSGIHandler):
    """Answers the certificate pages `page_number` accepts; environ["tancert.page"] holds the number."""

    def __init__(self, shaping: frozenset):
        self.shaping = shaping | {CSRF}
        super().__init__()

    def load_middleware(self, is_async=False):
        handler = convert_exception_to_response(reconnecting(self._answer))
        for path in reversed(settings.MIDDLEWARE):
            if path in self.shaping:
                handler = convert_exception_to_response(import_string(path)(handler))
            elif path == SESSIONS:  # where the full stack adds Vary: Cookie (the session was read for the user)
                handler = vary_on_cookie(handler)
        self._middleware_chain = handler

    @staticmethod
    def _answer(request):
        from django.contrib.auth.models import AnonymousUser

        from tancert.certificates.register import views

        request.user = AnonymousUser()
        return views.register_certificate(request, request.environ["tancert.page"])


def reconnecting(answer):
    """Django checks a reused database connection before each request's first query (CONN_HEALTH_CHECKS: a
    `SELECT 1` round trip on PostgreSQL, as long as a lookup's own query). The fast paths skip that check and
    instead, when the query fails because the database dropped the connection since the last request (a restart,
    an idle timeout), close it and answer once more on a new one: the visitor sees the answer, not an error, and
    a lookup waits for the database once (docs/performance.md, Public register). A failure on a connection that
    still answers is raised as before. Tests: tests/certificates/register/test_fast_path.py."""
    def wrapper(request):
        connection.health_check_done = True  # reset by Django at every request's start (close_old_connections)
        try:
            return answer(request)
        except (InterfaceError, OperationalError):
            if connection.in_atomic_block or connection.is_usable():
                raise
            connection.close()
            return answer(request)
    return wrapper


def vary_on_cookie(get_response):
    """Where the full stack's sessions add Vary: Cookie — the language cookie chooses the labels (both fast paths)."""
    def middleware(request):
        response = get_response(request)
        patch_vary_headers(response, ("Cookie",))
        return response
    return middleware
