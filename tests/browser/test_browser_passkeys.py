"""A member of staff sets up a passkey at the first log-in and signs in with password + passkey
(docs/security.md, Passkeys). Chromium's virtual authenticator (DevTools Protocol, WebAuthn domain) plays the
fingerprint reader: the page's own script (people/passkeys.js) runs under the Content-Security-Policy, and the
`people` fixture fails the test on any CSP report. Screenshots at 1366 and 390 px go to test-artifacts/."""

from __future__ import annotations

import pytest
from django_otp_webauthn.models import WebAuthnCredential
from playwright.sync_api import expect

from tancert.records.models import Event

pytestmark = pytest.mark.browser

WIDTHS = (1366, 390)
PASSWORD = "test-pass-123"  # the staff personas' password (tests/conftest.py)


def virtual_authenticator(page) -> None:
    """A platform authenticator with a resident key and user verification that always says yes."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send("WebAuthn.addVirtualAuthenticator", {"options": {
        "protocol": "ctap2", "transport": "internal", "hasResidentKey": True, "hasUserVerification": True,
        "isUserVerified": True, "automaticPresenceSimulation": True}})


def shoot(page, artifacts, name: str) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(artifacts / f"passkeys-{name}-{width}.png"), full_page=True)
        # Nothing cut off: the page is never wider than the screen.
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (name, width)
    page.set_viewport_size({"width": 1366, "height": 900})


def password(page, username: str) -> None:
    page.goto("/")
    page.click('header a[href="/accounts/login/"]')
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("main form button[type=submit]")


def test_staff_enrol_a_passkey_log_out_and_log_in_with_password_and_passkey(people, p, artifacts, live_server):
    assert live_server.url.startswith("http://localhost:")  # the RP ID of the demo and the tests
    page = people.anonymous("planner")
    virtual_authenticator(page)

    # First log-in: the enrolment page offers the passkey and the app.
    password(page, "planner")
    page.goto("/applications/")
    page.wait_for_url("**/accounts/two-factor/**")
    expect(page.locator("#passkey-register")).to_be_visible()
    expect(page.locator("#otp-secret")).to_be_visible()
    shoot(page, artifacts, "enrol")
    page.fill("#passkey-name", "办公室电脑")
    page.click("#passkey-register")
    page.wait_for_url("**/accounts/passkeys/recovery-codes/**")
    expect(page.locator("#recovery-codes li")).to_have_count(10)
    shoot(page, artifacts, "recovery-codes")
    page.click("main a.button")
    page.wait_for_url("**/applications/")
    assert WebAuthnCredential.objects.get(user=p.planner).name == "办公室电脑"
    assert Event.objects.filter(action="user.passkey_enrolled", subject_id=str(p.planner.pk)).exists()

    # The account page lists it.
    page.goto("/me/")
    expect(page.locator("#passkeys")).to_contain_text("办公室电脑")
    shoot(page, artifacts, "account")

    # Log out, log in again: password, then the passkey (codes stay as the fallback).
    with page.expect_navigation():
        page.click('header form[action="/accounts/logout/"] button')
    password(page, "planner")
    page.goto("/audits/")
    page.wait_for_url("**/accounts/verify/**")
    expect(page.locator("input[name=otp]")).to_be_visible()
    shoot(page, artifacts, "verify")
    page.click("#passkey-verify")
    page.wait_for_url("**/audits/")
    expect(page.locator("main h1")).to_be_visible()
    assert page.url.endswith("/audits/")
    assert WebAuthnCredential.objects.get(user=p.planner).last_used_at is not None

    # An API token with the passkey instead of a code: the button asks the passkey, then sends the form.
    page.goto("/me/")
    page.fill("#token-name", "脚本")
    with page.expect_navigation(url="**/me/"):
        page.click("#passkey-verify")
    expect(page.locator(".messages")).to_contain_text("tc_")
    assert p.planner.api_tokens.filter(name="脚本", revoked_at__isnull=True).exists()
