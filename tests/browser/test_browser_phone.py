"""Phones (docs/architecture.md, Phones): at 390 px the header menu folds behind one button and no page is
wider than the screen — tables scroll inside themselves."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from flow import complete_application

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _page_width(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth")


def test_the_menu_folds_and_opens_on_a_phone(people, p, artifacts):
    complete_application(p.org_a, p.client_a)
    admin = people.log_in("sysadmin")
    admin.set_viewport_size(PHONE)
    admin.goto("/accounts/users/")
    nav = admin.locator("header.top nav")
    button = admin.locator("label.menu-button")
    expect(nav).to_be_hidden()
    expect(button).to_have_text("菜单")
    assert _page_width(admin) <= PHONE["width"]  # the staff table scrolls inside itself
    admin.screenshot(path=str(artifacts / "phone-menu-closed.png"))
    button.click()
    expect(nav).to_be_visible()
    admin.screenshot(path=str(artifacts / "phone-menu-open.png"))
    with admin.expect_navigation():
        nav.get_by_role("link", name="认证申请").click()
    assert admin.url.endswith("/applications/")
    expect(admin.locator("header.top nav")).to_be_hidden()  # a new page starts with the menu folded
    assert _page_width(admin) <= PHONE["width"]

    admin.set_viewport_size({"width": 1366, "height": 900})
    expect(admin.locator("header.top nav")).to_be_visible()  # on a desktop there is no button to press
    expect(admin.locator("label.menu-button")).to_be_hidden()


def test_a_clients_pages_fit_a_phone(people, p):
    complete_application(p.org_a, p.client_a)
    client = people.log_in("client_a")
    client.set_viewport_size(PHONE)
    for url in ("/", f"/organisations/{p.org_a.pk}/"):
        client.goto(url)
        assert _page_width(client) <= PHONE["width"], url


def test_the_month_chart_stays_low_on_a_phone(people, p, artifacts):
    # Twelve months as columns across, drawn to a fixed viewBox: a phone sees them whole and not as a tall list.
    from flow import certify

    certify(complete_application(p.org_a, p.client_a), p)
    planner = people.log_in("planner")
    for size, name in ((PHONE, "phone"), ({"width": 1366, "height": 768}, "desk")):
        planner.set_viewport_size(size)
        planner.goto("/")
        chart = planner.locator("figure.chart.months svg")
        chart.scroll_into_view_if_needed()
        box = chart.bounding_box()
        assert box["height"] <= 0.45 * box["width"] and box["height"] < 200, box
        assert planner.locator("figure.chart.months rect.bar").count() == 1  # this month's certificate
        assert _page_width(planner) <= size["width"]
        planner.screenshot(path=str(artifacts / f"month-chart-{name}.png"))
