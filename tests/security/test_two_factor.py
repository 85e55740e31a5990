"""The second factor for staff, the real way: password, then enrolment or a code (django-otp; docs/security.md)."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from tancert.people.accounts import actions, twofactor
from tancert.people.actions import create_api_token
from tancert.records.models import Event

from flow import enrol_second_factor, otp_code


def _password(client, username, password="test-pass-123"):
    r = client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.7.7.7")
    assert r.status_code == 302, r.content[:500]
    return client


def test_first_login_of_staff_enrols_with_a_qr_code_and_gives_ten_recovery_codes_once(client, p):
    _password(client, "planner")
    r = client.get("/applications/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("otp_enrol"))
    page = client.get(r["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and 'id="otp-secret"' in html
    assert "http" not in re.search(r"<svg.*?</svg>", html, re.S).group(0).replace("http://www.w3.org", "")
    key = client.session["otp_pending_key"]
    bad = client.post(reverse("otp_enrol"), {"otp": "000000"})
    assert bad.status_code == 200 and "otp" in bad.context["form"].errors
    code = f"{TOTP(bytes.fromhex(key)).token():06d}"
    done = client.post(reverse("otp_enrol"), {"otp": code, "next": "/applications/"})
    assert done.status_code == 200 and done["Cache-Control"] == "no-store"
    codes = done.context["codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert client.get("/applications/").status_code == 200
    ev = Event.objects.get(action="user.otp_enrolled", subject_id=str(p.planner.pk))
    assert "双因素" in ev.summary
    # Shown once: the enrolment page now sends the user on.
    assert client.get(reverse("otp_enrol")).status_code == 302


@pytest.mark.parametrize("persona", ["reviewer", "planner", "lead", "expert", "decider", "certadmin", "sysadmin"])
def test_every_staff_role_is_asked_for_the_code_and_reaches_nothing_before(persona, p):
    user = getattr(p, persona)
    enrol_second_factor(user)
    client = _password(Client(), persona)
    for url in ("/", "/me/", "/audits/", "/records/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith(reverse("otp_verify")), url
    api = client.get("/api/v1/organisations")
    assert api.status_code == 403 and re.search(r"[\u4e00-\u9fff]", api.json()["detail"])
    r = client.post(reverse("otp_verify"), {"otp": otp_code(user), "next": "/me/"})
    assert r.status_code == 302 and r["Location"] == "/me/"
    assert client.get("/me/").status_code == 200
    assert client.get("/api/v1/organisations").status_code == 200


def test_a_code_is_good_once_and_wrong_codes_are_refused(p):
    device = enrol_second_factor(p.reviewer)
    first = _password(Client(), "reviewer")
    code = otp_code(p.reviewer)
    assert first.post(reverse("otp_verify"), {"otp": code}).status_code == 302
    second = _password(Client(), "reviewer")
    r = second.post(reverse("otp_verify"), {"otp": code})
    assert r.status_code == 200 and "otp" in r.context["form"].errors
    assert second.get("/me/").status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_wrong_codes_slow_down(p):
    enrol_second_factor(p.reviewer)
    client = _password(Client(), "reviewer")
    for _i in range(3):
        client.post(reverse("otp_verify"), {"otp": "000000"})
    r = client.post(reverse("otp_verify"), {"otp": otp_code(p.reviewer)})
    assert r.status_code == 200
    assert "稍等" in r.content.decode() or "太多" in r.content.decode()


def test_a_recovery_code_logs_in_once_and_is_recorded(p):
    key = twofactor.new_secret()
    _device, codes = actions.enrol_second_factor(p.lead, key=key, code=f"{TOTP(bytes.fromhex(key)).token():06d}",
                                                 by=p.lead)
    client = _password(Client(), "lead")
    assert client.post(reverse("otp_verify"), {"otp": codes[0].upper()}).status_code == 302
    assert client.get("/me/").status_code == 200
    ev = Event.objects.get(action="user.recovery_code_used")
    assert ev.data["left"] == 9
    again = _password(Client(), "lead")
    assert again.post(reverse("otp_verify"), {"otp": codes[0]}).status_code == 200


def test_clients_are_not_forced_but_may_opt_in(p):
    client = _password(Client(), "client_a")
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/organisations").status_code == 200
    enrol_second_factor(p.client_a)
    opted = _password(Client(), "client_a")
    assert opted.get("/").status_code == 302


def test_the_system_administrator_removes_a_lost_device_and_the_user_enrols_again(p):
    enrol_second_factor(p.auditor)
    admin = Client()
    admin.force_login(p.sysadmin)
    assert "auditor" in admin.get(reverse("accounts")).content.decode()
    r = admin.post(reverse("accounts_remove_second_factor", args=[p.auditor.pk]))
    assert r.status_code == 302
    assert not twofactor.has_device(p.auditor)
    assert Event.objects.filter(action="user.otp_removed", subject_id=str(p.auditor.pk)).exists()
    client = _password(Client(), "auditor")
    assert client.get("/").get("Location", "").startswith(reverse("otp_enrol"))
    outsider = Client()
    outsider.force_login(p.reviewer)
    assert outsider.post(reverse("accounts_remove_second_factor", args=[p.sysadmin.pk])).status_code == 403


def test_an_api_token_for_staff_needs_a_current_code(p):
    enrol_second_factor(p.certadmin)
    _token, staff_secret = create_api_token(p.certadmin, "cli", by=None)  # the server's command line
    auth = {"HTTP_AUTHORIZATION": f"Bearer {staff_secret}"}
    api = Client()
    r = api.post("/api/v1/me/tokens", {"name": "more"}, content_type="application/json", **auth)
    assert r.status_code == 422 and r.json()["field"] == "otp"
    assert re.search(r"[\u4e00-\u9fff]", r.json()["message_zh"])
    r = api.post("/api/v1/me/tokens", {"name": "more", "otp": "123456"}, content_type="application/json", **auth)
    assert r.status_code == 422
    # The wait after a wrong code is test_wrong_codes_slow_down's; here the right code comes after it.
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.get(user=p.certadmin).throttle_reset()
    r = api.post("/api/v1/me/tokens", {"name": "more", "otp": otp_code(p.certadmin)}, content_type="application/json",
                 **auth)
    assert r.status_code == 201 and r.json()["token"].startswith("tc_")


def test_a_client_token_needs_no_code(client, p):
    client.force_login(p.client_a)
    r = client.post("/api/v1/me/tokens", {"name": "erp"}, content_type="application/json")
    assert r.status_code == 201


def test_the_token_form_on_the_account_page_asks_staff_for_the_code(client, p):
    client.force_login(p.decider)
    assert 'name="otp"' in client.get(reverse("me")).content.decode()
    client.post(reverse("token_create"), {"name": "x"})
    assert not p.decider.api_tokens.exists()
    client.post(reverse("token_create"), {"name": "x", "otp": otp_code(p.decider)})
    assert p.decider.api_tokens.count() == 1


def test_new_recovery_codes_replace_the_old(client, p):
    client.force_login(p.decider)
    r = client.post(reverse("otp_recovery_codes"))
    assert r.status_code == 200 and len(r.context["codes"]) == 10
    assert Event.objects.filter(action="user.recovery_codes_renewed").exists()


def test_enrolment_twice_is_refused(p, rule):
    enrol_second_factor(p.expert)
    key = twofactor.new_secret()
    with rule(twofactor.OTP_KEY, field="otp"):
        actions.enrol_second_factor(p.expert, key=key, code=f"{TOTP(bytes.fromhex(key)).token():06d}", by=p.expert)
