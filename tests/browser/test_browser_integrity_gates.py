"""The gates a team leader and a decision maker meet in the browser (R7.4.1-S2, R6.2-sampling, R7.4.3, R7.5.1):
stage 2 does not close before its last planned day, nor while the sampled carbon data are unchecked, and no
decision is recorded before the signed report — each refusal in Chinese with its rule key, nothing changed."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tancert.audits.carbon import actions as carbon
from tancert.audits.models import Audit
from tancert.certificates.models import Decision

from flow import (
    CONDITIONS_MET,
    accept_and_contract,
    answer_checklist,
    close,
    closing_day,
    complete_application,
    plan_initial,
    sign_report,
    verify_carbon,
)

pytestmark = pytest.mark.browser


def submit(page, form: str):
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


def test_stage2_stays_open_before_its_day_and_with_the_sample_unchecked_and_no_decision_without_the_report(
        people, p, artifacts):
    app = complete_application(p.org_a, p.client_a)
    accept_and_contract(app, p)
    s1, s2 = plan_initial(app, p, start=timezone.localdate())  # stage 2 ends the day after tomorrow
    close(s1, p.lead)
    answer_checklist(s2, p.lead)
    from flow import calibrated, inventory_bytes

    carbon.upload_inventory(s2, by=p.client_a, filename="inventory.json", content=inventory_bytes(calibrated))

    lead = people.log_in("lead")
    form = 'form[action$="/complete/"]'

    def try_to_close():
        lead.goto(f"/audits/{s2.pk}/")
        lead.fill(f"{form} textarea[name=conclusion]", "符合")
        lead.select_option(f"{form} select[name=recommendation]", "recommend")
        submit(lead, form)
        return lead.locator(".messages .error")

    error = try_to_close()
    expect(error).to_contain_text(s2.end_date.isoformat())
    expect(error).to_contain_text("结束审核")
    expect(error).to_contain_text("R7.4.1-S2")
    assert Audit.objects.get(pk=s2.pk).status != Audit.COMPLETED
    lead.screenshot(path=str(artifacts / "gate-stage2-before-its-day.png"), full_page=True)

    with closing_day(s2):  # the day after stage 2's last day: the page's server runs on the same clock
        error = try_to_close()
        expect(error).to_contain_text("抽样")
        expect(error).to_contain_text("R6.2-sampling")
        assert Audit.objects.get(pk=s2.pk).status != Audit.COMPLETED
        lead.screenshot(path=str(artifacts / "gate-stage2-carbon-unverified.png"), full_page=True)

        # The team verifies and closes; the report is not signed yet.
        s2 = Audit.objects.get(pk=s2.pk)
        verify_carbon(s2, p.lead)
        from tancert.audits import actions as audits

        audits.complete_audit(Audit.objects.get(pk=s2.pk), by=p.lead, conclusion="符合",
                              recommendation=Audit.RECOMMEND)

        decider = people.log_in("decider")
        decider.goto(f"/decisions/audit/{s2.pk}/")
        dform = 'form[action$="/decide/"]'
        decider.select_option(f"{dform} select[name=outcome]", "grant")
        for code, answer in CONDITIONS_MET.items():
            decider.select_option(f"{dform} select[name={code}_met]", "yes")
            decider.fill(f"{dform} input[name={code}_evidence]", answer["evidence"])
        submit(decider, dform)
        error = decider.locator(".messages .error")
        expect(error).to_contain_text("审核报告尚未签署")
        expect(error).to_contain_text("R7.5.1")
        assert not Decision.objects.exists()
        decider.screenshot(path=str(artifacts / "gate-decision-without-report.png"), full_page=True)

        sign_report(Audit.objects.get(pk=s2.pk), p.lead)
        decider.goto(f"/decisions/audit/{s2.pk}/")
        decider.select_option(f"{dform} select[name=outcome]", "grant")
        for code, answer in CONDITIONS_MET.items():
            decider.select_option(f"{dform} select[name={code}_met]", "yes")
            decider.fill(f"{dform} input[name={code}_evidence]", answer["evidence"])
        submit(decider, dform)
        expect(decider.locator(".messages .error")).to_have_count(0)
        assert Decision.objects.get().grants
