"""Each role's home as a work queue, looked at in the browser at 1366 px and 390 px (screenshots kept in
test-artifacts/home-<role>-<width>.png), and one irreversible step — issuing a certificate from the home —
confirmed in the dialog (docs/web.md, "Homes as work queues", "Confirmations")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tancert.certificates import actions as certs
from tancert.certificates.models import Certificate
from tancert.certificates.proposals import actions as proposals

from flow import CONDITIONS_MET, certify, complete_application, register, through_audits

pytestmark = pytest.mark.browser

ROLES = ["client_a", "reviewer", "planner", "lead", "decider", "certadmin", "sysadmin"]


@pytest.fixture
def world(p):
    """A: certified and suspended, evidence sent; B: audited and decided, its certificate to issue;
    C: an application under review."""
    cert = certify(complete_application(p.org_a, p.client_a), p)
    certs.suspend_certificate(cert, by=p.decider, trigger="T1", reason="碳排放数据严重失实",
                              respond_by=timezone.localdate() + timedelta(days=30))
    proposals.send_suspension_evidence(cert, by=p.client_a, message="已重新核算 2025 年排放数据，内审报告见附件")
    s2 = through_audits(complete_application(p.org_b, p.client_b), p, start=timezone.localdate() - timedelta(days=12))
    decision = certs.decide(s2, by=p.decider, outcome="grant", conditions=CONDITIONS_MET)
    org_c, client_c = register("丙食品有限公司", "110108MA0C0003", "client_c")
    complete_application(org_c, client_c)
    return {"cert": cert, "decision": decision}


def test_every_role_sees_its_queue_on_phone_and_desktop(people, p, world, artifacts):
    for who in ROLES:
        page = people.log_in(who, confirm_dialogs=True)
        for width, height in ((1366, 900), (390, 844)):
            page.set_viewport_size({"width": width, "height": height})
            page.goto("/")
            # nothing runs off the side of a phone
            assert page.evaluate("document.documentElement.scrollWidth") <= width + 1, (who, width)
            page.screenshot(path=str(artifacts / f"home-{who}-{width}.png"), full_page=True)
        if who == "client_a":
            expect(page.locator("#next-step")).to_contain_text("您的证据已提交")
            expect(page.locator("#next-step-button")).to_have_attribute(
                "href", f"/certificates/{world['cert'].pk}/suspension-evidence/")
        if who == "certadmin":
            expect(page.locator("#queue-summary")).to_contain_text("待颁发的证书")
        if who == "sysadmin":
            expect(page.locator("#chain-status")).to_be_visible()
        page.context.close()


def test_issuing_a_certificate_asks_first_and_cancel_changes_nothing(people, p, world, artifacts):
    page = people.log_in("certadmin", confirm_dialogs=True)
    page.set_viewport_size({"width": 390, "height": 844})
    form = page.locator(f'main form[action="/decisions/{world["decision"].pk}/issue/"]')
    expect(form.locator(".confirm-check")).to_be_hidden()  # the script asks instead of the box
    form.locator("button[type=submit]").click()
    dialog = page.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("公开查询")
    expect(dialog).to_contain_text("此操作不可撤销")
    page.screenshot(path=str(artifacts / "confirm-issue-390.png"))
    page.click("#confirm-dialog-cancel")
    expect(dialog).to_be_hidden()
    assert not Certificate.objects.filter(decision=world["decision"]).exists()
    form.locator("button[type=submit]").click()
    with page.expect_navigation():
        page.click("#confirm-dialog-ok")
    assert Certificate.objects.filter(decision=world["decision"]).count() == 1
    page.context.close()


def test_without_script_the_box_must_be_ticked(people, p, world, browser):
    context = browser.new_context(base_url=people.base_url, java_script_enabled=False)
    from flow import prepare_second_factor, second_factor

    prepare_second_factor("certadmin")
    page = context.new_page()
    page.goto("/accounts/login/")
    page.fill("input[name=username]", "certadmin")
    page.fill("input[name=password]", "test-pass-123")
    page.click("main form button[type=submit]")
    second_factor(page, "certadmin")
    page.goto("/")
    form = page.locator(f'main form[action="/decisions/{world["decision"].pk}/issue/"]')
    box = form.locator("input[data-confirm-box]")
    expect(box).to_be_visible()
    assert box.evaluate("b => b.required") is True
    box.check()
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert Certificate.objects.filter(decision=world["decision"]).count() == 1
    context.close()
