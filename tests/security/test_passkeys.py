"""Passkeys as the second factor, the real way: password, then the WebAuthn endpoints answered by a software
authenticator whose signatures the server checks (django-otp-webauthn; docs/security.md, Passkeys)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp_webauthn.models import WebAuthnCredential
from softkey import SoftKey

from tancert.people.accounts import twofactor
from tancert.records.models import Event

from flow import enrol_second_factor, otp_code

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _password(username: str, host: str = "localhost") -> Client:
    client = Client(HTTP_HOST=host)
    r = client.post("/accounts/login/", {"username": username, "password": "test-pass-123"}, REMOTE_ADDR="10.8.8.8")
    assert r.status_code == 302, r.content[:500]
    return client


def _post(client: Client, name: str, body: dict | None = None):
    return client.post(reverse(name), json.dumps(body or {}), content_type="application/json")


def _register(client: Client, key: SoftKey, name: str = "办公室电脑"):
    options = _post(client, "passkey_register_begin")
    assert options.status_code == 200, options.content
    return _post(client, "passkey_register_complete", {**key.create(options.json()), "name": name})


def _verify(client: Client, key: SoftKey, **forge):
    options = _post(client, "passkey_verify_begin")
    assert options.status_code == 200, options.content
    return _post(client, "passkey_verify_complete", key.get(options.json(), **forge))


def _enrolled(username: str) -> tuple[SoftKey, list[str]]:
    """A member of staff who chose a passkey at the first log-in; returns the key and the recovery codes."""
    client = _password(username)
    key = SoftKey()
    assert _register(client, key).status_code == 200
    codes = client.get(reverse("passkey_recovery_codes")).context["codes"]
    return key, codes


def test_first_login_enrols_a_passkey_with_ten_recovery_codes_shown_once(p):
    client = _password("planner")
    r = client.get("/applications/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("otp_enrol"))
    page = client.get(r["Location"]).content.decode()
    assert 'data-passkey="register"' in page and 'id="otp-secret"' in page  # both ways offered
    assert "<script>" not in page and "otp_webauthn_config" not in page  # nothing inline (CSP)
    done = _register(client, SoftKey())
    assert done.status_code == 200 and done.json()["recovery_codes"] is True
    codes = client.get(reverse("passkey_recovery_codes") + "?next=/applications/")
    assert codes.status_code == 200 and codes["Cache-Control"] == "no-store" and len(codes.context["codes"]) == 10
    assert client.get(reverse("passkey_recovery_codes")).status_code == 302  # shown once
    assert client.get("/applications/").status_code == 200  # this session is verified
    ev = Event.objects.get(action="user.passkey_enrolled", subject_id=str(p.planner.pk))
    assert "通行密钥" in ev.summary and "办公室电脑" in ev.summary and ev.data["recovery_codes"] == 10
    assert WebAuthnCredential.objects.get(user=p.planner).name == "办公室电脑"


@pytest.mark.parametrize("persona", ["reviewer", "lead", "sysadmin"])
def test_a_later_login_verifies_with_the_passkey_and_reaches_pages_and_api(persona, p):
    key, _codes = _enrolled(persona)
    client = _password(persona)
    r = client.get("/me/")
    assert r.status_code == 302 and r["Location"].startswith(reverse("otp_verify"))
    page = client.get(r["Location"]).content.decode()
    assert 'data-passkey="verify"' in page and 'name="otp"' in page  # the passkey, and codes as fallback
    assert client.get("/api/v1/organisations").status_code == 403
    ok = _verify(client, key)
    assert ok.status_code == 200, ok.content
    assert client.get("/me/").status_code == 200
    assert client.get("/api/v1/organisations").status_code == 200
    assert WebAuthnCredential.objects.get(user__username=persona).last_used_at is not None


def test_a_recovery_code_still_works_for_a_passkey_user(p):
    _key, codes = _enrolled("decider")
    client = _password("decider")
    assert client.post(reverse("otp_verify"), {"otp": codes[0]}).status_code == 302
    assert client.get("/me/").status_code == 200


def test_a_fresh_passkey_sign_in_stands_for_the_code_of_one_api_token(p):
    key, _codes = _enrolled("expert")
    client = _password("expert")
    assert _verify(client, key).status_code == 200
    made = client.post("/api/v1/me/tokens", json.dumps({"name": "脚本"}), content_type="application/json")
    assert made.status_code == 201, made.content
    again = client.post("/api/v1/me/tokens", json.dumps({"name": "再来"}), content_type="application/json")
    assert again.status_code == 422 and again.json()["field"] == "otp"  # once per confirmation
    assert _verify(client, key).status_code == 200  # the account page's button: confirm again, then the form
    page = client.post(reverse("token_create"), {"name": "网页"})
    assert page.status_code == 302
    assert Event.objects.filter(action="user.token_created", subject_id=str(p.expert.pk)).count() == 2


def test_a_failed_passkey_is_refused_and_recorded(p):
    key, _codes = _enrolled("reviewer")
    client = _password("reviewer")
    phishing = _verify(client, key, origin="https://tancert.example.evil")
    assert 400 <= phishing.status_code < 500 and CHINESE.search(phishing.json()["detail"])
    assert client.get("/me/").status_code == 302  # still not verified
    other_key, _ = _enrolled("planner")
    stranger = _verify(client, other_key)  # a passkey of another account
    assert stranger.status_code == 403
    events = Event.objects.filter(action="user.passkey_failed", subject_id=str(p.reviewer.pk))
    assert events.count() == 2 and all("通行密钥" in e.summary for e in events)
    # A replayed answer: the challenge is gone after its first use.
    options = _post(client, "passkey_verify_begin").json()
    answer = key.get(options)
    assert _post(client, "passkey_verify_complete", answer).status_code == 200
    assert _post(client, "passkey_verify_complete", answer).status_code == 400


def test_a_password_alone_cannot_add_a_passkey_to_an_account_with_a_second_factor(p):
    enrol_second_factor(p.lead)
    client = _password("lead")
    assert _post(client, "passkey_register_begin").status_code == 403
    assert not WebAuthnCredential.objects.filter(user=p.lead).exists()
    assert client.post(reverse("otp_verify"), {"otp": otp_code(p.lead)}).status_code == 302
    added = _register(client, SoftKey())  # verified: now it may
    assert added.status_code == 200 and added.json()["recovery_codes"] is False  # the codes stay


def test_hostile_input_is_a_4xx_and_the_wrong_host_is_told_where_passkeys_work(p):
    client = _password("auditor")
    bad = client.post(reverse("passkey_register_complete"), "{not json", content_type="application/json")
    assert 400 <= bad.status_code < 500
    _post(client, "passkey_register_begin")
    junk = _post(client, "passkey_register_complete", {"id": 1, "response": "x"})
    assert 400 <= junk.status_code < 500 and CHINESE.search(junk.json()["detail"])
    for body in ([], {"id": "AA", "rawId": "AA", "type": "public-key", "response": {"clientDataJSON": "!!",
                                                                                  "attestationObject": "AA"}},
                 {"response": {"clientDataJSON": "e30", "attestationObject": "oA"}, "id": None}):
        _post(client, "passkey_register_begin")
        r = _post(client, "passkey_register_complete", body)
        assert 400 <= r.status_code < 500, (body, r.status_code)
        _post(client, "passkey_verify_begin")
        r = _post(client, "passkey_verify_complete", body)
        assert 400 <= r.status_code < 500, (body, r.status_code)
    on_ip = _password("auditor", host="127.0.0.1")
    assert 'id="passkey-unavailable"' in on_ip.get(reverse("otp_enrol")).content.decode()
    refused = _post(on_ip, "passkey_register_begin")
    assert refused.status_code == 400 and "localhost" in refused.json()["detail"]
    assert not WebAuthnCredential.objects.exists()


def test_the_same_passkey_twice_is_a_4xx_and_nothing_half_written(p):
    key, _codes = _enrolled("reviewer")
    client = _password("reviewer")
    assert _verify(client, key).status_code == 200
    options = _post(client, "passkey_register_begin").json()
    key.credential_id = WebAuthnCredential.objects.get(user=p.reviewer).credential_id  # a replayed registration
    again = _post(client, "passkey_register_complete", key.create(options))
    assert again.status_code == 422 and CHINESE.search(again.json()["detail"])
    assert WebAuthnCredential.objects.filter(user=p.reviewer).count() == 1
    assert Event.objects.filter(action="user.passkey_enrolled", subject_id=str(p.reviewer.pk)).count() == 1


def test_passkeys_are_removed_on_the_account_page_but_never_the_last_second_factor(p):
    key, _codes = _enrolled("planner")
    client = _password("planner")
    assert _verify(client, key).status_code == 200
    only = WebAuthnCredential.objects.get(user=p.planner)
    r = client.post(reverse("passkey_remove", args=[only.pk]), follow=True)
    assert WebAuthnCredential.objects.filter(pk=only.pk).exists() and CHINESE.search(r.content.decode())
    assert _register(client, SoftKey(), name="备用钥匙").status_code == 200
    assert "备用钥匙" in client.get("/me/").content.decode()
    client.post(reverse("passkey_remove", args=[only.pk]))
    assert not WebAuthnCredential.objects.filter(pk=only.pk).exists()
    ev = Event.objects.get(action="user.passkey_removed", subject_id=str(p.planner.pk))
    assert "移除" in ev.summary
    # Someone else's passkey is not found from this account.
    _enrolled("reviewer")
    theirs = WebAuthnCredential.objects.get(user=p.reviewer)
    client.post(reverse("passkey_remove", args=[theirs.pk]))
    assert WebAuthnCredential.objects.filter(pk=theirs.pk).exists()


def test_lost_device_the_system_administrator_removes_the_passkeys_too(p):
    _enrolled("auditor")
    admin = Client()
    admin.force_login(p.sysadmin)
    assert "通行密钥" in admin.get(reverse("accounts")).content.decode()
    assert admin.post(reverse("accounts_remove_second_factor", args=[p.auditor.pk])).status_code == 302
    assert not WebAuthnCredential.objects.filter(user=p.auditor).exists() and not twofactor.has_device(p.auditor)
    client = _password("auditor")
    assert client.get("/").get("Location", "").startswith(reverse("otp_enrol"))
