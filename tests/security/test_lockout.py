"""Lockout after repeated failed log-ins, per account and per address (django-axes; docs/security.md)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse

from tancert.people.accounts import actions
from tancert.people.accounts.lockout import lockout_response
from tancert.records.models import Event

LOGIN = "/accounts/login/"


@pytest.fixture(autouse=True)
def _low_limit(settings):
    settings.AXES_FAILURE_LIMIT = 3


def _try(client, username, password, address="10.1.1.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_the_account_locks_after_the_limit_and_the_right_password_no_longer_opens_it(client, p):
    for _i in range(2):
        assert _try(client, "reviewer", "wrong-password").status_code == 200
    r = _try(client, "reviewer", "wrong-password")
    assert r.status_code == 429
    page = r.content.decode()
    assert "登录已锁定" in page or "锁定" in page
    assert re.search(r"[\u4e00-\u9fff]", page)
    # From another address, with the right password: still locked (per account).
    assert _try(Client(), "reviewer", "test-pass-123", address="10.9.9.9").status_code == 429


def test_an_address_locks_after_the_limit_whatever_the_accounts(client, p):
    for name in ("nobody1", "nobody2", "nobody3"):
        _try(client, name, "wrong-password", address="10.2.2.2")
    # Another account from the same address, right password: locked (per address).
    assert _try(Client(), "client_a", "test-pass-123", address="10.2.2.2").status_code == 429
    # The same account from elsewhere is fine.
    assert _try(Client(), "client_a", "test-pass-123", address="10.3.3.3").status_code == 302


def test_thirty_wrong_passwords_never_give_a_server_error(client, p):
    codes = {_try(client, "sysadmin", f"guess-{i}").status_code for i in range(30)}
    assert codes <= {200, 429} and 429 in codes


def test_the_system_administrator_unlocks_an_account_from_the_accounts_page(client, p):
    for _i in range(3):
        _try(Client(), "reviewer", "wrong-password", address="10.4.4.4")
    admin = Client()
    admin.force_login(p.sysadmin)
    page = admin.get(reverse("accounts"))
    assert page.status_code == 200 and "reviewer" in page.content.decode()
    r = admin.post(reverse("accounts_unlock"), {"username": "reviewer"})
    assert r.status_code == 302
    ev = Event.objects.get(action="user.unlocked")
    assert ev.subject_id == str(p.reviewer.pk) and "解除" in ev.summary and ev.actor_id == p.sysadmin.pk
    # Unlocked: the right password works again (the second factor comes next).
    assert _try(client, "reviewer", "test-pass-123", address="10.5.5.5").status_code == 302


def test_an_address_is_unlocked_too_and_only_by_the_system_administrator(client, p):
    for name in ("x1", "x2", "x3"):
        _try(client, name, "wrong-password", address="10.6.6.6")
    other = Client()
    other.force_login(p.reviewer)
    assert other.get(reverse("accounts")).status_code == 403
    assert other.post(reverse("accounts_unlock"), {"ip_address": "10.6.6.6"}).status_code == 403
    admin = Client()
    admin.force_login(p.sysadmin)
    assert "10.6.6.6" in admin.get(reverse("accounts")).content.decode()
    admin.post(reverse("accounts_unlock"), {"ip_address": "10.6.6.6"})
    assert Event.objects.filter(action="user.unlocked", subject_type="address", subject_id="10.6.6.6").exists()
    assert _try(Client(), "client_a", "test-pass-123", address="10.6.6.6").status_code == 302


def test_unlock_needs_an_account_or_address(p, rule):
    with rule("SEC-lockout", field="username"):
        actions.unlock(by=p.sysadmin)


def test_the_api_gets_a_chinese_429_json():
    request = RequestFactory().post("/api/v1/me/tokens")
    r = lockout_response(request, None, {"username": "x"})
    assert r.status_code == 429
    assert re.search(r"[\u4e00-\u9fff]", json.loads(r.content)["detail"])
