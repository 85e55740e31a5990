"""The system administrator's users and roles (docs/security.md, "Users and roles"): every change through an
action with a record in Chinese; the walls hold (a client account holds no role, the last administrator stays,
nobody else opens the pages); the password change and the e-mail choice are on the user's own page."""

from __future__ import annotations

import pytest
from django.test import Client

from tancert.people.accounts import users
from tancert.people.actions import create_api_token
from tancert.people.models import Role, User
from tancert.records.labels import ACTIONS
from tancert.records.models import Event

pytestmark = pytest.mark.django_db


def admin_client(p) -> Client:
    c = Client()
    c.force_login(p.sysadmin)
    return c


def logs_in(username: str) -> bool:
    r = Client().post("/accounts/login/", {"username": username, "password": "test-pass-123"}, REMOTE_ADDR="10.8.8.8")
    return r.status_code == 302


def event(action: str, user) -> Event:
    return Event.objects.filter(action=action, subject_id=str(user.pk)).order_by("-seq").first()


def test_the_administrator_creates_staff_with_roles_then_changes_and_finds_them(p):
    c = admin_client(p)
    r = c.post("/accounts/users/new/", {"username": "wang.fang", "display_name": "王芳", "email": "wf@example.cn",
                                        "password": "Tan-cert-2026!x", "roles": ["auditor", "technical_expert"]})
    new = User.objects.get(username="wang.fang")
    assert r.status_code == 302 and r["Location"] == f"/accounts/users/{new.pk}/"
    assert new.role_codes() == {"auditor", "technical_expert"} and new.check_password("Tan-cert-2026!x")
    assert event("user.staff_created", new)
    # The list finds her by name; the filter by role too, and not by another.
    assert "wang.fang" in c.get("/accounts/users/", {"q": "王芳"}).content.decode()
    assert "wang.fang" in c.get("/accounts/users/", {"role": "technical_expert"}).content.decode()
    assert "wang.fang" not in c.get("/accounts/users/", {"role": "decision_maker"}).content.decode()
    assert "client_a" in c.get("/accounts/users/", {"kind": "clients"}).content.decode()

    c.post(f"/accounts/users/{new.pk}/roles/", {"roles": ["auditor", "decision_maker"]})
    new = User.objects.get(pk=new.pk)
    assert new.role_codes() == {"auditor", "decision_maker"}
    e = event("user.roles_changed", new)
    assert e.data == {"granted": ["decision_maker"], "revoked": ["technical_expert"],
                      "roles": ["auditor", "decision_maker"]}
    assert "决定" in e.summary and "decision_maker" not in e.summary  # Chinese, never the code
    # A weak password and a taken name are refused on the form, nothing created.
    r = c.post("/accounts/users/new/", {"username": "wang.fang", "display_name": "王", "password": "12345678",
                                        "roles": ["auditor"]})
    assert r.status_code == 200 and User.objects.filter(username__iexact="wang.fang").count() == 1


def test_deactivated_accounts_cannot_log_in_lose_their_tokens_and_come_back(p):
    c = admin_client(p)
    create_api_token(p.client_a, "erp", by=None)
    assert c.post(f"/accounts/users/{p.client_a.pk}/deactivate/", {"reason": ""}).status_code == 302
    assert User.objects.get(pk=p.client_a.pk).is_active  # no reason, no change
    c.post(f"/accounts/users/{p.client_a.pk}/deactivate/", {"reason": "已离职"})
    gone = User.objects.get(pk=p.client_a.pk)
    assert not gone.is_active and not gone.api_tokens.filter(revoked_at__isnull=True).exists()
    assert "已离职" in event("user.deactivated", gone).summary
    assert not logs_in("client_a")
    c.post(f"/accounts/users/{p.client_a.pk}/reactivate/", {"reason": "返岗"})
    assert User.objects.get(pk=p.client_a.pk).is_active and event("user.reactivated", gone)
    assert logs_in("client_a")


def test_the_walls_of_account_management(p):
    from tancert.scheme.violations import RuleViolation

    with pytest.raises(RuleViolation) as info:  # a client account holds no staff role
        users.set_roles(p.client_a, [Role.AUDITOR], by=p.sysadmin)
    assert info.value.key == "SEC-accounts" and info.value.field == "roles"
    with pytest.raises(RuleViolation):  # the last system administrator keeps the role …
        users.set_roles(p.sysadmin, [Role.AUDITOR], by=p.sysadmin)
    with pytest.raises(RuleViolation):  # … and cannot deactivate themselves
        users.deactivate(p.sysadmin, by=p.sysadmin, reason="测试")
    with pytest.raises(RuleViolation):  # an account keeps one role: ending access is deactivation
        users.set_roles(p.lead, [], by=p.sysadmin)
    for persona in (p.reviewer, p.lead, p.client_a):
        c = Client()
        c.force_login(persona)
        for url in ("/accounts/users/", "/accounts/users/new/", f"/accounts/users/{p.lead.pk}/"):
            assert c.get(url).status_code == 403, (persona, url)
        assert c.post(f"/accounts/users/{p.lead.pk}/deactivate/", {"reason": "x"}).status_code == 403
    assert User.objects.get(pk=p.lead.pk).is_active
    assert admin_client(p).get("/accounts/users/999999999/").status_code == 404


def test_my_page_changes_the_password_and_the_email_choice(client, p):
    client.force_login(p.client_a)
    page = client.get("/me/").content.decode()
    assert 'href="/accounts/password/"' in page and 'name="email_notifications"' in page
    assert client.get("/accounts/password/").status_code == 200
    client.post("/me/notices/", {})
    assert not User.objects.get(pk=p.client_a.pk).email_notifications
    assert "关闭邮件通知" in event("user.notice_email_set", p.client_a).summary
    client.post("/me/notices/", {"email_notifications": "1"})
    assert User.objects.get(pk=p.client_a.pk).email_notifications


def test_every_account_action_has_its_chinese_label():
    for action in ("user.roles_changed", "user.deactivated", "user.reactivated", "user.notice_email_set"):
        assert action in ACTIONS
