"""The error pages are Chinese and tell an outsider nothing about the installation (docs/architecture.md,
Security): no URL list, no traceback, no exception text. Django renders them when DEBUG is off, as here."""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import Client
from django.urls import path

import tancert.urls


def boom(request):
    raise RuntimeError("secret internals: /srv/tancert/settings.py")


# This module is the URL map of the 500 test: the real one plus a view that fails.
urlpatterns = [path("boom/", boom), *tancert.urls.urlpatterns]


def leaks(html: str) -> list[str]:
    return [s for s in ("api/v1/", "URLconf", "Traceback", "secret internals", "tancert.urls", "DEBUG = True",
                        "Page not found (404)") if s in html]


@pytest.mark.django_db
def test_unknown_address_is_the_chinese_404_without_url_patterns(client, settings):
    assert settings.DEBUG is False
    r = client.get("/nonexistent/certificates/../admin/")
    html = r.content.decode()
    assert r.status_code == 404
    assert "未找到" in html and "此处没有内容" in html
    assert not leaks(html)
    main = html[html.index("<main>"):html.index("</main>")]
    assert "nonexistent" not in main  # the page does not repeat the address (only the language switch keeps it)
    assert "Content-Security-Policy" in r


@pytest.mark.django_db
def test_a_failing_view_gives_the_chinese_500_without_details(settings):
    settings.ROOT_URLCONF = __name__
    r = Client(raise_request_exception=False).get("/boom/")
    html = r.content.decode()
    assert r.status_code == 500
    assert "服务器出错" in html or "出错" in html
    assert "tancert" in html and "site.css" in html  # the base layout's look
    assert not leaks(html)


def test_the_500_page_needs_no_database_and_no_request():
    """Django renders 500.html with an empty context; without the db mark any query would fail here."""
    html = loader.get_template("500.html").render()
    assert "500" in html and "出错" in html


@pytest.mark.django_db
def test_a_foreign_host_gets_the_chinese_400(client):
    r = client.get("/register/", headers={"Host": "evil.example"})
    html = r.content.decode()
    assert r.status_code == 400
    assert "请求" in html and "evil.example" not in html and not leaks(html)


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_gets_the_chinese_403(p):
    r = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    html = r.content.decode()
    assert r.status_code == 403
    assert "表单" in html and "CSRF" not in html and not leaks(html)


@pytest.mark.django_db
def test_a_page_of_another_role_gives_the_chinese_403(client, p):
    client.force_login(p.client_a)
    r = client.get("/records/")
    assert r.status_code == 403 and "无权访问" in r.content.decode()
