"""The password policy on every path that sets a password, and password change and reset (docs/security.md)."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse

from tancert.people.accounts import actions
from tancert.people.accounts.passwords import PASSWORD_KEY
from tancert.people.actions import create_api_token, create_staff_user, user_for_token
from tancert.people.models import Role, User
from tancert.records.models import Event

WEAK = ["a", "12345678", "password", "1234567890", "qwertyuiop"]

SIGNUP = {"name": "丁科技有限公司", "credit_code": "91110108MA0D00040X", "registered_address": "北京",
          "address": "北京", "employees": 10, "technical_areas": ["1"], "contact_name": "丁", "email": "d@example.cn",
          "username": "ding"}


def _signup_payload(password):
    from flow import code

    return {**SIGNUP, "credit_code": code("110108MA0D0004"), "password": password}


@pytest.mark.django_db
@pytest.mark.parametrize("password", WEAK)
def test_api_sign_up_refuses_a_weak_password_with_422_on_the_password_field(client, password):
    r = client.post("/api/v1/organisations/register", _signup_payload(password), content_type="application/json")
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["field"] == "password" and body["rule"] == PASSWORD_KEY
    assert re.search(r"[\u4e00-\u9fff]", body["message_zh"])
    assert not User.objects.filter(username="ding").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("password", WEAK)
def test_web_sign_up_refuses_a_weak_password_on_the_form(client, password):
    r = client.post(reverse("signup"), _signup_payload(password))
    assert r.status_code == 200
    assert "password" in r.context["form"].errors
    assert not User.objects.filter(username="ding").exists()


@pytest.mark.django_db
def test_a_password_like_the_user_name_is_refused(client):
    r = client.post("/api/v1/organisations/register", {**_signup_payload("dingding1"), "username": "dingding"},
                    content_type="application/json")
    assert r.status_code == 422 and r.json()["field"] == "password"


@pytest.mark.django_db
def test_a_good_password_signs_up(client):
    r = client.post("/api/v1/organisations/register", _signup_payload("jade-river-42x"), content_type="application/json")
    assert r.status_code == 201, r.content


@pytest.mark.django_db
@pytest.mark.parametrize("password", WEAK)
def test_staff_accounts_follow_the_policy(password):
    from tancert.scheme.violations import RuleViolation

    with pytest.raises(RuleViolation) as info:
        create_staff_user("weak", password, roles=[Role.AUDITOR], by=None)
    assert info.value.field == "password" and info.value.message_zh and info.value.message_en
    assert not User.objects.filter(username="weak").exists()


@pytest.mark.django_db
def test_the_demo_password_passes_the_policy_but_for_certadmin_where_only_the_seed_may_skip_it():
    from tancert.demo.seed import DEMO_PASSWORD
    from tancert.scheme.violations import RuleViolation

    create_staff_user("admin", DEMO_PASSWORD, roles=[Role.SYSTEM_ADMIN], by=None)
    with pytest.raises(RuleViolation):
        create_staff_user("certadmin", DEMO_PASSWORD, roles=[Role.CERTIFICATE_ADMIN], by=None)
    create_staff_user("certadmin", DEMO_PASSWORD, roles=[Role.CERTIFICATE_ADMIN], by=None, password_policy=False)


def _verified(client, user):
    client.force_login(user)  # the staff persona's device verifies the session (tests/conftest.py)
    return client


def test_password_change_keeps_this_session_ends_others_and_revokes_tokens(client, p, django_user_model):
    from django.test import Client

    other = Client()
    other.force_login(p.client_a)
    _token, secret = create_api_token(p.client_a, "ci", by=None)
    client.force_login(p.client_a)
    r = client.post(reverse("password_change"), {"old_password": "test-pass-123", "new_password1": "12345678",
                                                  "new_password2": "12345678"})
    assert r.status_code == 200 and "new_password2" in r.context["form"].errors
    r = client.post(reverse("password_change"), {"old_password": "test-pass-123", "new_password1": "violet-harbour-7",
                                                  "new_password2": "violet-harbour-7"})
    assert r.status_code == 302
    assert client.get(reverse("me")).status_code == 200  # this session goes on
    assert other.get(reverse("me")).status_code == 302  # the other one is logged out
    assert user_for_token(secret) is None
    ev = Event.objects.filter(action="user.password_changed").get()
    assert ev.data["tokens_revoked"] == 1 and "密码" in ev.summary


def test_password_reset_by_email_sets_a_policy_password_and_revokes_tokens(client, p):
    p.client_a.email = "a@example.cn"
    p.client_a.save()
    _token, secret = create_api_token(p.client_a, "ci", by=None)
    r = client.post(reverse("password_reset"), {"email": "a@example.cn"})
    assert r.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body).group(1)
    r = client.get(link, follow=True)  # Django swaps the token for a session marker
    form_url = r.redirect_chain[-1][0]
    r = client.post(form_url, {"new_password1": "password", "new_password2": "password"})
    assert r.status_code == 200 and r.context["form"].errors
    r = client.post(form_url, {"new_password1": "amber-lantern-93", "new_password2": "amber-lantern-93"})
    assert r.status_code == 302 and r["Location"] == reverse("password_reset_complete")
    p.client_a.refresh_from_db()
    assert p.client_a.check_password("amber-lantern-93")
    assert user_for_token(secret) is None
    assert Event.objects.filter(action="user.password_reset", subject_id=str(p.client_a.pk)).exists()
    # The link works once.
    assert client.post(form_url, {"new_password1": "other-pass-555", "new_password2": "other-pass-555"}).status_code == 200


def test_password_reset_for_an_unknown_address_says_the_same(client, db):
    r = client.post(reverse("password_reset"), {"email": "nobody@example.cn"})
    assert r.status_code == 302 and not mail.outbox


def test_set_password_action_refuses_weak_passwords_and_others_accounts(p, rule):
    from django.core.exceptions import PermissionDenied

    with rule(PASSWORD_KEY, field="password"):
        actions.set_password(p.reviewer, "password", by=p.reviewer, via="change")
    with pytest.raises(PermissionDenied):
        actions.set_password(p.reviewer, "long-enough-pass-1", by=p.client_a, via="change")
    actions.set_password(p.reviewer, "long-enough-pass-1", by=p.sysadmin, via="reset")
