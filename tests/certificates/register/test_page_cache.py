"""A certificate's public page from the page cache and the fast path (register/pagecache.py, register/fastpage.py):
the same status, headers and body as the full stack for a valid, suspended, expired, superseded and unknown
certificate in both languages; never stale after a real status change (R9.2-lookup); every visitor's own CSRF
token, which the language switch accepts; signed-in staff get their own page; the rate limit and lookup log as
for every lookup; the cache keeps within its byte bound."""

from __future__ import annotations

import re
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.test import Client
from django.utils import timezone
from test_fast_path import ADDRESS, call

from tancert.audits.models import Audit
from tancert.audits.programme import actions as programme_actions
from tancert.certificates import actions
from tancert.certificates.models import LookupLog
from tancert.certificates.register import lookup, pagecache
from tancert.demo.seed import at, clock
from tancert.wsgi import application

from flow import (
    CONDITIONS_MET,
    accept_and_contract,
    calculated_days,
    certify,
    close,
    complete_application,
    team,
    train_team,
)

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"')


@pytest.fixture
def cert(p, settings):
    settings.TANCERT_LOOKUPS_PER_MINUTE = 1000
    pagecache.pages.clear()
    yield certify(complete_application(p.org_a, p.client_a), p)
    pagecache.pages.clear()


def normalised(answer):
    """Status, headers and body with the per-visitor CSRF values taken out (each visitor has their own)."""
    status, headers, body = answer
    cookies = sorted(name for key, value in headers if key == "Set-Cookie" for name in SimpleCookie(value))
    headers = [(k, v) for k, v in headers if k != "Set-Cookie"]
    return status, headers, cookies, TOKEN.sub(b'name="csrfmiddlewaretoken" value="TOKEN"', body)


def compare(path: str, cookie: str = "") -> tuple:
    """The fast path (cache filled by it, then from the cache) against the full stack, both orders."""
    pagecache.pages.clear()
    fast = [normalised(call(application, path, cookie=cookie)) for _ in range(2)]
    full = normalised(call(application.app, path, cookie=cookie))
    pagecache.pages.clear()
    full_first = normalised(call(application.app, path, cookie=cookie))
    assert fast[0] == fast[1] == full == full_first, (path, cookie)
    return fast[0]


def pages(number: str) -> dict:
    return {lang: compare(f"/register/{number}/", cookie) for lang, cookie in
            (("zh-hans", ""), ("en", "django_language=en"))}


def test_the_fast_page_is_the_full_stacks_page_valid_suspended_and_unknown(cert, p):
    valid = pages(cert.number)
    assert valid["zh-hans"][0] == "200 OK" and 'id="cert-status">有效<'.encode() in valid["zh-hans"][3]
    assert b'id="cert-status">valid<' in valid["en"][3] and ("Content-Language", "en") in valid["en"][1]
    assert valid["en"][2] == ["csrftoken"]  # the CSRF cookie is set as on any page with a form
    assert f'name="next" value="/register/{cert.number}/"'.encode() in valid["en"][3]
    assert compare(f"/register/{cert.number.lower()}/")[3] == valid["zh-hans"][3].replace(
        f'value="/register/{cert.number}/"'.encode(), f'value="/register/{cert.number.lower()}/"'.encode())
    for typed in (cert.number, cert.number.lower()):  # one after the other, from one cache
        assert f'value="/register/{typed}/"'.encode() in call(application, f"/register/{typed}/")[2]
    unknown = pages("CEC26CMS999999R0")
    assert unknown["zh-hans"][0] == unknown["en"][0] == "404 Not Found"
    actions.suspend_certificate(cert, by=p.decider, trigger="T1", reason="体系运行存在严重缺陷",
                                respond_by=timezone.localdate() + timedelta(days=30))
    suspended = pages(cert.number)
    assert b'id="cert-status">suspended<' in suspended["en"][3]


def test_expired_the_day_after_its_expiry_also_from_the_cache(cert):
    path = f"/register/{cert.number}/"
    assert b'id="cert-status">valid<' in call(application, path, cookie="django_language=en")[2]
    with clock(at(cert.expiry_date + timedelta(days=1))):
        expired = pages(cert.number)
    assert b'id="cert-status">expired<' in expired["en"][3]


def test_a_superseded_certificate_names_its_successor_on_both_paths(cert, p):
    from tancert.clients import actions as clients
    from tancert.scheme import rulebook

    from flow import PDF

    with clock(at(cert.expiry_date - timedelta(days=80))):
        app = actions.apply_for_renewal(cert, by=p.client_a)
        for meta in rulebook.APPLICATION_DOCUMENTS:
            clients.upload_document(app, meta.code, by=p.client_a, filename=f"{meta.code}.pdf", content=PDF,
                                    document_date=timezone.localdate() if meta.dated else None)
        clients.give_commitment(app, by=p.client_a, signed_by="张三 总经理", signed_on=timezone.localdate())
        clients.submit_application(app, by=p.client_a, declarant="张三", declared=True)
        accept_and_contract(app, p)
        today = timezone.localdate()
        train_team(p, today.year)
        audit = programme_actions.plan_audit(
            cert.organisation, by=p.planner, kind=Audit.RECERTIFICATION, start_date=today,
            end_date=today + timedelta(days=1), auditor_days=calculated_days(Audit.RECERTIFICATION, application=app),
            team=team(p), application=app, certificate=cert)
        close(audit, p.lead, conclusion="持续符合")
        new = actions.issue_certificate(actions.decide(audit, by=p.decider, outcome="grant",
                                                        conditions=CONDITIONS_MET), by=p.certadmin)
        old, successor = pages(cert.number), pages(new.number)
        actions.suspend_certificate(new, by=p.decider, trigger="T1", reason="体系运行存在严重缺陷",
                                    respond_by=timezone.localdate() + timedelta(days=30))
        for number in (cert.number, new.number):
            assert_as_the_models_say(number)
    assert b'id="superseded-by"' in old["en"][3] and f"/register/{new.number}/".encode() in old["en"][3]
    assert f"/register/{cert.number}/".encode() in successor["zh-hans"][3]


def assert_as_the_models_say(number: str) -> None:
    """The page's data, read in one statement as JSON (register/pagedata.py), is what the models hold."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tancert.certificates.models import Certificate
    from tancert.certificates.register.pagedata import PUBLIC_ACTIONS, page_data
    from tancert.records.models import Event, LogLeaf

    with CaptureQueriesContext(connection) as statements:
        head, data = page_data(number.lower())
    assert len(statements) == 1
    cert = Certificate.objects.get(number=number)
    assert head == Event.objects.order_by("-seq").first().hash
    assert data.cert == cert and data.cert.status == cert.status and data.cert.scope_levels == cert.scope_levels
    events = Event.objects.filter(subject_type="certificate", subject_id=str(cert.pk), action__in=PUBLIC_ACTIONS)
    assert [(e.at, e.action) for e in data.events] == [(e.at, e.action) for e in events.order_by("seq")]
    assert len(data.events) >= 1 and all(e.at.tzinfo for e in data.events)
    assert [(v.version, v.superseded_at) for v in data.versions] == list(
        cert.versions.order_by("version").values_list("version", "superseded_at"))
    assert [e.index for e in data.log] == list(
        LogLeaf.objects.filter(number=number).order_by("index").values_list("index", flat=True))
    chain = [c for c in (cert.renewal_of, *cert.renewals.order_by("pk")) if c]
    assert [(c.pk, c.number, c.public_status, c.issue_date, c.expiry_date, c.cycle) for c in data.chain] == [
        (c.pk, c.number, c.public_status, c.issue_date, c.expiry_date, c.cycle) for c in chain]
    assert data.successor == max(cert.renewals.all(), key=lambda c: c.cycle, default=None)


def test_an_unknown_number_has_no_data_and_its_head_is_read_before_it(cert):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tancert.certificates.register.pagedata import page_data
    from tancert.records.models import Event

    assert page_data("CEC26CMS999999R0") == (None, None)
    head = Event.objects.order_by("-seq").first().hash
    with CaptureQueriesContext(connection) as statements:
        assert page_data("CEC26CMS999999R0", head_first=True) == (head, None)
    assert len(statements) == 2  # the head, then the certificate (in one round trip on PostgreSQL)
    assert_as_the_models_say(cert.number)


def test_a_suspension_shows_on_the_next_anonymous_request(cert, p):
    """The cache is keyed by the record chain's head: the real action appends an event, so the very next request
    renders the page again (R9.2-lookup: a suspended certificate is never shown as valid)."""
    path = f"/register/{cert.number}/"
    for app in (application, application.app, application):
        assert b'id="cert-status">valid<' in call(app, path, cookie="django_language=en")[2]
    assert len(pagecache.pages) == 1
    actions.suspend_certificate(cert, by=p.decider, trigger="T1", reason="体系运行存在严重缺陷",
                                respond_by=timezone.localdate() + timedelta(days=30))
    for app in (application, application.app):
        assert b'id="cert-status">suspended<' in call(app, path, cookie="django_language=en")[2]
    actions.restore_certificate(cert, by=p.decider, reason="已验证整改")
    assert b'id="cert-status">valid<' in call(application.app, path, cookie="django_language=en")[2]


def test_every_visitor_gets_their_own_token_and_the_language_switch_accepts_it(cert):
    path = f"/register/{cert.number}/"
    answers = [call(application, path) for _ in range(3)]
    tokens = [TOKEN.search(body).group(1).decode() for _status, _headers, body in answers]
    secrets = [SimpleCookie(dict(headers)["Set-Cookie"])["csrftoken"].value for _status, headers, _body in answers]
    assert len(set(tokens)) == 3 and len(set(secrets)) == 3
    assert len(pagecache.pages) == 1  # one rendering, three visitors
    # A visitor who comes back with their cookie keeps their secret, with a fresh token for it.
    again = call(application, path, cookie=f"csrftoken={secrets[0]}")
    assert "Set-Cookie" in dict(again[1]) and TOKEN.search(again[2]).group(1).decode() not in tokens
    browser = Client(enforce_csrf_checks=True)
    browser.cookies["csrftoken"] = secrets[1]
    switched = browser.post("/i18n/setlang/", {"language": "en", "next": path, "csrfmiddlewaretoken": tokens[1]})
    assert switched.status_code == 302 and switched["Location"] == path
    assert browser.cookies["django_language"].value == "en"
    refused = Client(enforce_csrf_checks=True)
    refused.cookies["csrftoken"] = secrets[2]
    assert refused.post("/i18n/setlang/", {"language": "en", "next": path,
                                           "csrfmiddlewaretoken": "x" * 64}).status_code == 403


def test_signed_in_staff_see_their_own_header_not_the_cached_one(cert, p, client):
    path = f"/register/{cert.number}/"
    call(application, path)  # cached for anonymous visitors
    client.force_login(p.certadmin)
    page = client.get(path).content.decode()
    assert 'action="/accounts/logout/"' in page or "logout" in page
    assert f'data-user="{p.certadmin.pk}"' in page and p.certadmin.get_full_name() in page
    assert f'data-user="{p.certadmin.pk}"'.encode() not in call(application, path)[2]
    # With a session cookie the fast path steps aside: the full stack knows who is signed in.
    assert call(application, path, cookie=f"sessionid={client.cookies['sessionid'].value}")[2].count(
        f'data-user="{p.certadmin.pk}"'.encode()) == 1


def test_every_page_request_is_admitted_and_logged_cached_or_not(cert, settings, monkeypatch):
    settings.TANCERT_LOOKUPS_PER_MINUTE = 3
    monkeypatch.setattr(lookup.time, "time", lambda: 60 * 1_000_000 + 12.0)  # one window, whatever the load
    path = f"/register/{cert.number}/"
    assert [call(application, path)[0] for _ in range(2)] == ["200 OK"] * 2
    assert call(application, "/register/NOPE/")[0] == "404 Not Found"
    fast, full = call(application, path), call(application.app, path)
    assert fast[0] == "429 Too Many Requests" and dict(fast[1])["Retry-After"] == "48"
    assert normalised(fast) == normalised(full)
    logs = list(LookupLog.objects.order_by("pk").values_list("client", "channel", "query", "found", "limited"))
    assert logs == [(ADDRESS, "web", cert.number, 1, False)] * 2 + [(ADDRESS, "web", "NOPE", 0, False)] + [
        (ADDRESS, "web", cert.number, 0, True)] * 2


def test_the_cache_keeps_within_its_byte_bound(cert, monkeypatch):
    body = call(application, f"/register/{cert.number}/")[2]
    limit = 3 * len(body)
    monkeypatch.setattr(pagecache.pages, "limit", limit)
    pagecache.pages.clear()
    for number in (cert.number, cert.number.lower(), *(f"CEC26CMS{n:06d}R0" for n in range(500))):
        assert call(application, f"/register/{number}/")[0] in ("200 OK", "404 Not Found")
        assert pagecache.pages.size <= limit
    assert len(pagecache.pages) > 2 and (cert.number, "zh-hans") not in pagecache.pages._entries


def test_the_fast_path_takes_only_plain_anonymous_certificate_pages():
    from tancert.api.fastpath import SHAPING
    from tancert.certificates.register.fastpage import page_number

    def number(path, query="", cookie="", method="GET"):
        return page_number({"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
                            "HTTP_COOKIE": cookie}, SHAPING)

    assert number("/register/CEC26CMS000001R0/") == "CEC26CMS000001R0"
    assert number("/register/CEC26CMS000001R0/", cookie="django_language=en; csrftoken=abc") == "CEC26CMS000001R0"
    assert number("/register/CEC26CMS000001R0/", cookie="sessionid=abc") is None
    assert number("/register/CEC26CMS000001R0/", cookie="messages=abc") is None
    assert number("/register/CEC26CMS000001R0/", query="x=1") is None
    assert number("/register/CEC26CMS000001R0/", method="POST") is None
    for other in ("/register/verify/", "/register/transparency/", "/register/", "/register/A/v1/", "/register/A"):
        assert number(other) is None


def test_the_fast_path_knows_every_page_of_its_own_under_the_register():
    """page_number tells a certificate's page from the register's other pages without resolving the address: for
    every route of the URLconf, and for numbers no route spells, it decides as the URLconf does."""
    from django.urls import Resolver404, URLResolver, get_resolver, resolve

    from tancert.api.fastpath import SHAPING
    from tancert.certificates.register import views
    from tancert.certificates.register.fastpage import named_pages, page_number

    assert {"verify", "transparency"} <= named_pages()
    routes = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            (walk(pattern.url_patterns, route) if isinstance(pattern, URLResolver) else routes.append(route))

    walk(get_resolver().url_patterns, "")
    paths = {"/" + route.split("<")[0] for route in routes} | {f"/register/{x}/" for x in (
        "CEC26CMS000001R0", "0", "verify", "Verify", "transparency", "records", "seal-key", "x" * 64, "-")}
    assert len(paths) > 50
    for path in paths:
        try:
            certificate = resolve(path).func is views.register_certificate
        except Resolver404:
            certificate = False
        environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "HTTP_COOKIE": ""}
        assert (page_number(environ, SHAPING) is not None) == certificate, path


def test_a_surveillance_marked_overdue_shows_at_once(cert, p):
    """The sweep marks a certificate's surveillance overdue and appends an event in the same transaction, even
    with a T1 proposal already open (certificates/enforcement.py): the page's generation moves, and the page shows
    the overdue surveillance on the next request."""
    from tancert.certificates.enforcement import propose_suspensions_for_overdue_surveillance
    from tancert.certificates.models import SuspensionProposal
    from tancert.certificates.proposals.actions import propose_suspension
    from tancert.records.models import Event

    propose_suspension(cert, trigger="T1", source=SuspensionProposal.SERIOUS_EVENT, detail="体系运行存在严重缺陷")
    path = f"/register/{cert.number}/"
    assert b"surveillance overdue" not in call(application, path, cookie="django_language=en")[2]
    assert propose_suspensions_for_overdue_surveillance(cert.expiry_date) == [cert.number]
    assert Event.objects.order_by("-seq").first().action == "certificate.surveillance_overdue"
    for app in (application, application.app):
        assert b"surveillance overdue" in call(app, path, cookie="django_language=en")[2]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_in_its_shell_is_the_page_rendered_whole(cert, rf, language):
    """An anonymous visitor's page is the body put into a shell rendered once per language (register/pagecache.py):
    byte for byte what certificate.html renders whole, title and the language switch's return address included."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils import translation

    from tancert.certificates.register.pagedata import page_data
    from tancert.certificates.register.views import certificate_page

    with translation.override(language):
        for path in (f"/register/{cert.number}/", f"/register/{cert.number.lower()}/"):
            request = rf.get(path)
            request.user = AnonymousUser()
            data = page_data(cert.number)[1]
            whole = certificate_page(request, data, csrf_token=pagecache.SENTINEL).content
            assert certificate_page(request, data, in_shell=True).content == whole
            assert cert.number.encode() in whole and path.encode() in whole
        assert list(pagecache.shells) == [language]  # rendered once, kept for the next page
