"""The decision maker on a closed stage 2 audit: the audit page says it awaits the decision and leads to
the decision page (the decision is made there, never on the audit page) — on a desktop and a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from flow import complete_application, through_audits

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width,height,name", [(1280, 900, "desktop"), (390, 844, "phone")])
def test_the_audit_page_leads_the_decider_to_the_decision_page(people, p, artifacts, width, height, name):
    stage2 = through_audits(complete_application(p.org_a, p.client_a), p)
    decider = people.log_in("decider")
    decider.set_viewport_size({"width": width, "height": height})
    decider.goto(f"/audits/{stage2.pk}/")
    link = decider.locator(f'main a[href="/decisions/audit/{stage2.pk}/"]')
    expect(link).to_have_text("打开认证决定页面")
    expect(decider.locator('main form[action$="/decide/"]')).to_have_count(0)
    link.scroll_into_view_if_needed()
    decider.screenshot(path=str(artifacts / f"audit-awaits-decision-{name}.png"))
    with decider.expect_navigation():
        link.click()
    expect(decider.locator('main form[action$="/decide/"]')).to_have_count(1)
