"""The programme manager's planning walkthrough in a real browser (docs/planning.md §7): build the programme,
ask for a team suggestion, have a rejected team fixed by the suggestion, plan, confirm the team and
issue the audit plan PDF. Elements are found by URLs, names, ids and classes, never by visible text."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from flow import accept_and_contract, complete_application

pytestmark = pytest.mark.browser


def submit(page, selector: str):
    with page.expect_navigation():
        page.click(selector)


def test_programme_manager_builds_programme_fixes_team_and_issues_plan(people, p, artifacts):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)  # accepted, contract signed and paid, the register entries of the team
    day = (timezone.localdate() + timedelta(days=14)).isoformat()

    planner = people.log_in("planner")
    planner.goto(f"/organisations/{p.org_a.pk}/")
    planner.click("#programme-link")
    planner.wait_for_url(f"**/organisations/{p.org_a.pk}/programme/")
    submit(planner, "#build-programme")
    expect(planner.locator("#entry-stage1-0")).to_be_visible()
    expect(planner.locator("#entry-stage2-0")).to_be_visible()

    planner.click(f'main a[href="/applications/{app.pk}/plan/"]')
    planner.wait_for_url(f"**/applications/{app.pk}/plan/")
    expect(planner.locator("#calculated-days")).to_be_visible()
    planner.select_option("select[name=kind]", "stage1")
    planner.fill("input[name=start_date]", day)
    planner.fill("input[name=end_date]", day)
    planner.fill("input[name=auditor_days]", "1")
    # A team the register rejects: the outsider has no registration and cannot lead.
    planner.select_option("select[name=leader]", str(p.outsider.pk))
    submit(planner, "#plan-form button[name=plan]")
    expect(planner.locator("#plan-form .errorlist .rule", has_text="R4.A1").first).to_be_visible()
    assert not app.audits.exists()

    # The suggestion: ranked teams, and why the others (the outsider among them) are not proposed.
    submit(planner, "#suggest")
    expect(planner.locator(".suggestion").first).to_be_visible()
    expect(planner.locator("#excluded .rule", has_text="R4.A1").first).to_be_visible()
    planner.screenshot(path=str(artifacts / "planning-suggestion.png"), full_page=True)
    submit(planner, ".suggestion >> nth=0 >> form.use-team button")
    expect(planner.locator("select[name=leader]")).to_have_value(str(p.lead.pk))
    expect(planner.locator("#plan-form .errorlist")).to_have_count(0)
    submit(planner, "#plan-form button[name=plan]")
    planner.wait_for_url(re.compile(r"/audits/\d+/$"))
    audit_id = int(re.search(r"/audits/(\d+)/$", planner.url).group(1))
    expect(planner.locator("h1 .status.planned")).to_be_visible()

    submit(planner, "#confirm-team button")
    expect(planner.locator("#team-confirmed")).to_be_visible()
    submit(planner, "#edit-agenda")
    submit(planner, "#agenda-form button[type=submit]")  # the agenda the page proposes, saved (CB-audit-plan)
    expect(planner.locator("#agenda-saved")).to_be_visible()
    planner.click(f'main a[href="/audits/{audit_id}/"]')
    planner.wait_for_url(re.compile(r"/audits/\d+/$"))
    planner.fill("#issue-plan textarea[name=key_points]", "重点核查排放源识别的完整性及计量器具检定")
    submit(planner, "#issue-plan button")
    link = planner.locator(f'#plan-documents a[href="/audits/{audit_id}/plan/1.pdf"]')
    expect(link).to_be_visible()
    response = planner.request.get(f"{people.base_url}/audits/{audit_id}/plan/1.pdf")
    assert response.ok and response.body().startswith(b"%PDF")

    # The auditors' calendar: the team leader's row shows the new audit on its day, linked to it.
    audit = app.audits.get(pk=audit_id)
    planner.goto(f"{people.base_url}/audits/calendar/auditors/?month={audit.start_date:%Y-%m}&q=lead")
    expect(planner.locator(f'#month-grid td.cell.audit a[href="/audits/{audit_id}/"]').first).to_be_visible()
    planner.screenshot(path=str(artifacts / "planning-auditors-calendar.png"), full_page=True)
    planner.context.close()

    # The client of that organisation downloads the plan too.
    client = people.log_in("client_a")
    response = client.request.get(f"{people.base_url}/audits/{audit_id}/plan/1.pdf")
    assert response.ok and response.body().startswith(b"%PDF")
