"""The Content-Security-Policy header built once (tancert/web/policy.py) is django-csp's, header for header."""

from __future__ import annotations

import pytest
from csp.constants import HEADER, HEADER_REPORT_ONLY, SELF
from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from tancert.web import policy
from tancert.web.policy import PolicyOnceCSPMiddleware


def _answer(middleware_class, path="/", status=200, nonce=False, **attributes):
    def view(request):
        if nonce:  # a template that asks for a nonce
            str(request.csp_nonce)
        response = HttpResponse("x", status=status)
        for name, value in attributes.items():
            if name == "header":
                response[HEADER] = value
            else:
                setattr(response, name, value)
        return response

    request = RequestFactory().get(path)
    response = middleware_class(view)(request)
    return request, {h: response.get(h) for h in (HEADER, HEADER_REPORT_ONLY)}


CASES = [
    {},
    {"status": 404},
    {"status": 500},
    {"nonce": True},
    {"_csp_update": {"img-src": ["https://example.org"]}},
    {"_csp_replace": {"img-src": None}},
    {"_csp_config": {"default-src": [SELF]}},
    {"_csp_update_ro": {"img-src": ["https://example.org"]}},
    {"_csp_exempt": True},
    {"header": "default-src 'none'"},
    {"path": "/static/x.css"},
]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("setup", ["production", "report-only", "excluded", "debug"])
def test_the_header_is_django_csps(settings, case, setup):
    if setup == "report-only":
        settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "report-uri": "/r"}}
    elif setup == "excluded":
        settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY, "EXCLUDE_URL_PREFIXES": ["/static/"]}
    elif setup == "debug":
        settings.DEBUG = True
    ours_request, ours = _answer(PolicyOnceCSPMiddleware, **case)
    theirs_request, theirs = _answer(CSPMiddleware, **case)
    assert ours == theirs
    assert ours[HEADER] or case.get("_csp_exempt") or setup in ("excluded", "debug")
    # A nonce asked for after the header is written is refused, as django-csp refuses it (not on a debug page,
    # which django-csp leaves alone).
    if not case.get("nonce") and not (setup == "debug" and case.get("status") in (404, 500)):
        for request in (ours_request, theirs_request):
            with pytest.raises(Exception, match="not available after the CSP header"):
                str(request.csp_nonce)


def test_the_policy_is_built_once_for_the_settings_in_force(settings, monkeypatch):
    built = []
    real = policy.build_policy
    monkeypatch.setattr(policy, "build_policy", lambda **kw: built.append(kw) or real(**kw))
    middleware = PolicyOnceCSPMiddleware(lambda request: HttpResponse("x"))
    first = [middleware(RequestFactory().get("/"))[HEADER] for _ in range(5)]
    assert len(built) == 2 and len(set(first)) == 1  # the policy and the report-only policy, once
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF]}}
    assert middleware(RequestFactory().get("/"))[HEADER] == "default-src 'self'"
    assert len(built) == 4
