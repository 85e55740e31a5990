"""The public lookup API in front of the middleware stack (api/fastpath.py): the same status, headers and body
as the full Django stack for the same request — found, not found, search by credit code and by name, English
labels, 429 with Retry-After — the same rate limit and lookup log (R9.2-lookup), and leases of the shared
limit that never admit more than the limit (register/lookup.py)."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.core import signals
from django.db import (
    DEFAULT_DB_ALIAS,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
)

from tancert.api.fastpath import route
from tancert.certificates.models import LookupLog, LookupWindow
from tancert.certificates.register import lookup
from tancert.certificates.register.fastpage import reconnecting
from tancert.wsgi import application

from flow import certify, complete_application

ADDRESS = "203.0.113.51"


def call(app, path: str, query: str = "", cookie: str = "", method: str = "GET", address: str = ADDRESS):
    """One WSGI request, the way gunicorn makes it (without closing the test's transaction, like Django's
    test client: no close_old_connections around it)."""
    environ = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "testserver",
               "SERVER_PORT": "80", "HTTP_HOST": "testserver", "REMOTE_ADDR": address, "SCRIPT_NAME": "",
               "SERVER_PROTOCOL": "HTTP/1.1", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(b""),
               "wsgi.errors": io.StringIO(), "wsgi.version": (1, 0), "wsgi.multithread": True,
               "wsgi.multiprocess": True, "wsgi.run_once": False}
    if cookie:
        environ["HTTP_COOKIE"] = cookie
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen.update(status=status, headers=headers)

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        response = app(environ, start_response)
        body = b"".join(response)
        response.close()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)
    return seen["status"], sorted(seen["headers"]), body


@pytest.mark.parametrize(("path", "query", "expected"), [
    ("/api/v1/public/certificates/CEC26CMS999999R0", "", ("one", "CEC26CMS999999R0")),
    ("/api/v1/public/certificates/cec26cms1r0", "", ("one", "cec26cms1r0")),
    ("/api/v1/public/certificates", "q=%E7%94%B2%E5%8C%96%E5%B7%A5", ("search", "甲化工")),
    ("/api/v1/public/certificates", "q=+%E7%94%B2+", ("search", " 甲 ")),
    ("/api/v1/public/certificates/CEC26CMS999999R0", "q=A", None),
])
def test_route_takes_only_the_plain_public_lookups(path, query, expected):
    assert route({"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query}) == expected


@pytest.mark.parametrize(("method", "path", "query"), [
    ("POST", "/api/v1/public/certificates/CEC26CMS1R0", ""),
    ("HEAD", "/api/v1/public/certificates/CEC26CMS1R0", ""),
    ("GET", "/api/v1/public/certificates/CEC26CMS1R0/", ""),
    ("GET", "/api/v1/public/certificates/CEC26CMS1R0/history", ""),
    ("GET", "/api/v1/public/certificates/CEC 26", ""),
    ("GET", "/api/v1/public/certificates/" + "A" * 65, ""),
    ("GET", "/api/v1/public/certificates", ""),
    ("GET", "/api/v1/public/certificates", "q="),
    ("GET", "/api/v1/public/certificates", "q=%20%20"),
    ("GET", "/api/v1/public/certificates", "q=a%00b"),
    ("GET", "/api/v1/public/certificates", "q=a&include_superseded=true"),
    ("GET", "/api/v1/public/certificates", "q=a&q=b"),
    ("GET", "/api/v1/public/certificates", "q=%FF"),
    ("GET", "/api/v1/public/certificates", "q=a%0Ab"),
    ("GET", "/api/v1/public/seal-key", ""),
    ("GET", "/register/", "q=a"),
])
def test_everything_else_goes_to_the_full_stack(method, path, query):
    assert route({"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query}) is None


@pytest.fixture
def cert(p, settings):
    settings.TANCERT_LOOKUPS_PER_MINUTE = 1000
    return certify(complete_application(p.org_a, p.client_a), p)


def test_the_fast_path_answers_like_the_full_stack(cert, settings):
    assert settings.TANCERT_REGISTER_FAST_PATH
    cases = [
        (f"/api/v1/public/certificates/{cert.number}", "", ""),
        (f"/api/v1/public/certificates/{cert.number.lower()}", "", ""),
        (f"/api/v1/public/certificates/{cert.number}", "", "django_language=en"),
        ("/api/v1/public/certificates/CEC26CMS999999R0", "", ""),
        ("/api/v1/public/certificates", f"q={cert.credit_code}", ""),
        ("/api/v1/public/certificates", f"q={quote(cert.organisation_name[1:4])}", ""),
        ("/api/v1/public/certificates", f"q={quote(cert.organisation_name[1:4])}", "django_language=en"),
        ("/api/v1/public/certificates", "q=%E6%B2%A1%E6%9C%89%E8%BF%99%E5%AE%B6", ""),
        ("/api/v1/public/certificates", "q=%E7%94%B2", ""),  # one character: 422, what to type instead
        ("/api/v1/public/certificates", "q=a", "django_language=en"),
    ]
    for path, query, cookie in cases:
        fast = call(application, path, query, cookie)
        full = call(application.app, path, query, cookie)
        assert fast == full, (path, query, cookie)
        assert fast[0] in ("200 OK", "404 Not Found", "422 Unprocessable Entity")
    assert call(application, f"/api/v1/public/certificates/{cert.number}")[2] != b"[]"
    en = call(application, f"/api/v1/public/certificates/{cert.number}", cookie="django_language=en")
    assert ("Content-Language", "en") in en[1] and ("Vary", "Accept-Language, Cookie") in en[1]
    assert dict(en[1])["X-Frame-Options"] == "DENY" and "Content-Security-Policy" in dict(en[1])


def test_fast_path_lookups_are_logged_and_counted_in_the_shared_window(cert, settings, monkeypatch):
    settings.TANCERT_LOOKUPS_PER_MINUTE = 60  # the ordinary limit: every lookup counted in the database
    monkeypatch.setattr(lookup.time, "time", lambda: 60 * 1_000_000 + 12.0)
    call(application, f"/api/v1/public/certificates/{cert.number}")
    call(application, "/api/v1/public/certificates/NOPE")
    call(application, "/api/v1/public/certificates", f"q={cert.credit_code}")
    logs = list(LookupLog.objects.order_by("pk").values_list("client", "channel", "query", "found", "limited"))
    assert logs == [(ADDRESS, "api", cert.number, 1, False), (ADDRESS, "api", "NOPE", 0, False),
                    (ADDRESS, "api", cert.credit_code, 1, False)]
    assert LookupWindow.objects.get(client=ADDRESS).hits == 3


def test_fast_path_refuses_over_the_limit_like_the_full_stack(cert, settings, monkeypatch):
    settings.TANCERT_LOOKUPS_PER_MINUTE = 2
    monkeypatch.setattr(lookup.time, "time", lambda: 60 * 1_000_000 + 12.0)  # one window, whatever the load
    path = f"/api/v1/public/certificates/{cert.number}"
    assert [call(application, path)[0] for _ in range(2)] == ["200 OK", "200 OK"]
    fast = call(application, path)
    full = call(application.app, path)
    assert fast[0] == "429 Too Many Requests" and int(dict(fast[1])["Retry-After"]) > 0
    assert fast == full and dict(fast[1])["Retry-After"] == "48"
    assert b"R9.2-lookup" in fast[2]
    search = call(application, "/api/v1/public/certificates", f"q={cert.credit_code}")
    assert search[0] == "429 Too Many Requests"
    assert LookupLog.objects.filter(client=ADDRESS, limited=True).count() == 3
    # The window is shared with the pages of the full stack.
    assert call(application, "/register/", f"q={cert.number}")[0] == "429 Too Many Requests"


def test_turned_off_every_lookup_goes_through_the_full_stack(cert, settings, monkeypatch):
    settings.TANCERT_REGISTER_FAST_PATH = False
    monkeypatch.setattr(type(application), "_answer", staticmethod(lambda request: pytest.fail("fast path")))
    assert call(application, f"/api/v1/public/certificates/{cert.number}")[0] == "200 OK"


def test_leases_never_admit_more_than_the_limit_across_processes(db, settings, monkeypatch):
    """Three processes (each its own lease table) against one shared window: together exactly the limit is
    admitted at most, and each refuses only when the window has nothing left but other processes' leases."""
    settings.TANCERT_LOOKUPS_PER_MINUTE = 1000
    monkeypatch.setattr(lookup.time, "time", lambda: 60 * 1_000_000 + 5.0)
    tables = [{}, {}, {}]
    admitted = refused = 0
    writes = []
    count = lookup._count
    monkeypatch.setattr(lookup, "_count", lambda *args: writes.append(args) or count(*args))
    for i in range(1300):
        monkeypatch.setattr(lookup, "_leases", tables[i % 3])
        ok, retry = lookup.allow("192.0.2.80")
        admitted += ok
        refused += not ok
        assert retry == 55
    unspent = sum(lease[0] for table in tables for lease in table.values())
    assert admitted + unspent == 1000 and admitted <= 1000
    assert unspent <= 3 * (1000 // lookup.LEASE_SHARE)
    assert LookupWindow.objects.get(client="192.0.2.80").hits >= 1000  # every grant is in the shared count
    assert len(writes) < 1300 - refused  # claims in blocks: fewer writes than admitted lookups


def test_with_the_ordinary_limit_every_lookup_is_counted_at_once(db, settings):
    settings.TANCERT_LOOKUPS_PER_MINUTE = 60
    for n in range(1, 4):
        assert lookup.allow("192.0.2.81")[0]
        assert LookupWindow.objects.get(client="192.0.2.81").hits == n


def _answer_after(failure, monkeypatch, *, usable: bool):
    """`reconnecting` around an answer whose first query fails with `failure`, on a connection that is (or is not)
    still usable; returns the answer, the health-check flag each attempt saw and the closes."""
    attempts, closed = [], []
    wrapper = connections[DEFAULT_DB_ALIAS]  # what `connection` stands for in this thread

    def answer(request):
        attempts.append(connection.health_check_done)
        if len(attempts) == 1:
            raise failure
        return "the certificate"

    monkeypatch.setattr(wrapper, "in_atomic_block", False)  # as in a request (the test's transaction aside)
    monkeypatch.setattr(wrapper, "is_usable", lambda: usable)
    monkeypatch.setattr(wrapper, "close", lambda: closed.append(True))
    return reconnecting(answer)(None), attempts, closed


@pytest.mark.parametrize("failure", [OperationalError("server closed the connection unexpectedly"),
                                     InterfaceError("connection already closed")])
def test_a_dropped_connection_is_opened_again_and_the_lookup_answered(failure, monkeypatch):
    # The fast paths skip Django's per-request health check (a round trip) and reconnect on failure instead.
    answer, attempts, closed = _answer_after(failure, monkeypatch, usable=False)
    assert answer == "the certificate" and attempts == [True, True] and closed == [True]


def test_a_failure_on_a_live_connection_is_not_hidden(monkeypatch):
    with pytest.raises(OperationalError):
        _answer_after(OperationalError("canceling statement due to statement timeout"), monkeypatch, usable=True)
